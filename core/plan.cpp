#include "core/plan.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/api.hpp"

namespace ak {

namespace {

// The schema of a member of create_account's fields, by path ("account.name"), or null.
const Field *member_at(const Field &root, const std::string &path) {
  const Field *f = &root;
  std::size_t start = 0;
  while (f && start <= path.size()) {
    std::size_t dot = path.find('.', start);
    f = f->member(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return f;
    start = dot + 1;
  }
  return nullptr;
}

// v as the schema f takes it: members f does not know are left out (a
// Commvault contact's "type", which the account shows and create_account
// takes, but update_account does not).
Value shaped(const Field &f, const Value &v) {
  if (v.is_object() && f.type == Type::Object && !f.allow_unknown) {
    Value out = Value::object();
    for (const auto &[name, member] : v.as_object())
      if (const Field *sub = f.member(name)) out.set(name, shaped(*sub, member));
    return out;
  }
  if (v.is_array() && f.type == Type::Array && f.element) {
    Value out = Value::array();
    for (const Value &e : v.as_array()) out.as_array().push_back(shaped(*f.element, e));
    return out;
  }
  return v;
}

// The step as JSON; mask: secret fields "***" (a plan file), else as sent
// (a step the builder keeps as text until it is taken).
Value step_json(const Vendor &v, const PlanStep &step, bool mask) {
  Value out = Value::object();
  out.set("action", action_name(step.action));
  out.set("vendor", v.name);
  out.set("key", step.key);
  if (!step.id.empty()) out.set("id", step.id);
  if (step.line) out.set("line", static_cast<std::int64_t>(step.line));
  if (!step.operation.empty()) {
    out.set("operation", step.operation);
    Value fields = step.fields;
    if (mask) api::mask_secrets(fields);
    out.set("fields", std::move(fields));
  }
  if (!step.changes.empty()) {
    Value changes = Value::array();
    for (const FieldChange &c : step.changes) {
      Value one = Value::object();
      one.set("field", c.field);
      one.set("from", c.from);
      one.set("to", c.to);
      if (!c.applied) one.set("applied", false);
      changes.as_array().push_back(std::move(one));
    }
    out.set("changes", std::move(changes));
  }
  if (step.expect.is_object() && !step.expect.as_object().empty()) out.set("expect", step.expect);
  if (!step.reason.empty()) out.set("reason", step.reason);
  return out;
}

// A step back from step_json(..., false) text (the builder's own, so well formed).
PlanStep step_from_text(const std::string &text) {
  Value v = api::value_from_json(text);
  PlanStep s;
  const std::string &action = v.find("action")->as_string();
  for (int a = 0; a <= static_cast<int>(PlanAction::Remove); ++a)
    if (action == action_name(static_cast<PlanAction>(a))) s.action = static_cast<PlanAction>(a);
  auto text_of = [&](const char *name) {
    const Value *m = v.find(name);
    return m && m->is_string() ? m->as_string() : std::string();
  };
  s.key = text_of("key");
  s.id = text_of("id");
  if (const Value *line = v.find("line")) s.line = static_cast<std::size_t>(line->as_int());
  s.operation = text_of("operation");
  if (Value *fields = v.find("fields")) s.fields = std::move(*fields);
  if (const Value *changes = v.find("changes"))
    for (const Value &c : changes->as_array()) {
      const Value *applied = c.find("applied");
      s.changes.push_back({c.find("field")->as_string(), *c.find("from"), *c.find("to"), !applied});
    }
  s.expect = Value::object();
  if (Value *expect = v.find("expect")) s.expect = std::move(*expect);
  s.reason = text_of("reason");
  return s;
}

}  // namespace

// Desired records are indexed by key as they come; each account is compared
// the moment it arrives (the first with its key) and only the resulting steps
// are kept, as JSON text, so memory grows with the desired records, not with
// the accounts.
struct PlanBuilder::Impl {
  Impl(const Vendor &v, bool prune, PartnerKey key)
      : v_(v), rules_(v.reconcile), key_(std::move(key)), prune_(prune), create_(api::operation(v, "create_account")),
        update_(v.find("update_account")) {}

  // A desired record waiting for its account, kept small: a plan holds one
  // for every desired record until its steps are taken.
  struct Slot {
    std::size_t line = 0;
    std::size_t twin_line = 0;   // an earlier desired record with the same key: a conflict
    std::uint32_t accounts = 0;  // how many accounts carry its key
    char status = 0;             // the desired status: 0 (leave it), 'a'ctive, 's'uspended
    std::string key;
    // The desired fields as JSON until an account is compared; then the
    // steps it needs (step_json lines); with a second account, their ids.
    std::string text;
  };

  void add_desired(DesiredAccount d) {
    if (reading_accounts_)
      throw Error(Status::InvalidArgument, "plan: every desired record comes before the vendor's accounts");
    if (!d.status.empty() && d.status != "active" && d.status != "suspended")
      throw Error(Status::InvalidArgument,
                  "plan: record " + std::to_string(d.line) + ": status must be \"active\", \"suspended\" or none");
    // A step names its record by line, and applying takes a create's secrets
    // from the record on that line: each line is one record's.
    if (d.line == 0) throw Error(Status::InvalidArgument, "plan: a desired record's line is 1 or more");
    if (!fresh_line(d.line))
      throw Error(Status::InvalidArgument,
                  "plan: record " + std::to_string(d.line) + ": another desired record has this line");
    Slot &slot = slots_.emplace_back();
    slot.line = d.line;
    slot.status = d.status.empty() ? 0 : d.status[0];
    slot.key = key_.in_fields(d.fields);
    // A deque keeps its elements put, so the index may view their keys.
    if (!slot.key.empty())
      if (auto [it, fresh] = by_key_.emplace(slot.key, slots_.size() - 1); !fresh)
        slot.twin_line = slots_[it->second].line;
    slot.text = to_json(d.fields);
  }

  // Whether no desired record so far has this line. Records read from a
  // file come in rising lines, which need no index; the first that does not
  // rise makes one.
  bool fresh_line(std::size_t line) {
    if (lines_.empty() && line > last_line_) {
      last_line_ = line;
      return true;
    }
    if (lines_.empty())
      for (const Slot &slot : slots_) lines_.insert(slot.line);
    return lines_.insert(line).second;
  }

  // The slot's desired record, with its fields while the slot holds them.
  static DesiredAccount desired_of(const Slot &slot) {
    DesiredAccount d;
    d.line = slot.line;
    d.status = slot.status == 'a' ? "active" : slot.status == 's' ? "suspended" : "";
    if (slot.accounts == 0) d.fields = api::value_from_json(slot.text);
    return d;
  }

  void add_account(const Value &view) {
    if (taking_)
      throw Error(Status::InvalidArgument, "plan: every account comes before the steps are taken");
    reading_accounts_ = true;
    const Value *record = view.find("record");
    const std::string key = key_.in_record(record ? *record : Value()).value_or(key_text(view.find("key")));
    auto it = key.empty() ? by_key_.end() : by_key_.find(key);
    if (it == by_key_.end()) {
      only_at_vendor(view, key);
      at_vendor_.push_back(keep(steps_.back()));
      steps_.clear();
      return;
    }
    Slot &slot = slots_[it->second];
    const std::string id = key_text(view.find("id"));
    if (slot.accounts == 0) {
      compare(desired_of(slot), key, view);
      slot.text.clear();
      for (const PlanStep &s : steps_) slot.text += keep(s) + "\n";
      steps_.clear();
    } else if (slot.accounts == 1) {  // a conflict now (make_steps): keep the ids
      std::string first = slot.text.substr(0, slot.text.find('\n'));
      slot.text = step_from_text(first).id + ", " + id;
    } else {
      slot.text += ", " + id;
    }
    slot.text.shrink_to_fit();
    ++slot.accounts;
  }

  bool wants_in_flight() const {
    if (rules_.in_flight_op.empty()) return false;
    for (const Slot &slot : slots_)
      if (!slot.key.empty() && !slot.twin_line && slot.accounts == 0) return true;
    return false;
  }

  void add_in_flight(const Value &item) {
    if (taking_) throw Error(Status::InvalidArgument, "plan: every create in flight comes before the steps are taken");
    if (rules_.in_flight_op.empty())
      throw Error(Status::InvalidArgument, "plan: " + v_.name + " lists no creates in flight (it creates at once)");
    if (!item.is_object()) throw Error(Status::InvalidArgument, "plan: a create in flight is a JSON object");
    const std::string key = key_text(get_path(item, rules_.in_flight_key));
    auto it = key.empty() ? by_key_.end() : by_key_.find(key);
    const Settling *settling = v_.settling_for(create_.name);
    if (it == by_key_.end() || !settling) return;
    const std::string status = v_.status_of(api::operation(v_, settling->read_op), item);
    if (!settling->is_pending(status)) return;  // done (its account is listed) or failed (no account)
    const Operation &list = api::operation(v_, rules_.in_flight_op);
    const Value *id = list.result_id.empty() ? nullptr : item.find(list.result_id);
    in_flight_[it->second] = settling->read_op + " " + key_text(id) + " is " + status;
  }

  std::optional<PlanStep> next() {
    if (!taking_) {
      taking_ = true;
      by_key_.clear();  // it views the slots' keys, which go as their steps are taken
      std::unordered_set<std::size_t>().swap(lines_);
    }
    while (steps_.empty() && !slots_.empty()) {
      make_steps(slots_.front(), taken_++);
      slots_.pop_front();
    }
    if (steps_.empty() && next_at_vendor_ < at_vendor_.size()) {
      steps_.push_back(step_from_text(at_vendor_[next_at_vendor_]));
      std::string().swap(at_vendor_[next_at_vendor_++]);
    }
    if (steps_.empty()) return std::nullopt;
    PlanStep s = std::move(steps_.front());
    steps_.erase(steps_.begin());
    return s;
  }

  // The slot's steps into steps_ (index: its place among every desired record).
  void make_steps(const Slot &slot, std::size_t index) {
    DesiredAccount d = desired_of(slot);
    auto in_flight = slot.accounts == 0 ? in_flight_.find(index) : in_flight_.end();
    if (slot.key.empty())
      conflict(d, slot.key, "the record has no " + key_.name() + ": it cannot be matched, so it is not created");
    else if (slot.twin_line)
      conflict(d, slot.key, key_.name() + " \"" + slot.key + "\" is also the key of record " +
                                std::to_string(slot.twin_line));
    else if (in_flight != in_flight_.end())
      conflict(d, slot.key, "its account is being created (" + in_flight->second + "): plan again once it settles");
    else if (slot.accounts == 0)
      create(d, slot.key);
    else if (slot.accounts > 1)
      conflict(d, slot.key, std::to_string(slot.accounts) + " accounts carry this key: " + slot.text);
    else
      for (std::size_t at = 0, end; (end = slot.text.find('\n', at)) != std::string::npos; at = end + 1)
        steps_.push_back(step_from_text(slot.text.substr(at, end - at)));
  }

  std::string keep(const PlanStep &s) const { return to_json(step_json(v_, s, false)); }

  PlanStep &add(PlanAction action, const DesiredAccount *d, std::string key, std::string id) {
    PlanStep &s = steps_.emplace_back();
    s.action = action;
    s.key = std::move(key);
    s.id = std::move(id);
    s.line = d ? d->line : 0;
    s.expect = Value::object();
    return s;
  }

  void conflict(const DesiredAccount &d, const std::string &key, std::string why) {
    add(PlanAction::Conflict, &d, key, "").reason = std::move(why);
  }

  void create(const DesiredAccount &d, const std::string &key) {
    PlanStep &s = add(PlanAction::Create, &d, key, "");
    s.operation = create_.name;
    s.fields = d.fields;
  }

  void compare(const DesiredAccount &d, const std::string &key, const Value &account) {
    const std::string id = key_text(account.find("id"));
    const Value *record = account.find("record");
    const Value *base = rules_.compare_root.empty() ? &d.fields : get_path(d.fields, rules_.compare_root);
    std::vector<FieldChange> changes;
    Value expect = Value::object();
    if (base && base->is_object() && record && record->is_object())
      for (const auto &[name, want] : base->as_object()) diff(name, want, *record, changes, expect);
    bool any = false, blocked = false;
    for (const FieldChange &c : changes) (c.applied ? any : blocked) = true;
    const std::string status = key_text(account.find("status"));
    const bool status_differs = !d.status.empty() && d.status != status;
    const std::string cannot = "some differences cannot be applied: update_account does not take those fields";
    if (any) {
      PlanStep &s = add(PlanAction::Update, &d, key, id);
      s.operation = update_->name;
      s.fields = update_fields(id, *base, *record, changes);
      s.changes = std::move(changes);
      s.expect = std::move(expect);
      if (blocked) s.reason = cannot;
    } else if (!status_differs) {
      PlanStep &s = add(PlanAction::NoChange, &d, key, id);
      s.changes = std::move(changes);
      s.expect = std::move(expect);
      if (blocked) s.reason = cannot;
    }
    if (status_differs) {
      PlanStep &s = set_status(d, key, id, status, record);
      if (!any && blocked) {  // the drift nothing applies is shown with the status step
        s.changes.insert(s.changes.begin(), changes.begin(), changes.end());
        if (s.reason.empty()) s.reason = cannot;
      }
    }
  }

  // Compares the desired value at path with the record's; objects member by member.
  void diff(const std::string &path, const Value &want, const Value &record, std::vector<FieldChange> &changes,
            Value &expect) {
    const std::string full = rules_.compare_root.empty() ? path : rules_.compare_root + "." + path;
    if (full == rules_.key_field) return;
    const Field *schema = member_at(create_.request, full);
    if (schema && schema->secret) return;  // write-only: sent on create, never compared
    const Value *have = get_path(record, path);
    if (!have) return;  // the record does not show it: nothing to compare
    if (want.is_object() && have->is_object()) {
      for (const auto &[name, w] : want.as_object()) diff(path + "." + name, w, record, changes, expect);
      return;
    }
    expect.set(path, *have);
    const bool attributes = full == rules_.key_list && have->is_array() && want.is_array();
    if (attributes ? covers_attributes(*have, want) : covers(*have, want)) return;
    const bool takes = update_ && update_->request.member(path.substr(0, path.find('.')));
    changes.push_back({full, *have, attributes ? with_attributes(*have, want) : want, takes});
  }

  // Whether a {"key", "value"} list (Reconcile::key_list) shows every wanted
  // attribute: the element with its key covers it, wherever it stands.
  static bool covers_attributes(const Value &have, const Value &want) {
    for (const Value &w : want.as_array()) {
      const Value *found = nullptr;
      if (const Value *k = w.is_object() ? w.find("key") : nullptr)
        for (const Value &h : have.as_array())
          if (h.is_object() && h.find("key") && *h.find("key") == *k) found = &h;
      if (!found || !covers(*found, w)) return false;
    }
    return true;
  }

  // The account's attributes with the wanted ones set: each replaces the
  // element with its key, a new key is appended, the others are kept. An
  // update sends this whole list, so the account ends the same whether the
  // vendor merges the list by key or replaces it (its docs do not say).
  static Value with_attributes(const Value &have, const Value &want) {
    Value out = have;
    for (const Value &w : want.as_array()) {
      const Value *k = w.is_object() ? w.find("key") : nullptr;
      bool set = false;
      for (Value &h : out.as_array())
        if (k && h.is_object() && h.find("key") && *h.find("key") == *k) h = w, set = true;
      if (!set) out.as_array().push_back(w);
    }
    return out;
  }

  // Whether the account's value shows what is wanted: 5 and 5.0 are one
  // value; an object shows a wanted object when every member both have
  // shows the wanted one (a member it does not show cannot be compared); an
  // array, when it is as long and each element shows the wanted one (a
  // Commvault contact shows a "type" the desired one need not give);
  // everything else compares as JSON.
  static bool covers(const Value &have, const Value &want) {
    if (have.is_number() && want.is_number()) return have.as_double() == want.as_double();
    if (have.is_object() && want.is_object()) {
      for (const auto &[name, w] : want.as_object())
        if (const Value *h = have.find(name); h && !covers(*h, w)) return false;
      return true;
    }
    if (have.is_array() && want.is_array()) {
      if (have.as_array().size() != want.as_array().size()) return false;
      for (std::size_t i = 0; i < want.as_array().size(); ++i)
        if (!covers(have.as_array()[i], want.as_array()[i])) return false;
      return true;
    }
    return have == want;
  }

  // An operation's fields for the account: its id (bound as the operation
  // takes it), what it requires (from the desired record, else the
  // account's), then extra.
  Value fields_for(const Operation &op, const std::string &id, const Value *base, const Value *record,
                   const Value &extra) const {
    Value out = Value::object();
    api::bind_id(v_, op, out, Value(id));
    for (const Field &m : op.request.members) {
      if (!m.required || m.name == op.id_field) continue;
      if (const Value *b = base ? base->find(m.name) : nullptr) out.set(m.name, shaped(m, *b));
      else if (const Value *r = record ? record->find(m.name) : nullptr) out.set(m.name, shaped(m, *r));
    }
    if (extra.is_object())
      for (const auto &[name, value] : extra.as_object()) {
        const Field *f = op.request.member(name);
        out.set(name, f ? shaped(*f, value) : value);
      }
    return out;
  }

  // update_account's fields: the id, what it requires, and every top-level
  // member a change it takes is in (a nested change sends its whole member).
  Value update_fields(const std::string &id, const Value &base, const Value &record,
                      const std::vector<FieldChange> &changes) const {
    Value changed = Value::object();
    for (const FieldChange &c : changes) {
      if (!c.applied) continue;
      std::string path = rules_.compare_root.empty() ? c.field : c.field.substr(rules_.compare_root.size() + 1);
      std::string top = path.substr(0, path.find('.'));
      changed.set(top, c.field == rules_.key_list ? c.to : *base.find(top));
    }
    return fields_for(*update_, id, &base, &record, changed);
  }

  PlanStep &set_status(const DesiredAccount &d, const std::string &key, const std::string &id, const std::string &now,
                       const Value *record) {
    if (now != "active" && now != "suspended") {  // still settling (or deleted): nothing to decide yet
      PlanStep &s = add(PlanAction::Conflict, &d, key, id);
      s.reason = "the account is " + (now.empty() ? std::string("of unknown status") : now) + ", not " + d.status +
                 ": plan again once it settles";
      return s;
    }
    for (const Reconcile::StatusChange &to : rules_.to_status) {
      if (to.status != d.status) continue;
      PlanStep &s = add(to.status == "suspended" ? PlanAction::Suspend : PlanAction::Resume, &d, key, id);
      s.operation = to.operation;
      s.fields = fields_for(api::operation(v_, to.operation), id, nullptr, record, to.fields);
      s.changes.push_back({"status", Value(now), Value(d.status), true});
      s.expect.set("status", now);
      return s;
    }
    PlanStep &s = add(PlanAction::Conflict, &d, key, id);
    s.reason = v_.name + " has no operation that makes an account " + d.status + " (it is " + now + ")";
    return s;
  }

  void only_at_vendor(const Value &account, const std::string &key) {
    const std::string id = key_text(account.find("id"));
    const bool removable = prune_ && !key.empty() && !rules_.remove_op.empty();
    PlanStep &s = add(removable ? PlanAction::Remove : PlanAction::OnlyAtVendor, nullptr, key, id);
    s.expect.set("status", key_text(account.find("status")));
    if (removable) {
      s.operation = rules_.remove_op;
      s.fields = fields_for(api::operation(v_, rules_.remove_op), id, nullptr, account.find("record"),
                          rules_.remove_fields);
    } else if (key.empty()) {
      s.reason = "no " + key_.name() + ": not one of the partner's accounts, never removed";
    } else if (rules_.remove_op.empty()) {
      s.reason = v_.name + " has no operation that removes an account";
    } else {
      s.reason = "no desired record has this key (removed only when pruning)";
    }
  }

  const Vendor &v_;
  const Reconcile &rules_;
  const PartnerKey key_;
  bool prune_;
  const Operation &create_;
  const Operation *update_;
  std::deque<Slot> slots_;  // the desired records whose steps are not taken yet, in order
  std::unordered_map<std::string_view, std::size_t> by_key_;  // views slots_' keys
  std::size_t last_line_ = 0;               // while the lines rise: the last one
  std::unordered_set<std::size_t> lines_;  // once they did not: every line
  std::vector<std::string> at_vendor_;  // the steps of accounts only at the vendor (step_json text)
  std::size_t next_at_vendor_ = 0;
  std::unordered_map<std::size_t, std::string> in_flight_;  // slot index -> the create in flight ("get_fulfillment F is submitted")
  std::size_t taken_ = 0;  // slots whose steps are made
  bool reading_accounts_ = false;
  bool taking_ = false;
  std::vector<PlanStep> steps_;  // where the helpers put the steps they make
};

PlanBuilder::PlanBuilder(const Vendor &v, bool prune, const std::string &key_attribute) {
  PartnerKey key(v, key_attribute);
  if (!key.known()) throw Error(Status::InvalidArgument, key.missing());
  impl_ = std::make_unique<Impl>(v, prune, std::move(key));
}
PlanBuilder::~PlanBuilder() = default;
PlanBuilder::PlanBuilder(PlanBuilder &&) noexcept = default;
PlanBuilder &PlanBuilder::operator=(PlanBuilder &&) noexcept = default;
void PlanBuilder::add_desired(DesiredAccount d) { impl_->add_desired(std::move(d)); }
void PlanBuilder::add_account(const Value &view) { impl_->add_account(view); }
bool PlanBuilder::wants_in_flight() const { return impl_->wants_in_flight(); }
void PlanBuilder::add_in_flight(const Value &item) { impl_->add_in_flight(item); }
std::optional<PlanStep> PlanBuilder::next() { return impl_->next(); }

const char *action_name(PlanAction a) {
  switch (a) {
    case PlanAction::Create: return "create";
    case PlanAction::Update: return "update";
    case PlanAction::Suspend: return "suspend";
    case PlanAction::Resume: return "resume";
    case PlanAction::NoChange: return "no_change";
    case PlanAction::Conflict: return "conflict";
    case PlanAction::OnlyAtVendor: return "only_at_vendor";
    case PlanAction::Remove: return "remove";
  }
  return "?";
}

std::vector<PlanStep> make_plan(const Vendor &v, const std::vector<DesiredAccount> &desired,
                                const std::vector<Value> &current, bool prune, const std::vector<Value> &in_flight,
                                const std::string &key_attribute) {
  PlanBuilder builder(v, prune, key_attribute);
  for (const DesiredAccount &d : desired) builder.add_desired(d);
  for (const Value &account : current) builder.add_account(account);
  for (const Value &item : in_flight) builder.add_in_flight(item);
  std::vector<PlanStep> steps;
  while (auto step = builder.next()) steps.push_back(std::move(*step));
  return steps;
}

Value plan_step_json(const Vendor &v, const PlanStep &step) { return step_json(v, step, true); }

std::string changed_since(const Value &expect, const Value &view) {
  if (!expect.is_object()) return "";
  const Value *record = view.find("record");
  std::string out;
  for (const auto &[path, read] : expect.as_object()) {
    const Value *now = path == "status" ? view.find("status") : record ? get_path(*record, path) : nullptr;
    if (now && (*now == read || (now->is_number() && read.is_number() && now->as_double() == read.as_double())))
      continue;
    out += (out.empty() ? "" : "; ") + path + (now ? " is now " + to_json(*now) : " is gone") + ", the plan read " +
           to_json(read);
  }
  return out;
}

}  // namespace ak

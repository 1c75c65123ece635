// ActivePlatform API v3 emulator (docs/vendors/activeplatform-v3.md,
// "Sandbox"). Routes and validation come from the library's own operation
// table, so a client with validate=false gets the vendor-style 422 JSON:API
// errors instead. Sandbox choices [ours]:
//  - one reseller, id 1001, and one manager token "sandbox-v3-token" in the
//    X-Api-Token header; a missing or wrong token is 401 (the message quotes
//    a wrong token, so that tests prove the library's redaction); another
//    reseller's id is 404;
//  - writes need Content-Type application/vnd.api+json (else 415) and a body
//    {"data": {"attributes": {...}}} (else 400);
//  - accounts live in memory with ids from 3000 up and status "active"; two
//    account types (1, 2) and two classes (1 "default", 2 "postpaid"), other
//    ones are 422 on that field;
//  - get, create and update answer the id as an integer, the list as a
//    string (as the 4.4 docs type it); the list is {"data": [...]} only;
//  - page[size] defaults to 50, above max_page_size (knob, default 100) is
//    422; filter[email] (comma-separated) and filter[user_email] match
//    exactly, filter[created_at|updated_at] matches a prefix of the timestamp
//    ("2024-05-01": that day, UTC) and [gt]/[lt] compare its text,
//    filter[inn] matches nothing (no account has one).
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "core/vendors/activeplatform_v3/activeplatform_v3.hpp"
#include "sandbox/sandbox.hpp"

namespace ak::sandbox {

namespace {

constexpr const char *kToken = "sandbox-v3-token";
constexpr std::int64_t kReseller = 1001;
constexpr const char *kMediaType = "application/vnd.api+json";
constexpr const char *kClassKeys[] = {"default", "postpaid"};  // ids 1 and 2

// {"errors": [{"status", "title", "detail", "source"}]}.
Value jsonapi_error(int status, const std::string &title, const std::string &detail, Value source = Value()) {
  Value e(Object{{"status", std::to_string(status)}, {"title", title}, {"detail", detail}});
  if (!source.is_null()) e.set("source", std::move(source));
  return e;
}

Reply error(int status, const std::string &title, const std::string &detail) {
  return Reply::json(status, Value(Object{{"errors", Value(Array{jsonapi_error(status, title, detail)})}}));
}

// A field path as a JSON pointer into the attributes ("a[0].b" -> /a/0/b),
// or a query parameter of a list ("filter.email" -> filter[email]).
Value source_of(const std::string &path, bool query) {
  if (query) {
    std::string param;
    size_t dot = path.find('.');
    param = path.substr(0, dot);
    while (dot != std::string::npos) {
      size_t next = path.find('.', dot + 1);
      param += "[" + path.substr(dot + 1, next == std::string::npos ? std::string::npos : next - dot - 1) + "]";
      dot = next;
    }
    return Value(Object{{"parameter", param}});
  }
  std::string pointer = "/data/attributes/";
  for (char c : path) pointer += (c == '.' || c == '[') ? '/' : c;
  std::erase(pointer, ']');
  return Value(Object{{"pointer", pointer}});
}

Reply field_errors(const std::vector<FieldError> &errors, bool query) {
  Array list;
  for (const auto &e : errors)
    list.push_back(jsonapi_error(422, "Invalid Attribute", e.message, source_of(e.path, query)));
  return Reply::json(422, Value(Object{{"errors", Value(std::move(list))}}));
}

std::string now_iso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return date;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return n;
}

// Matches path against "/api/v3/resellers/{reseller_id}/accounts/{account_id}"
// segment by segment, capturing each placeholder's text.
bool route_matches(const std::string &pattern, const std::string &path, std::map<std::string, std::string> &params) {
  size_t i = 0, j = 0;
  params.clear();
  while (i < pattern.size() && j < path.size()) {
    size_t pe = pattern.find('/', i + 1), te = path.find('/', j + 1);
    std::string seg = pattern.substr(i, pe - i), got = path.substr(j, te - j);
    if (seg.starts_with("/{")) {
      if (got.size() < 2) return false;
      params[seg.substr(2, seg.size() - 3)] = got.substr(1);
    } else if (seg != got) {
      return false;
    }
    i = pe == std::string::npos ? pattern.size() : pe;
    j = te == std::string::npos ? path.size() : te;
  }
  return i == pattern.size() && j == path.size();
}

// "page[size]=2&filter[created_at][gt]=x" as the operation's fields: a key
// the schema names as is stays flat, others nest by their brackets.
Value query_fields(const Field &schema, const Pairs &query) {
  Value out = Value::object();
  for (const auto &[k, v] : query) {
    const Field *flat = schema.member(k);
    if (flat) {
      auto n = flat->type == Type::Integer ? parse_int(v) : std::nullopt;
      out.set(k, n ? Value(*n) : Value(v));
      continue;
    }
    std::vector<std::string> keys;
    size_t open = k.find('[');
    keys.push_back(k.substr(0, open));
    while (open != std::string::npos) {
      size_t close = k.find(']', open);
      if (close == std::string::npos) break;
      keys.push_back(k.substr(open + 1, close - open - 1));
      open = k.find('[', close);
    }
    Value *at = &out;
    for (size_t i = 0; i + 1 < keys.size(); ++i) {
      Value *next = at->find(keys[i]);
      if (!next || !next->is_object()) next = &at->set(keys[i], Value::object());
      at = next;
    }
    at->set(keys.back(), v);
  }
  return out;
}

std::string text(const Value &obj, const char *key) {
  const Value *v = obj.find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

class ActivePlatformV3Emulator final : public Emulator {
 public:
  const char *vendor() const override { return "activeplatform-v3"; }

  bool set_option(const std::string &name, const std::string &value) override {
    if (name != "max_page_size") return false;
    auto n = parse_int(value);
    if (!n || *n < 1) throw std::invalid_argument("sandbox option \"max_page_size\" must be an integer of at least 1");
    std::lock_guard lock(mu_);
    max_page_size_ = *n;
    return true;
  }

  Value credentials() const override {
    return Value(Object{{"api_token", kToken}, {"reseller_id", std::to_string(kReseller)}});
  }

  Reply handle(const Request &req) override {
    const Operation *op = nullptr;
    bool path_known = false;
    std::map<std::string, std::string> params;
    for (const auto &o : activeplatform_v3().operations) {
      if (!route_matches(o.path, req.path, params)) continue;
      path_known = true;
      if (req.method == method_name(o.method)) {
        op = &o;
        break;
      }
    }
    if (!op) return path_known ? error(405, "Method Not Allowed", "method not allowed") : error(404, "Not Found", "no such endpoint");
    if (auto denied = check_token(req)) return *denied;
    if (parse_int(params["reseller_id"]) != kReseller) return error(404, "Not Found", "Reseller not found");

    Value fields = Value::object();
    if (op->kind == OpKind::List || op->method == Method::Get) {
      fields = query_fields(op->request, req.query);
    } else {
      const std::string *type = req.header("content-type");
      if (!type || !type->starts_with(kMediaType))
        return error(415, "Unsupported Media Type", std::string("Content-Type must be ") + kMediaType);
      if (auto bad = attributes(req.body, fields)) return *bad;
    }
    std::lock_guard lock(mu_);
    Value *account = nullptr;
    if (!op->id_field.empty()) {
      auto id = parse_int(params[op->id_field]);
      auto it = id ? accounts_.find(*id) : accounts_.end();
      if (it == accounts_.end()) return error(404, "Not Found", "Account not found");
      account = &it->second;
      fields.set(op->id_field, *id);  // the path's id, so the rules see it
    }
    std::vector<FieldError> problems;
    validate(op->request, fields, problems);
    std::erase_if(problems, [](const FieldError &e) { return e.rule == "unknown_field"; });  // ignored
    check_references(fields, problems);
    const Value *size = fields.find("page[size]");
    if (size && size->is_int() && size->as_int() > max_page_size_)
      problems.push_back({"page[size]", "vendor", "must be at most " + std::to_string(max_page_size_)});
    if (!problems.empty()) return field_errors(problems, op->kind == OpKind::List);

    switch (op->kind) {
      case OpKind::Create: return create(*op, fields);
      case OpKind::Read: return Reply::json(200, document(*account, false));
      case OpKind::Update: return update(*op, fields, *account);
      case OpKind::List: return list(fields);
      case OpKind::Delete: break;
    }
    return error(405, "Method Not Allowed", "method not allowed");
  }

 private:
  static std::optional<Reply> check_token(const Request &req) {
    const std::string *token = req.header("x-api-token");
    if (!token) return error(401, "Unauthorized", "X-Api-Token is required");
    if (*token != kToken) return error(401, "Unauthorized", "X-Api-Token \"" + *token + "\" is not valid");
    return std::nullopt;
  }

  // The body's data.attributes into fields, or the 400 a malformed body gets.
  static std::optional<Reply> attributes(const std::string &body, Value &fields) {
    Value doc;
    try {
      doc = parse_json(body);
    } catch (const JsonError &) {
      return error(400, "Bad Request", "the request body is not valid JSON");
    }
    const Value *data = doc.is_object() ? doc.find("data") : nullptr;
    const Value *attrs = data && data->is_object() ? data->find("attributes") : nullptr;
    if (!attrs || !attrs->is_object())
      return error(400, "Bad Request", "the body must be {\"data\": {\"attributes\": {...}}}");
    fields = *attrs;
    return std::nullopt;
  }

  static void check_references(const Value &fields, std::vector<FieldError> &out) {
    const Value *type = fields.find("account_type_id");
    if (type && type->is_int() && type->as_int() != 1 && type->as_int() != 2)
      out.push_back({"account_type_id", "vendor", "does not exist"});
    const Value *key = fields.find("account_class_key");
    if (key && key->is_string() && key->as_string() != kClassKeys[0] && key->as_string() != kClassKeys[1])
      out.push_back({"account_class_key", "vendor", "does not exist"});
  }

  // {"data": {"id", "type", "attributes"}}; listed ids are strings.
  static Value resource(const Value &account, bool listed) {
    Value attrs = account;
    std::int64_t id = attrs.find("id")->as_int();
    attrs.erase("id");
    return Value(Object{{"id", listed ? Value(std::to_string(id)) : Value(id)},
                        {"type", "accounts"},
                        {"attributes", std::move(attrs)}});
  }
  static Value document(const Value &account, bool listed) { return Value(Object{{"data", resource(account, listed)}}); }

  static Value blank(std::int64_t id, const std::string &now) {
    return Value(Object{
        {"id", id}, {"created_at", now}, {"updated_at", now}, {"reseller_id", kReseller}, {"name", ""},
        {"account_class_id", 1}, {"account_type_id", nullptr}, {"primary_name", ""}, {"first_name", ""},
        {"middle_name", ""}, {"last_name", ""}, {"country", ""}, {"region", ""}, {"city", ""}, {"street", ""},
        {"building", ""}, {"office", ""}, {"zip", ""}, {"phone", ""}, {"email", ""}, {"status", "active"},
        {"balance", "0.00"}, {"usable_balance", "0.00"}, {"current_debt", 0.0},
        {"subscription_credit_limit", 0.0}, {"owner_id", nullptr}, {"manager_id", nullptr},
        {"tech_user_id", nullptr},
    });
  }

  // The operation's fields the account model holds; the class by its key.
  static void apply(const Operation &op, const Value &fields, Value &account) {
    for (const auto &f : op.request.members) {
      const Value *v = fields.find(f.name);
      if (!v || f.in_path) continue;
      if (f.name == "account_class_key") account.set("account_class_id", v->as_string() == kClassKeys[0] ? 1 : 2);
      else if (account.find(f.name)) account.set(f.name, *v);
    }
    account.set("name", text(account, "first_name") + " " + text(account, "last_name"));
  }

  Reply create(const Operation &op, const Value &fields) {
    std::string now = now_iso();
    Value account = blank(next_account_++, now);
    apply(op, fields, account);
    const Value *owner = fields.find("owner_id");
    Value owner_id = owner && owner->is_int() ? *owner : Value(next_user_++);  // else a new owner user
    account.set("owner_id", owner_id);
    account.set("tech_user_id", owner_id);
    accounts_[account.find("id")->as_int()] = account;
    return Reply::json(201, document(account, false));
  }

  Reply update(const Operation &op, const Value &fields, Value &account) {
    apply(op, fields, account);
    account.set("updated_at", now_iso());
    return Reply::json(200, document(account, false));
  }

  Reply list(const Value &fields) {
    auto int_or = [&](const char *key, std::int64_t fallback) {
      const Value *v = fields.find(key);
      return v && v->is_int() ? v->as_int() : fallback;
    };
    std::int64_t page = int_or("page[number]", 1), size = int_or("page[size]", 50);
    const Value *filter = fields.find("filter");
    std::vector<const Value *> hits;
    for (const auto &[id, account] : accounts_)
      if (!filter || matches(*filter, account)) hits.push_back(&account);
    Array items;
    // page and size are positive and size at most max_page_size (validated):
    // a page past the end is empty, and the product cannot overflow.
    auto before = static_cast<std::uint64_t>(page - 1);
    auto skip = before < hits.size() ? before * static_cast<std::uint64_t>(size) : hits.size();
    for (std::uint64_t i = skip; i < hits.size() && items.size() < static_cast<std::uint64_t>(size); ++i)
      items.push_back(resource(*hits[i], true));
    return Reply::json(200, Value(Object{{"data", Value(std::move(items))}}));
  }

  static bool matches(const Value &filter, const Value &account) {
    for (const auto &[key, want] : filter.as_object()) {
      if (key == "created_at" || key == "updated_at") {
        std::string have = text(account, key.c_str());
        if (want.is_string() && !have.starts_with(want.as_string())) return false;  // that day (or moment)
        if (!want.is_object()) continue;
        std::string gt = text(want, "gt"), lt = text(want, "lt");
        if ((!gt.empty() && !(have > gt)) || (!lt.empty() && !(have < lt))) return false;
        continue;
      }
      if (!want.is_string()) continue;
      if (key == "inn") return false;
      // email: any of a comma-separated list; user_email: the owner's, here the contact's.
      std::string have = text(account, "email"), list = want.as_string();
      bool any = false;
      for (size_t start = 0; start <= list.size();) {
        size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        any = any || list.substr(start, comma - start) == have;
        start = comma + 1;
      }
      if (!any) return false;
    }
    return true;
  }

  std::mutex mu_;
  std::map<std::int64_t, Value> accounts_;
  std::int64_t next_account_ = 3000;
  std::int64_t next_user_ = 9000;
  std::int64_t max_page_size_ = 100;
};

}  // namespace

std::unique_ptr<Emulator> make_activeplatform_v3() { return std::make_unique<ActivePlatformV3Emulator>(); }

}  // namespace ak::sandbox

// ActivePlatform vendor API v1 emulator. Routes and validation come from the
// library's own operation table, so a client with validate=false gets the
// vendor-style 422 {"errors": {"field": ["message"]}} answers instead.
// Sandbox choices (docs/vendors/activeplatform.md, "Sandbox"):
//  - api_token "sandbox-api-token"; a missing or wrong token is 401 {"error"},
//    and the message quotes a wrong token so that tests prove the library's
//    redaction;
//  - accounts live in memory with ids from 500 up and status "active";
//  - two account classes (1 "Default", 2 "Postpaid") and two account types
//    (1 "Personal BLR", 2 "Business"); other ids are 422 on that field;
//  - list: per_page defaults to 25 and above max_per_page (knob, default 100)
//    is 422; filters status/email match exactly, created_at/updated_at match
//    a prefix of the timestamp; the answer is a bare JSON array.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <map>
#include <cstdio>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "core/vendors/activeplatform/activeplatform.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/vendors/activeplatform_support.hpp"
#include "sandbox/vendors/activeplatform_users.hpp"

namespace ak::sandbox {

namespace {

using namespace activeplatform_support;

struct AccountClass {
  std::int64_t id;
  const char *name;
  const char *payment_model;
  double financial_blocking_threshold;
  double subscription_credit_limit;
};
constexpr AccountClass kClasses[] = {{1, "Default", "prepay", 100.0, 0.0}, {2, "Postpaid", "postpay", 500.0, 1000.0}};

struct AccountType {
  std::int64_t id;
  const char *name;
};
constexpr AccountType kTypes[] = {{1, "Personal BLR"}, {2, "Business"}};

// Each threshold that an account either takes from its class or sets itself.
struct Limit {
  const char *use_system, *value;
  double AccountClass::*class_value;
};
constexpr Limit kLimits[] = {
    {"financial_blocking_threshold_use_system", "financial_blocking_threshold", &AccountClass::financial_blocking_threshold},
    {"subscription_credit_limit_use_system", "subscription_credit_limit", &AccountClass::subscription_credit_limit},
};

template <class T, size_t N>
const T *by_id(const T (&table)[N], const Value *id) {
  if (!id || !id->is_int()) return nullptr;
  for (const T &row : table)
    if (row.id == id->as_int()) return &row;
  return nullptr;
}

class ActivePlatformEmulator final : public Emulator {
 public:
  const char *vendor() const override { return "activeplatform"; }

  bool set_option(const std::string &name, const std::string &value) override {
    if (name != "max_per_page") return false;
    auto n = parse_int(value);
    if (!n || *n < 1) throw std::invalid_argument("sandbox option \"max_per_page\" must be an integer of at least 1");
    std::lock_guard lock(mu_);
    max_per_page_ = *n;
    return true;
  }

  Value credentials() const override { return Value(Object{{"api_token", kToken}}); }

  Reply handle(const Request &req) override {
    const Operation *op = nullptr;
    bool path_known = false;
    std::string id_text;
    for (const auto &o : activeplatform().operations) {
      if (!route_matches(o.path, req.path, id_text)) continue;
      path_known = true;
      if (req.method == method_name(o.method)) {
        op = &o;
        break;
      }
    }
    if (!op) return path_known ? error(405, "method not allowed") : error(404, "no such endpoint");
    if (auto denied = check_token(req)) return *denied;

    Value fields = Value::object();
    if (op->kind == OpKind::List) {
      fields = query_fields(op->request, req.query);
    } else if (!req.body.empty()) {
      try {
        fields = parse_json(req.body);
      } catch (const JsonError &) {
        return error(400, "the request body is not valid JSON");
      }
      if (!fields.is_object()) return error(400, "the request body must be a JSON object");
    }
    std::lock_guard lock(mu_);
    Value *account = nullptr;
    const bool users = op->name.find("user") != std::string::npos;
    if (op->id_field == "user_id") {
      auto id = parse_int(id_text);
      if (!id || !users_.exists(*id)) return error(404, "User not found");
      fields.set(op->id_field, *id);
    } else if (!op->id_field.empty()) {
      auto id = parse_int(id_text);
      auto it = id ? accounts_.find(*id) : accounts_.end();
      if (it == accounts_.end()) return error(404, "Account not found");
      account = &it->second;
      fields.set(op->id_field, *id);  // the path's id, so the rules see it
    }
    std::vector<FieldError> problems;
    validate(op->request, fields, problems);
    std::erase_if(problems, [](const FieldError &e) { return e.rule == "unknown_field"; });  // the vendor ignores them
    check_references(fields, problems);
    if (op->kind == OpKind::List) check_list(fields, problems, users);
    if (!problems.empty()) return field_errors(problems);
    if (users) return users_.handle(*op, fields);

    switch (op->kind) {
      case OpKind::Create: return create(*op, fields);
      case OpKind::Read: return Reply::json(200, *account);
      case OpKind::Update: return update(*op, fields, *account);
      case OpKind::List: return list(fields);
      case OpKind::Delete: break;
    }
    return error(405, "method not allowed");
  }

 private:
  static constexpr const char *kToken = "sandbox-api-token";
  static constexpr std::int64_t kDefaultPerPage = 25;

  static std::optional<Reply> check_token(const Request &req) {
    for (const auto &[k, v] : req.query) {
      if (k != "api_token") continue;
      if (v == kToken) return std::nullopt;
      return error(401, "api_token \"" + v + "\" is not valid");
    }
    return error(401, "api_token is required");
  }

  // Ids of the installation's catalogue that do not exist.
  static void check_references(const Value &fields, std::vector<FieldError> &out) {
    const Value *cls = fields.find("account_class_id");
    if (cls && cls->is_int() && !by_id(kClasses, cls)) out.push_back({"account_class_id", "vendor", "does not exist"});
    const Value *type = fields.find("account_type_id");
    if (type && type->is_int() && !by_id(kTypes, type)) out.push_back({"account_type_id", "vendor", "does not exist"});
  }

  // The page size cap, and sorting by a field the model has (scalar).
  void check_list(const Value &fields, std::vector<FieldError> &out, bool users) const {
    const Value *per = fields.find("per_page");
    if (per && per->is_int() && per->as_int() > max_per_page_)
      out.push_back({"per_page", "vendor", "must be at most " + std::to_string(max_per_page_)});
    const Value *sorting = fields.find("sorting");
    const Value *key = sorting && sorting->is_object() ? sorting->find("field") : nullptr;
    if (key && key->is_string()) {
      static const char *const user_fields[] = {"id", "first_name", "middle_name", "last_name", "email",
                                                "status", "created_at", "updated_at"};
      const Value fields_of_an_account = blank(0, "");
      const Value *model = fields_of_an_account.find(key->as_string());
      bool sortable = users ? std::find(std::begin(user_fields), std::end(user_fields), key->as_string()) !=
                                  std::end(user_fields)
                            : model && !model->is_array() && !model->is_object();
      if (!sortable)
        out.push_back({"sorting.field", "vendor", std::string("is not a sortable ") + (users ? "user" : "account") +
                                                      " field"});
    }
  }

  // The seed's response model with class defaults, before the request's fields.
  static Value blank(std::int64_t id, const std::string &now) {
    return Value(Object{
        {"id", id}, {"name", ""}, {"account_class_id", nullptr}, {"account_class", nullptr},
        {"primary_name", ""}, {"first_name", ""}, {"middle_name", ""}, {"last_name", ""},
        {"country", ""}, {"region", ""}, {"city", ""}, {"street", ""}, {"building", ""}, {"office", ""},
        {"zip", ""}, {"phone", ""}, {"email", ""}, {"status", "active"}, {"balance", 0.0},
        {"account_type_id", nullptr}, {"account_type", nullptr}, {"default_payment_model", nullptr},
        {"current_debt", 0.0},
        {"financial_blocking_threshold_use_system", true}, {"financial_blocking_threshold", nullptr},
        {"subscription_credit_limit_use_system", true}, {"subscription_credit_limit", nullptr},
        {"manager_id", nullptr}, {"owner_id", nullptr},
        {"new_owner_first_name", nullptr}, {"new_owner_last_name", nullptr},
        {"new_owner_middle_name", nullptr}, {"new_owner_email", nullptr},
        {"tech_user_id", nullptr}, {"bill_user_id", nullptr},
        {"custom_attributes", Value::array()}, {"created_at", now}, {"updated_at", now},
    });
  }

  // Copies the operation's fields that the response model holds. new_owner_*
  // describe a user to create and read back as null, as in the seed.
  static void apply(const Operation &op, const Value &fields, Value &account) {
    for (const auto &f : op.request.members) {
      const Value *v = fields.find(f.name);
      // The account's own id never changes: an "id" in the body (seed 002's
      // example sends one) is ignored.
      if (!v || f.in_path || f.name == op.result_id || f.name.starts_with("new_owner_") || !account.find(f.name))
        continue;
      if (f.name == "custom_attributes") merge_attributes(*account.find(f.name), *v);
      else account.set(f.name, *v);
    }
  }

  // Names from the catalogue, thresholds that follow the class, the display name.
  static void derive(const Value &fields, Value &account) {
    const AccountClass *cls = by_id(kClasses, account.find("account_class_id"));
    const AccountType *type = by_id(kTypes, account.find("account_type_id"));
    account.set("account_class", cls->name);
    account.set("default_payment_model", cls->payment_model);
    account.set("account_type", type->name);
    for (const Limit &l : kLimits) {
      // A value given on its own overrides the class's.
      if (fields.find(l.value) && !fields.find(l.use_system)) account.set(l.use_system, false);
      if (account.find(l.use_system)->as_bool()) account.set(l.value, cls->*l.class_value);
    }
    // First, middle and last name: an empty middle name leaves two spaces, as
    // in the seed's example ("Marcelo  Ivanou").
    account.set("name", text(account, "first_name") + " " + text(account, "middle_name") + " " +
                            text(account, "last_name"));
  }

  Reply create(const Operation &op, const Value &fields) {
    std::string now = now_iso();
    Value account = blank(next_account_++, now);
    apply(op, fields, account);
    // An existing owner, or a new user (the new owner, else the contact person).
    Value owner_id(users_.owner_for(fields, account.find("id")->as_int()));
    account.set("owner_id", owner_id);
    account.set("tech_user_id", owner_id);
    account.set("bill_user_id", owner_id);
    derive(fields, account);
    std::int64_t id = account.find("id")->as_int();
    accounts_[id] = account;
    return Reply::json(201, account);
  }

  Reply update(const Operation &op, const Value &fields, Value &account) {
    apply(op, fields, account);
    derive(fields, account);
    account.set("updated_at", now_iso());
    return Reply::json(200, account);
  }

  Reply list(const Value &fields) {
    std::vector<const Value *> all;
    for (const auto &entry : accounts_) all.push_back(&entry.second);
    return listing(std::move(all), fields, kDefaultPerPage);
  }

  std::mutex mu_;
  std::map<std::int64_t, Value> accounts_;
  std::int64_t next_account_ = 500;
  ActivePlatformUsers users_;
  std::int64_t max_per_page_ = 100;
};

}  // namespace

std::unique_ptr<Emulator> make_activeplatform() { return std::make_unique<ActivePlatformEmulator>(); }

}  // namespace ak::sandbox

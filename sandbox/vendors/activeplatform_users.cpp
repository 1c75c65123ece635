#include "sandbox/vendors/activeplatform_users.hpp"

#include "sandbox/vendors/activeplatform_support.hpp"

namespace ak::sandbox {

using namespace activeplatform_support;

namespace {

constexpr std::int64_t kDefaultPerPage = 25;
constexpr const char *kNames[] = {"first_name", "middle_name", "last_name"};

std::int64_t int_at(const Value &fields, const char *key) {
  const Value *v = fields.find(key);
  return v && v->is_int() ? v->as_int() : 0;
}

}  // namespace

// The user model [doc]: no password, ever.
Value ActivePlatformUsers::make(const Value &fields) {
  std::string now = now_iso();
  Value user(Object{{"id", next_++}, {"first_name", ""}, {"middle_name", ""}, {"last_name", ""},
                    {"email", text(fields, "email")}, {"status", "active"}, {"custom_attributes", Value::array()},
                    {"created_at", now}, {"updated_at", now}});
  for (const char *k : kNames)
    if (const Value *v = fields.find(k); v && v->is_string()) user.set(k, *v);
  if (const Value *attrs = fields.find("custom_attributes"); attrs && attrs->is_array())
    merge_attributes(*user.find("custom_attributes"), *attrs);
  return user;
}

std::int64_t ActivePlatformUsers::owner_for(const Value &account_fields, std::int64_t account_id) {
  // An owner_id the sandbox does not know is taken as given (the installation's
  // users predate the sandbox); only known users list the account.
  std::int64_t id = int_at(account_fields, "owner_id");
  if (!id) {
    Value person = Value::object();
    bool new_owner = account_fields.find("new_owner_email") != nullptr;
    for (const char *k : {"first_name", "middle_name", "last_name", "email"}) {
      const Value *v = account_fields.find(new_owner ? "new_owner_" + std::string(k) : std::string(k));
      if (v) person.set(k, *v);
    }
    Value user = make(person);
    id = user.find("id")->as_int();
    users_[id] = std::move(user);
  }
  accounts_[id].insert(account_id);
  return id;
}

Reply ActivePlatformUsers::create(const Operation &op, const Value &fields) {
  std::string email = text(fields, "email");
  for (const auto &entry : users_)
    if (text(entry.second, "email") == email)
      return field_errors({{"email", "vendor", "has already been taken"}});
  (void)op;
  Value user = make(fields);
  std::int64_t id = user.find("id")->as_int();
  users_[id] = user;
  return Reply::json(201, user);
}

Reply ActivePlatformUsers::handle(const Operation &op, const Value &fields) {
  if (op.name == "create_user") return create(op, fields);
  if (op.name == "list_users" || op.name == "list_account_users") {
    std::int64_t account = op.name == "list_account_users" ? int_at(fields, "account_id") : 0;
    std::vector<const Value *> all;
    for (const auto &entry : users_)
      if (!account || accounts_[entry.first].count(account)) all.push_back(&entry.second);
    // An account's users come in one answer (no paging [doc]).
    return listing(std::move(all), account ? Value::object() : fields, account ? 1'000'000 : kDefaultPerPage);
  }
  auto it = users_.find(int_at(fields, "user_id"));
  if (it == users_.end()) return error(404, "User not found");
  if (op.name == "get_user") return Reply::json(200, it->second);
  // update_user: the names and attributes given change; a password is checked, not kept.
  Value &user = it->second;
  for (const char *k : kNames)
    if (const Value *v = fields.find(k); v && v->is_string()) user.set(k, *v);
  if (const Value *attrs = fields.find("custom_attributes"); attrs && attrs->is_array())
    merge_attributes(*user.find("custom_attributes"), *attrs);
  user.set("updated_at", now_iso());
  return Reply::json(200, user);
}

}  // namespace ak::sandbox

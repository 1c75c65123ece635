// ActivePlatform vendor API v1 (seed 002; ../shared/VENDORS.md section 2).
// Every installation has its own host, so base_url is always configured. The
// manager's api_token travels as a query parameter; errors are HTTP statuses
// with {"error": "..."} or {"errors": {"field": ["...", ...]}} bodies.
#include "core/vendors/activeplatform/activeplatform.hpp"
#include "core/vendors/activeplatform/users.hpp"

#include "core/auth.hpp"
#include "core/formats.hpp"
#include "core/vendors/activeplatform/shared.hpp"

namespace ak {

namespace activeplatform_shared {

Field account_id() { return Field::integer("account_id").gt0().path_param().req().describe("the account (path)"); }

Field custom_attributes() {
  // The value's type "depends on the Account type" [doc]: any JSON value,
  // null included; the vendor judges it against the attribute's definition.
  return Field::array("custom_attributes", Field::object("", {
      Field::string("key").req().describe("the attribute's API key"),
      Field::any("value").null_ok().describe("any JSON value, as the attribute requires"),
  })).describe("additional attributes (of the account type, or of users)");
}

AccountView account_view() {
  AccountView t;
  t.id = {"id"};
  // The company name for a legal entity, else the contact person's name [ours].
  t.name = {"primary_name", "name"};
  t.status = {"status"};
  t.email = {"email"};
  t.country = {"country"};
  t.created = {"created_at"};
  t.updated = {"updated_at"};
  t.statuses = {{"active", "active"},
                {"administrative hold", "suspended"},
                {"credit hold", "suspended"},
                {"deleted", "deleted"}};
  return t;
}

// The contact person and address, in the seed's order: required on create,
// each optional on update (seed 002).
std::vector<Field> contact(bool required) {
  auto r = [required](Field f) { return required ? std::move(f).req() : std::move(f); };
  return {
      Field::string("primary_name").describe("company name, if the customer is a legal entity"),
      r(Field::string("first_name")),
      Field::string("middle_name"),
      r(Field::string("last_name")),
      r(Field::string("country").fmt(formats::kCountry).describe("ISO 3166-1 alpha-2 code that exists")),
      r(Field::string("region")),
      r(Field::string("city")),
      r(Field::string("street")),
      r(Field::string("building")),
      r(Field::string("office")),
      r(Field::string("zip")),
      r(Field::string("phone").fmt(formats::kPhonePlusOr00).describe("+375295555555 or 00375295555555")),
      r(Field::string("email").fmt(formats::kEmail)),
  };
}

// A short one-line text body (not HTML) is taken as the vendor's message.
std::string plain_message(const std::string &body) {
  if (body.empty() || body.size() > 200 || body.front() == '<') return {};
  for (char c : body)
    if (c == '\n' || c == '\r') return {};
  return body;
}

std::string rejected_summary(const std::vector<FieldError> &fields, const std::vector<std::string> &parts) {
  if (parts.empty()) return {};
  std::string message = fields.empty() ? "" : "the vendor rejected " + std::to_string(fields.size()) +
                                                  (fields.size() == 1 ? " field: " : " fields: ");
  for (size_t i = 0; i < parts.size(); ++i) message += (i ? "; " : "") + parts[i];
  return message;
}

Error failure(const HttpResponse &resp, const std::string &said, std::vector<FieldError> fields) {
  std::string http = "HTTP " + std::to_string(resp.status);
  Error e = http_error(resp, said.empty() ? http : said + " (" + http + ")");
  e.fields = std::move(fields);
  return e;
}

}  // namespace activeplatform_shared

namespace {

using activeplatform_shared::account_id;
using activeplatform_shared::contact;
using activeplatform_shared::custom_attributes;
using activeplatform_shared::plain_message;

constexpr const char *kAccounts = "/api/vendor/v1/accounts.json";
constexpr const char *kAccount = "/api/vendor/v1/accounts/{account_id}.json";

// The documented account statuses, kept verbatim as the normalised status.
std::vector<Value> statuses() { return {"active", "administrative hold", "credit hold", "deleted"}; }

bool given(const Value &obj, const std::string &field) {
  const Value *v = obj.find(field);
  return v && !v->is_null();
}

std::string names(const std::vector<std::string> &fields) {
  std::string s;
  for (size_t i = 0; i < fields.size(); ++i) s += (i ? ", " : "") + fields[i];
  return s;
}

std::string at(const std::string &prefix, const std::string &field) {
  return prefix.empty() ? field : prefix + "." + field;
}

// [ours] field must not be given together with any of others.
CrossRule excludes(std::string field, std::vector<std::string> others) {
  return [=](const Value &obj, const std::string &prefix, std::vector<FieldError> &out) {
    if (!given(obj, field)) return;
    std::vector<std::string> present;
    for (const auto &o : others)
      if (given(obj, o)) present.push_back(o);
    if (!present.empty())
      out.push_back({at(prefix, field), "conflict", "must not be given together with " + names(present)});
  };
}

// [ours] When trigger is given, each of fields is required too.
CrossRule requires_with(std::string trigger, std::vector<std::string> fields) {
  return [=](const Value &obj, const std::string &prefix, std::vector<FieldError> &out) {
    if (!given(obj, trigger)) return;
    for (const auto &f : fields)
      if (!given(obj, f)) out.push_back({at(prefix, f), "required_if", "is required when " + trigger + " is given"});
  };
}

// [ours] An integer field within [lo, hi].
CrossRule between(std::string field, std::int64_t lo, std::int64_t hi) {
  return [=](const Value &obj, const std::string &prefix, std::vector<FieldError> &out) {
    const Value *v = obj.find(field);
    if (v && v->is_int() && (v->as_int() < lo || v->as_int() > hi))
      out.push_back({at(prefix, field), "range",
                     "must be between " + std::to_string(lo) + " and " + std::to_string(hi)});
  };
}

void add(std::vector<Field> &to, std::vector<Field> more) {
  for (auto &f : more) to.push_back(std::move(f));
}

Operation create_account() {
  Operation op = operation("create_account", OpKind::Create, Method::Post, kAccounts);
  op.result_id = "id";
  op.result_status = "status";
  std::vector<Field> fields = {
      Field::integer("account_type_id").gt0().req(),
      Field::integer("account_class_id").gt0().req(),
  };
  add(fields, contact(true));
  add(fields, {
      Field::integer("owner_id").gt0().describe("an existing user who becomes the owner"),
      Field::string("new_owner_first_name").describe("a new owner is created (with last name and email)"),
      Field::string("new_owner_middle_name"),
      Field::string("new_owner_last_name"),
      Field::string("new_owner_email").fmt(formats::kEmail),
      Field::integer("manager_id").gt0(),
      Field::integer("billing_day").describe("day of the month invoices are created, 1..31"),
      custom_attributes(),
  });
  op.request = Field::object("", std::move(fields));
  const std::vector<std::string> new_owner = {"new_owner_first_name", "new_owner_middle_name",
                                              "new_owner_last_name", "new_owner_email"};
  op.request.rules = {
      excludes("owner_id", new_owner),
      all_or_none({"new_owner_first_name", "new_owner_last_name", "new_owner_email"}),
      requires_with("new_owner_middle_name", {"new_owner_first_name", "new_owner_last_name", "new_owner_email"}),
      between("billing_day", 1, 31),
  };
  return op;
}

Operation get_account() {
  Operation op = operation("get_account", OpKind::Read, Method::Get, kAccount);
  op.id_field = "account_id";
  op.result_id = "id";
  op.result_status = "status";
  op.request = Field::object("", {account_id()});
  return op;
}

Operation list_accounts() {
  Operation op = operation("list_accounts", OpKind::List, Method::Get, kAccounts);
  op.list_key = "accounts";  // the vendor answers a bare array; decode() puts it here
  op.result_id = "id";       // of each item
  op.result_status = "status";
  op.paging = {"page", "per_page", 1, 25, ""};
  op.request = Field::object("", {
      Field::integer("page").gt0().describe("1 is the first page"),
      Field::integer("per_page").gt0(),
      Field::object("sorting", {
          Field::string("field").req().describe("an account field, e.g. created_at"),
          Field::boolean("reversed"),
      }),
      Field::object("filters", {
          Field::string("status").values(statuses()),
          Field::string("email"),
          Field::string("created_at"),
          Field::string("updated_at"),
      }),
  });
  return op;
}

Operation update_account() {
  Operation op = operation("update_account", OpKind::Update, Method::Put, kAccount);
  op.id_field = "account_id";
  op.result_id = "id";
  op.result_status = "status";
  std::vector<Field> fields = {
      account_id(),
      // Seed 002's own request example carries the account's id in the body
      // (550, with 505 in the path): accepted and sent as given [ours]; the
      // path's account_id names the account.
      Field::integer("id").describe("not needed: account_id (the path) names the account"),
      Field::integer("account_class_id").gt0(),
  };
  add(fields, contact(false));
  add(fields, {
      Field::integer("account_type_id").gt0(),
      Field::integer("manager_id").gt0(),
      Field::boolean("financial_blocking_threshold_use_system").describe("true: the account class's value"),
      Field::number("financial_blocking_threshold").describe("meaningful with ..._use_system false"),
      Field::boolean("subscription_credit_limit_use_system").describe("true: the account class's value"),
      Field::number("subscription_credit_limit").describe("meaningful with ..._use_system false"),
      custom_attributes(),
  });
  // A threshold is documented as meaningful with its use_system false; it is
  // accepted with true as well, because the vendor's own answers carry both
  // (seed 002's response) and a get-then-update round trip must validate.
  op.request = Field::object("", std::move(fields));
  return op;
}


// The vendor's words for a failed request and, for {"errors": {...}}, one
// field error per message. Unknown shapes give an empty message.
std::string read_failure(const std::string &body, std::vector<FieldError> &fields) {
  Value v;
  try {
    v = parse_json(body);
  } catch (const JsonError &) {
    return plain_message(body);
  }
  if (v.is_string()) return v.as_string();
  if (!v.is_object()) return {};
  std::string message;
  if (const Value *e = v.find("error"); e && e->is_string()) message = e->as_string();
  const Value *errors = v.find("errors");
  std::vector<std::string> parts;
  auto note = [&](const std::string &field, const Value &m) {
    if (!m.is_string()) return;
    if (field.empty()) {
      parts.push_back(m.as_string());
    } else {
      // A field error always says something, even when the vendor's text is empty.
      std::string text = m.as_string().empty() ? "was rejected by the vendor" : m.as_string();
      fields.push_back({field, "vendor", text});
      parts.push_back(field + " " + text);
    }
  };
  if (errors && errors->is_object()) {
    for (const auto &[field, msgs] : errors->as_object()) {
      if (msgs.is_array())
        for (const auto &m : msgs.as_array()) note(field, m);
      else
        note(field, msgs);
    }
  } else if (errors && errors->is_array()) {
    for (const auto &m : errors->as_array()) note("", m);
  }
  if (message.empty()) message = activeplatform_shared::rejected_summary(fields, parts);
  return message;
}

class ActivePlatform final : public Vendor {
 public:
  ActivePlatform() {
    name = "activeplatform";
    display_name = "ActivePlatform vendor API v1";
    credential_options = {"api_token"};
    secret_options = {"api_token"};
    operations = {create_account(), get_account(), list_accounts(), update_account()};
    for (auto &op : activeplatform_user_operations()) operations.push_back(std::move(op));
    account_view = activeplatform_shared::account_view();
    // No account field holds the partner's key; a custom attribute the
    // installation defines can [doc], named by the partner (docs/plan.md).
    // There is no status operation and no delete in v1: a desired status is
    // a conflict and accounts only here are reported, never removed.
    reconcile.key_list = "custom_attributes";
  }

  std::unique_ptr<Authenticator> authenticator(const Options &opts) const override {
    return std::make_unique<QueryTokenAuth>("api_token", require_option(opts, "api_token", name));
  }

  Value decode(const Operation &op, const HttpResponse &resp) const override {
    if (!is_2xx(resp.status)) {
      std::vector<FieldError> fields;
      std::string said = read_failure(resp.body, fields);
      throw activeplatform_shared::failure(resp, said, std::move(fields));
    }
    if (resp.body.empty() && op.list_key.empty()) return Value::object();  // e.g. 204
    Value body;
    try {
      body = parse_json_in_place(resp.body);
    } catch (const JsonError &) {
      throw decode_failure("the response is not valid JSON", resp);
    }
    if (!op.list_key.empty()) {
      // A bare JSON array of accounts; the pager reads it under list_key.
      if (!body.is_array()) throw decode_failure("the response is not a JSON array of accounts", resp);
      return Value(Object{{op.list_key, std::move(body)}});
    }
    if (!body.is_object()) throw decode_failure("the response is not a JSON object", resp);
    return body;
  }
};

}  // namespace

const Vendor &activeplatform() {
  static const ActivePlatform v;
  return v;
}

}  // namespace ak

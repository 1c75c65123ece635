// The ActivePlatform v1 vendor (seed 002, VENDORS.md section 2): its field
// rules at their boundaries, request building (path escaping, query encoding,
// api_token in the query) and the response decoder.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/client.hpp"
#include "core/redact.hpp"
#include "core/request.hpp"
#include "core/vendors/activeplatform/activeplatform.hpp"

using ak::FieldError;
using ak::Status;
using ak::Value;

namespace {

using Errors = std::vector<FieldError>;

const ak::Vendor &ap() { return ak::activeplatform(); }

const ak::Operation &op(std::string_view name) {
  const ak::Operation *o = ap().find(name);
  if (!o) throw std::logic_error("activeplatform has no operation " + std::string(name));
  return *o;
}

std::string describe(const Errors &errors) {
  std::string s = std::to_string(errors.size()) + " error(s):";
  for (const auto &e : errors) s += "\n  [" + e.path + "] " + e.rule + ": " + e.message;
  return s;
}

Errors errors_for(std::string_view op_name, const Value &v) {
  Errors out;
  ak::validate(op(op_name).request, v, out);
  return out;
}

testing::AssertionResult no_errors(const Errors &errors) {
  if (errors.empty()) return testing::AssertionSuccess();
  return testing::AssertionFailure() << describe(errors);
}

testing::AssertionResult has_error(const Errors &errors, std::string_view path, std::string_view rule) {
  for (const auto &e : errors)
    if (e.path == path && e.rule == rule) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "no [" << path << "] " << rule << " in " << describe(errors);
}

testing::AssertionResult only_error(const Errors &errors, std::string_view path, std::string_view rule) {
  if (errors.size() == 1 && errors[0].path == path && errors[0].rule == rule) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "want only [" << path << "] " << rule << ", got " << describe(errors);
}

Value with(Value v, std::string_view key, Value field) {
  v.set(key, std::move(field));
  return v;
}

Value json(std::string_view text) { return ak::parse_json(text); }

// Every required create_account field, valid (the seed's example values).
Value valid_create() {
  return json(R"({"account_type_id":1,"account_class_id":1,"first_name":"Marcelo","last_name":"Ivanou",
    "country":"BY","region":"5","city":"Minsk","street":"Lenina","building":"1","office":"","zip":"220007",
    "phone":"+375295555555","email":"test@example.com"})");
}

Value valid_update() { return Value(ak::Object{{"account_id", 505}}); }

Errors create_with(std::string_view key, Value v) { return errors_for("create_account", with(valid_create(), key, std::move(v))); }
Errors update_with(std::string_view key, Value v) { return errors_for("update_account", with(valid_update(), key, std::move(v))); }
// Errors for base with the members of a JSON object added.
Errors errors_plus(std::string_view op_name, Value base, std::string_view fields) {
  Value more = json(fields);
  for (auto &[k, x] : more.as_object()) base.set(k, x);
  return errors_for(op_name, base);
}
Errors create_plus(std::string_view fields) { return errors_plus("create_account", valid_create(), fields); }
Errors update_plus(std::string_view fields) { return errors_plus("update_account", valid_update(), fields); }

const std::vector<std::string> kRequiredCreate = {"account_type_id", "account_class_id", "first_name", "last_name",
                                                  "country", "region", "city", "street", "building", "office",
                                                  "zip", "phone", "email"};

// The fields of seed 002's "Update an Account" table, in its order, and the
// "id" its request example carries (accepted and sent as given).
const std::vector<std::string> kSeedUpdateFields = {
    "account_id", "id", "account_class_id", "primary_name", "first_name", "middle_name", "last_name", "country",
    "region", "city", "street", "building", "office", "zip", "phone", "email", "account_type_id", "manager_id",
    "financial_blocking_threshold_use_system", "financial_blocking_threshold",
    "subscription_credit_limit_use_system", "subscription_credit_limit", "custom_attributes"};

}  // namespace

// ================================================================ the vendor

TEST(ActivePlatformVendor, NamesCredentialsAndNoDefaultHost) {
  EXPECT_EQ(ap().name, "activeplatform");
  EXPECT_EQ(ap().display_name, "ActivePlatform vendor API v1");
  EXPECT_EQ(ap().default_base_url, "");
  EXPECT_EQ(ap().credential_options, std::vector<std::string>{"api_token"});
  EXPECT_EQ(ap().secret_options, std::vector<std::string>{"api_token"});
  EXPECT_EQ(ak::find_vendor("activeplatform"), &ap());
  EXPECT_TRUE(ap().settlings.empty());  // synchronous
}

TEST(ActivePlatformVendor, CreateUserIsFoundAgainByItsEmailOnly) {
  const ak::Operation &create = op("create_user");
  EXPECT_EQ(create.natural_key, "email");  // the login: required, so never generated
  EXPECT_TRUE(create.request.member("email")->required);
  EXPECT_EQ(create.lookup_op, "list_users");
  EXPECT_EQ(create.lookup_filter, "filters.email");  // the lookup reads only that user
  EXPECT_TRUE(create.request.member("password")->secret);
  EXPECT_TRUE(op("update_user").request.member("password")->secret);
  EXPECT_EQ(op("update_user").request.member("email"), nullptr);  // the login cannot change [doc]
}

TEST(ActivePlatformVendor, OperationsMethodsAndPaths) {
  struct Want {
    const char *name;
    ak::OpKind kind;
    ak::Method method;
    const char *path;
    const char *id_field;
  };
  const Want wants[] = {
      {"create_account", ak::OpKind::Create, ak::Method::Post, "/api/vendor/v1/accounts.json", ""},
      {"get_account", ak::OpKind::Read, ak::Method::Get, "/api/vendor/v1/accounts/{account_id}.json", "account_id"},
      {"list_accounts", ak::OpKind::List, ak::Method::Get, "/api/vendor/v1/accounts.json", ""},
      {"update_account", ak::OpKind::Update, ak::Method::Put, "/api/vendor/v1/accounts/{account_id}.json", "account_id"},
      {"create_user", ak::OpKind::Create, ak::Method::Post, "/api/vendor/v1/users.json", ""},
      {"get_user", ak::OpKind::Read, ak::Method::Get, "/api/vendor/v1/users/{user_id}.json", "user_id"},
      {"update_user", ak::OpKind::Update, ak::Method::Put, "/api/vendor/v1/users/{user_id}.json", "user_id"},
      {"list_users", ak::OpKind::List, ak::Method::Get, "/api/vendor/v1/users.json", ""},
      {"list_account_users", ak::OpKind::List, ak::Method::Get, "/api/vendor/v1/accounts/{account_id}/users.json",
       "account_id"},
  };
  ASSERT_EQ(ap().operations.size(), std::size(wants));
  for (const Want &w : wants) {
    const ak::Operation &o = op(w.name);
    EXPECT_EQ(o.kind, w.kind) << w.name;
    EXPECT_EQ(o.method, w.method) << w.name;
    EXPECT_EQ(o.path, w.path) << w.name;
    EXPECT_EQ(o.id_field, w.id_field) << w.name;
    EXPECT_EQ(o.result_id, "id") << w.name;
    EXPECT_EQ(o.result_status, "status") << w.name;
  }
}

TEST(ActivePlatformVendor, ListPagesByPageAndPerPageWithoutTotal) {
  const ak::Operation &list = op("list_accounts");
  EXPECT_EQ(list.list_key, "accounts");
  EXPECT_EQ(list.paging.page_param, "page");
  EXPECT_EQ(list.paging.size_param, "per_page");
  EXPECT_EQ(list.paging.first_page, 1);
  EXPECT_EQ(list.paging.total_path, "");
}

TEST(ActivePlatformVendor, UpdateAcceptsExactlyTheSeedFieldsAllOptionalButTheId) {
  std::vector<std::string> names;
  for (const auto &f : op("update_account").request.members) {
    names.push_back(f.name);
    EXPECT_EQ(f.required, f.name == "account_id") << f.name;
  }
  EXPECT_EQ(names, kSeedUpdateFields);
}

TEST(ActivePlatformVendor, AccountIdIsAPathParameter) {
  for (const char *name : {"get_account", "update_account"}) {
    const ak::Field *id = op(name).request.member("account_id");
    ASSERT_NE(id, nullptr) << name;
    EXPECT_TRUE(id->in_path) << name;
    EXPECT_EQ(id->type, ak::Type::Integer) << name;
  }
}

// ================================================================ create_account

TEST(ActivePlatformCreate, TheSeedsValuesPass) { EXPECT_TRUE(no_errors(errors_for("create_account", valid_create()))); }

TEST(ActivePlatformCreate, EmptyBodyReportsEveryRequiredField) {
  Errors errors = errors_for("create_account", Value::object());
  EXPECT_EQ(errors.size(), kRequiredCreate.size()) << describe(errors);
  for (const auto &f : kRequiredCreate) EXPECT_TRUE(has_error(errors, f, "required"));
}

TEST(ActivePlatformCreate, EveryOptionalFieldMayBeGiven) {
  EXPECT_TRUE(no_errors(create_plus(R"({"primary_name":"ACME","middle_name":"","owner_id":874,"manager_id":50,
    "billing_day":15,"custom_attributes":[{"key":"personal_number","value":"A4411111BB1199"}]})")));
  EXPECT_TRUE(no_errors(create_plus(R"({"new_owner_first_name":"Ada","new_owner_middle_name":"B",
    "new_owner_last_name":"Lovelace","new_owner_email":"ada@example.com"})")));
}

TEST(ActivePlatformCreate, CountryMustBeAnAssignedAlpha2Code) {
  for (const char *ok : {"BY", "IL", "US", "GB"}) EXPECT_TRUE(no_errors(create_with("country", ok))) << ok;
  for (const char *bad : {"XX", "by", "UK", "B", "BLR", ""})
    EXPECT_TRUE(only_error(create_with("country", bad), "country", "country")) << bad;
}

TEST(ActivePlatformCreate, PhoneIsPlusOr00ThenDigits) {
  for (const char *ok : {"+375295555555", "00375295555555", "+1234567"})
    EXPECT_TRUE(no_errors(create_with("phone", ok))) << ok;
  for (const char *bad : {"375295555555", "+", "00", "+12345", "+375 29 555 55 55", "+375-29-5555555", "0375295555555",
                          "+3752955555551234"})
    EXPECT_TRUE(only_error(create_with("phone", bad), "phone", "phone")) << bad;
}

TEST(ActivePlatformCreate, EmailMustBeAnEmail) {
  EXPECT_TRUE(no_errors(create_with("email", "a.b@example.co")));
  for (const char *bad : {"test", "test@", "@example.com", "a b@example.com", "a@example"})
    EXPECT_TRUE(only_error(create_with("email", bad), "email", "email")) << bad;
}

TEST(ActivePlatformCreate, TypeAndClassIdsArePositiveIntegers) {
  for (const char *f : {"account_type_id", "account_class_id"}) {
    EXPECT_TRUE(no_errors(create_with(f, 1))) << f;
    EXPECT_TRUE(only_error(create_with(f, 0), f, "positive")) << f;
    EXPECT_TRUE(only_error(create_with(f, -1), f, "positive")) << f;
    EXPECT_TRUE(only_error(create_with(f, "1"), f, "type")) << f;
    EXPECT_TRUE(only_error(create_with(f, 1.5), f, "type")) << f;
    EXPECT_TRUE(only_error(create_with(f, Value()), f, "required")) << f;
  }
}

TEST(ActivePlatformCreate, OwnerIdAndManagerIdArePositive) {
  for (const char *f : {"owner_id", "manager_id"}) {
    EXPECT_TRUE(no_errors(create_with(f, 874))) << f;
    EXPECT_TRUE(only_error(create_with(f, 0), f, "positive")) << f;
  }
}

TEST(ActivePlatformCreate, OwnerIdConflictsWithANewOwner) {
  Errors errors = create_plus(R"({"owner_id":874,"new_owner_first_name":"Ada","new_owner_last_name":"Lovelace",
    "new_owner_email":"ada@example.com"})");
  EXPECT_TRUE(only_error(errors, "owner_id", "conflict"));
  EXPECT_NE(errors[0].message.find("new_owner_first_name"), std::string::npos) << errors[0].message;
  // Any new_owner_* field conflicts, the middle name too.
  EXPECT_TRUE(has_error(create_plus(R"({"owner_id":874,"new_owner_middle_name":"B"})"), "owner_id", "conflict"));
  // A null is refused on its own, but is not a second owner.
  EXPECT_TRUE(only_error(create_plus(R"({"owner_id":874,"new_owner_email":null})"), "new_owner_email", "not_null"));
}

TEST(ActivePlatformCreate, NewOwnerNamesAndEmailComeTogether) {
  Errors errors = create_plus(R"({"new_owner_first_name":"Ada"})");
  EXPECT_EQ(errors.size(), 2u) << describe(errors);
  EXPECT_TRUE(has_error(errors, "new_owner_last_name", "all_or_none"));
  EXPECT_TRUE(has_error(errors, "new_owner_email", "all_or_none"));
  EXPECT_TRUE(only_error(create_plus(R"({"new_owner_first_name":"Ada","new_owner_last_name":"L"})"),
                         "new_owner_email", "all_or_none"));
  // An explicit null counts as not given.
  EXPECT_TRUE(has_error(create_plus(R"({"new_owner_first_name":"Ada","new_owner_last_name":"L","new_owner_email":null})"),
                        "new_owner_email", "all_or_none"));
}

TEST(ActivePlatformCreate, NewOwnerMiddleNameNeedsTheRestOfTheNewOwner) {
  Errors errors = create_plus(R"({"new_owner_middle_name":"B"})");
  EXPECT_EQ(errors.size(), 3u) << describe(errors);
  for (const char *f : {"new_owner_first_name", "new_owner_last_name", "new_owner_email"})
    EXPECT_TRUE(has_error(errors, f, "required_if")) << f;
}

TEST(ActivePlatformCreate, NewOwnerEmailMustBeAnEmail) {
  EXPECT_TRUE(only_error(create_plus(R"({"new_owner_first_name":"Ada","new_owner_last_name":"L",
    "new_owner_email":"not-an-email"})"), "new_owner_email", "email"));
}

TEST(ActivePlatformCreate, BillingDayIsADayOfTheMonth) {
  for (int ok : {1, 28, 31}) EXPECT_TRUE(no_errors(create_with("billing_day", ok))) << ok;
  for (int bad : {0, -1, 32}) EXPECT_TRUE(only_error(create_with("billing_day", bad), "billing_day", "range")) << bad;
  EXPECT_TRUE(only_error(create_with("billing_day", "15"), "billing_day", "type"));
}

TEST(ActivePlatformCreate, CustomAttributesAreKeyValueObjects) {
  EXPECT_TRUE(no_errors(create_with("custom_attributes", json(R"([])"))));
  EXPECT_TRUE(no_errors(create_with("custom_attributes",
                                    json(R"([{"key":"a","value":"x"},{"key":"b","value":12},{"key":"c","value":1.5},
                                             {"key":"d","value":true},{"key":"e"}])"))));
  EXPECT_TRUE(only_error(create_with("custom_attributes", json(R"([{"key":"a"},{"value":"x"}])")),
                         "custom_attributes[1].key", "required"));
  // A value's type "depends on the Account type" [doc]: any JSON value (objects,
  // arrays and null were refused before).
  for (const char *value : {R"({"x":1})", "[1]", "null", R"([{"a":[true,null]}])"})
    EXPECT_TRUE(no_errors(create_with("custom_attributes",
                                      json(std::string(R"([{"key":"a","value":)") + value + "}]"))))
        << value;
  EXPECT_TRUE(only_error(create_with("custom_attributes", json(R"([{"key":1,"value":"x"}])")),
                         "custom_attributes[0].key", "type"));
  EXPECT_TRUE(only_error(create_with("custom_attributes", json(R"([{"key":"a","name":"x"}])")),
                         "custom_attributes[0].name", "unknown_field"));
  EXPECT_TRUE(only_error(create_with("custom_attributes", json(R"(["a"])")), "custom_attributes[0]", "type"));
  EXPECT_TRUE(only_error(create_with("custom_attributes", json(R"({"key":"a"})")), "custom_attributes", "type"));
}

TEST(ActivePlatformCreate, ThresholdsAreNotCreateFields) {
  EXPECT_TRUE(only_error(create_with("financial_blocking_threshold", 10), "financial_blocking_threshold", "unknown_field"));
}

// ================================================================ update_account

TEST(ActivePlatformUpdate, OnlyTheIdIsRequired) {
  EXPECT_TRUE(no_errors(errors_for("update_account", valid_update())));
  EXPECT_TRUE(only_error(errors_for("update_account", Value::object()), "account_id", "required"));
}

// The seed's request example as it stands, its "id" included (an
// unknown_field before): tests/golden has it too.
TEST(ActivePlatformUpdate, TheSeedsExampleFieldsPass) {
  EXPECT_TRUE(no_errors(update_plus(R"({"id":550,"account_class_id":1,"primary_name":"ACME","first_name":"Marcelo",
    "middle_name":"","last_name":"Ivanou","country":"BY","region":"5","city":"Minsk","street":"Lenina",
    "building":"1","office":"","zip":"220007","phone":"+375295555555","email":"test@example.com",
    "account_type_id":1,"manager_id":50,"financial_blocking_threshold_use_system":true,
    "subscription_credit_limit_use_system":false,"subscription_credit_limit":11000,
    "custom_attributes":[{"key":"personal_number","value":"A4411111BB1199"}]})")));
  EXPECT_TRUE(no_errors(update_with("id", 550)));
  EXPECT_TRUE(only_error(update_with("id", "550"), "id", "type"));
}

TEST(ActivePlatformUpdate, AccountIdIsAPositiveInteger) {
  EXPECT_TRUE(no_errors(errors_for("update_account", Value(ak::Object{{"account_id", 1}}))));
  for (int bad : {0, -1})
    EXPECT_TRUE(only_error(errors_for("update_account", Value(ak::Object{{"account_id", bad}})), "account_id", "positive"))
        << bad;
  EXPECT_TRUE(only_error(errors_for("update_account", Value(ak::Object{{"account_id", "505"}})), "account_id", "type"));
  EXPECT_TRUE(only_error(errors_for("get_account", Value(ak::Object{{"account_id", 0}})), "account_id", "positive"));
  EXPECT_TRUE(only_error(errors_for("get_account", Value::object()), "account_id", "required"));
}

TEST(ActivePlatformUpdate, ContactRulesApplyWhenGiven) {
  EXPECT_TRUE(only_error(update_with("country", "UK"), "country", "country"));
  EXPECT_TRUE(only_error(update_with("phone", "375295555555"), "phone", "phone"));
  EXPECT_TRUE(only_error(update_with("email", "nope"), "email", "email"));
  EXPECT_TRUE(only_error(update_with("first_name", Value()), "first_name", "not_null"));
}

// The value is meaningful with use_system false only, but the vendor's own
// answers carry both (seed 002): a get-then-update round trip must validate.
TEST(ActivePlatformUpdate, AThresholdIsAcceptedWithEitherUseSystem) {
  struct Pair {
    const char *flag, *value;
  };
  for (Pair p : {Pair{"financial_blocking_threshold_use_system", "financial_blocking_threshold"},
                 Pair{"subscription_credit_limit_use_system", "subscription_credit_limit"}}) {
    Value both = with(with(valid_update(), p.flag, true), p.value, 100.5);
    EXPECT_TRUE(no_errors(errors_for("update_account", both))) << p.value;
    EXPECT_TRUE(no_errors(errors_for("update_account", with(both, p.flag, false)))) << p.value;
    EXPECT_TRUE(no_errors(update_with(p.value, 100))) << p.value;   // alone: the account's own value
    EXPECT_TRUE(no_errors(update_with(p.flag, true))) << p.value;   // back to the class's value
    EXPECT_TRUE(only_error(update_with(p.value, "100"), p.value, "type")) << p.value;
    EXPECT_TRUE(only_error(update_with(p.flag, 1), p.flag, "type")) << p.value;
  }
}

// ================================================================ list_accounts

TEST(ActivePlatformList, FiltersSortingAndPaging) {
  EXPECT_TRUE(no_errors(errors_for("list_accounts", Value::object())));
  EXPECT_TRUE(no_errors(errors_for("list_accounts", json(R"({"page":2,"per_page":3,
    "sorting":{"field":"created_at","reversed":true},
    "filters":{"status":"credit hold","email":"a@b.co","created_at":"2024-05-01","updated_at":"2024"}})"))));
  for (const char *s : {"active", "administrative hold", "credit hold", "deleted"})
    EXPECT_TRUE(no_errors(errors_for("list_accounts", Value(ak::Object{{"filters", Value(ak::Object{{"status", s}})}}))));
  EXPECT_TRUE(only_error(errors_for("list_accounts", json(R"({"filters":{"status":"suspended"}})")), "filters.status", "enum"));
  EXPECT_TRUE(only_error(errors_for("list_accounts", json(R"({"filters":{"name":"x"}})")), "filters.name", "unknown_field"));
  EXPECT_TRUE(only_error(errors_for("list_accounts", json(R"({"sorting":{"reversed":true}})")), "sorting.field", "required"));
  EXPECT_TRUE(only_error(errors_for("list_accounts", json(R"({"sorting":{"field":"id","reversed":"yes"}})")),
                         "sorting.reversed", "type"));
  EXPECT_TRUE(only_error(errors_for("list_accounts", json(R"({"page":0})")), "page", "positive"));
  EXPECT_TRUE(only_error(errors_for("list_accounts", json(R"({"per_page":0})")), "per_page", "positive"));
}

// ================================================================ request building

TEST(ActivePlatformRequest, AccountIdGoesIntoThePathAndLeavesTheBody) {
  Value body = json(R"({"account_id":505,"email":"a@b.co"})");
  EXPECT_EQ(ak::expand_path(op("update_account"), body), "/api/vendor/v1/accounts/505.json");
  EXPECT_EQ(ak::to_json(body), R"({"email":"a@b.co"})");
}

TEST(ActivePlatformRequest, PathValuesAreEscaped) {
  // Only reachable with validation off; the value can never change the path.
  // (A dot segment, "5/../6", is refused: tests/unit/redact_test.cpp.)
  Value body = Value(ak::Object{{"account_id", "5/..6?x=1#"}});
  EXPECT_EQ(ak::expand_path(op("get_account"), body), "/api/vendor/v1/accounts/5%2F..6%3Fx%3D1%23.json");
}

TEST(ActivePlatformRequest, MissingPathValueIsAValidationError) {
  Value body = Value::object();
  try {
    ak::expand_path(op("get_account"), body);
    ADD_FAILURE() << "expand_path did not throw";
  } catch (const ak::Error &e) {
    EXPECT_EQ(e.status, Status::Validation);
    ASSERT_EQ(e.fields.size(), 1u);
    EXPECT_EQ(e.fields[0].path, "account_id");
  }
}

TEST(ActivePlatformRequest, SortingAndFiltersAreBracketedQueryParameters) {
  Value q = json(R"({"page":2,"per_page":3,"sorting":{"field":"created_at","reversed":true},
    "filters":{"status":"credit hold","email":"a+b@example.com"}})");
  EXPECT_EQ(ak::encode_query(q),
            "page=2&per_page=3&sorting%5Bfield%5D=created_at&sorting%5Breversed%5D=true"
            "&filters%5Bstatus%5D=credit%20hold&filters%5Bemail%5D=a%2Bb%40example.com");
}

TEST(ActivePlatformAuth, ApiTokenIsRequired) {
  try {
    ap().authenticator({});
    ADD_FAILURE() << "no error without api_token";
  } catch (const ak::Error &e) {
    EXPECT_EQ(e.status, Status::InvalidArgument);
    EXPECT_NE(e.message.find("api_token"), std::string::npos) << e.message;
  }
  EXPECT_THROW(ap().authenticator({{"api_token", ""}}), ak::Error);
}

TEST(ActivePlatformAuth, ApiTokenIsAPercentEncodedQueryParameter) {
  auto auth = ap().authenticator({{"api_token", "vY5f/test+K3g&x=y"}});
  ak::HttpRequest req;
  req.url = "https://ap.example/api/vendor/v1/accounts.json";
  EXPECT_EQ(auth->authorize(req, 0).kind, ak::Authenticator::Step::Ready);
  EXPECT_EQ(req.url, "https://ap.example/api/vendor/v1/accounts.json?api_token=vY5f%2Ftest%2BK3g%26x%3Dy");
  ak::HttpRequest list;
  list.url = "https://ap.example/api/vendor/v1/accounts.json?page=1";
  EXPECT_EQ(auth->authorize(list, 0).kind, ak::Authenticator::Step::Ready);
  EXPECT_EQ(list.url, "https://ap.example/api/vendor/v1/accounts.json?page=1&api_token=vY5f%2Ftest%2BK3g%26x%3Dy");
  EXPECT_TRUE(list.headers.empty());
  EXPECT_EQ(auth->secrets(), std::vector<std::string>{"vY5f/test+K3g&x=y"});
  EXPECT_FALSE(auth->invalidate(list));  // a static token: never resent
}

TEST(ActivePlatformAuth, ScrubbingCoversTheTokenRawAndEncoded) {
  std::string text = "bad token vY5f/test+K3g in ?api_token=vY5f%2Ftest%2BK3g";
  ak::scrub_text(text, {"vY5f/test+K3g"});
  EXPECT_EQ(text, "bad token *** in ?api_token=***");
}

// ================================================================ decoder

namespace {

ak::HttpResponse response(long http, std::string body, double retry_after = -1) {
  ak::HttpResponse resp;
  resp.status = http;
  resp.body = std::move(body);
  resp.retry_after = retry_after;
  return resp;
}

Value decode(std::string_view op_name, std::string body, long http = 200) {
  return ap().decode(op(op_name), response(http, std::move(body)));
}

ak::Error decode_error(std::string_view op_name, std::string body, long http, double retry_after = -1) {
  try {
    Value v = ap().decode(op(op_name), response(http, std::move(body), retry_after));
    ADD_FAILURE() << "decode did not throw; result " << ak::to_json(v);
  } catch (const ak::Error &e) {
    return e;
  }
  return ak::Error(Status::Ok, "no error");
}

const char *kAccount = R"({"id":505,"name":"Marcelo  Ivanou","status":"credit hold","balance":"0.0"})";

}  // namespace

TEST(ActivePlatformDecode, SuccessIsTheAccountAsSent) {
  for (long http : {200L, 201L}) {
    Value v = decode("get_account", kAccount, http);
    EXPECT_EQ(ak::to_json(v), kAccount);
  }
  EXPECT_EQ(decode("update_account", "", 204), Value::object());
}

TEST(ActivePlatformDecode, StatusesAreKeptVerbatim) {
  for (const char *s : {"active", "administrative hold", "credit hold", "deleted", "something new"}) {
    Value v = Value(ak::Object{{"id", 1}, {"status", s}});
    EXPECT_EQ(ap().status_of(op("get_account"), v), s);
  }
}

TEST(ActivePlatformDecode, ListArrayBecomesItems) {
  Value v = decode("list_accounts", R"([{"id":500,"status":"active"},{"id":501,"status":"deleted"}])");
  EXPECT_EQ(ak::to_json(v), R"({"accounts":[{"id":500,"status":"active"},{"id":501,"status":"deleted"}]})");
  EXPECT_EQ(ak::to_json(decode("list_accounts", "[]")), R"({"accounts":[]})");
}

TEST(ActivePlatformDecode, UnexpectedSuccessShapesAreDecodeErrors) {
  EXPECT_EQ(decode_error("list_accounts", R"({"accounts":[]})", 200).status, Status::Decode);
  EXPECT_EQ(decode_error("list_accounts", "", 200).status, Status::Decode);
  EXPECT_EQ(decode_error("get_account", "[]", 200).status, Status::Decode);
  ak::Error e = decode_error("get_account", "<html>ok</html>", 200);
  EXPECT_EQ(e.status, Status::Decode);
  EXPECT_EQ(e.raw_body, "<html>ok</html>");
}

TEST(ActivePlatformDecode, UnprocessableEntityMapsEveryMessageToItsField) {
  const std::string body =
      R"({"errors":{"email":["is invalid","has already been taken"],"custom_attributes[0].key":["is required"]}})";
  ak::Error e = decode_error("create_account", body, 422);
  EXPECT_EQ(e.status, Status::Validation);
  EXPECT_EQ(e.http_status, 422);
  EXPECT_EQ(e.raw_body, body);
  EXPECT_FALSE(e.retriable);
  ASSERT_EQ(e.fields.size(), 3u);
  EXPECT_EQ(e.fields[0].path, "email");
  EXPECT_EQ(e.fields[0].rule, "vendor");
  EXPECT_EQ(e.fields[0].message, "is invalid");
  EXPECT_EQ(e.fields[1].path, "email");
  EXPECT_EQ(e.fields[1].message, "has already been taken");
  EXPECT_EQ(e.fields[2].path, "custom_attributes[0].key");
  EXPECT_EQ(e.message,
            "the vendor rejected 3 fields: email is invalid; email has already been taken; "
            "custom_attributes[0].key is required (HTTP 422)");
}

TEST(ActivePlatformDecode, ASingleMessageInsteadOfAListIsAccepted) {
  ak::Error e = decode_error("create_account", R"({"errors":{"phone":"is invalid"}})", 422);
  ASSERT_EQ(e.fields.size(), 1u);
  EXPECT_EQ(e.fields[0].path, "phone");
  EXPECT_EQ(e.message, "the vendor rejected 1 field: phone is invalid (HTTP 422)");
}

TEST(ActivePlatformDecode, ErrorMessageWinsOverTheSummary) {
  ak::Error e = decode_error("create_account", R"({"error":"Validation failed","errors":{"zip":["is too long"]}})", 422);
  EXPECT_EQ(e.message, "Validation failed (HTTP 422)");
  ASSERT_EQ(e.fields.size(), 1u);
  EXPECT_EQ(e.fields[0].path, "zip");
}

TEST(ActivePlatformDecode, ErrorsAsAListOfSentencesHasNoFields) {
  ak::Error e = decode_error("create_account", R"({"errors":["Email is invalid","Zip is too long"]})", 422);
  EXPECT_EQ(e.status, Status::Validation);
  EXPECT_TRUE(e.fields.empty());
  EXPECT_EQ(e.message, "Email is invalid; Zip is too long (HTTP 422)");
}

TEST(ActivePlatformDecode, StatusesMapToCategories) {
  struct Case {
    long http;
    Status status;
    bool retriable;
  };
  for (Case c : {Case{400, Status::Validation, false}, Case{401, Status::Auth, false}, Case{403, Status::Auth, false},
                 Case{404, Status::NotFound, false}, Case{405, Status::Vendor, false}, Case{409, Status::Vendor, false},
                 Case{422, Status::Validation, false}, Case{429, Status::RateLimited, true},
                 Case{500, Status::Vendor, true}, Case{502, Status::Vendor, true}, Case{503, Status::Vendor, true}}) {
    ak::Error e = decode_error("get_account", R"({"error":"said"})", c.http);
    EXPECT_EQ(e.status, c.status) << c.http;
    EXPECT_EQ(e.retriable, c.retriable) << c.http;
    EXPECT_EQ(e.http_status, c.http);
    EXPECT_EQ(e.message, "said (HTTP " + std::to_string(c.http) + ")");
  }
}

TEST(ActivePlatformDecode, NotFoundAndAuthCarryTheVendorsMessage) {
  ak::Error nf = decode_error("get_account", R"({"error":"Account not found"})", 404);
  EXPECT_EQ(nf.status, Status::NotFound);
  EXPECT_EQ(nf.message, "Account not found (HTTP 404)");
  EXPECT_TRUE(nf.fields.empty());
  ak::Error auth = decode_error("list_accounts", R"({"error":"api_token is required"})", 401);
  EXPECT_EQ(auth.status, Status::Auth);
  EXPECT_FALSE(auth.token_rejected);  // a static token cannot be refreshed
}

TEST(ActivePlatformDecode, RateLimitKeepsRetryAfter) {
  ak::Error e = decode_error("list_accounts", R"({"error":"slow down"})", 429, 7);
  EXPECT_EQ(e.status, Status::RateLimited);
  EXPECT_DOUBLE_EQ(e.retry_after, 7);
  EXPECT_TRUE(e.retriable);
}

TEST(ActivePlatformDecode, NonJsonServerErrorKeepsTheRawBody) {
  const std::string html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
  ak::Error e = decode_error("get_account", html, 500);
  EXPECT_EQ(e.status, Status::Vendor);
  EXPECT_TRUE(e.retriable);
  EXPECT_EQ(e.raw_body, html);
  EXPECT_EQ(e.message, "HTTP 500");
  // A short plain-text answer is the message.
  EXPECT_EQ(decode_error("get_account", "Service Unavailable", 503).message, "Service Unavailable (HTTP 503)");
  EXPECT_EQ(decode_error("get_account", "", 500).message, "HTTP 500");
}

TEST(ActivePlatformDecode, UnknownJsonShapesKeepTheRawBody) {
  for (const char *body : {R"({"message":{"x":1}})", R"([1,2])", R"({"errors":{"email":[1]}})", "42"}) {
    ak::Error e = decode_error("update_account", body, 422);
    EXPECT_EQ(e.status, Status::Validation) << body;
    EXPECT_EQ(e.raw_body, body);
    EXPECT_TRUE(e.fields.empty()) << body;
    EXPECT_EQ(e.message, "HTTP 422") << body;
  }
  EXPECT_EQ(decode_error("get_account", R"("Account is locked")", 409).message, "Account is locked (HTTP 409)");
}

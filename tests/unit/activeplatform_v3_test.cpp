// The ActivePlatform API v3 vendor (docs/vendors/activeplatform-v3.md): its
// table (paths, PATCH, the JSON:API media type and envelope, reseller_id as
// a path option), its field rules, the X-Api-Token authenticator, and the
// decoder on the documented answer shapes and JSON:API errors.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/request.hpp"
#include "core/vendors/activeplatform_v3/activeplatform_v3.hpp"

using ak::FieldError;
using ak::Status;
using ak::Value;

namespace {

using Errors = std::vector<FieldError>;

const ak::Vendor &v3() { return ak::activeplatform_v3(); }

const ak::Operation &op(std::string_view name) {
  const ak::Operation *o = v3().find(name);
  if (!o) throw std::logic_error("activeplatform-v3 has no operation " + std::string(name));
  return *o;
}

Value json(std::string_view text) { return ak::parse_json(text); }

std::string describe(const Errors &errors) {
  std::string s = std::to_string(errors.size()) + " error(s):";
  for (const auto &e : errors) s += "\n  [" + e.path + "] " + e.rule + ": " + e.message;
  return s;
}

Errors errors_for(std::string_view op_name, std::string_view fields) {
  Errors out;
  ak::validate(op(op_name).request, json(fields), out);
  return out;
}

testing::AssertionResult only(const Errors &errors, std::vector<std::pair<std::string, std::string>> want) {
  bool same = errors.size() == want.size();
  for (size_t i = 0; same && i < want.size(); ++i)
    same = errors[i].path == want[i].first && errors[i].rule == want[i].second;
  if (same) return testing::AssertionSuccess();
  return testing::AssertionFailure() << describe(errors);
}

constexpr const char *kCreate = R"({"account_type_id":1,"first_name":"Ivan","last_name":"Ivanou","email":"ivan@example.by"})";

}  // namespace

// ================================================================ the table

TEST(ActivePlatformV3Vendor, NamesCredentialsAndPathOptions) {
  EXPECT_EQ(v3().name, "activeplatform-v3");
  EXPECT_EQ(v3().display_name, "ActivePlatform API v3");
  EXPECT_EQ(v3().default_base_url, "");
  EXPECT_EQ(v3().credential_options, (std::vector<std::string>{"api_token", "reseller_id"}));
  EXPECT_EQ(v3().secret_options, std::vector<std::string>{"api_token"});
  EXPECT_EQ(v3().path_options, std::vector<std::string>{"reseller_id"});
  EXPECT_TRUE(v3().settlings.empty());  // synchronous
  // Registered right after v1.
  const auto &all = ak::vendors();
  for (size_t i = 0; i + 1 < all.size(); ++i) {
    if (all[i]->name == "activeplatform") {
      EXPECT_EQ(all[i + 1], &v3());
    }
  }
  EXPECT_EQ(ak::find_vendor("activeplatform-v3"), &v3());
}

TEST(ActivePlatformV3Vendor, OperationsAreJsonApiOnTheResellersAccounts) {
  struct Want {
    const char *name;
    ak::OpKind kind;
    ak::Method method;
    const char *path, *id_field, *body_under;
  };
  const Want wants[] = {
      {"create_account", ak::OpKind::Create, ak::Method::Post, "/api/v3/resellers/{reseller_id}/accounts", "", "data.attributes"},
      {"get_account", ak::OpKind::Read, ak::Method::Get, "/api/v3/resellers/{reseller_id}/accounts/{account_id}", "account_id", ""},
      {"list_accounts", ak::OpKind::List, ak::Method::Get, "/api/v3/resellers/{reseller_id}/accounts", "", ""},
      {"update_account", ak::OpKind::Update, ak::Method::Patch, "/api/v3/resellers/{reseller_id}/accounts/{account_id}", "account_id", "data.attributes"},
  };
  ASSERT_EQ(v3().operations.size(), std::size(wants));
  for (const Want &w : wants) {
    const ak::Operation &o = op(w.name);
    EXPECT_EQ(o.kind, w.kind) << w.name;
    EXPECT_EQ(o.method, w.method) << w.name;
    EXPECT_EQ(o.path, w.path) << w.name;
    EXPECT_EQ(o.id_field, w.id_field) << w.name;
    EXPECT_EQ(o.body_under, w.body_under) << w.name;
    EXPECT_EQ(o.media_type, "application/vnd.api+json") << w.name;
    EXPECT_EQ(o.result_id, "id") << w.name;
    EXPECT_EQ(o.result_status, "status") << w.name;
    EXPECT_TRUE(o.natural_key.empty()) << w.name;  // nothing caller-chosen is unique
    EXPECT_EQ(o.request.member("reseller_id"), nullptr) << w.name;  // an option, not a field
  }
  const ak::Operation &list = op("list_accounts");
  EXPECT_EQ(list.list_key, "accounts");
  EXPECT_EQ(list.paging.page_param, "page[number]");
  EXPECT_EQ(list.paging.size_param, "page[size]");
  EXPECT_EQ(list.paging.first_page, 1);
  EXPECT_EQ(list.paging.page_size, 50);
  EXPECT_EQ(list.paging.total_path, "");
}

// ================================================================ field rules

TEST(ActivePlatformV3Fields, CreateNeedsTypeNamesAndEmail) {
  EXPECT_TRUE(only(errors_for("create_account", kCreate), {}));
  EXPECT_TRUE(only(errors_for("create_account", "{}"), {{"account_type_id", "required"}, {"first_name", "required"},
                                                        {"last_name", "required"}, {"email", "required"}}));
  EXPECT_TRUE(only(errors_for("create_account", R"({"account_type_id":0,"first_name":"I","last_name":"I",
    "email":"nope","phone":"375295555555","country":"XX","owner_id":-1})"),
                   {{"account_type_id", "positive"}, {"country", "country"}, {"phone", "phone"}, {"email", "email"},
                    {"owner_id", "positive"}}));
  // v1's class id is no v3 create field; the address is optional.
  EXPECT_TRUE(only(errors_for("create_account", R"({"account_type_id":1,"first_name":"I","last_name":"I",
    "email":"i@example.by","account_class_id":1})"), {{"account_class_id", "unknown_field"}}));
}

TEST(ActivePlatformV3Fields, UpdateNeedsTheIdAndTheAccountType) {
  EXPECT_TRUE(only(errors_for("update_account", "{}"), {{"account_id", "required"}, {"account_type_id", "required"}}));
  EXPECT_TRUE(only(errors_for("update_account", R"({"account_id":5,"account_type_id":1,"account_class_key":"postpaid",
    "manager_id":7,"tech_user_id":8,"email":"a@b.co","middle_name":"J"})"), {}));
  EXPECT_TRUE(only(errors_for("update_account", R"({"account_id":5,"account_type_id":1,"account_class_id":2})"),
                   {{"account_class_id", "unknown_field"}}));
  EXPECT_TRUE(only(errors_for("update_account", R"({"account_id":"5","account_type_id":1,"manager_id":0})"),
                   {{"account_id", "type"}, {"manager_id", "positive"}}));
}

TEST(ActivePlatformV3Fields, ListTakesPagesAndFilters) {
  EXPECT_TRUE(only(errors_for("list_accounts", R"({"page[number]":2,"page[size]":10,
    "filter":{"email":"a@b.co,c@d.co","user_email":"u@b.co","inn":"123","created_at":{"gt":"2024-01-01"},
    "updated_at":{"lt":"2024-05-01T10:00:00+03:00"}}})"), {}));
  EXPECT_TRUE(only(errors_for("list_accounts", R"({"filter":{"created_at":"2024-05-01","updated_at":{"gt":"2024-01-01"}}})"), {}));
  EXPECT_TRUE(only(errors_for("list_accounts", R"({"page[size]":0,"filter":{"status":"active","email":5}})"),
                   {{"page[size]", "positive"}, {"filter.email", "type"}, {"filter.status", "unknown_field"}}));
}

// ================================================================ requests

TEST(ActivePlatformV3Request, FieldsGoUnderDataAttributesAndFiltersInBrackets) {
  Value fields = json(R"({"reseller_id":"1001","account_id":42,"account_type_id":1,"email":"a@b.co"})");
  ak::HttpRequest patch = ak::build_request("https://ap.example", op("update_account"), fields);
  EXPECT_EQ(patch.url, "https://ap.example/api/v3/resellers/1001/accounts/42");
  EXPECT_EQ(patch.body, R"({"data":{"attributes":{"account_type_id":1,"email":"a@b.co"}}})");
  EXPECT_EQ(patch.media_type, "application/vnd.api+json");

  Value query = json(R"({"reseller_id":"1001","page[number]":2,"page[size]":3,
    "filter":{"email":"a+b@example.com","created_at":{"gt":"2024-01-01"}}})");
  ak::HttpRequest list = ak::build_request("https://ap.example", op("list_accounts"), query);
  EXPECT_EQ(list.url, "https://ap.example/api/v3/resellers/1001/accounts?page%5Bnumber%5D=2&page%5Bsize%5D=3"
                      "&filter%5Bemail%5D=a%2Bb%40example.com&filter%5Bcreated_at%5D%5Bgt%5D=2024-01-01");
  EXPECT_TRUE(list.body.empty());
}

TEST(ActivePlatformV3Auth, TheTokenIsTheXApiTokenHeaderAndTheResellerIsRequired) {
  auto auth = v3().authenticator({{"api_token", "tok/en+1"}, {"reseller_id", "1001"}});
  ak::HttpRequest req;
  req.url = "https://ap.example/api/v3/resellers/1001/accounts";
  EXPECT_EQ(auth->authorize(req, 0).kind, ak::Authenticator::Step::Ready);
  EXPECT_EQ(req.url, "https://ap.example/api/v3/resellers/1001/accounts");  // nothing in the query
  ASSERT_EQ(req.headers.size(), 1u);
  EXPECT_EQ(req.headers[0].first, "X-Api-Token");
  EXPECT_EQ(req.headers[0].second, "tok/en+1");
  EXPECT_EQ(auth->secrets(), std::vector<std::string>{"tok/en+1"});
  EXPECT_FALSE(auth->invalidate(req));  // a static token: a 401 is final

  struct Case {
    ak::Options opts;
    const char *names;
  };
  for (const Case &c : {Case{{{"reseller_id", "1001"}}, "api_token"}, Case{{{"api_token", "t"}}, "reseller_id"},
                        Case{{{"api_token", "t"}, {"reseller_id", ""}}, "reseller_id"},
                        Case{{{"api_token", "t"}, {"reseller_id", ".."}}, "reseller_id"}}) {
    try {
      v3().authenticator(c.opts);
      ADD_FAILURE() << "no error without " << c.names;
    } catch (const ak::Error &e) {
      EXPECT_EQ(e.status, Status::InvalidArgument);
      EXPECT_NE(e.message.find(c.names), std::string::npos) << e.message;
      EXPECT_NE(e.message.find("activeplatform-v3"), std::string::npos) << e.message;
    }
  }
}

// ================================================================ decoder

namespace {

ak::HttpResponse response(long http, std::string body) {
  ak::HttpResponse resp;
  resp.status = http;
  resp.body = std::move(body);
  return resp;
}

Value decode(std::string_view op_name, std::string body, long http = 200) {
  return v3().decode(op(op_name), response(http, std::move(body)));
}

ak::Error decode_error(std::string_view op_name, std::string body, long http) {
  try {
    Value v = v3().decode(op(op_name), response(http, std::move(body)));
    ADD_FAILURE() << "decode did not throw; result " << ak::to_json(v);
  } catch (const ak::Error &e) {
    return e;
  }
  return ak::Error(Status::Ok, "no error");
}

}  // namespace

// The get answer's shape [doc, 4]: an integer id, the attributes flattened.
TEST(ActivePlatformV3Decode, AResourceBecomesOneFlatAccount) {
  Value v = decode("get_account", R"({"data":{"id":505,"type":"accounts","attributes":{"created_at":"2024-05-01T10:00:00+03:00",
    "reseller_id":1001,"name":"Ivan Ivanou","status":"active","balance":"10.50","current_debt":0.0}}})");
  EXPECT_EQ(ak::to_json(v), R"({"id":505,"created_at":"2024-05-01T10:00:00+03:00","reseller_id":1001,)"
                            R"("name":"Ivan Ivanou","status":"active","balance":"10.50","current_debt":0.0})");
  EXPECT_EQ(v3().status_of(op("get_account"), v), "active");
  EXPECT_EQ(ak::to_json(decode("create_account", R"({"data":{"id":"506","type":"accounts","attributes":{}}})", 201)),
            R"({"id":506})");
  EXPECT_EQ(decode("update_account", "", 204), Value::object());
}

// The 4.4 list types ids as strings: digits become integers, others stay.
TEST(ActivePlatformV3Decode, AListKeepsFlatItemsUnderAccounts) {
  Value v = decode("list_accounts", R"({"data":[{"id":"500","type":"accounts","attributes":{"status":"active"}},
    {"id":"a-1","type":"accounts","attributes":{"status":"credit hold"}}],"meta":{"total":2}})");
  EXPECT_EQ(ak::to_json(v), R"({"accounts":[{"id":500,"status":"active"},{"id":"a-1","status":"credit hold"}],)"
                            R"("meta":{"total":2}})");
  EXPECT_EQ(ak::to_json(decode("list_accounts", R"({"data":[]})")), R"({"accounts":[]})");
  EXPECT_EQ(ak::to_json(decode("list_accounts", R"({"data":[{"id":"99999999999999999999"}]})")),
            R"({"accounts":[{"id":"99999999999999999999"}]})");  // too big for an integer: kept as text
}

TEST(ActivePlatformV3Decode, UnexpectedSuccessShapesAreDecodeErrors) {
  for (const char *body : {"[]", R"({"id":5})", R"({"data":[1]})", "<html>ok</html>"})
    EXPECT_EQ(decode_error("get_account", body, 200).status, Status::Decode) << body;
  EXPECT_EQ(decode_error("list_accounts", R"({"data":{"id":"5"}})", 200).status, Status::Decode);
  EXPECT_EQ(decode_error("list_accounts", "", 200).status, Status::Decode);
}

TEST(ActivePlatformV3Decode, JsonApiErrorsNameTheirFieldsByPointerOrParameter) {
  const std::string body = R"({"errors":[
    {"status":"422","title":"Invalid Attribute","detail":"is invalid","source":{"pointer":"/data/attributes/email"}},
    {"status":"422","title":"Invalid Attribute","source":{"pointer":"/data/attributes/custom_attributes/0/key"}},
    {"status":"422","title":"Invalid Attribute","detail":"","source":{"pointer":"/data/attributes/a~1b"}},
    {"status":"422","title":"Bad","detail":"must be at most 100","source":{"parameter":"page[size]"}},
    {"status":"422","detail":"is not a date","source":{"parameter":"filter[created_at][gt]"}},
    {"status":"422","detail":"the document is incomplete","source":{"pointer":"/data"}}]})";
  ak::Error e = decode_error("list_accounts", body, 422);
  EXPECT_EQ(e.status, Status::Validation);
  EXPECT_EQ(e.http_status, 422);
  EXPECT_EQ(e.raw_body, body);
  std::vector<std::pair<std::string, std::string>> want = {
      {"email", "is invalid"}, {"custom_attributes[0].key", "Invalid Attribute"},
      {"a/b", "Invalid Attribute"}, {"page[size]", "must be at most 100"},
      {"filter.created_at.gt", "is not a date"}};
  ASSERT_EQ(e.fields.size(), want.size()) << e.message;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(e.fields[i].path, want[i].first);
    EXPECT_EQ(e.fields[i].rule, "vendor");
    EXPECT_EQ(e.fields[i].message, want[i].second);
  }
  EXPECT_EQ(e.message.rfind("the vendor rejected 5 fields: email is invalid; ", 0), 0u) << e.message;
  EXPECT_NE(e.message.find("; the document is incomplete (HTTP 422)"), std::string::npos) << e.message;
}

TEST(ActivePlatformV3Decode, StatusesMapToCategoriesAndKeepTheVendorsWords) {
  struct Case {
    long http;
    Status status;
    bool retriable;
  };
  for (Case c : {Case{401, Status::Auth, false}, Case{403, Status::Auth, false}, Case{404, Status::NotFound, false},
                 Case{415, Status::Vendor, false}, Case{422, Status::Validation, false},
                 Case{429, Status::RateLimited, true}, Case{500, Status::Vendor, true}}) {
    ak::Error e = decode_error("get_account", R"({"errors":[{"status":"x","title":"T","detail":"Account not found"}]})", c.http);
    EXPECT_EQ(e.status, c.status) << c.http;
    EXPECT_EQ(e.retriable, c.retriable) << c.http;
    EXPECT_TRUE(e.fields.empty());
    EXPECT_EQ(e.message, "Account not found (HTTP " + std::to_string(c.http) + ")");
  }
  EXPECT_EQ(decode_error("get_account", R"({"errors":[{"title":"Forbidden"}]})", 403).message, "Forbidden (HTTP 403)");
}

TEST(ActivePlatformV3Decode, UnknownShapesKeepTheRawBody) {
  for (const char *body : {"<html><body>Bad Gateway</body></html>", R"({"message":"?"})", R"(["x"])", ""}) {
    ak::Error e = decode_error("get_account", body, 502);
    EXPECT_EQ(e.status, Status::Vendor) << body;
    EXPECT_EQ(e.message, "HTTP 502") << body;
    EXPECT_EQ(e.raw_body, body);
  }
  EXPECT_EQ(decode_error("get_account", "Service unavailable", 503).message, "Service unavailable (HTTP 503)");
  EXPECT_EQ(decode_error("get_account", R"({"error":"gone"})", 404).message, "gone (HTTP 404)");
}

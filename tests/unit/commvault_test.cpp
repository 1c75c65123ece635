// The Commvault vendor (seed 003, VENDORS.md section 3): field rules at their
// boundaries (tri-state, admin contact all-or-none, ids, emails), the
// response decoder (envelope, lists, error body, 401/404/429), the operations'
// shape (paths, paging, settling) and the authenticator's options.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/api.hpp"
#include "core/client.hpp"
#include "core/redact.hpp"
#include "core/request.hpp"
#include "core/vendors/commvault/commvault.hpp"

using ak::FieldError;
using ak::Status;
using ak::Value;

namespace {

using Errors = std::vector<FieldError>;

constexpr const char *kId = "7194af6f-1285-4295-94aa-ceed7ea2d792";

const ak::Operation &op(std::string_view name) {
  const ak::Operation *o = ak::commvault().find(name);
  if (!o) throw std::logic_error("commvault has no operation " + std::string(name));
  return *o;
}

Errors errors_for(std::string_view op_name, const std::string &json) {
  Errors out;
  ak::validate(op(op_name).request, ak::parse_json(json), out);
  return out;
}

std::string describe(const Errors &errors) {
  std::string s = std::to_string(errors.size()) + " error(s):";
  for (const auto &e : errors) s += "\n  [" + e.path + "] " + e.rule + ": " + e.message;
  return s;
}

testing::AssertionResult has_error(const Errors &errors, std::string_view path, std::string_view rule) {
  for (const auto &e : errors)
    if (e.path == path && e.rule == rule) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "no [" << path << "] " << rule << " in " << describe(errors);
}

// An update_account request that passes every rule, with `extra` members
// appended and `contact` as the single contact object.
std::string update(const std::string &contact = "{}", const std::string &extra = "") {
  return std::string(R"({"id":")") + kId + R"(","externalId":"XSP1234","name":"Acme ltd","contacts":[)" + contact +
         "]" + (extra.empty() ? "" : "," + extra) + "}";
}

ak::HttpResponse response(long status, std::string body, double retry_after = -1) {
  ak::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.retry_after = retry_after;
  return r;
}

Value decode(std::string_view op_name, std::string body, long status = 200) {
  return ak::commvault().decode(op(op_name), response(status, std::move(body)));
}

ak::Error decode_error(std::string_view op_name, std::string body, long status, double retry_after = -1) {
  try {
    Value v = ak::commvault().decode(op(op_name), response(status, std::move(body), retry_after));
    ADD_FAILURE() << "decode did not throw; result " << ak::to_json(v);
  } catch (const ak::Error &e) {
    return e;
  }
  return ak::Error(Status::Ok, "no error");
}

std::string error_body(int code, const std::string &message) {
  return R"({"error":{"code":)" + std::to_string(code) + R"(,"message":")" + message + R"("}})";
}

}  // namespace

// ================================================================ the vendor's shape

TEST(CommvaultVendor, IdentityAndOptions) {
  const ak::Vendor &v = ak::commvault();
  EXPECT_EQ(v.name, "commvault");
  EXPECT_EQ(v.display_name, "Commvault Cloud partner API");
  EXPECT_EQ(v.default_base_url, "https://api.metallic.io");
  EXPECT_EQ(v.credential_options, (std::vector<std::string>{"username", "password", "access_token"}));
  EXPECT_EQ(v.secret_options, (std::vector<std::string>{"password", "access_token"}));
  EXPECT_EQ(ak::find_vendor("commvault"), &v);
}

TEST(CommvaultVendor, OperationsReadLikeTheDocs) {
  const ak::Operation &get = op("get_account");
  EXPECT_EQ(get.method, ak::Method::Get);
  EXPECT_EQ(get.path, "/api/v1/partner/accounts/{id}");
  EXPECT_EQ(get.id_field, "id");
  EXPECT_EQ(get.result_id, "id");
  EXPECT_EQ(get.result_status, "status");

  const ak::Operation &update = op("update_account");
  EXPECT_EQ(update.kind, ak::OpKind::Update);
  EXPECT_EQ(update.method, ak::Method::Put);
  EXPECT_EQ(update.path, "/api/v1/partner/accounts/{id}");
  EXPECT_EQ(update.id_field, "id");
  ASSERT_NE(update.request.member("id"), nullptr);
  EXPECT_TRUE(update.request.member("id")->in_path);

  const ak::Operation &list = op("list_accounts");
  EXPECT_EQ(list.kind, ak::OpKind::List);
  EXPECT_EQ(list.path, "/api/v1/partner/accounts");
  EXPECT_EQ(list.list_key, "data");
  EXPECT_EQ(list.paging.page_param, "pageNumber");
  EXPECT_EQ(list.paging.size_param, "pageSize");
  EXPECT_EQ(list.paging.first_page, 0);
  EXPECT_EQ(list.paging.page_size, 25);
  EXPECT_EQ(list.paging.total_path, "metadata.pagination.totalRecords");
}

TEST(CommvaultVendor, ActivateAndDeactivateArePutsOnTheAccount) {
  for (const char *name : {"activate_account", "deactivate_account"}) {
    const ak::Operation &o = op(name);
    SCOPED_TRACE(name);
    EXPECT_EQ(o.kind, ak::OpKind::Update);
    EXPECT_EQ(o.method, ak::Method::Put);
    EXPECT_EQ(o.id_field, "id");
    EXPECT_EQ(o.result_id, "id");
    EXPECT_EQ(o.result_status, "status");
    ASSERT_NE(o.request.member("id"), nullptr);
    EXPECT_TRUE(o.request.member("id")->in_path);
    EXPECT_NE(o.reason(1006), nullptr);
  }
  EXPECT_EQ(op("activate_account").path, "/api/v1/partner/accounts/{id}/activate");
  EXPECT_EQ(op("activate_account").request.members.size(), 1u);  // the id alone
  EXPECT_EQ(op("deactivate_account").path, "/api/v1/partner/accounts/{id}/deactivate");
}

TEST(CommvaultVendor, UpdatesSettleThroughGetAccount) {
  const ak::Settling &s = ak::commvault().settlings.at(0);
  EXPECT_EQ(s.read_op, "get_account");
  EXPECT_EQ(s.pending, (std::vector<std::string>{"updating", "provisioning", "activating", "deactivating"}));
  EXPECT_EQ(s.failed, (std::vector<std::string>{"update_failure"}));
}

TEST(CommvaultVendor, AuthenticatorNeedsUsernameAndPasswordOrAToken) {
  const ak::Vendor &v = ak::commvault();
  ak::Options base{{"base_url", "https://api.metallic.io"}};
  auto status_for = [&](ak::Options extra) {
    extra.insert(base.begin(), base.end());
    try {
      v.authenticator(extra);
    } catch (const ak::Error &e) {
      return e.status;
    }
    return Status::Ok;
  };
  EXPECT_EQ(status_for({}), Status::InvalidArgument);
  EXPECT_EQ(status_for({{"username", "u"}}), Status::InvalidArgument);
  EXPECT_EQ(status_for({{"password", "p"}}), Status::InvalidArgument);
  EXPECT_EQ(status_for({{"username", "u"}, {"password", "p"}}), Status::Ok);
  EXPECT_EQ(status_for({{"access_token", "t"}}), Status::Ok);

  // The password is a secret to scrub even before any token was fetched.
  auto fetched = v.authenticator({{"base_url", "https://x.example"}, {"username", "u"}, {"password", "pw-123"}});
  EXPECT_EQ(fetched->secrets(), std::vector<std::string>{"pw-123"});
  // A caller-given token is sent as is and cannot be refreshed.
  auto given = v.authenticator({{"base_url", "https://x.example"}, {"access_token", "tok-456"}});
  ak::HttpRequest req;
  EXPECT_EQ(given->authorize(req, 0).kind, ak::Authenticator::Step::Ready);
  ASSERT_EQ(req.headers.size(), 1u);
  EXPECT_EQ(req.headers[0].first, "Authorization");
  EXPECT_EQ(req.headers[0].second, "Bearer tok-456");
  EXPECT_FALSE(given->invalidate(req));
}

// ================================================================ update_account rules

TEST(CommvaultRules, MinimalUpdateIsValid) {
  Errors e = errors_for("update_account", update());
  EXPECT_TRUE(e.empty()) << describe(e);
  e = errors_for("update_account", std::string(R"({"id":")") + kId + R"(","externalId":"X","name":"N","contacts":[]})");
  EXPECT_TRUE(e.empty()) << describe(e);
}

TEST(CommvaultRules, EveryFieldGivenIsValid) {
  Errors e = errors_for(
      "update_account",
      update(R"({"firstName":"Jane","lastName":"Roe","email":"jane.roe@acme.com","phone":"+1 408 555 0100",)"
             R"("address":{"addressLine1":"1 Ave","addressLine2":"Suite 204","city":"Sunnyvale","state":"California",)"
             R"("country":"United States","postalCode":"94086"}})",
             R"("website":"www.acme.com")"));
  EXPECT_TRUE(e.empty()) << describe(e);
}

TEST(CommvaultRules, ExternalIdNameAndContactsAreRequired) {
  Errors e = errors_for("update_account", std::string(R"({"id":")") + kId + R"("})");
  EXPECT_EQ(e.size(), 3u) << describe(e);
  EXPECT_TRUE(has_error(e, "externalId", "required"));
  EXPECT_TRUE(has_error(e, "name", "required"));
  EXPECT_TRUE(has_error(e, "contacts", "required"));
  // Required also means not null.
  e = errors_for("update_account", std::string(R"({"id":")") + kId + R"(","externalId":null,"name":"N","contacts":[]})");
  EXPECT_TRUE(has_error(e, "externalId", "required")) << describe(e);
}

// The seed types the path id as a string: no UUID check (there was one).
TEST(CommvaultRules, IdIsAnyStringTheVendorJudges) {
  for (const char *id : {"7194af6f-1285-4295-94aa-ceed7ea2d792", "7194AF6F-1285-4295-94AA-CEED7EA2D792", "7194af6f",
                         "not-a-uuid", "{7194af6f-1285-4295-94aa-ceed7ea2d792}", "acct 42/x"}) {
    Errors e = errors_for("get_account", std::string(R"({"id":")") + id + "\"}");
    EXPECT_TRUE(e.empty()) << id << " " << describe(e);
    EXPECT_TRUE(ak::api::problems(op("get_account"), ak::parse_json(std::string(R"({"id":")") + id + "\"}"), true).empty())
        << id;
  }
  EXPECT_TRUE(has_error(errors_for("get_account", "{}"), "id", "required"));
  EXPECT_TRUE(has_error(errors_for("get_account", R"({"id":7194})"), "id", "type"));
  Errors e = errors_for("update_account", update().replace(update().find(kId), 36, "not-a-uuid"));
  EXPECT_TRUE(e.empty()) << describe(e);
}

// What would not name one path segment is refused whatever "validate" says:
// "." and ".." are removed from URL paths by HTTP clients, "" is the collection.
TEST(CommvaultRules, IdMustBeOnePathSegment) {
  for (const char *id : {"", ".", ".."}) {
    for (bool rules : {true, false}) {
      Errors e = ak::api::problems(op("get_account"), ak::parse_json(std::string(R"({"id":")") + id + "\"}"), rules);
      EXPECT_TRUE(has_error(e, "id", "path_segment")) << "id \"" << id << "\"";
    }
  }
  Errors ok = ak::api::problems(op("get_account"), ak::parse_json(R"({"id":"...a"})"), true);
  EXPECT_TRUE(ok.empty()) << describe(ok);
}

// The docs accept one contact per account, the admin (Get Account by Id): the
// sandbox reads this limit from here.
TEST(CommvaultRules, AtMostOneContact) {
  const ak::Field *contacts = op("update_account").request.member("contacts");
  ASSERT_NE(contacts, nullptr);
  EXPECT_EQ(contacts->max_items, 1);
  std::string two = std::string(R"({"id":")") + kId +
                    R"(","externalId":"X","name":"N","contacts":[{"phone":null},{"phone":null}]})";
  Errors e = errors_for("update_account", two);
  ASSERT_EQ(e.size(), 1u) << describe(e);
  EXPECT_TRUE(has_error(e, "contacts", "max_items"));
  EXPECT_EQ(e[0].message, "must have at most 1 element (has 2)");
}

TEST(CommvaultRules, AdminContactIsAllOrNone) {
  struct Case {
    const char *contact;
    std::vector<std::string> missing;
  };
  const std::vector<Case> cases = {
      {R"({})", {}},
      {R"({"firstName":"Jane"})", {"lastName", "email"}},
      {R"({"lastName":"Roe"})", {"firstName", "email"}},
      {R"({"email":"jane@acme.com"})", {"firstName", "lastName"}},
      {R"({"firstName":"Jane","lastName":"Roe"})", {"email"}},
      {R"({"firstName":"Jane","email":"jane@acme.com"})", {"lastName"}},
      {R"({"lastName":"Roe","email":"jane@acme.com"})", {"firstName"}},
      {R"({"firstName":"Jane","lastName":"Roe","email":"jane@acme.com"})", {}},
      // Phone and address alone leave the admin contact as it is.
      {R"({"phone":"+14085550100","address":{"city":"Sunnyvale"}})", {}},
  };
  for (const auto &c : cases) {
    Errors e = errors_for("update_account", update(c.contact));
    EXPECT_EQ(e.size(), c.missing.size()) << c.contact << " " << describe(e);
    for (const auto &m : c.missing) EXPECT_TRUE(has_error(e, "contacts[0]." + m, "all_or_none")) << c.contact;
  }
}

TEST(CommvaultRules, AdminContactFieldsMustNotBeNull) {
  // null cannot clear a name or an email; for all-or-none it counts as not given.
  Errors e = errors_for("update_account", update(R"({"firstName":"Jane","lastName":"Roe","email":null})"));
  EXPECT_TRUE(has_error(e, "contacts[0].email", "not_null")) << describe(e);
  EXPECT_TRUE(has_error(e, "contacts[0].email", "all_or_none")) << describe(e);
  e = errors_for("update_account", update(R"({"firstName":null,"lastName":null,"email":null})"));
  EXPECT_EQ(e.size(), 3u) << describe(e);
  EXPECT_TRUE(has_error(e, "contacts[0].firstName", "not_null"));
}

TEST(CommvaultRules, ContactEmailMustBeAnEmail) {
  auto with_email = [](const std::string &email) {
    return update(R"({"firstName":"Jane","lastName":"Roe","email":")" + email + "\"}");
  };
  EXPECT_TRUE(errors_for("update_account", with_email("a@b.co")).empty());
  for (const char *bad : {"jane", "jane@", "@acme.com", "jane@acme", "jane doe@acme.com", "jane@@acme.com"})
    EXPECT_TRUE(has_error(errors_for("update_account", with_email(bad)), "contacts[0].email", "email")) << bad;
  // Every contact is checked, with its own index.
  Errors e = errors_for("update_account",
                        update(R"({}, {"firstName":"A","lastName":"B","email":"nope"})"));
  EXPECT_TRUE(has_error(e, "contacts[1].email", "email")) << describe(e);
}

TEST(CommvaultRules, NullRemovesWebsitePhoneAndAddress) {
  Errors e = errors_for("update_account", update(R"({"phone":null,"address":null})", R"("website":null)"));
  EXPECT_TRUE(e.empty()) << describe(e);
  e = errors_for("update_account",
                 update(R"({"address":{"addressLine1":null,"addressLine2":null,"city":null,"state":null,)"
                        R"("country":null,"postalCode":null}})"));
  EXPECT_TRUE(e.empty()) << describe(e);
}

TEST(CommvaultRules, TypesAndUnknownFields) {
  Errors e = errors_for("update_account", update(R"({"address":{"city":7,"zip":"94086"},"type":"admin"})",
                                                 R"("website":false,"contacts2":[])"));
  EXPECT_TRUE(has_error(e, "contacts[0].address.city", "type")) << describe(e);
  EXPECT_TRUE(has_error(e, "contacts[0].address.zip", "unknown_field")) << describe(e);
  EXPECT_TRUE(has_error(e, "contacts[0].type", "unknown_field")) << describe(e);  // response-only
  EXPECT_TRUE(has_error(e, "website", "type")) << describe(e);
  EXPECT_TRUE(has_error(e, "contacts2", "unknown_field")) << describe(e);
  e = errors_for("update_account", std::string(R"({"id":")") + kId + R"(","externalId":"X","name":"N","contacts":{}})");
  EXPECT_TRUE(has_error(e, "contacts", "type")) << describe(e);
  e = errors_for("update_account", update("\"jane\""));
  EXPECT_TRUE(has_error(e, "contacts[0]", "type")) << describe(e);
}

TEST(CommvaultRules, ListParameters) {
  EXPECT_TRUE(errors_for("list_accounts", "{}").empty());
  Errors e = errors_for("list_accounts", R"({"filter":"acme","sort":"asc:name","pageNumber":0,"pageSize":1})");
  EXPECT_TRUE(e.empty()) << describe(e);
  EXPECT_TRUE(has_error(errors_for("list_accounts", R"({"pageNumber":-1})"), "pageNumber", "max_digits"));
  EXPECT_TRUE(has_error(errors_for("list_accounts", R"({"pageSize":0})"), "pageSize", "positive"));
  EXPECT_TRUE(has_error(errors_for("list_accounts", R"({"pageSize":"25"})"), "pageSize", "type"));
}

TEST(CommvaultRules, ActivateNeedsOnlyTheId) {
  Errors e = errors_for("activate_account", std::string(R"({"id":")") + kId + "\"}");
  EXPECT_TRUE(e.empty()) << describe(e);
  EXPECT_TRUE(has_error(errors_for("activate_account", "{}"), "id", "required"));
  EXPECT_TRUE(has_error(errors_for("activate_account", R"({"id":"x","disableLogin":true})"), "disableLogin",
                        "unknown_field"));
}

TEST(CommvaultRules, DeactivateNeedsAtLeastOneTrueFlag) {
  auto deactivate = [](const std::string &flags) {
    return errors_for("deactivate_account", std::string(R"({"id":")") + kId + "\"" + flags + "}");
  };
  for (const char *ok : {R"(,"disableLogin":true)", R"(,"disableBackup":true,"disableRestore":false)",
                         R"(,"disableLogin":true,"disableBackup":true,"disableRestore":true)"}) {
    Errors e = deactivate(ok);
    EXPECT_TRUE(e.empty()) << ok << ": " << describe(e);
  }
  for (const char *none : {"", R"(,"disableLogin":false,"disableBackup":false,"disableRestore":false)"}) {
    Errors e = deactivate(none);
    EXPECT_EQ(e.size(), 3u) << describe(e);
    for (const char *f : {"disableLogin", "disableBackup", "disableRestore"})
      EXPECT_TRUE(has_error(e, f, "at_least_one_true"));
  }
  Errors e = deactivate(R"(,"disableLogin":"true")");
  EXPECT_TRUE(has_error(e, "disableLogin", "type")) << describe(e);
  EXPECT_EQ(e.size(), 1u) << describe(e);
}

// ================================================================ decoding

TEST(CommvaultDecode, SingleAccountLosesTheEnvelope) {
  Value v = decode("get_account", R"({"data":{"id":"7194AF6F-1285-4295-94AA-CEED7EA2D792","status":"active","name":"Acme"}})");
  EXPECT_EQ(ak::to_json(v), R"({"id":"7194AF6F-1285-4295-94AA-CEED7EA2D792","status":"active","name":"Acme"})");
  v = decode("update_account", R"({"data":{"id":"x","status":"updating","website":null}})");
  EXPECT_EQ(ak::to_json(v), R"({"id":"x","status":"updating","website":null})");
  EXPECT_EQ(ak::commvault().status_of(op("update_account"), v), "updating");
}

TEST(CommvaultDecode, UnknownStatusesAreKeptVerbatim) {
  for (const char *s : {"active", "update_failure", "provisioning", "pending_delete", "Deactivated"}) {
    Value v = decode("get_account", std::string(R"({"data":{"id":"x","status":")") + s + "\"}}");
    EXPECT_EQ(ak::commvault().status_of(op("get_account"), v), s);
  }
  EXPECT_EQ(ak::commvault().status_of(op("get_account"), decode("get_account", R"({"data":{"id":"x"}})")), "");
}

TEST(CommvaultDecode, ListKeepsDataAndPagination) {
  const std::string body =
      R"({"data":[{"id":"a","status":"active"},{"id":"b","status":"updating"}],)"
      R"("metadata":{"pagination":{"pageNumber":1,"pageSize":2,"totalRecords":5}}})";
  Value v = decode("list_accounts", body);
  EXPECT_EQ(ak::to_json(v), body);
  const Value *total = ak::get_path(v, op("list_accounts").paging.total_path);
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(*total, Value(5));
}

TEST(CommvaultDecode, ListWithoutDataIsEmpty) {
  Value v = decode("list_accounts", R"({"metadata":{"pagination":{"totalRecords":0}}})");
  ASSERT_NE(v.find("data"), nullptr);
  EXPECT_EQ(*v.find("data"), Value::array());
  EXPECT_EQ(decode_error("list_accounts", R"({"data":{"id":"a"}})", 200).status, Status::Decode);
}

TEST(CommvaultDecode, MalformedSuccessIsADecodeError) {
  for (const char *body : {"", "not json", "[1]", R"({"id":"x"})", R"({"data":null})", R"({"data":[]})"}) {
    ak::Error e = decode_error("get_account", body, 200);
    EXPECT_EQ(e.status, Status::Decode) << body;
    EXPECT_EQ(e.raw_body, body);
  }
}

TEST(CommvaultDecode, RecordNotFound) {
  ak::Error e = decode_error("get_account", error_body(1006, "Record not found"), 404);
  EXPECT_EQ(e.status, Status::NotFound);
  EXPECT_EQ(e.vendor_code, "1006");
  EXPECT_EQ(e.http_status, 404);
  EXPECT_FALSE(e.retriable);
  EXPECT_FALSE(e.token_rejected);
  EXPECT_NE(e.message.find("Record not found"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("1006"), std::string::npos) << e.message;
  // The documented code means "not found" whatever the HTTP status says.
  EXPECT_EQ(decode_error("update_account", error_body(1006, "Record not found"), 400).status, Status::NotFound);
}

TEST(CommvaultDecode, RateLimitedCarriesRetryAfter) {
  ak::Error e = decode_error("get_account", error_body(1029, "slow down"), 429, 17);
  EXPECT_EQ(e.status, Status::RateLimited);
  EXPECT_EQ(e.retry_after, 17);
  EXPECT_TRUE(e.retriable);
  EXPECT_EQ(e.vendor_code, "1029");
  EXPECT_EQ(decode_error("list_accounts", "", 429).retry_after, -1);
}

TEST(CommvaultDecode, UnauthorizedAsksForANewToken) {
  ak::Error e = decode_error("list_accounts", error_body(1002, "invalid or expired token"), 401);
  EXPECT_EQ(e.status, Status::Auth);
  EXPECT_TRUE(e.token_rejected);
  EXPECT_EQ(e.vendor_code, "1002");
  // Forbidden is an auth error too, but a new token would not help.
  ak::Error forbidden = decode_error("get_account", error_body(1010, "forbidden"), 403);
  EXPECT_EQ(forbidden.status, Status::Auth);
  EXPECT_FALSE(forbidden.token_rejected);
}

TEST(CommvaultDecode, OtherErrorsByHttpStatus) {
  ak::Error bad = decode_error("update_account", error_body(1001, "contacts[0].email must be an email address"), 400);
  EXPECT_EQ(bad.status, Status::Validation);
  EXPECT_NE(bad.message.find("contacts[0].email must be an email address"), std::string::npos) << bad.message;
  ak::Error down = decode_error("get_account", "<html>Bad gateway</html>", 502);
  EXPECT_EQ(down.status, Status::Vendor);
  EXPECT_TRUE(down.retriable);
  EXPECT_EQ(down.vendor_code, "");
  EXPECT_EQ(down.raw_body, "<html>Bad gateway</html>");
  EXPECT_NE(down.message.find("502"), std::string::npos) << down.message;
  // A code sent as a string is kept as is; a bare string error is its message.
  EXPECT_EQ(decode_error("get_account", R"({"error":{"code":"E42","message":"m"}})", 500).vendor_code, "E42");
  EXPECT_NE(decode_error("get_account", R"({"error":"plain words"})", 500).message.find("plain words"),
            std::string::npos);
}

// An operation's fields as the HTTP request (core/request.hpp): a JSON:API
// vendor's fields nested under "data.attributes" with path parameters left
// out, its media type on the request, and PATCH named as such.
#include <gtest/gtest.h>

#include "core/request.hpp"

namespace {

using ak::Method;
using ak::Object;
using ak::Value;

ak::Operation patch_op() {
  ak::Operation op = ak::operation("update_account", ak::OpKind::Update, Method::Patch,
                                   "/api/v3/resellers/{reseller_id}/accounts/{account_id}");
  op.body_under = "data.attributes";
  op.media_type = "application/vnd.api+json";
  return op;
}

TEST(BuildRequest, FieldsNestUnderTheOperationsBodyPathWithoutPathParameters) {
  Value fields(Object{{"reseller_id", "7"}, {"account_id", 42}, {"email", "ada@example.com"}, {"middle_name", Value()}});
  ak::HttpRequest req = ak::build_request("https://ap.example", patch_op(), fields);
  EXPECT_EQ(req.method, Method::Patch);
  EXPECT_STREQ(ak::method_name(req.method), "PATCH");
  EXPECT_EQ(req.url, "https://ap.example/api/v3/resellers/7/accounts/42");
  EXPECT_EQ(req.body, R"({"data":{"attributes":{"email":"ada@example.com","middle_name":null}}})");
  EXPECT_EQ(req.media_type, "application/vnd.api+json");
}

TEST(BuildRequest, ATopLevelBodyAndJsonAreTheDefault) {
  ak::Operation op = ak::operation("create_account", ak::OpKind::Create, Method::Post, "/accounts");
  ak::HttpRequest req = ak::build_request("https://v.example", op, Value(Object{{"name", "Acme"}}));
  EXPECT_EQ(req.body, R"({"name":"Acme"})");
  EXPECT_EQ(req.media_type, "application/json");
  EXPECT_FALSE(req.resend_safe);  // a create is never resent behind the caller's back
}

TEST(BuildRequest, AnEmptyPatchStillSendsItsDocument) {
  Value fields(Object{{"reseller_id", "7"}, {"account_id", 42}});
  EXPECT_EQ(ak::build_request("https://ap.example", patch_op(), fields).body, R"({"data":{"attributes":{}}})");
}

}  // namespace

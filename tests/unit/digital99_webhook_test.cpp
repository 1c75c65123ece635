// Webhook bodies 99digital POSTs to the partner's URL, read by
// ak::parse_webhook (core/webhook.hpp): the model of results, and a clear
// error for a malformed body that never quotes it.
#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "core/webhook.hpp"

namespace {

ak::Error parse_error(const std::string &vendor, const std::string &body) {
  try {
    ak::parse_webhook(vendor, body);
  } catch (const ak::Error &e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << body;
  return {};
}

bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(Digital99Webhook, AnAccountEventIsAResult) {
  ak::Result r = ak::parse_webhook("99digital",
                                   R"({"type":"partners","event":"account_suspended","accountID":"1000",)"
                                   R"("server":"online","account_status":"suspended","reference":"crm42"})");
  EXPECT_EQ(r.vendor, "99digital");
  EXPECT_EQ(r.operation, "webhook");
  EXPECT_EQ(r.id, "1000");
  EXPECT_EQ(r.status, "account_suspended");
  EXPECT_EQ(r.data.find("account_id")->as_int(), 1000);  // one spelling, an integer, as in results
  EXPECT_EQ(r.data.find("accountID"), nullptr);
  EXPECT_EQ(r.data.find("reference")->as_string(), "crm42");
  EXPECT_EQ(r.data.find("type")->as_string(), "partners");
}

TEST(Digital99Webhook, ABuilderEventNamesItsBuilder) {
  ak::Result r = ak::parse_webhook("99digital", R"({"type":"builder","event":"builder_created","builderID":"7"})");
  EXPECT_EQ(r.id, "7");
  EXPECT_EQ(r.status, "builder_created");
  EXPECT_EQ(r.data.find("builderID")->as_int(), 7);
}

TEST(Digital99Webhook, WithoutAnEventTheStatusIsTheAccountStatus) {
  ak::Result r = ak::parse_webhook("99digital", R"({"type":"partners","account_id":1001,"account_status":"active"})");
  EXPECT_EQ(r.id, "1001");
  EXPECT_EQ(r.status, "active");
}

TEST(Digital99Webhook, OtherEventTypesNeedNoId) {
  ak::Result r = ak::parse_webhook("99digital", R"({"type":"whatsapp","whatsapp":"972501234567","status":1})");
  EXPECT_EQ(r.id, "");
  EXPECT_EQ(r.status, "");
  EXPECT_EQ(r.data.find("whatsapp")->as_string(), "972501234567");
}

TEST(Digital99Webhook, MalformedBodiesAreDecodeErrorsNamingTheProblem) {
  struct Case {
    std::string body, says;
  } cases[] = {
      {"", "not valid JSON"},
      {"{\"type\":", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {"\"partners\"", "not a JSON object"},
      {"{}", "\"type\""},
      {R"({"type":7,"account_id":1})", "\"type\""},
      {R"({"type":"","account_id":1})", "\"type\""},
      {R"({"type":"partners","event":5,"account_id":1})", "\"event\""},
      {R"({"type":"partners","event":"account_created"})", "account_id"},
      {R"({"type":"partners","account_id":"abc"})", "account_id"},
      {R"({"type":"partners","account_id":0})", "account_id"},
      {R"({"type":"builder","event":"builder_created"})", "builderID"},
      {R"({"type":"builder","builderID":-1})", "builderID"},
  };
  for (const auto &c : cases) {
    ak::Error e = parse_error("99digital", c.body);
    EXPECT_EQ(e.status, ak::Status::Decode) << c.body;
    EXPECT_TRUE(has(e.message, "99digital webhook")) << e.message;
    EXPECT_TRUE(has(e.message, c.says)) << c.body << " -> " << e.message;
    EXPECT_EQ(e.operation, "webhook");
    EXPECT_TRUE(e.raw_body.empty());
  }
}

TEST(Digital99Webhook, AnErrorNeverQuotesTheBody) {
  const std::string link = "https://builder.99digital.co.il/sso/0123456789abcdef";
  for (const std::string &body : {R"({"type":"builder","login":")" + link + "\"}",
                                  R"({"type":"builder","login":")" + link + "\"",  // cut: not JSON
                                  R"(["login",")" + link + "\"]"}) {
    ak::Error e = parse_error("99digital", body);
    EXPECT_FALSE(has(e.message, "sso/")) << e.message;
    EXPECT_FALSE(has(e.message, "0123456789abcdef")) << e.message;
  }
}

TEST(Digital99Webhook, VendorsWithoutWebhooksAndUnknownVendors) {
  EXPECT_EQ(parse_error("commvault", "{}").status, ak::Status::UnknownOperation);
  EXPECT_EQ(parse_error("activeplatform", "{}").status, ak::Status::UnknownOperation);
  EXPECT_EQ(parse_error("nosuchvendor", "{}").status, ak::Status::InvalidArgument);
}

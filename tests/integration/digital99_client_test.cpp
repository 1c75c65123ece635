// 99digital through the public C API against the in-process sandbox: secrets
// never shown (journal, errors) and client options (unknown, malformed, no
// server listening, unknown operations and vendors).
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "digital99_fixture.hpp"

using namespace akt;

namespace {

using Strings = std::vector<std::string>;

// ---- secrets ---------------------------------------------------------------------

TEST_F(Digital99, JournalMasksEverySecret) {
  int64_t id = create_account(c(), kEveryCreateField);
  ASSERT_GT(id, 0);
  ASSERT_TRUE(call(c(), "update_account", update_json(id, "eu1", "\"account_status\":0")).ok());
  ASSERT_TRUE(call(c(), "list_accounts", "{}").ok());
  ASSERT_TRUE(call(c(), "delete_account", delete_json(id, "eu1")).ok());

  std::string all = sb.journal_json();
  EXPECT_FALSE(contains(all, "sandbox-secret")) << all;
  EXPECT_FALSE(contains(all, "Str0ng!pass")) << all;
  EXPECT_TRUE(contains(all, "sandbox-client")) << all;  // an id, not a secret

  auto j = sb.journal();
  ASSERT_EQ(j.size(), 5u) << all;
  ASSERT_EQ(j[0].path(), kTokenPath);
  EXPECT_TRUE(contains(j[0].member("body"), "\"client_secret\":\"***\"")) << j[0].text;
  ASSERT_EQ(j[1].path(), kCreatePath);
  EXPECT_TRUE(contains(j[1].member("body"), "\"admin_password\":\"***\"")) << j[1].text;
  for (size_t i = 1; i < j.size(); ++i) {
    // The only Authorization value in the journal is the masked one: no token appears.
    EXPECT_EQ(j[i].str("authorization"), "Bearer ***") << j[i].text;
  }
  size_t auth_headers = 0;
  for (size_t p = all.find("\"authorization\":"); p != std::string::npos; p = all.find("\"authorization\":", p + 1))
    ++auth_headers;
  EXPECT_EQ(auth_headers, 4u);
}

TEST(Digital99Secrets, WrongSecretNeverAppearsInErrorsOrJournal) {
  Sandbox sb;
  const std::string secret = "Wr0ng-Secret-Value-77";
  ClientPtr c = new_client({{"base_url", sb.url()}, {"client_id", "sandbox-client"}, {"client_secret", secret}});
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
  EXPECT_FALSE(o.error.message.empty());
  EXPECT_FALSE(contains(o.error.all_text(), secret)) << o.error.all_text();
  EXPECT_FALSE(contains(o.error.all_text(), "sandbox-secret")) << o.error.all_text();
  EXPECT_FALSE(contains(sb.journal_json(), secret)) << sb.journal_json();
}

TEST(Digital99Secrets, VendorPasswordRefusalDoesNotEchoThePassword) {
  Sandbox sb;
  ClientPtr c = sb.client({{"validate", "false"}});
  Outcome o = call(c.get(), "create_account", create_json(), {{"admin_password", "\"lowercase!only\""}});
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_EQ(o.error.vendor_code, "40");
  EXPECT_FALSE(contains(o.error.all_text(), "lowercase!only")) << o.error.all_text();
  EXPECT_FALSE(contains(sb.journal_json(), "lowercase!only")) << sb.journal_json();
}

// ---- client options --------------------------------------------------------------

TEST(Digital99Client, UnknownOptionIsInvalidArgumentNamingIt) {
  ClientPtr c = new_client();
  ErrorInfo e = set_option(c.get(), "colour", "blue");
  EXPECT_EQ(e.code, AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(e.category, "invalid_argument");
  EXPECT_TRUE(contains(e.message, "colour")) << e.message;
}

TEST(Digital99Client, MalformedOptionValuesAreInvalidArgumentNamingTheOption) {
  ClientPtr c = new_client();
  const std::vector<std::pair<const char *, const char *>> bad = {
      {"timeout_ms", "abc"},       {"timeout_ms", "0"},          {"connect_timeout_ms", "-5"},
      {"validate", "maybe"},       {"verify_tls", "2"},          {"max_response_bytes", "10"},
      {"base_url", "not a url"},   {"base_url", "ftp://example.com/x"}};
  for (const auto &[name, value] : bad) {
    ErrorInfo e = set_option(c.get(), name, value);
    EXPECT_EQ(e.code, AK_E_INVALID_ARGUMENT) << name << "=" << value;
    EXPECT_TRUE(contains(e.message, name)) << name << "=" << value << ": " << e.message;
  }
  for (const auto &[name, value] : std::vector<std::pair<const char *, const char *>>{
           {"timeout_ms", "5000"}, {"validate", "false"}, {"verify_tls", "true"}, {"user_agent", "x/1"}})
    EXPECT_EQ(set_option(c.get(), name, value).code, AK_OK) << name;
}

TEST(Digital99Client, NoServerListeningIsTransport) {
  ClientPtr c = new_client(
      {{"base_url", "http://127.0.0.1:1"}, {"client_id", "sandbox-client"}, {"client_secret", "sandbox-secret"}});
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_TRANSPORT) << o.describe();
  EXPECT_EQ(o.error.category, "transport");
  EXPECT_EQ(o.error.http_status, 0);
  EXPECT_FALSE(contains(o.error.all_text(), "sandbox-secret"));

  // A refused connection is retried (up to max_attempts, default 3).
  ClientPtr t = new_client({{"base_url", "http://127.0.0.1:1"}, {"access_token", "tok"}, {"retry_base_ms", "1"}});
  Outcome o2 = call(t.get(), "list_accounts", "{}");
  ASSERT_EQ(o2.status, AK_E_TRANSPORT) << o2.describe();
  EXPECT_EQ(o2.error.attempts, 3);
  EXPECT_TRUE(o2.error.retriable);
  ClientPtr once = new_client({{"base_url", "http://127.0.0.1:1"}, {"access_token", "tok"}, {"max_attempts", "1"}});
  EXPECT_EQ(call(once.get(), "list_accounts", "{}").error.attempts, 1);
}

TEST(Digital99Client, UnknownOperation) {
  Sandbox sb;
  ClientPtr c = sb.client();
  Outcome o = call(c.get(), "frobnicate_account", "{}");
  ASSERT_EQ(o.status, AK_E_UNKNOWN_OPERATION) << o.describe();
  EXPECT_EQ(o.error.category, "unknown_operation");
  EXPECT_TRUE(contains(o.error.message, "frobnicate_account")) << o.error.message;
  EXPECT_EQ(sb.journal_json(), "[]");
}

TEST(Digital99Client, UnknownVendorAndNullArguments) {
  ak_client *raw = nullptr;
  ak_error *err = nullptr;
  ak_status s = ak_client_new(&raw, "nope", &err);
  ErrorInfo e = copy_error(s, err);
  EXPECT_EQ(e.code, AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(e.message, "nope")) << e.message;
  EXPECT_EQ(raw, nullptr);

  ClientPtr c = new_client();
  EXPECT_STREQ(ak_client_vendor(c.get()), "99digital");
  ak_result *r = nullptr;
  EXPECT_EQ(ak_call(&r, nullptr, "list_accounts", nullptr, nullptr), AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(ak_call(&r, c.get(), nullptr, nullptr, nullptr), AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(r, nullptr);
  ak_client_free(nullptr);
  ak_fields_free(nullptr);
  ak_result_free(nullptr);
  ak_error_free(nullptr);
  ak_sandbox_free(nullptr);
  ak_string_free(nullptr);
}

}  // namespace

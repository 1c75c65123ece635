// Security checks: redirects, schemes, response caps, control characters in
// URL-bound values, path escaping, and no secret anywhere the library writes.
#include <gtest/gtest.h>

#include <mutex>

#include "sandbox_faults.hpp"

namespace {

using namespace akt;

constexpr const char *kCommvaultAccount = "7194af6f-1285-4295-94aa-ceed7ea2d792";

std::string redirect(const char *path, const std::string &location, const char *method = "GET") {
  return std::string(R"({"vendor":"99digital","method":")") + method + R"(","path":")" + path +
         R"(","kind":"redirect","count":1,"location":")" + location + "\"}";
}

// ---- redirects --------------------------------------------------------------------

TEST(Security, ARedirectToAnotherHostIsNotFollowed) {
  Sandbox sb;
  ClientPtr c = sb.client({{"max_attempts", "1"}});
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  // Same server, other host name: credentials must not travel there.
  std::string elsewhere = "http://localhost:" + std::to_string(sb.port()) + "/99digital" + kListPath + "?stolen=1";
  add_faults(sb, redirect(kListPath, elsewhere));
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_TRANSPORT) << o.describe();
  EXPECT_TRUE(contains(o.error.message, "another host")) << o.error.message;
  for (const auto &e : sb.journal()) EXPECT_FALSE(e.contains("stolen")) << e.text;
}

TEST(Security, ASameHostRedirectOfAReadIsFollowed) {
  Sandbox sb;
  ClientPtr c = sb.client();
  add_faults(sb, redirect(kListPath, sb.url() + kListPath + "?followed=1"));
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_TRUE(sb.journal().back().contains(R"("followed":"1")")) << sb.journal_json();
}

TEST(Security, ARedirectOfAWriteIsNotFollowed) {
  Sandbox sb;
  ClientPtr c = sb.client({{"max_attempts", "1"}});
  int64_t id = create_account(c.get(), create_json());
  add_faults(sb, redirect(kUpdatePath, sb.url() + kUpdatePath, "POST"));
  Outcome o = call(c.get(), "update_account", update_json(id, "online"));
  ASSERT_EQ(o.status, AK_E_TRANSPORT) << o.describe();
  EXPECT_EQ(sb.count(kUpdatePath), 1u);
}

TEST(Security, ARedirectToAnotherSchemeIsNotFollowed) {
  Sandbox sb;
  ClientPtr c = sb.client({{"max_attempts", "1"}});
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  add_faults(sb, redirect(kListPath, "file:///etc/passwd"));
  EXPECT_EQ(call(c.get(), "list_accounts", "{}").status, AK_E_TRANSPORT);
}

// ---- schemes, size cap --------------------------------------------------------------

TEST(Security, OnlyHttpAndHttpsBaseUrls) {
  ClientPtr c = new_client();
  for (const char *url : {"ftp://127.0.0.1/", "file:///etc/passwd", "gopher://x", "127.0.0.1:80", "//host/x"}) {
    ErrorInfo e = set_option(c.get(), "base_url", url);
    EXPECT_EQ(e.code, AK_E_INVALID_ARGUMENT) << url;
  }
  EXPECT_EQ(set_option(c.get(), "base_url", "https://partners.99digital.co.il").code, AK_OK);
}

TEST(Security, ResponsesAboveTheCapAreRefused) {
  Sandbox sb;
  ClientPtr c = sb.client();
  for (int i = 0; i < 20; ++i) create_account(c.get(), create_json("Account " + std::to_string(i)));
  ClientPtr capped = sb.client({{"max_response_bytes", "1024"}, {"max_attempts", "1"}});
  Outcome o = call(capped.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_TRANSPORT) << o.describe();
  EXPECT_TRUE(contains(o.error.message, "max_response_bytes")) << o.error.message;
}

// ---- control characters and escaping ------------------------------------------------

TEST(Security, ControlCharactersInOptionValuesAreRefused) {
  ClientPtr c = new_client();
  for (std::string value : {std::string("tok\r\nX-Evil: 1"), std::string("tok\nx"), std::string("tok\0x", 5)}) {
    ak_error *err = nullptr;
    ASSERT_EQ(ak_client_set_option(c.get(), "access_token", value.c_str(), &err),
              value.find('\0') == std::string::npos ? AK_E_INVALID_ARGUMENT : AK_OK);
    ak_error_free(err);  // (a C string stops at NUL: "tok" is a fine token)
  }
}

TEST(Security, ControlCharactersInUrlBoundFieldsAreValidationErrorsEvenWithValidationOff) {
  Sandbox sb;
  ClientPtr cv = sb.client({{"validate", "false"}}, "commvault");
  Outcome o = call(cv.get(), "get_account", "{\"id\":\"abc\\r\\nX-Evil: 1\"}");
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_TRUE(o.error.has_field("id", "control_characters")) << o.error.all_text();
  ClientPtr ap = sb.client({}, "activeplatform");
  Outcome q = call(ap.get(), "list_accounts", R"({"filters":{"email":"a@b.c\u0000x"}})");
  ASSERT_EQ(q.status, AK_E_VALIDATION) << q.describe();
  EXPECT_TRUE(q.error.has_field("filters.email", "control_characters")) << q.error.all_text();
  EXPECT_TRUE(sb.journal().empty()) << sb.journal_json();
}

TEST(Security, PathParametersAreEscaped) {
  Sandbox sb;
  ClientPtr cv = sb.client({{"validate", "false"}, {"max_attempts", "1"}}, "commvault");
  // (Dot segments, "../99digital/...", are refused before: secrets_test.cpp.)
  Outcome o = call(cv.get(), "get_account", R"({"id":"x/99digital/api/online/getAccounts?x=1#y"})");
  EXPECT_EQ(o.status, AK_E_NOT_FOUND) << o.describe();
  const Entry last = sb.journal().back();
  EXPECT_EQ(last.vendor(), "commvault") << last.text;
  EXPECT_EQ(last.path().rfind("/api/v1/partner/accounts/", 0), 0u) << last.text;
  EXPECT_EQ(last.member("query"), "{}") << last.text;
}

// ---- secrets ------------------------------------------------------------------------

struct Collected {
  std::mutex mu;
  std::string text;
  void add(const std::string &s) {
    std::lock_guard lock(mu);
    text += s + "\n";
  }
};

void on_log(void *user, ak_log_level, const char *message) { static_cast<Collected *>(user)->add(message); }

// Every operation of every vendor, successful and failing, with logging on:
// no secret may appear in an error, a log line or the journal.
TEST(Security, NoSecretAppearsInErrorsLogsOrTheJournal) {
  Sandbox sb;
  Collected seen;
  auto client = [&](const char *vendor, Knobs extra = {}) {
    extra.insert(extra.begin(), {"max_attempts", "1"});
    ClientPtr c = sb.client(extra, vendor);
    EXPECT_EQ(ak_client_set_log_callback(c.get(), AK_LOG_DEBUG, on_log, &seen, nullptr), AK_OK);
    return c;
  };
  auto run = [&](ak_client *c, const char *op, const std::string &json) {
    Outcome o = call(c, op, json);
    if (!o.ok()) seen.add(o.error.all_text());
    return o;
  };
  const std::string wrong[] = {"wrong-client-secret-Q7x", "wrong-api-token-Z9k", "wrong-password-W3m",
                               "caller-token-P5n"};

  ClientPtr nn = client("99digital");
  Outcome created = run(nn.get(), "create_account", create_json());
  int64_t id = created.get_int("account_id").value_or(0);
  std::string agent = std::to_string(created.get_int("agent_id").value_or(0));
  run(nn.get(), "update_account", update_json(id, "online", R"("account_name":"Renamed")"));
  run(nn.get(), "update_account", update_json(9999, "online"));
  run(nn.get(), "list_accounts", "{}");
  run(nn.get(), "list_agents", "{\"accountID\":" + std::to_string(id) + "}");
  // The sign-in link is a secret: only the result holds it.
  std::string link = run(nn.get(), "login_agent", "{\"accountID\":" + std::to_string(id) + ",\"agentID\":" + agent + "}")
                         .get_string("login")
                         .value_or("");
  EXPECT_TRUE(link.starts_with("https://online.99digital.co.il/sso/"));
  run(nn.get(), "login_agent", "{\"accountID\":" + std::to_string(id) + ",\"agentID\":99999}");
  run(nn.get(), "delete_account", delete_json(id, "online"));
  run(nn.get(), "delete_account", delete_json(id, "online"));
  sb.expire_tokens();
  run(nn.get(), "list_accounts", "{}");
  run(client("99digital", {{"client_secret", wrong[0]}}).get(), "list_accounts", "{}");
  run(client("99digital", {{"access_token", wrong[3]}}).get(), "list_accounts", "{}");

  ClientPtr ap = client("activeplatform");
  std::string ap_create = R"({"account_type_id":1,"account_class_id":1,"first_name":"Ana","last_name":"Lee",)"
                          R"("country":"BY","region":"5","city":"Minsk","street":"Lenina","building":"1",)"
                          R"("office":"","zip":"220007","phone":"+375295555555","email":"ana@example.com"})";
  std::string ap_id = run(ap.get(), "create_account", ap_create).id();
  run(ap.get(), "get_account", "{\"account_id\":" + ap_id + "}");
  run(ap.get(), "get_account", R"({"account_id":987654})");
  run(ap.get(), "update_account", "{\"account_id\":" + ap_id + ",\"city\":\"Brest\"}");
  run(ap.get(), "list_accounts", R"({"filters":{"status":"active"}})");
  run(client("activeplatform", {{"api_token", wrong[1]}}).get(), "list_accounts", "{}");

  ClientPtr cv = client("commvault");
  std::string cv_update = std::string("{\"id\":\"") + kCommvaultAccount +
                          R"(","externalId":"XSP1234","name":"Acme ltd","website":null,"contacts":[]})";
  run(cv.get(), "get_account", std::string("{\"id\":\"") + kCommvaultAccount + "\"}");
  run(cv.get(), "update_account", cv_update);
  run(cv.get(), "list_accounts", "{}");
  sb.expire_tokens();
  run(cv.get(), "list_accounts", "{}");
  run(client("commvault", {{"password", wrong[2]}}).get(), "list_accounts", "{}");

  std::string everything = seen.text + sb.journal_json();
  for (const std::string &secret : {std::string("sandbox-secret"), std::string("sandbox-api-token"),
                                    std::string("sandbox-password"), std::string("Str0ng!pass"),
                                    std::string("sbx_"), std::string("sbxcv_"), std::string("/sso/")})
    EXPECT_FALSE(contains(everything, secret)) << secret;
  for (const std::string &secret : wrong) EXPECT_FALSE(contains(everything, secret)) << secret;
  // The checks above are only meaningful if the calls were logged and journalled.
  EXPECT_TRUE(contains(seen.text, "/api/online/createAccount -> 200")) << seen.text;
  EXPECT_TRUE(contains(seen.text, "api_token=***")) << seen.text;
  EXPECT_GT(sb.journal().size(), 20u);
}

}  // namespace

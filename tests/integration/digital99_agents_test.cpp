// 99digital agents over real HTTP against the in-process sandbox, through the
// public C API only: list_agents and login_agent, every reason the sandbox
// can produce for them (29, 32, 34, 35), and the sign-in link as a secret:
// in the result, nowhere else (log lines, journal, raw bodies).
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "digital99_fixture.hpp"
#include "sandbox_faults.hpp"

using namespace akt;

namespace {

using Strings = std::vector<std::string>;

constexpr const char *kAgentsPath = "/api/online/getAgents";
constexpr const char *kLoginPath = "/api/online/loginAgent";

std::string agents_json(int64_t id, const std::optional<std::string> &server = std::nullopt) {
  return "{\"accountID\":" + std::to_string(id) + (server ? ",\"server\":\"" + *server + "\"" : "") + "}";
}

std::string login_json(int64_t id, int64_t agent, const std::optional<std::string> &server = std::nullopt) {
  return "{\"accountID\":" + std::to_string(id) + ",\"agentID\":" + std::to_string(agent) +
         (server ? ",\"server\":\"" + *server + "\"" : "") + "}";
}

// Creates an account and returns {account_id, agent_id} ({0, 0} on failure).
std::pair<int64_t, int64_t> create_with_agent(ak_client *c, const std::string &json, const Overrides &o = {}) {
  Outcome r = call(c, "create_account", json, o);
  if (!r.ok()) {
    ADD_FAILURE() << "create_account failed: " << r.describe();
    return {0, 0};
  }
  return {r.get_int("account_id").value_or(0), r.get_int("agent_id").value_or(0)};
}

std::optional<std::string> item_string(const Outcome &o, int i, const char *key) {
  std::string path = "list[" + std::to_string(i) + "]." + key;
  return o.get_string(path.c_str());
}
std::optional<int64_t> item_int(const Outcome &o, int i, const char *key) {
  std::string path = "list[" + std::to_string(i) + "]." + key;
  return o.get_int(path.c_str());
}
bool item_null(const Outcome &o, int i, const char *key) {
  std::string path = "list[" + std::to_string(i) + "]." + key;
  return o.result && ak_result_is_null(o.result.get(), path.c_str()) != 0;
}

struct Lines {
  std::mutex mu;
  std::string text;
};

void collect(void *user, ak_log_level, const char *message) {
  auto *lines = static_cast<Lines *>(user);
  std::lock_guard lock(lines->mu);
  lines->text += std::string(message) + "\n";
}

// ---- list_agents -------------------------------------------------------------------

TEST_F(Digital99, ListAgentsGivesTheAccountsAdminAgent) {
  auto [id, agent] = create_with_agent(c(), kEveryCreateField);  // server eu1, 2FA by email
  ASSERT_GT(id, 0);
  sb.clear_journal();
  Outcome o = call(c(), "list_agents", agents_json(id, "eu1"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_int("account_id"), id);
  EXPECT_EQ(o.get_int("totalagents"), 1);
  ASSERT_EQ(o.size("list"), 1u) << o.json;
  EXPECT_EQ(item_int(o, 0, "id"), agent);
  EXPECT_EQ(item_string(o, 0, "email"), "owner@acme.example");
  EXPECT_EQ(item_string(o, 0, "agent_name"), "Ada Owner");
  EXPECT_EQ(item_string(o, 0, "role"), "Admin");
  EXPECT_GT(item_int(o, 0, "create_time").value_or(0), 1700000000);
  EXPECT_EQ(item_string(o, 0, "two_factor_type"), "email");
  EXPECT_EQ(item_string(o, 0, "two_factor_email"), "owner@acme.example");
  EXPECT_TRUE(item_null(o, 0, "two_factor_phone")) << o.json;

  auto j = sb.journal();
  ASSERT_EQ(j.size(), 1u) << sb.journal_json();
  EXPECT_EQ(j[0].method(), "POST");
  EXPECT_EQ(j[0].path(), kAgentsPath);
  EXPECT_EQ(j[0].member("body"), "{\"accountID\":" + std::to_string(id) + ",\"server\":\"eu1\"}");
}

TEST_F(Digital99, ListAgentsShowsSmsTwoFactorAndAnAgentSharedByTwoAccounts) {
  auto [first, agent] =
      create_with_agent(c(), create_json(), {{"admin_2fa", "2"}, {"admin_2fa_value", "\"972501234567\""}});
  ASSERT_GT(first, 0);
  // The same admin_email on a second account is the same agent, granted access.
  auto [second, same] = create_with_agent(c(), create_json("Beta Ltd", "owner@acme.example", "beta1"));
  ASSERT_GT(second, 0);
  EXPECT_EQ(same, agent);
  // Another admin is another agent, on its own account only.
  auto [third, other] = create_with_agent(c(), create_json("Gamma", "gil@gamma.example", "gamma1"));
  ASSERT_GT(third, 0);
  EXPECT_NE(other, agent);

  Outcome o = call(c(), "list_agents", agents_json(second));
  ASSERT_TRUE(o.ok()) << o.describe();
  ASSERT_EQ(o.size("list"), 1u) << o.json;
  EXPECT_EQ(item_int(o, 0, "id"), agent);
  EXPECT_EQ(item_string(o, 0, "two_factor_type"), "sms");
  EXPECT_EQ(item_string(o, 0, "two_factor_phone"), "+972501234567");
  EXPECT_TRUE(item_null(o, 0, "two_factor_email")) << o.json;

  Outcome g = call(c(), "list_agents", agents_json(third));
  ASSERT_TRUE(g.ok()) << g.describe();
  ASSERT_EQ(g.size("list"), 1u) << g.json;
  EXPECT_EQ(item_int(g, 0, "id"), other);
  EXPECT_TRUE(item_null(g, 0, "two_factor_type")) << g.json;
}

TEST_F(Digital99, ListAgentsWithoutServerSendsNoneAndTheVendorUsesOnline) {
  int64_t id = create_account(c(), create_json());
  ASSERT_GT(id, 0);
  sb.clear_journal();
  Outcome o = call(c(), "list_agents", agents_json(id));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.size("list"), 1u) << o.json;
  auto j = sb.journal();
  ASSERT_EQ(j.size(), 1u) << sb.journal_json();
  EXPECT_EQ(j[0].member("body"), "{\"accountID\":" + std::to_string(id) + "}");
}

// ---- login_agent -------------------------------------------------------------------

TEST_F(Digital99, LoginAgentGivesAFreshSignInLinkEachCall) {
  auto [id, agent] = create_with_agent(c(), create_json());
  ASSERT_GT(id, 0);
  Outcome o = call(c(), "login_agent", login_json(id, agent));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_int("account_id"), id);
  EXPECT_EQ(o.get_int("agent_id"), agent);
  EXPECT_EQ(o.id(), std::to_string(id));
  EXPECT_EQ(o.get_string("server"), "online");
  std::string link = o.get_string("login").value_or("");
  EXPECT_TRUE(link.starts_with("https://online.99digital.co.il/sso/")) << "the link has another shape";
  EXPECT_GT(link.size(), std::string("https://online.99digital.co.il/sso/").size() + 16);

  Outcome again = call(c(), "login_agent", login_json(id, agent, "online"));
  ASSERT_TRUE(again.ok()) << again.describe();
  EXPECT_NE(again.get_string("login").value_or(""), link) << "a link is single-use: each call issues another";
}

TEST_F(Digital99, LoginAgentOnAnotherServer) {
  auto [id, agent] = create_with_agent(c(), kEveryCreateField);  // server eu1
  ASSERT_GT(id, 0);
  Outcome o = call(c(), "login_agent", login_json(id, agent, "eu1"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_TRUE(o.get_string("login").value_or("").starts_with("https://eu1.99digital.co.il/sso/"));
}

// ---- reasons -----------------------------------------------------------------------

struct ReasonCase {
  const char *name;
  const char *op;
  const char *reason;
  ak_status status;
  const char *field;  // nullptr: the error names no field
};

TEST(Digital99AgentsReasons, EveryReasonTheSandboxGives) {
  Sandbox sb;
  ClientPtr c = sb.client({{"validate", "false"}});
  auto [id, agent] = create_with_agent(c.get(), create_json());  // server online
  ASSERT_GT(id, 0);
  auto [suspended, its_agent] = create_with_agent(c.get(), create_json("Sleepy", "zed@sleepy.example", "sleepy1"));
  ASSERT_GT(suspended, 0);
  ASSERT_TRUE(call(c.get(), "update_account", update_json(suspended, "online", "\"account_status\":0")).ok());

  struct Case {
    ReasonCase rc;
    std::string json;
  };
  const std::vector<Case> cases = {
      {{"list 29 unknown account", "list_agents", "29", AK_E_NOT_FOUND, "accountID"}, agents_json(9999999)},
      {{"list 29 account 0 (rules off)", "list_agents", "29", AK_E_NOT_FOUND, "accountID"}, agents_json(0)},
      {{"list 34 another server", "list_agents", "34", AK_E_VALIDATION, "server"}, agents_json(id, "eu1")},
      {{"list 34 unknown server", "list_agents", "34", AK_E_VALIDATION, "server"}, agents_json(id, "nowhere")},
      {{"login 29 unknown account", "login_agent", "29", AK_E_NOT_FOUND, "accountID"},
       login_json(9999999, agent)},
      {{"login 34 another server", "login_agent", "34", AK_E_VALIDATION, "server"}, login_json(id, agent, "eu1")},
      {{"login 35 unknown agent", "login_agent", "35", AK_E_NOT_FOUND, "agentID"}, login_json(id, 99999)},
      {{"login 35 an agent of another account", "login_agent", "35", AK_E_NOT_FOUND, "agentID"},
       login_json(id, its_agent)},
      {{"login 35 agentID missing (rules off)", "login_agent", "35", AK_E_NOT_FOUND, "agentID"},
       "{\"accountID\":" + std::to_string(id) + "}"},
      {{"login 32 suspended account", "login_agent", "32", AK_E_VENDOR, nullptr}, login_json(suspended, its_agent)},
  };
  for (const Case &k : cases) {
    SCOPED_TRACE(k.rc.name);
    sb.clear_journal();
    Outcome o = call(c.get(), k.rc.op, k.json);
    ASSERT_EQ(o.status, k.rc.status) << o.describe();
    EXPECT_EQ(o.error.vendor_code, k.rc.reason);
    EXPECT_EQ(o.error.vendor, "99digital");
    EXPECT_EQ(o.error.operation, k.rc.op);
    EXPECT_EQ(o.error.http_status, 200);
    EXPECT_EQ(o.error.attempts, 1);
    EXPECT_FALSE(o.error.retriable);
    EXPECT_TRUE(contains(o.error.message, std::string("(reason ") + k.rc.reason + ")")) << o.error.message;
    if (k.rc.field) {
      EXPECT_TRUE(o.error.has_field(k.rc.field, "vendor")) << o.error.all_text();
    } else {
      EXPECT_TRUE(o.error.fields.empty()) << o.error.all_text();
    }
    // Sent once: a vendor refusal is not retried.
    EXPECT_EQ(sb.paths(), (Strings{std::string(k.rc.op) == "list_agents" ? kAgentsPath : kLoginPath}))
        << sb.journal_json();
  }

  // Signing in again once the account is active again works.
  ASSERT_TRUE(call(c.get(), "update_account", update_json(suspended, "online", "\"account_status\":1")).ok());
  EXPECT_TRUE(call(c.get(), "login_agent", login_json(suspended, its_agent)).ok());
}

TEST_F(Digital99, InvalidAgentCallsReportEveryProblemAndSendNothing) {
  Outcome l = call(c(), "list_agents", "{\"accountID\":12345678,\"server\":\"" + std::string(51, 's') + "\"}");
  ASSERT_EQ(l.status, AK_E_VALIDATION) << l.describe();
  EXPECT_EQ(l.error.fields.size(), 2u) << l.error.all_text();
  EXPECT_TRUE(l.error.has_field("accountID", "max_digits")) << l.error.all_text();
  EXPECT_TRUE(l.error.has_field("server", "max_length")) << l.error.all_text();

  Outcome g = call(c(), "login_agent", "{\"accountID\":1000,\"agentID\":0}");
  ASSERT_EQ(g.status, AK_E_VALIDATION) << g.describe();
  EXPECT_EQ(g.error.fields.size(), 1u) << g.error.all_text();
  EXPECT_TRUE(g.error.has_field("agentID", "positive")) << g.error.all_text();

  Outcome m = call(c(), "login_agent", "{}");
  ASSERT_EQ(m.status, AK_E_VALIDATION) << m.describe();
  EXPECT_TRUE(m.error.has_field("accountID", "required")) << m.error.all_text();
  EXPECT_TRUE(m.error.has_field("agentID", "required")) << m.error.all_text();
  EXPECT_EQ(sb.journal_json(), "[]");
}

// ---- the sign-in link is a secret ------------------------------------------------------

TEST_F(Digital99, TheSignInLinkIsInTheResultAndNowhereElse) {
  Lines lines;
  ASSERT_EQ(ak_client_set_log_callback(c(), AK_LOG_DEBUG, collect, &lines, nullptr), AK_OK);
  auto [id, agent] = create_with_agent(c(), create_json());
  ASSERT_GT(id, 0);
  Outcome o = call(c(), "login_agent", login_json(id, agent));
  ASSERT_TRUE(o.ok()) << o.describe();
  std::string link = o.get_string("login").value_or("");
  ASSERT_FALSE(link.empty()) << "no link in the result";
  const std::string secret_part = link.substr(link.rfind('/') + 1);
  ASSERT_GE(secret_part.size(), 16u);
  // The result carries it: that is what the call is for.
  EXPECT_TRUE(contains(o.json, link)) << "the link is missing from the result JSON";
  // The log saw the exchange, never the link.
  EXPECT_TRUE(contains(lines.text, kLoginPath)) << lines.text;
  EXPECT_FALSE(contains(lines.text, secret_part)) << "the link shows in the log";
  EXPECT_FALSE(contains(lines.text, "/sso/")) << "a piece of the link shows in the log";
  // The journal records what was sent, and never the link.
  std::string journal = sb.journal_json();
  EXPECT_TRUE(contains(journal, kLoginPath));
  EXPECT_FALSE(contains(journal, secret_part)) << "the link shows in the journal";
}

TEST(Digital99AgentsSecrets, ALinkInAnAnswerThatFailsIsMaskedInTheError) {
  const std::string leaked = "https://online.99digital.co.il/sso/leakedleakedleakedleaked";
  struct Case {
    const char *name, *fault;
    ak_status status;
  };
  for (const Case &k :
       {Case{"a FAIL envelope with a link", R"("status":200,"body":{"status":"FAIL","reason":32,"login":"LINK"})",
             AK_E_VENDOR},
        Case{"an HTTP error answer with a link", R"("status":502,"body":{"error":"gateway","login":"LINK"})",
             AK_E_VENDOR}}) {
    SCOPED_TRACE(k.name);
    Sandbox sb;
    ClientPtr c = sb.client({{"max_attempts", "1"}});
    Lines lines;
    ASSERT_EQ(ak_client_set_log_callback(c.get(), AK_LOG_DEBUG, collect, &lines, nullptr), AK_OK);
    auto [id, agent] = create_with_agent(c.get(), create_json());
    ASSERT_GT(id, 0);
    std::string fault = k.fault;
    fault.replace(fault.find("LINK"), 4, leaked);
    add_faults(sb, R"({"vendor":"99digital","path":"/api/online/loginAgent","kind":"answer_after_commit",)" + fault +
                       "}");
    Outcome o = call(c.get(), "login_agent", login_json(id, agent));
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status, k.status) << o.describe();
    EXPECT_TRUE(contains(o.error.raw_body, "\"login\":\"***\"")) << o.error.raw_body;
    EXPECT_FALSE(contains(o.error.all_text(), "leakedleaked")) << "the link shows in the error";
    EXPECT_FALSE(contains(lines.text, "leakedleaked")) << "the link shows in the log";
    EXPECT_FALSE(contains(sb.journal_json(), "leakedleaked")) << "the link shows in the journal";
  }
}

}  // namespace

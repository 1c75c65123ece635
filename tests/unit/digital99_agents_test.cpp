// 99digital agents (docs: online/get-agents-list, online/login-to-an-agent):
// the operations' tables, the decoding of the documented answers, the field
// rules, and the sign-in link as a secret key (masked in text, kept in data).
// Reason codes are in digital99_decode_test.cpp with the other operations'.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/api.hpp"
#include "core/redact.hpp"
#include "core/vendors/digital99/digital99.hpp"

using ak::Status;
using ak::Value;

namespace {

const ak::Operation &op(std::string_view name) {
  const ak::Operation *o = ak::digital99().find(name);
  if (!o) throw std::logic_error("99digital has no operation " + std::string(name));
  return *o;
}

Value decode(std::string_view op_name, std::string body) {
  ak::HttpResponse resp;
  resp.status = 200;
  resp.body = std::move(body);
  return ak::digital99().decode(op(op_name), resp);
}

// (path, rule) of every problem validation finds in fields (JSON text).
std::vector<std::pair<std::string, std::string>> problems(std::string_view op_name, const std::string &fields) {
  std::vector<ak::FieldError> errors;
  ak::validate(op(op_name).request, ak::parse_json(fields), errors);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto &e : errors) out.emplace_back(e.path, e.rule);
  return out;
}

using Problems = std::vector<std::pair<std::string, std::string>>;

// The docs' getAgents answer (two agents: 2FA by SMS, then none).
const std::string kAgentsAnswer =
    R"({"status":"OK","reason":1,"accountID":1,"server":1,"totalagents":2,"list":[)"
    R"({"id":1,"create_time":1748168139,"email":"ada@acme.example","agent_name":"Ada","role":"Admin",)"
    R"("two_factor_type":"sms","two_factor_phone":"+972500000000","two_factor_email":null},)"
    R"({"id":2,"create_time":1748168200,"email":"bob@acme.example","agent_name":"Bob","role":"Agent",)"
    R"("two_factor_type":null,"two_factor_phone":null,"two_factor_email":null}]})";

// The docs' loginAgent answer.
const std::string kLoginAnswer =
    R"({"status":"OK","accountID":4142,"agentID":3142,"server":"online",)"
    R"("login":"https://online.99digital.co.il/sso/0123456789abcdef0123456789abcdef"})";

}  // namespace

// ================================================================ tables

TEST(Digital99Agents, OperationsAreDeclared) {
  const ak::Operation &list = op("list_agents");
  EXPECT_EQ(list.kind, ak::OpKind::List);
  EXPECT_EQ(list.method, ak::Method::Post);
  EXPECT_EQ(list.path, "/api/online/getAgents");
  EXPECT_EQ(list.id_field, "accountID");
  EXPECT_EQ(list.list_key, "list");
  EXPECT_EQ(list.result_id, "id");
  EXPECT_TRUE(list.paging.page_param.empty());  // one answer holds every agent

  const ak::Operation &login = op("login_agent");
  EXPECT_EQ(login.kind, ak::OpKind::Read);  // it changes no account; a resend issues another link
  EXPECT_EQ(login.method, ak::Method::Post);
  EXPECT_EQ(login.path, "/api/online/loginAgent");
  EXPECT_EQ(login.id_field, "accountID");
  EXPECT_EQ(login.result_id, "account_id");
  EXPECT_TRUE(login.list_key.empty());
}

TEST(Digital99Agents, TheSignInLinkIsASecretKey) {
  const auto &keys = ak::api::secret_keys(ak::digital99());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "login"), keys.end());
  EXPECT_TRUE(ak::api::is_secret_key("login"));
  // Only the key itself: the operation's name and other words stay.
  EXPECT_FALSE(ak::api::is_secret_key("login_agent"));
}

// ================================================================ decoding

TEST(Digital99Agents, AgentsAnswerKeepsEveryAgentAndItsFields) {
  Value v = decode("list_agents", kAgentsAnswer);
  EXPECT_EQ(v.find("status"), nullptr);
  EXPECT_EQ(v.find("reason"), nullptr);
  ASSERT_NE(v.find("account_id"), nullptr);  // accountID, renamed as on every answer
  EXPECT_EQ(v.find("account_id")->as_int(), 1);
  EXPECT_EQ(v.find("accountID"), nullptr);
  EXPECT_EQ(v.find("totalagents")->as_int(), 2);
  const Value *list = v.find("list");
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->as_array().size(), 2u);
  const Value &first = list->as_array()[0];
  EXPECT_EQ(first.find("id")->as_int(), 1);
  EXPECT_EQ(first.find("create_time")->as_int(), 1748168139);
  EXPECT_EQ(first.find("email")->as_string(), "ada@acme.example");
  EXPECT_EQ(first.find("agent_name")->as_string(), "Ada");
  EXPECT_EQ(first.find("role")->as_string(), "Admin");
  EXPECT_EQ(first.find("two_factor_type")->as_string(), "sms");
  EXPECT_EQ(first.find("two_factor_phone")->as_string(), "+972500000000");
  EXPECT_TRUE(first.find("two_factor_email")->is_null());
  const Value &second = list->as_array()[1];
  EXPECT_EQ(second.find("id")->as_int(), 2);
  EXPECT_TRUE(second.find("two_factor_type")->is_null());
}

TEST(Digital99Agents, AgentIdsGivenAsDigitStringsBecomeIntegers) {
  Value v = decode("list_agents", R"({"status":"OK","reason":1,"accountID":"1001","list":[{"id":"7"}]})");
  EXPECT_EQ(v.find("account_id")->as_int(), 1001);
  EXPECT_EQ(v.find("list")->as_array()[0].find("id")->as_int(), 7);
}

TEST(Digital99Agents, AgentsAnswerWithoutAListIsAnEmptyList) {
  Value v = decode("list_agents", R"({"status":"OK","reason":1,"accountID":1,"totalagents":0})");
  ASSERT_NE(v.find("list"), nullptr);
  EXPECT_TRUE(v.find("list")->as_array().empty());
}

TEST(Digital99Agents, LoginAnswerKeepsTheLinkWithOneSpellingOfIds) {
  Value v = decode("login_agent", kLoginAnswer);
  EXPECT_EQ(ak::to_json(v),
            R"({"server":"online","login":"https://online.99digital.co.il/sso/0123456789abcdef0123456789abcdef",)"
            R"("account_id":4142,"agent_id":3142})");
  EXPECT_EQ(ak::digital99().status_of(op("login_agent"), v), "");
}

TEST(Digital99Agents, TheLinkIsMaskedInTextButNotInData) {
  // Raw bodies and log lines are cleaned by location.
  std::string text = kLoginAnswer;
  ak::mask_by_location(text);
  EXPECT_EQ(text.find("sso/"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("login":"***")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("agentID":3142)"), std::string::npos) << text;
  // Journals mask by key.
  Value journal = ak::parse_json(kLoginAnswer);
  ak::api::mask_secrets(journal);
  EXPECT_EQ(journal.find("login")->as_string(), "***");
  // A cut answer still hides what is left of the link.
  std::string cut = kLoginAnswer.substr(0, kLoginAnswer.size() - 20);
  ak::mask_by_location(cut);
  EXPECT_EQ(cut.find("sso/"), std::string::npos) << cut;
}

// ================================================================ rules

TEST(Digital99Agents, ListAgentsRules) {
  EXPECT_EQ(problems("list_agents", R"({"accountID":1000})"), Problems{});
  EXPECT_EQ(problems("list_agents", R"({"accountID":1000,"server":"eu1"})"), Problems{});
  EXPECT_EQ(problems("list_agents", R"({})"), (Problems{{"accountID", "required"}}));
  EXPECT_EQ(problems("list_agents", R"({"accountID":0})"), (Problems{{"accountID", "positive"}}));
  EXPECT_EQ(problems("list_agents", R"({"accountID":12345678})"), (Problems{{"accountID", "max_digits"}}));
  EXPECT_EQ(problems("list_agents", R"({"accountID":"1000"})"), (Problems{{"accountID", "type"}}));
  EXPECT_EQ(problems("list_agents", R"({"accountID":1000,"server":")" + std::string(51, 's') + "\"}"),
            (Problems{{"server", "max_length"}}));
  EXPECT_EQ(problems("list_agents", R"({"accountID":1000,"page":2})"), (Problems{{"page", "unknown_field"}}));
}

TEST(Digital99Agents, LoginAgentRules) {
  EXPECT_EQ(problems("login_agent", R"({"accountID":1000,"agentID":100})"), Problems{});
  EXPECT_EQ(problems("login_agent", R"({"accountID":1000,"agentID":100,"server":"online"})"), Problems{});
  EXPECT_EQ(problems("login_agent", R"({})"), (Problems{{"accountID", "required"}, {"agentID", "required"}}));
  EXPECT_EQ(problems("login_agent", R"({"accountID":1000})"), (Problems{{"agentID", "required"}}));
  EXPECT_EQ(problems("login_agent", R"({"accountID":1000,"agentID":0})"), (Problems{{"agentID", "positive"}}));
  EXPECT_EQ(problems("login_agent", R"({"accountID":1000,"agentID":-3})"), (Problems{{"agentID", "positive"}}));
  EXPECT_EQ(problems("login_agent", R"({"accountID":1000,"agentID":"100"})"), (Problems{{"agentID", "type"}}));
  EXPECT_EQ(problems("login_agent", R"({"accountID":1000,"agentID":100,"server":null})"),
            (Problems{{"server", "not_null"}}));
  EXPECT_EQ(problems("login_agent", R"({"accountID":1000,"agentID":100,"agent_id":100})"),
            (Problems{{"agent_id", "unknown_field"}}));
}

TEST(Digital99Agents, ValidationDoesNotNeedTheLinkField) {
  // "login" is an answer key, not a request field.
  EXPECT_EQ(problems("login_agent", R"({"accountID":1000,"agentID":100,"login":"x"})"),
            (Problems{{"login", "unknown_field"}}));
}

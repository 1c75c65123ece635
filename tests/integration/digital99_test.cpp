// 99digital over real HTTP against the in-process sandbox, through the public
// C API only: every operation, every reason code the sandbox can produce
// through the client and local validation (tokens: digital99_tokens_test.cpp;
// secrets and client options: digital99_client_test.cpp).
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "digital99_fixture.hpp"

using namespace akt;

namespace {

using Strings = std::vector<std::string>;


// The list entry whose account_id is id, as an index into "list" (or -1).
int find_in_list(const Outcome &list, int64_t id) {
  for (size_t i = 0; i < list.size("list"); ++i) {
    std::string path = "list[" + std::to_string(i) + "].account_id";
    if (list.get_int(path.c_str()) == id) return static_cast<int>(i);
  }
  return -1;
}

std::optional<std::string> list_string(const Outcome &list, int i, const char *key) {
  std::string path = "list[" + std::to_string(i) + "]." + key;
  return list.get_string(path.c_str());
}

// ---- operations ------------------------------------------------------------------

TEST_F(Digital99, CreateAccountWithEveryField) {
  Outcome o = call(c(), "create_account", kEveryCreateField);
  ASSERT_TRUE(o.ok()) << o.describe();
  auto id = o.get_int("account_id");
  ASSERT_TRUE(id) << o.json;
  EXPECT_GT(*id, 0);
  EXPECT_EQ(o.id(), std::to_string(*id));
  EXPECT_TRUE(o.get_int("agent_id")) << o.json;
  EXPECT_EQ(o.get_string("server"), "eu1");
  // The envelope is removed from results.
  EXPECT_FALSE(contains(o.json, "\"reason\"")) << o.json;
  EXPECT_FALSE(contains(o.json, "\"status\"")) << o.json;

  auto j = sb.journal();
  ASSERT_EQ(j.size(), 2u) << sb.journal_json();
  EXPECT_EQ(j[0].path(), kTokenPath);
  EXPECT_EQ(j[1].vendor(), "99digital");
  EXPECT_EQ(j[1].method(), "POST");
  EXPECT_EQ(j[1].path(), kCreatePath);
  EXPECT_EQ(j[1].status(), 200);
  std::string body = j[1].member("body");
  for (const char *want : {"\"account_name\":\"Acme Inc\"", "\"agents\":10", "\"inboxes\":5",
                           "\"admin_email\":\"owner@acme.example\"", "\"admin_name\":\"Ada Owner\"",
                           "\"admin_displayName\":\"Ada\"", "\"admin_password\":\"***\"", "\"admin_2fa\":1",
                           "\"admin_2fa_value\":\"owner@acme.example\"", "\"server\":\"eu1\"",
                           "\"reference\":\"crm4711\""})
    EXPECT_TRUE(contains(body, want)) << want << " not in " << body;

  // The account exists on eu1 with its reference.
  Outcome list = call(c(), "list_accounts", "{}");
  ASSERT_TRUE(list.ok()) << list.describe();
  int i = find_in_list(list, *id);
  ASSERT_GE(i, 0) << list.json;
  EXPECT_EQ(list_string(list, i, "server"), "eu1");
  EXPECT_EQ(list_string(list, i, "reference"), "crm4711");
  EXPECT_EQ(list_string(list, i, "account_name"), "Acme Inc");
}

TEST_F(Digital99, CreateWithoutServerUsesTheDefaultServer) {
  Outcome o = call(c(), "create_account", create_json(), {{"reference", std::nullopt}});
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_string("server"), "online");
}

TEST_F(Digital99, UpdateRenamesTheAccount) {
  int64_t id = create_account(c(), create_json());
  ASSERT_GT(id, 0);
  Outcome o = call(c(), "update_account", update_json(id, "online", "\"account_name\":\"Acme Ltd\""));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_int("account_id"), id);
  EXPECT_EQ(o.id(), std::to_string(id));
  EXPECT_EQ(o.get_string("account_name"), "Acme Ltd");
  EXPECT_EQ(o.account_status(), "active");

  Outcome list = call(c(), "list_accounts", "{}");
  ASSERT_TRUE(list.ok()) << list.describe();
  int i = find_in_list(list, id);
  ASSERT_GE(i, 0) << list.json;
  EXPECT_EQ(list_string(list, i, "account_name"), "Acme Ltd");
}

TEST_F(Digital99, UpdateDisablesAndEnablesTheAccount) {
  int64_t id = create_account(c(), create_json());
  ASSERT_GT(id, 0);
  Outcome off = call(c(), "update_account", update_json(id, "online", "\"account_status\":0"));
  ASSERT_TRUE(off.ok()) << off.describe();
  EXPECT_EQ(off.account_status(), "suspended");

  Outcome list = call(c(), "list_accounts", "{}");
  ASSERT_TRUE(list.ok()) << list.describe();
  int i = find_in_list(list, id);
  ASSERT_GE(i, 0) << list.json;
  EXPECT_EQ(list_string(list, i, "account_status"), "suspended");

  Outcome on = call(c(), "update_account", update_json(id, "online", "\"account_status\":1"));
  ASSERT_TRUE(on.ok()) << on.describe();
  EXPECT_EQ(on.account_status(), "active");
}

TEST_F(Digital99, UpdateSetsBuilderUrlAndSendsOnlyGivenFields) {
  int64_t id = create_account(c(), create_json());
  ASSERT_GT(id, 0);
  sb.clear_journal();
  Outcome o = call(c(), "update_account",
                   update_json(id, "online", "\"builder_url\":\"https://builder.acme.example/login\""));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_string("builder_url"), "https://builder.acme.example/login");
  EXPECT_EQ(o.get_string("account_name"), "Acme Inc");  // untouched
  EXPECT_EQ(o.account_status(), "active");

  auto j = sb.journal();
  ASSERT_EQ(j.size(), 1u) << sb.journal_json();
  EXPECT_EQ(j[0].method(), "POST");
  EXPECT_EQ(j[0].path(), kUpdatePath);
  EXPECT_EQ(j[0].member("body"), "{\"account_id\":" + std::to_string(id) +
                                      ",\"server\":\"online\",\"builder_url\":\"https://builder.acme.example/login\"}");
}

TEST_F(Digital99, UpdateAnAccountOnAnotherServer) {
  int64_t id = create_account(c(), create_json(), {{"server", "\"eu1\""}});
  ASSERT_GT(id, 0);
  Outcome o = call(c(), "update_account", update_json(id, "eu1", "\"account_name\":\"Acme EU\""));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_string("server"), "eu1");
  EXPECT_EQ(o.get_string("account_name"), "Acme EU");
}

TEST_F(Digital99, ListAccountsGivesIntegerIdsReferencesAndTotal) {
  int64_t a = create_account(c(), create_json("Alpha", "a@alpha.example", "refA1"));
  int64_t b = create_account(c(), create_json("Beta", "b@beta.example", "refB2"), {{"server", "\"eu1\""}});
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  ASSERT_NE(a, b);

  Outcome list = call(c(), "list_accounts", static_cast<const ak_fields *>(nullptr));  // NULL = no fields
  ASSERT_TRUE(list.ok()) << list.describe();
  EXPECT_EQ(list.get_int("totalOnline"), 2) << list.json;
  ASSERT_EQ(list.size("list"), 2u) << list.json;
  EXPECT_EQ(list.id(), "");
  EXPECT_EQ(list.account_status(), "");

  int ia = find_in_list(list, a), ib = find_in_list(list, b);
  ASSERT_GE(ia, 0) << list.json;  // account_id is an integer in the result
  ASSERT_GE(ib, 0) << list.json;
  EXPECT_EQ(list_string(list, ia, "reference"), "refA1");
  EXPECT_EQ(list_string(list, ib, "reference"), "refB2");
  EXPECT_EQ(list_string(list, ia, "account_name"), "Alpha");
  EXPECT_EQ(list_string(list, ia, "server"), "online");
  EXPECT_EQ(list_string(list, ib, "server"), "eu1");
  EXPECT_EQ(list_string(list, ia, "account_status"), "active");
  std::string ct = "list[" + std::to_string(ia) + "].create_time";
  auto created = list.get_int(ct.c_str());
  ASSERT_TRUE(created) << list.json;
  EXPECT_GT(*created, 1600000000);
  // No string ids anywhere in the result.
  EXPECT_FALSE(contains(list.json, "\"account_id\":\"")) << list.json;

  // Typed reads: a string read as an integer is a type mismatch; a missing path is not found.
  int64_t n = 0;
  std::string name_path = "list[" + std::to_string(ia) + "].account_name";
  EXPECT_EQ(ak_result_get_int(&n, list.result.get(), name_path.c_str(), nullptr), AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(ak_result_get_int(&n, list.result.get(), "list[7].account_id", nullptr), AK_E_NOT_FOUND);

  auto j = sb.journal();
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(j.back().method(), "GET");
  EXPECT_EQ(j.back().path(), kListPath);
  EXPECT_EQ(j.back().member("body"), "null");
  EXPECT_EQ(j.back().member("query"), "{}");
}

TEST_F(Digital99, ListWithNoAccountsIsEmpty) {
  // On success *err is set to NULL, whatever it held before.
  ak_result *raw = nullptr;
  ak_error *stale = reinterpret_cast<ak_error *>(&raw);
  ASSERT_EQ(ak_call(&raw, c(), "list_accounts", nullptr, &stale), AK_OK);
  EXPECT_EQ(stale, nullptr);
  ResultPtr first(raw);

  Outcome list = call(c(), "list_accounts", "{}");
  ASSERT_TRUE(list.ok()) << list.describe();
  EXPECT_EQ(list.get_int("totalOnline"), 0);
  EXPECT_EQ(list.size("list"), 0u);
  char *items = nullptr;
  ASSERT_EQ(ak_result_get_json(&items, list.result.get(), "list", nullptr), AK_OK);
  EXPECT_STREQ(items, "[]");
  ak_string_free(items);
}

TEST_F(Digital99, DeleteRemovesTheAccount) {
  int64_t keep = create_account(c(), create_json("Keep", "keep@acme.example", "keep1"));
  int64_t gone = create_account(c(), create_json("Gone", "gone@acme.example", "gone1"));
  ASSERT_GT(keep, 0);
  ASSERT_GT(gone, 0);
  sb.clear_journal();

  Outcome del = call(c(), "delete_account", delete_json(gone, "online"));
  ASSERT_TRUE(del.ok()) << del.describe();
  auto j = sb.journal();
  ASSERT_EQ(j.size(), 1u) << sb.journal_json();
  EXPECT_EQ(j[0].method(), "DELETE");
  EXPECT_EQ(j[0].path(), kDeletePath);
  EXPECT_EQ(j[0].member("body"), "{\"accountID\":" + std::to_string(gone) + ",\"server\":\"online\"}");
  EXPECT_EQ(j[0].status(), 200);

  Outcome list = call(c(), "list_accounts", "{}");
  ASSERT_TRUE(list.ok()) << list.describe();
  EXPECT_EQ(find_in_list(list, gone), -1) << list.json;
  EXPECT_GE(find_in_list(list, keep), 0) << list.json;
  EXPECT_EQ(list.get_int("totalOnline"), 1);

  // Irreversible: deleting again says the account does not exist.
  Outcome again = call(c(), "delete_account", delete_json(gone, "online"));
  ASSERT_EQ(again.status, AK_E_NOT_FOUND) << again.describe();
  EXPECT_EQ(again.error.vendor_code, "33");
}

// deleteAccount's server "defaults to online" [doc]: left out, it is not sent
// and the vendor's default applies (it was a required field before).
TEST_F(Digital99, DeleteWithoutServerIsTheVendorsDefaultOnline) {
  int64_t gone = create_account(c(), create_json("Gone", "gone@acme.example", "gone2"));
  ASSERT_GT(gone, 0);
  sb.clear_journal();
  Outcome del = call(c(), "delete_account", "{\"accountID\":" + std::to_string(gone) + "}");
  ASSERT_TRUE(del.ok()) << del.describe();
  auto j = sb.journal();
  ASSERT_EQ(j.size(), 1u) << sb.journal_json();
  EXPECT_EQ(j[0].member("body"), "{\"accountID\":" + std::to_string(gone) + "}");
  Outcome again = call(c(), "delete_account", delete_json(gone, "online"));
  EXPECT_EQ(again.status, AK_E_NOT_FOUND) << again.describe();
}

TEST_F(Digital99, ExistingAdminEmailIsGrantedTheNewAccount) {
  Outcome first = call(c(), "create_account", create_json("First", "shared@acme.example", "first1"));
  ASSERT_TRUE(first.ok()) << first.describe();
  // Another name and password: the vendor ignores them for a known admin_email.
  Outcome second = call(c(), "create_account", create_json("Second", "shared@acme.example", "second2"),
                        {{"admin_name", "\"Somebody Else\""}, {"admin_password", "\"0ther!Pass\""}});
  ASSERT_TRUE(second.ok()) << second.describe();
  Outcome other = call(c(), "create_account", create_json("Third", "other@acme.example", "third3"));
  ASSERT_TRUE(other.ok()) << other.describe();

  ASSERT_TRUE(first.get_int("agent_id"));
  EXPECT_EQ(first.get_int("agent_id"), second.get_int("agent_id"));
  EXPECT_NE(first.get_int("agent_id"), other.get_int("agent_id"));
  EXPECT_NE(first.get_int("account_id"), second.get_int("account_id"));
}

TEST_F(Digital99, PagerWalksEveryAccountFromOneRequest) {
  std::vector<int64_t> ids;
  for (const char *ref : {"p1", "p2", "p3"}) {
    ids.push_back(create_account(c(), create_json(std::string("Pager ") + ref, std::string(ref) + "@acme.example", ref)));
    ASSERT_GT(ids.back(), 0);
  }
  ASSERT_TRUE(call(c(), "update_account", update_json(ids[1], "online", "\"account_status\":0")).ok());
  sb.clear_journal();

  ak_pager *raw = nullptr;
  ak_error *err = nullptr;
  ak_status s = ak_list(&raw, c(), "list_accounts", nullptr, &err);
  ASSERT_EQ(s, AK_OK) << copy_error(s, err).message;
  std::unique_ptr<ak_pager, decltype(&ak_pager_free)> pager(raw, &ak_pager_free);
  EXPECT_EQ(sb.journal_json(), "[]");  // nothing is requested before the first item
  client.reset();                       // the pager keeps the client alive

  std::vector<std::string> seen_ids, statuses;
  for (;;) {
    ak_result *item = nullptr;
    s = ak_pager_next(&item, pager.get(), &err);
    ASSERT_EQ(s, AK_OK) << copy_error(s, err).message;
    if (!item) break;
    ResultPtr owned(item);
    seen_ids.push_back(ak_result_id(item));
    statuses.push_back(ak_result_status(item));
    int64_t n = 0;
    EXPECT_EQ(ak_result_get_int(&n, item, "account_id", nullptr), AK_OK) << ak_result_json(item);
    EXPECT_EQ(std::to_string(n), seen_ids.back());
  }
  ASSERT_EQ(seen_ids.size(), 3u);
  for (size_t i = 0; i < ids.size(); ++i) {
    auto at = std::find(seen_ids.begin(), seen_ids.end(), std::to_string(ids[i]));
    ASSERT_NE(at, seen_ids.end()) << ids[i];
    EXPECT_EQ(statuses[static_cast<size_t>(at - seen_ids.begin())], i == 1 ? "suspended" : "active");
  }
  EXPECT_EQ(sb.paths(), (Strings{kListPath})) << sb.journal_json();  // 99digital has no paging
}

TEST_F(Digital99, PagerAndWaitRefuseWhatTheVendorDoesNotHave) {
  ak_pager *raw = nullptr;
  ak_error *err = nullptr;
  ak_status s = ak_list(&raw, c(), "create_account", nullptr, &err);
  EXPECT_EQ(copy_error(s, err).code, AK_E_UNKNOWN_OPERATION);
  EXPECT_EQ(raw, nullptr);
  ak_result *r = nullptr;
  s = ak_wait(&r, c(), "1000", 1.0, &err);
  EXPECT_EQ(copy_error(s, err).code, AK_E_UNKNOWN_OPERATION);  // 99digital is synchronous
  EXPECT_EQ(r, nullptr);
  EXPECT_EQ(sb.journal_json(), "[]");
  ak_pager_free(nullptr);
}

// ---- reason codes from the vendor ------------------------------------------------

struct ReasonCase {
  const char *name;
  const char *op;
  Overrides overrides;  // applied to a valid request of op
  const char *reason;
  ak_status status;
  const char *category;
  const char *field;       // first field path the error names
  const char *local_rule;  // the rule local validation reports for the same input, or nullptr
};

std::ostream &operator<<(std::ostream &os, const ReasonCase &c) { return os << c.name; }

const std::string kLongName = "\"" + std::string(101, 'n') + "\"";

std::vector<ReasonCase> reason_cases() {
  return {
      // create_account
      {"Create20Reference", "create_account", {{"reference", "\"bad-ref!\""}}, "20", AK_E_VALIDATION,
       "validation", "reference", "letters_digits"},
      {"Create34Server", "create_account", {{"server", "\"nowhere\""}}, "34", AK_E_VALIDATION, "validation",
       "server", nullptr},
      {"Create36AccountName", "create_account", {{"account_name", kLongName}}, "36", AK_E_VALIDATION,
       "validation", "account_name", "max_length"},
      {"Create37Agents", "create_account", {{"agents", "12345"}}, "37", AK_E_VALIDATION, "validation", "agents",
       "max_digits"},
      {"Create37Inboxes", "create_account", {{"inboxes", "1234"}}, "37", AK_E_VALIDATION, "validation", "agents",
       "max_digits"},
      {"Create38AdminEmail", "create_account", {{"admin_email", "\"x\""}}, "38", AK_E_VALIDATION, "validation",
       "admin_email", "email"},
      {"Create39AdminNameMissing", "create_account", {{"admin_name", std::nullopt}}, "39", AK_E_VALIDATION,
       "validation", "admin_name", "required"},
      {"Create39DisplayNameMissing", "create_account", {{"admin_displayName", std::nullopt}}, "39",
       AK_E_VALIDATION, "validation", "admin_name", "required"},
      {"Create40WeakPassword", "create_account", {{"admin_password", "\"weakpass1\""}}, "40", AK_E_VALIDATION,
       "validation", "admin_password", "password"},
      {"Create41TwoFactor", "create_account", {{"admin_2fa", "7"}}, "41", AK_E_VALIDATION, "validation",
       "admin_2fa", "enum"},
      {"Create42TwoFactorValue", "create_account",
       {{"admin_2fa", "2"}, {"admin_2fa_value", "\"owner@acme.example\""}}, "42", AK_E_VALIDATION, "validation",
       "admin_2fa_value", "phone"},
      // update_account (the account exists on server "online")
      {"Update33UnknownAccount", "update_account", {{"account_id", "9999999"}}, "33", AK_E_NOT_FOUND,
       "not_found", "account_id", nullptr},
      {"Update34ServerMismatch", "update_account", {{"server", "\"eu1\""}}, "34", AK_E_VALIDATION, "validation",
       "server", nullptr},
      {"Update36AccountName", "update_account", {{"account_name", kLongName}}, "36", AK_E_VALIDATION,
       "validation", "account_name", "max_length"},
      {"Update46AccountStatus", "update_account", {{"account_status", "5"}}, "46", AK_E_VALIDATION,
       "validation", "account_status", "enum"},
      {"Update47BuilderUrl", "update_account", {{"builder_url", "\"nope\""}}, "47", AK_E_VALIDATION,
       "validation", "builder_url", "url"},
      // delete_account
      {"Delete33UnknownAccount", "delete_account", {{"accountID", "9999999"}}, "33", AK_E_NOT_FOUND,
       "not_found", "accountID", nullptr},
      {"Delete34ServerMismatch", "delete_account", {{"server", "\"eu1\""}}, "34", AK_E_VALIDATION, "validation",
       "server", nullptr},
  };
}

class Digital99Reasons : public ::testing::TestWithParam<ReasonCase> {};

TEST_P(Digital99Reasons, VendorReasonSurfacesAsTheRightError) {
  const ReasonCase &rc = GetParam();
  Sandbox sb;
  ClientPtr checked = sb.client();
  ClientPtr unchecked = sb.client({{"validate", "false"}});
  std::string base;
  std::string op_path;
  if (std::string(rc.op) == "create_account") {
    base = create_json();
    op_path = kCreatePath;
  } else {
    int64_t id = create_account(checked.get(), create_json());
    ASSERT_GT(id, 0);
    base = std::string(rc.op) == "update_account" ? update_json(id, "online") : delete_json(id, "online");
    op_path = std::string(rc.op) == "update_account" ? kUpdatePath : kDeletePath;
  }
  sb.clear_journal();

  // With local validation on, rule breaches never reach the vendor.
  if (rc.local_rule) {
    Outcome local = call(checked.get(), rc.op, base, rc.overrides);
    ASSERT_EQ(local.status, AK_E_VALIDATION) << local.describe();
    EXPECT_EQ(local.error.attempts, 0);
    bool named = false;
    for (const auto &f : local.error.fields) named = named || f.rule == rc.local_rule;
    EXPECT_TRUE(named) << local.error.all_text();
    EXPECT_EQ(sb.journal_json(), "[]");
  }

  Outcome o = call(unchecked.get(), rc.op, base, rc.overrides);
  ASSERT_EQ(o.status, rc.status) << o.describe();
  EXPECT_EQ(o.error.code, rc.status);
  EXPECT_EQ(o.error.category, rc.category);
  EXPECT_EQ(o.error.vendor_code, rc.reason);
  EXPECT_EQ(o.error.http_status, 200);
  EXPECT_EQ(o.error.vendor, "99digital");
  EXPECT_EQ(o.error.operation, rc.op);
  EXPECT_EQ(o.error.attempts, 1);
  EXPECT_FALSE(o.error.retriable);
  EXPECT_TRUE(contains(o.error.message, std::string("(reason ") + rc.reason + ")")) << o.error.message;
  EXPECT_TRUE(contains(o.error.raw_body, "\"reason\":" + std::string(rc.reason))) << o.error.raw_body;
  ASSERT_GE(o.error.fields.size(), 1u) << o.error.all_text();
  EXPECT_EQ(o.error.fields[0].path, rc.field);
  EXPECT_EQ(o.error.fields[0].rule, "vendor");
  EXPECT_FALSE(o.error.fields[0].message.empty());
  // Sent once (after this client's own token request): a vendor refusal is not retried.
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath, op_path})) << sb.journal_json();
  EXPECT_FALSE(contains(o.error.all_text(), "weakpass1")) << o.error.all_text();
}

INSTANTIATE_TEST_SUITE_P(All, Digital99Reasons, ::testing::ValuesIn(reason_cases()),
                         [](const ::testing::TestParamInfo<ReasonCase> &info) { return std::string(info.param.name); });

TEST(Digital99ReasonsMore, ReasonThirtySevenNamesAgentsAndInboxes) {
  Sandbox sb;
  ClientPtr c = sb.client({{"validate", "false"}});
  Outcome o = call(c.get(), "create_account", create_json(), {{"inboxes", "1234"}});
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_TRUE(o.error.has_field("agents", "vendor")) << o.error.all_text();
  EXPECT_TRUE(o.error.has_field("inboxes", "vendor")) << o.error.all_text();
}

TEST(Digital99ReasonsMore, FailedUpdateAndDeleteLeaveTheAccountAlone) {
  Sandbox sb;
  ClientPtr c = sb.client({{"validate", "false"}});
  int64_t id = create_account(c.get(), create_json());
  ASSERT_GT(id, 0);
  EXPECT_EQ(call(c.get(), "update_account", update_json(id, "eu1", "\"account_name\":\"Other\"")).status,
            AK_E_VALIDATION);
  EXPECT_EQ(call(c.get(), "update_account", update_json(id, "online", "\"account_status\":5")).status,
            AK_E_VALIDATION);
  EXPECT_EQ(call(c.get(), "delete_account", delete_json(id, "eu1")).status, AK_E_VALIDATION);
  Outcome list = call(c.get(), "list_accounts", "{}");
  ASSERT_TRUE(list.ok()) << list.describe();
  int i = find_in_list(list, id);
  ASSERT_GE(i, 0) << list.json;
  EXPECT_EQ(list_string(list, i, "account_name"), "Acme Inc");
  EXPECT_EQ(list_string(list, i, "account_status"), "active");
}

// ---- local validation ------------------------------------------------------------

TEST_F(Digital99, InvalidCreateReportsEveryProblemAndSendsNothing) {
  Outcome o = call(c(), "create_account",
                   "{\"account_name\":\"Acme\",\"agents\":12345,\"admin_email\":\"not-an-email\","
                   "\"admin_password\":\"abcdefg\",\"admin_2fa\":1,\"reference\":\"bad ref\"}");
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_EQ(o.error.category, "validation");
  EXPECT_EQ(o.error.attempts, 0);
  EXPECT_EQ(o.error.http_status, 0);
  EXPECT_EQ(o.error.vendor, "99digital");
  EXPECT_EQ(o.error.operation, "create_account");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"agents", "max_digits"},          {"inboxes", "required"},          {"admin_email", "email"},
      {"admin_name", "required"},        {"admin_displayName", "required"}, {"admin_password", "password"},
      {"reference", "letters_digits"}};
  EXPECT_EQ(o.error.fields.size(), expected.size()) << o.error.all_text();
  for (const auto &[path, rule] : expected) EXPECT_TRUE(o.error.has_field(path, rule)) << path << " " << rule;
  EXPECT_TRUE(contains(o.error.message, "7 invalid fields")) << o.error.message;
  EXPECT_FALSE(contains(o.error.all_text(), "abcdefg")) << "the password leaked: " << o.error.all_text();
  EXPECT_EQ(sb.journal_json(), "[]");  // not even a token request
}

TEST_F(Digital99, InvalidTypesNullsAndUnknownFieldsAreReported) {
  Outcome o = call(c(), "create_account", create_json(),
                   {{"agents", "\"ten\""}, {"inboxes", "2.5"}, {"admin_name", "null"}, {"colour", "\"blue\""}});
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_TRUE(o.error.has_field("agents", "type")) << o.error.all_text();
  EXPECT_TRUE(o.error.has_field("inboxes", "type")) << o.error.all_text();
  EXPECT_TRUE(o.error.has_field("admin_name", "required")) << o.error.all_text();
  EXPECT_TRUE(o.error.has_field("colour", "unknown_field")) << o.error.all_text();
  EXPECT_EQ(o.error.fields.size(), 4u) << o.error.all_text();
  EXPECT_EQ(sb.journal_json(), "[]");
}

TEST_F(Digital99, InvalidUpdateAndDeleteReportEveryProblemAndSendNothing) {
  Outcome u = call(c(), "update_account",
                   "{\"account_id\":12345678,\"account_name\":" + kLongName +
                       ",\"account_status\":5,\"builder_url\":\"nope\"}");
  ASSERT_EQ(u.status, AK_E_VALIDATION) << u.describe();
  EXPECT_EQ(u.error.fields.size(), 5u) << u.error.all_text();
  EXPECT_TRUE(u.error.has_field("account_id", "max_digits")) << u.error.all_text();
  EXPECT_TRUE(u.error.has_field("server", "required")) << u.error.all_text();
  EXPECT_TRUE(u.error.has_field("account_name", "max_length")) << u.error.all_text();
  EXPECT_TRUE(u.error.has_field("account_status", "enum")) << u.error.all_text();
  EXPECT_TRUE(u.error.has_field("builder_url", "url")) << u.error.all_text();

  Outcome d = call(c(), "delete_account", "{\"accountID\":0}");
  ASSERT_EQ(d.status, AK_E_VALIDATION) << d.describe();
  EXPECT_TRUE(d.error.has_field("accountID", "positive")) << d.error.all_text();
  EXPECT_EQ(d.error.fields.size(), 1u) << d.error.all_text();  // server is optional

  Outcome l = call(c(), "list_accounts", "{\"page\":2}");
  ASSERT_EQ(l.status, AK_E_VALIDATION) << l.describe();
  EXPECT_TRUE(l.error.has_field("page", "unknown_field")) << l.error.all_text();
  EXPECT_EQ(sb.journal_json(), "[]");
}

TEST(Digital99Validate, ValidateWorksOfflineAndAgreesWithCall) {
  FieldsPtr good = make_fields(kEveryCreateField);
  ak_error *err = nullptr;
  EXPECT_EQ(ak_validate("99digital", "create_account", good.get(), &err), AK_OK);
  EXPECT_EQ(err, nullptr);

  FieldsPtr bad = make_fields(kEveryCreateField, {{"admin_2fa_value", "\"not-an-email\""}, {"agents", "-1"}});
  ak_status s = ak_validate("99digital", "create_account", bad.get(), &err);
  ErrorInfo e = copy_error(s, err);
  ASSERT_EQ(e.code, AK_E_VALIDATION) << e.all_text();
  EXPECT_TRUE(e.has_field("admin_2fa_value", "email")) << e.all_text();
  EXPECT_TRUE(e.has_field("agents", "max_digits")) << e.all_text();
  EXPECT_EQ(e.fields.size(), 2u) << e.all_text();

  s = ak_validate("nope", "create_account", good.get(), &err);
  EXPECT_EQ(copy_error(s, err).code, AK_E_INVALID_ARGUMENT);
  s = ak_validate("99digital", "frobnicate", good.get(), &err);
  EXPECT_EQ(copy_error(s, err).code, AK_E_UNKNOWN_OPERATION);
}

}  // namespace

// Commvault Cloud over real HTTP against the in-process sandbox, through the
// public C API only: get/list/update, pagination, absent vs null on the wire,
// waiting for asynchronous updates (success, failure, timeout, 429), budgets,
// re-authentication on 401, wrong credentials, and secrets kept out of sight.
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "commvault_fixture.hpp"
#include "support.hpp"

using namespace akt;

namespace {

using Strings = std::vector<std::string>;
using Clock = std::chrono::steady_clock;

constexpr const char *kAuthPath = "/api/v1/authenticate";
constexpr const char *kListPath = "/api/v1/partner/accounts";
// The sandbox's fixed accounts (docs/vendors/commvault.md); Initech's id is stored in upper case.
constexpr const char *kAcme = "7194af6f-1285-4295-94aa-ceed7ea2d792";
constexpr const char *kGlobex = "3f2b8c1e-5d4a-4e6f-9a7b-2c1d0e9f8a76";
constexpr const char *kInitech = "C0FFEE00-1234-4ABC-8DEF-0123456789AB";
constexpr const char *kPassword = "sandbox-password";
constexpr const char *kTokenPrefix = "sbxcv_";  // every token the sandbox issues starts so

std::string account_path(const std::string &id) { return std::string(kListPath) + "/" + id; }

std::string upper(std::string s) {
  for (auto &c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}


std::string get_json(const std::string &id) { return "{\"id\":\"" + id + "\"}"; }

// An update_account request for Acme: externalId and name (required), the
// given contact as the one contact object, then `rest` members.
std::string update_json(const std::string &name = "Acme ltd", const std::string &contact = "{}",
                        const std::string &rest = "") {
  return std::string("{\"id\":\"") + kAcme + "\",\"externalId\":\"XSP1234\",\"name\":\"" + name +
         "\",\"contacts\":[" + contact + "]" + (rest.empty() ? "" : "," + rest) + "}";
}

// The shared fixture, plus sandbox knobs and the secrets check.
class Commvault : public CommvaultFixture {
 protected:
  void knob(const char *name, const char *value) {
    ak_error *err = nullptr;
    ak_status s = ak_sandbox_set_option(sb.get(), name, value, &err);
    ASSERT_EQ(s, AK_OK) << name << ": " << copy_error(s, err).message;
  }

  // No password or issued token anywhere in the journal or in the given texts.
  void expect_no_secrets(const std::vector<std::string> &texts = {}) const {
    std::string journal = sb.journal_json();
    EXPECT_FALSE(contains(journal, kPassword)) << journal;
    EXPECT_FALSE(contains(journal, kTokenPrefix)) << journal;
    for (const auto &t : texts) {
      EXPECT_FALSE(contains(t, kPassword)) << t;
      EXPECT_FALSE(contains(t, kTokenPrefix)) << t;
    }
  }
};

// ---- get and list -----------------------------------------------------------------

TEST_F(Commvault, GetAccountReturnsTheAccountWithoutItsEnvelope) {
  Outcome o = call(c(), "get_account", get_json(kAcme));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.id(), kAcme);
  EXPECT_EQ(o.account_status(), "active");
  EXPECT_FALSE(contains(o.json, "\"data\"")) << o.json;
  EXPECT_EQ(o.get_string("externalId"), "XSP1234");
  EXPECT_EQ(o.get_string("name"), "Acme ltd");
  EXPECT_EQ(o.get_string("insertTs"), "2021-06-07T21:16:48");
  EXPECT_EQ(o.get_string("type"), "Production");
  EXPECT_EQ(o.get_string("contacts[0].type"), "admin");
  EXPECT_EQ(o.get_string("contacts[0].email"), "john.doe@acme.com");
  EXPECT_EQ(o.get_string("contacts[0].address.city"), "Sunnyvale");

  auto j = sb.journal();
  ASSERT_EQ(j.size(), 2u) << sb.journal_json();
  EXPECT_EQ(j[0].method(), "POST");
  EXPECT_EQ(j[0].path(), kAuthPath);
  EXPECT_EQ(j[0].member("body"), R"({"username":"sandbox-partner","password":"***"})");
  EXPECT_EQ(j[1].vendor(), "commvault");
  EXPECT_EQ(j[1].method(), "GET");
  EXPECT_EQ(j[1].path(), account_path(kAcme));
  EXPECT_EQ(j[1].member("query"), "{}");
  EXPECT_EQ(j[1].str("authorization"), "Bearer ***");
  EXPECT_EQ(j[1].status(), 200);
  expect_no_secrets({o.json});
}

TEST_F(Commvault, IdsMatchInEitherCase) {
  Outcome o = call(c(), "get_account", get_json(upper(kAcme)));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.id(), kAcme);  // the vendor's own spelling comes back
  Outcome initech = call(c(), "get_account", get_json("c0ffee00-1234-4abc-8def-0123456789ab"));
  ASSERT_TRUE(initech.ok()) << initech.describe();
  EXPECT_EQ(initech.id(), kInitech);
  EXPECT_TRUE(ak_result_is_null(initech.result.get(), "website"));
}

TEST_F(Commvault, UnknownAccountIsNotFound) {
  Outcome o = call(c(), "get_account", get_json("00000000-0000-4000-8000-999999999999"));
  ASSERT_EQ(o.status, AK_E_NOT_FOUND) << o.describe();
  EXPECT_EQ(o.error.category, "not_found");
  EXPECT_EQ(o.error.vendor_code, "1006");
  EXPECT_EQ(o.error.http_status, 404);
  EXPECT_EQ(o.error.vendor, "commvault");
  EXPECT_EQ(o.error.operation, "get_account");
  EXPECT_TRUE(contains(o.error.message, "Record not found")) << o.error.message;
}

// The seed types the id as a string: a non-UUID id reaches the vendor, which
// answers 404 (it was refused locally before).
TEST_F(Commvault, ANonUuidIdIsTheVendorsToJudge) {
  Outcome o = call(c(), "get_account", get_json("7194af6f-1285"));
  ASSERT_EQ(o.status, AK_E_NOT_FOUND) << o.describe();
  EXPECT_EQ(o.error.vendor_code, "1006");
  EXPECT_TRUE(contains(sb.journal_json(), "/api/v1/partner/accounts/7194af6f-1285")) << sb.journal_json();
}

TEST_F(Commvault, AnIdThatIsNoPathSegmentIsRejectedBeforeSending) {
  for (const char *id : {"..", "."}) {
    Outcome o = call(c(), "get_account", get_json(id));
    ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
    EXPECT_TRUE(o.error.has_field("id", "path_segment")) << o.error.all_text();
  }
  EXPECT_EQ(sb.journal_json(), "[]");
}

TEST_F(Commvault, ListKeepsTheVendorsShapeSortAndFilter) {
  Outcome o = call(c(), "list_accounts", "{}");
  ASSERT_TRUE(o.ok()) << o.describe();
  ASSERT_EQ(o.size("data"), 3u) << o.json;
  EXPECT_EQ(o.get_int("metadata.pagination.totalRecords"), 3);
  EXPECT_EQ(o.get_int("metadata.pagination.pageNumber"), 0);
  EXPECT_EQ(o.get_int("metadata.pagination.pageSize"), 25);
  // The vendor's default order is desc:updateTs.
  EXPECT_EQ(o.get_string("data[0].id"), kInitech);
  EXPECT_EQ(o.get_string("data[1].id"), kGlobex);
  EXPECT_EQ(o.get_string("data[2].id"), kAcme);

  Outcome by_name = call(c(), "list_accounts", R"({"sort":"asc:name"})");
  ASSERT_TRUE(by_name.ok()) << by_name.describe();
  EXPECT_EQ(by_name.get_string("data[0].name"), "Acme ltd");
  EXPECT_EQ(by_name.get_string("data[1].name"), "Globex Corporation");
  EXPECT_EQ(by_name.get_string("data[2].name"), "Initech");

  Outcome filtered = call(c(), "list_accounts", R"({"filter":"globex"})");
  ASSERT_TRUE(filtered.ok()) << filtered.describe();
  ASSERT_EQ(filtered.size("data"), 1u) << filtered.json;
  EXPECT_EQ(filtered.get_string("data[0].id"), kGlobex);
  EXPECT_EQ(filtered.get_int("metadata.pagination.totalRecords"), 1);
  Outcome by_external_id = call(c(), "list_accounts", R"({"filter":"xsp3"})");
  ASSERT_TRUE(by_external_id.ok()) << by_external_id.describe();
  EXPECT_EQ(by_external_id.size("data"), 1u) << by_external_id.json;

  auto lists = entries_for(kListPath);
  ASSERT_EQ(lists.size(), 4u) << sb.journal_json();
  EXPECT_EQ(lists[1].member("query"), R"({"sort":"asc:name"})");
  EXPECT_EQ(lists[2].member("query"), R"({"filter":"globex"})");

  Outcome bad_sort = call(c(), "list_accounts", R"({"sort":"sideways:name"})");
  ASSERT_EQ(bad_sort.status, AK_E_VALIDATION) << bad_sort.describe();
  EXPECT_EQ(bad_sort.error.http_status, 400);
  EXPECT_EQ(bad_sort.error.vendor_code, "1001");
}

TEST_F(Commvault, PagerWalksEveryPage) {
  knob("commvault.seed_accounts", "8");  // 11 accounts in all
  FieldsPtr filters = make_fields(R"({"pageSize":3})");
  ak_pager *raw = nullptr;
  ak_error *err = nullptr;
  ASSERT_EQ(ak_list(&raw, c(), "list_accounts", filters.get(), &err), AK_OK) << copy_error(AK_E_INTERNAL, err).message;
  std::unique_ptr<ak_pager, decltype(&ak_pager_free)> pager(raw, ak_pager_free);
  std::set<std::string> ids;
  int items = 0;
  for (;;) {
    ak_result *item = nullptr;
    ak_status s = ak_pager_next(&item, pager.get(), &err);
    ASSERT_EQ(s, AK_OK) << copy_error(s, err).message;
    if (!item) break;
    ResultPtr owned(item);
    ++items;
    ids.insert(ak_result_id(item));
    EXPECT_EQ(std::string(ak_result_status(item)), "active");
  }
  EXPECT_EQ(items, 11);
  EXPECT_EQ(ids.size(), 11u);
  EXPECT_TRUE(ids.count(kAcme) && ids.count(kGlobex) && ids.count(kInitech));

  Strings queries;
  for (const auto &e : entries_for(kListPath)) queries.push_back(e.member("query"));
  EXPECT_EQ(queries, (Strings{R"({"pageNumber":"0","pageSize":"3"})", R"({"pageNumber":"1","pageSize":"3"})",
                              R"({"pageNumber":"2","pageSize":"3"})", R"({"pageNumber":"3","pageSize":"3"})"}))
      << sb.journal_json();
}

TEST_F(Commvault, PagerUsesTheDefaultPageSize) {
  knob("commvault.seed_accounts", "30");  // 33 accounts: pages of 25 and 8
  ak_pager *raw = nullptr;
  ak_error *err = nullptr;
  ASSERT_EQ(ak_list(&raw, c(), "list_accounts", nullptr, &err), AK_OK);
  std::unique_ptr<ak_pager, decltype(&ak_pager_free)> pager(raw, ak_pager_free);
  int items = 0;
  for (ak_result *item = nullptr; ak_pager_next(&item, pager.get(), &err) == AK_OK && item; ++items) ak_result_free(item);
  EXPECT_EQ(items, 33);
  Strings queries;
  for (const auto &e : entries_for(kListPath)) queries.push_back(e.member("query"));
  EXPECT_EQ(queries, (Strings{R"({"pageNumber":"0","pageSize":"25"})", R"({"pageNumber":"1","pageSize":"25"})"}))
      << sb.journal_json();
}

// ---- update: tri-state and the admin contact --------------------------------------

TEST_F(Commvault, UpdateIsAsynchronousAndWaitSettlesIt) {
  Outcome o = call(c(), "update_account", update_json("Acme Holdings", "{}", R"("website":"www.acme-holdings.example")"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.account_status(), "updating");
  EXPECT_EQ(o.id(), kAcme);
  EXPECT_EQ(o.get_string("name"), "Acme Holdings");

  auto puts = entries_for(account_path(kAcme));
  ASSERT_EQ(puts.size(), 1u) << sb.journal_json();
  EXPECT_EQ(puts[0].method(), "PUT");
  // The id travels in the path only; the body is the fields as given.
  EXPECT_EQ(puts[0].member("body"),
            R"({"externalId":"XSP1234","name":"Acme Holdings","contacts":[{}],"website":"www.acme-holdings.example"})");

  Outcome still = call(c(), "get_account", get_json(kAcme));
  ASSERT_TRUE(still.ok()) << still.describe();
  EXPECT_EQ(still.account_status(), "updating");

  auto start = Clock::now();
  Outcome settled = wait_for(c(), kAcme, 5);
  ASSERT_TRUE(settled.ok()) << settled.describe();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(settled.account_status(), "active");
  EXPECT_EQ(settled.id(), kAcme);
  EXPECT_EQ(settled.get_string("name"), "Acme Holdings");
  EXPECT_EQ(settled.get_string("website"), "www.acme-holdings.example");
  EXPECT_GE(entries_for(account_path(kAcme)).size(), 3u);  // PUT, GET, at least one poll
}

TEST_F(Commvault, AbsentIsNotSentAndNullIsSentAsNull) {
  knob("commvault.update_delay_ms", "0");
  // Set a website, then leave it out: unchanged.
  ASSERT_TRUE(call(c(), "update_account", update_json("Acme ltd", "{}", R"("website":"www.one.example")")).ok());
  ASSERT_TRUE(call(c(), "update_account", update_json()).ok());
  Outcome kept = call(c(), "get_account", get_json(kAcme));
  ASSERT_TRUE(kept.ok()) << kept.describe();
  EXPECT_EQ(kept.get_string("website"), "www.one.example");

  // null removes the website; a null address member is cleared, absent ones stay.
  Outcome o = call(c(), "update_account",
                   update_json("Acme ltd", R"({"address":{"city":null,"postalCode":"94087"}})", R"("website":null)"));
  ASSERT_TRUE(o.ok()) << o.describe();
  Outcome after = call(c(), "get_account", get_json(kAcme));
  ASSERT_TRUE(after.ok()) << after.describe();
  EXPECT_EQ(after.account_status(), "active");
  EXPECT_TRUE(ak_result_is_null(after.result.get(), "website")) << after.json;
  EXPECT_TRUE(ak_result_is_null(after.result.get(), "contacts[0].address.city")) << after.json;
  EXPECT_EQ(after.get_string("contacts[0].address.postalCode"), "94087");
  EXPECT_EQ(after.get_string("contacts[0].address.addressLine1"), "1 Ave");
  EXPECT_EQ(after.get_string("contacts[0].firstName"), "John");

  Strings bodies;
  for (const auto &e : entries_for(account_path(kAcme)))
    if (e.method() == "PUT") bodies.push_back(e.member("body"));
  ASSERT_EQ(bodies.size(), 3u) << sb.journal_json();
  EXPECT_TRUE(contains(bodies[0], R"("website":"www.one.example")")) << bodies[0];
  EXPECT_FALSE(contains(bodies[1], "website")) << bodies[1];
  EXPECT_EQ(bodies[2],
            R"({"externalId":"XSP1234","name":"Acme ltd","contacts":[{"address":{"city":null,"postalCode":"94087"}}],"website":null})");

  // The whole address set to null removes it; the phone likewise.
  ASSERT_TRUE(call(c(), "update_account", update_json("Acme ltd", R"({"address":null,"phone":null})")).ok());
  Outcome cleared = call(c(), "get_account", get_json(kAcme));
  EXPECT_TRUE(ak_result_is_null(cleared.result.get(), "contacts[0].address")) << cleared.json;
  EXPECT_TRUE(ak_result_is_null(cleared.result.get(), "contacts[0].phone")) << cleared.json;
}

TEST_F(Commvault, AdminContactChangesOnlyWithAllThreeFields) {
  knob("commvault.update_delay_ms", "0");
  Outcome o = call(c(), "update_account",
                   update_json("Acme ltd", R"({"firstName":"Jane","lastName":"Roe","email":"jane.roe@acme.com","phone":"+14085550100"})"));
  ASSERT_TRUE(o.ok()) << o.describe();
  Outcome after = call(c(), "get_account", get_json(kAcme));
  EXPECT_EQ(after.get_string("contacts[0].firstName"), "Jane");
  EXPECT_EQ(after.get_string("contacts[0].lastName"), "Roe");
  EXPECT_EQ(after.get_string("contacts[0].email"), "jane.roe@acme.com");
  EXPECT_EQ(after.get_string("contacts[0].phone"), "+14085550100");
  EXPECT_EQ(after.get_string("contacts[0].address.city"), "Sunnyvale");  // address left out: unchanged
  EXPECT_EQ(after.size("contacts"), 1u);

  // Two of three is refused locally, naming the missing one; nothing is sent.
  sb.clear_journal();
  Outcome partial = call(c(), "update_account", update_json("Acme ltd", R"({"firstName":"Ann","lastName":"Lee"})"));
  ASSERT_EQ(partial.status, AK_E_VALIDATION) << partial.describe();
  EXPECT_TRUE(partial.error.has_field("contacts[0].email", "all_or_none")) << partial.error.all_text();
  EXPECT_EQ(partial.error.fields.size(), 1u) << partial.error.all_text();
  EXPECT_EQ(sb.journal_json(), "[]");
}

TEST_F(Commvault, RequiredFieldsAreCheckedLocally) {
  Outcome o = call(c(), "update_account", std::string("{\"id\":\"") + kAcme + "\",\"website\":null}");
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_TRUE(o.error.has_field("externalId", "required"));
  EXPECT_TRUE(o.error.has_field("name", "required"));
  EXPECT_TRUE(o.error.has_field("contacts", "required"));
  EXPECT_EQ(sb.journal_json(), "[]");
}

TEST_F(Commvault, SandboxValidatesWhenTheClientDoesNot) {
  ClientPtr raw = make_client({{"validate", "false"}});
  Outcome bad_email = call(raw.get(), "update_account",
                           update_json("Acme ltd", R"({"firstName":"Jane","lastName":"Roe","email":"jane.roe"})"));
  ASSERT_EQ(bad_email.status, AK_E_VALIDATION) << bad_email.describe();
  EXPECT_EQ(bad_email.error.http_status, 400);
  EXPECT_EQ(bad_email.error.vendor_code, "1001");
  EXPECT_TRUE(contains(bad_email.error.message, "contacts[0].email")) << bad_email.error.message;

  Outcome partial = call(raw.get(), "update_account", update_json("Acme ltd", R"({"firstName":"Jane"})"));
  ASSERT_EQ(partial.status, AK_E_VALIDATION) << partial.describe();
  EXPECT_TRUE(contains(partial.error.message, "contacts[0].lastName")) << partial.error.message;

  Outcome two = call(raw.get(), "update_account", update_json("Acme ltd", "{},{}"));
  ASSERT_EQ(two.status, AK_E_VALIDATION) << two.describe();
  // The library's own limit (one contact, the admin), read by the sandbox.
  EXPECT_TRUE(contains(two.error.message, "contacts must have at most 1 element")) << two.error.message;

  Outcome no_name = call(raw.get(), "update_account",
                         std::string("{\"id\":\"") + kAcme + "\",\"externalId\":\"X\",\"contacts\":[],\"extra\":1}");
  ASSERT_EQ(no_name.status, AK_E_VALIDATION) << no_name.describe();
  EXPECT_TRUE(contains(no_name.error.message, "name is required")) << no_name.error.message;

  Outcome missing = call(raw.get(), "update_account",
                         std::string("{\"id\":\"00000000-0000-4000-8000-999999999999\",\"externalId\":\"X\",\"name\":\"N\",\"contacts\":[]}"));
  EXPECT_EQ(missing.status, AK_E_NOT_FOUND) << missing.describe();

  Outcome account = call(raw.get(), "get_account", get_json(kAcme));
  EXPECT_EQ(account.get_string("contacts[0].firstName"), "John");  // nothing was applied
  EXPECT_EQ(account.account_status(), "active");
}

// ---- wait ---------------------------------------------------------------------------

TEST_F(Commvault, WaitReportsAFailedUpdate) {
  Outcome o = call(c(), "update_account", update_json("FAIL on purpose"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.account_status(), "updating");
  Outcome settled = wait_for(c(), kAcme, 5);
  ASSERT_EQ(settled.status, AK_E_OPERATION_FAILED) << settled.describe();
  EXPECT_EQ(settled.error.category, "operation_failed");
  EXPECT_TRUE(contains(settled.error.message, "update_failure")) << settled.error.message;

  Outcome after = call(c(), "get_account", get_json(kAcme));
  EXPECT_EQ(after.account_status(), "update_failure");
  EXPECT_EQ(after.get_string("name"), "Acme ltd");  // the failed update was not applied
}

TEST_F(Commvault, WaitTimesOutWhileTheUpdateIsPending) {
  knob("commvault.update_delay_ms", "10000");
  ASSERT_TRUE(call(c(), "update_account", update_json("Acme Slow")).ok());
  auto start = Clock::now();
  Outcome settled = wait_for(c(), kAcme, 0.3);
  ASSERT_EQ(settled.status, AK_E_TIMEOUT) << settled.describe();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(contains(settled.error.message, "updating")) << settled.error.message;
}

TEST_F(Commvault, WaitOnASettledAccountReturnsAtOnce) {
  Outcome settled = wait_for(c(), upper(kGlobex), 5);
  ASSERT_TRUE(settled.ok()) << settled.describe();
  EXPECT_EQ(settled.account_status(), "active");
  EXPECT_EQ(entries_for(account_path(upper(kGlobex))).size(), 1u) << sb.journal_json();
}

// ---- budgets ------------------------------------------------------------------------

TEST_F(Commvault, ReadsPastTheBudgetAreRateLimited) {
  knob("commvault.read_budget", "2");
  knob("commvault.budget_window_s", "1");
  ASSERT_EQ(set_option(c(), "max_attempts", "1").code, AK_OK);  // see the 429 itself
  ASSERT_TRUE(call(c(), "get_account", get_json(kAcme)).ok());
  ASSERT_TRUE(call(c(), "list_accounts", "{}").ok());

  FieldsPtr f = make_fields(get_json(kAcme));
  ak_result *r = nullptr;
  ak_error *raw_err = nullptr;
  ak_status s = ak_call(&r, c(), "get_account", f.get(), &raw_err);
  ErrorPtr err(raw_err);
  ASSERT_EQ(s, AK_E_RATE_LIMITED);
  EXPECT_EQ(r, nullptr);
  EXPECT_GE(ak_error_retry_after(err.get()), 0);
  EXPECT_LE(ak_error_retry_after(err.get()), 1);
  EXPECT_EQ(ak_error_http_status(err.get()), 429);
  EXPECT_TRUE(ak_error_is_retriable(err.get()));
  EXPECT_EQ(std::string(ak_error_vendor_code(err.get())), "1029");

  // Writes have their own budget.
  knob("commvault.write_budget", "1");
  ASSERT_TRUE(call(c(), "update_account", update_json()).ok());
  Outcome second = call(c(), "update_account", update_json());
  EXPECT_EQ(second.status, AK_E_RATE_LIMITED) << second.describe();
  EXPECT_EQ(sb.journal().back().status(), 429);
}

// With retries on (the default), a read past the budget waits out Retry-After and succeeds.
TEST_F(Commvault, ReadsPastTheBudgetWaitOutRetryAfter) {
  knob("commvault.read_budget", "1");
  knob("commvault.budget_window_s", "1");
  ASSERT_TRUE(call(c(), "get_account", get_json(kAcme)).ok());
  Outcome again = call(c(), "get_account", get_json(kAcme));
  ASSERT_TRUE(again.ok()) << again.describe();
  EXPECT_EQ(sb.journal().back().status(), 200);
}

TEST_F(Commvault, WaitWaitsOutARateLimit) {
  knob("commvault.update_delay_ms", "0");
  knob("commvault.read_budget", "1");
  knob("commvault.budget_window_s", "1");
  ASSERT_TRUE(call(c(), "update_account", update_json("Acme Patient")).ok());
  ASSERT_TRUE(call(c(), "get_account", get_json(kGlobex)).ok());  // the one read this second
  auto start = Clock::now();
  Outcome settled = wait_for(c(), kAcme, 5);
  ASSERT_TRUE(settled.ok()) << settled.describe();
  EXPECT_EQ(settled.account_status(), "active");
  EXPECT_EQ(settled.get_string("name"), "Acme Patient");
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(500));  // it honoured Retry-After

  std::vector<int> statuses;
  for (const auto &e : entries_for(account_path(kAcme)))
    if (e.method() == "GET") statuses.push_back(e.status());
  ASSERT_GE(statuses.size(), 2u) << sb.journal_json();
  EXPECT_EQ(statuses.front(), 429);
  EXPECT_EQ(statuses.back(), 200);
}

// ---- authentication -----------------------------------------------------------------

TEST_F(Commvault, TokenIsFetchedOnceAndReused) {
  ASSERT_TRUE(call(c(), "get_account", get_json(kAcme)).ok());
  ASSERT_TRUE(call(c(), "list_accounts", "{}").ok());
  ASSERT_TRUE(call(c(), "update_account", update_json()).ok());
  EXPECT_EQ(sb.count(kAuthPath), 1u) << sb.journal_json();
}

TEST_F(Commvault, RejectedTokenIsReplacedOnceAndTheCallResent) {
  ASSERT_TRUE(call(c(), "get_account", get_json(kAcme)).ok());
  sb.expire_tokens();
  sb.clear_journal();
  Outcome o = call(c(), "list_accounts", "{}");
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(sb.paths(), (Strings{kListPath, kAuthPath, kListPath})) << sb.journal_json();
  auto j = sb.journal();
  EXPECT_EQ(j[0].status(), 401);
  EXPECT_EQ(j[2].status(), 200);
  EXPECT_EQ(sb.count(kAuthPath), 1u);
  expect_no_secrets({o.json});
}

TEST_F(Commvault, WrongPasswordIsAnAuthErrorAndIsNotRetried) {
  const std::string wrong = "Wr0ng-Pa55word-xyzzy";
  ClientPtr bad = make_client({{"password", wrong}});
  Outcome o = call(bad.get(), "get_account", get_json(kAcme));
  ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
  EXPECT_EQ(o.error.http_status, 401);
  EXPECT_EQ(o.error.vendor_code, "1003");
  EXPECT_EQ(o.error.operation, "get_account");
  EXPECT_EQ(sb.paths(), (Strings{kAuthPath})) << sb.journal_json();
  EXPECT_EQ(sb.journal()[0].status(), 401);
  EXPECT_FALSE(contains(o.error.all_text(), wrong)) << o.error.all_text();
  EXPECT_FALSE(contains(sb.journal_json(), wrong)) << sb.journal_json();
  expect_no_secrets({o.error.all_text()});
}

TEST_F(Commvault, GivenAccessTokenIsSentAsIsAndNeverRefreshed) {
  const std::string token = "caller-given-token-123";
  ClientPtr given = new_client({{"base_url", sb.url("commvault")}, {"access_token", token}}, "commvault");
  Outcome o = call(given.get(), "get_account", get_json(kAcme));
  ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();  // the sandbox did not issue it
  EXPECT_EQ(o.error.vendor_code, "1002");
  EXPECT_EQ(sb.paths(), (Strings{account_path(kAcme)})) << sb.journal_json();
  EXPECT_EQ(sb.journal()[0].str("authorization"), "Bearer ***");
  EXPECT_FALSE(contains(o.error.all_text(), token)) << o.error.all_text();
  EXPECT_FALSE(contains(sb.journal_json(), token));
}

TEST_F(Commvault, MissingCredentialsAreNamed) {
  ClientPtr none = new_client({{"base_url", sb.url("commvault")}}, "commvault");
  Outcome o = call(none.get(), "get_account", get_json(kAcme));
  ASSERT_EQ(o.status, AK_E_INVALID_ARGUMENT) << o.describe();
  EXPECT_TRUE(contains(o.error.message, "username")) << o.error.message;
  EXPECT_TRUE(contains(o.error.message, "access_token")) << o.error.message;
  EXPECT_EQ(sb.journal_json(), "[]");
}

TEST_F(Commvault, SecretsStayOutOfTheJournalAndErrors) {
  std::vector<std::string> texts;
  texts.push_back(call(c(), "get_account", get_json(kAcme)).json);
  texts.push_back(call(c(), "update_account", update_json("Acme ltd", "{}", R"("website":null)")).json);
  sb.expire_tokens();
  texts.push_back(call(c(), "list_accounts", "{}").json);
  texts.push_back(call(c(), "get_account", get_json("00000000-0000-4000-8000-999999999999")).error.all_text());
  for (const auto &e : sb.journal())
    EXPECT_EQ(e.str("authorization"), e.path() == kAuthPath ? "" : "Bearer ***") << e.text;
  EXPECT_EQ(sb.count(kAuthPath), 2u);
  expect_no_secrets(texts);
}

// ---- sandbox knobs ------------------------------------------------------------------

TEST_F(Commvault, KnobsRejectBadValues) {
  const std::vector<std::pair<const char *, const char *>> bad = {
      {"commvault.update_delay_ms", "-1"}, {"commvault.read_budget", "many"}, {"commvault.budget_window_s", "0"},
      {"commvault.seed_accounts", "-3"}, {"commvault.no_such_knob", "1"}};
  for (const auto &[name, value] : bad) {
    ak_error *err = nullptr;
    ak_status s = ak_sandbox_set_option(sb.get(), name, value, &err);
    EXPECT_EQ(s, AK_E_INVALID_ARGUMENT) << name << "=" << value;
    ak_error_free(err);
  }
  // seed_accounts replaces the generated accounts; the fixed ones stay.
  knob("commvault.seed_accounts", "5");
  knob("commvault.seed_accounts", "2");
  Outcome o = call(c(), "list_accounts", "{}");
  EXPECT_EQ(o.get_int("metadata.pagination.totalRecords"), 5) << o.json;
  Outcome generated = call(c(), "get_account", get_json("00000000-0000-4000-8000-000000000002"));
  EXPECT_TRUE(generated.ok()) << generated.describe();
  EXPECT_EQ(generated.get_string("externalId"), "SBX00002");
}

}  // namespace

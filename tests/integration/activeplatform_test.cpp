// ActivePlatform v1 over real HTTP against the in-process sandbox, through the
// public C API only: every operation, paging, filters and sorting on the wire,
// the vendor's 422 field errors, 404, auth, and the api_token kept secret.
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support.hpp"

using namespace akt;

namespace {

using Strings = std::vector<std::string>;

constexpr const char *kSandboxToken = "sandbox-api-token";
constexpr const char *kAccountsPath = "/api/vendor/v1/accounts.json";

std::string account_path(const std::string &id) { return "/api/vendor/v1/accounts/" + id + ".json"; }


// An activeplatform client pointed at the sandbox, then extra options.
ClientPtr ap_client(const Sandbox &sb, const std::vector<std::pair<std::string, std::string>> &extra = {}) {
  return sb.client(extra, "activeplatform");
}

// Every required create_account field, valid; overrides change or remove some.
std::string create_json(const std::string &email = "test@example.com") {
  return R"({"account_type_id":1,"account_class_id":1,"first_name":"Marcelo","last_name":"Ivanou",)"
         R"("country":"BY","region":"5","city":"Minsk","street":"Lenina","building":"1","office":"",)"
         R"("zip":"220007","phone":"+375295555555","email":")" + email + R"("})";
}

// Walks every item of list_accounts; returns the ids, or the error.
struct Walk {
  Strings ids;
  ErrorInfo error;
};
Walk walk(ak_client *c, const std::string &filters_json = "{}") {
  Walk w;
  FieldsPtr filters = make_fields(filters_json);
  ak_pager *raw = nullptr;
  ak_error *err = nullptr;
  ak_status s = ak_list(&raw, c, "list_accounts", filters.get(), &err);
  if (s != AK_OK) {
    w.error = copy_error(s, err);
    return w;
  }
  std::unique_ptr<ak_pager, decltype(&ak_pager_free)> pager(raw, ak_pager_free);
  for (;;) {
    ak_result *item = nullptr;
    s = ak_pager_next(&item, pager.get(), &err);
    if (s != AK_OK) {
      w.error = copy_error(s, err);
      return w;
    }
    if (!item) return w;
    ResultPtr owned(item);
    w.ids.push_back(ak_result_id(item));
    EXPECT_EQ(std::string(ak_result_status(item)), "active");
  }
}

class ActivePlatform : public ::testing::Test {
 protected:
  ak_client *c() { return client.get(); }

  // Creates an account and returns its id ("" on failure, with the outcome printed).
  std::string create(const std::string &email = "test@example.com", const Overrides &overrides = {}) {
    Outcome o = call(c(), "create_account", create_json(email), overrides);
    EXPECT_TRUE(o.ok()) << o.describe();
    return o.id();
  }

  std::vector<Entry> requests_to(const std::string &path) const {
    std::vector<Entry> out;
    for (auto &e : sb.journal())
      if (e.path() == path) out.push_back(e);
    return out;
  }

  Sandbox sb;
  ClientPtr client = ap_client(sb);
};

// ---- operations ------------------------------------------------------------------

TEST_F(ActivePlatform, SandboxCredentialsAreTheApiToken) {
  char *raw = nullptr;
  ASSERT_EQ(ak_sandbox_credentials_json(&raw, sb.get(), "activeplatform", nullptr), AK_OK);
  StringPtr owned(raw);
  EXPECT_EQ(std::string(raw), R"({"api_token":"sandbox-api-token"})");
}

TEST_F(ActivePlatform, CreateReturnsTheFullAccountModel) {
  Outcome o = call(c(), "create_account", create_json(),
                   {{"primary_name", "\"ACME\""},
                    {"manager_id", "50"},
                    {"owner_id", "874"},
                    {"billing_day", "5"},
                    {"custom_attributes", R"([{"key":"personal_number","value":"A4411111BB1199"}])"}});
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.id(), "500");  // ids start at 500
  EXPECT_EQ(o.account_status(), "active");
  EXPECT_EQ(o.get_string("name"), "Marcelo  Ivanou");  // empty middle name, as in the seed
  EXPECT_EQ(o.get_string("account_class"), "Default");
  EXPECT_EQ(o.get_string("account_type"), "Personal BLR");
  EXPECT_EQ(o.get_string("default_payment_model"), "prepay");
  EXPECT_EQ(o.get_string("primary_name"), "ACME");
  EXPECT_EQ(o.get_int("owner_id"), 874);
  EXPECT_EQ(o.get_int("tech_user_id"), 874);
  EXPECT_EQ(o.get_int("manager_id"), 50);
  EXPECT_EQ(o.get_string("custom_attributes[0].value"), "A4411111BB1199");
  EXPECT_TRUE(ak_result_is_null(o.result.get(), "new_owner_email"));
  double threshold = 0;
  ASSERT_EQ(ak_result_get_double(&threshold, o.result.get(), "financial_blocking_threshold", nullptr), AK_OK);
  EXPECT_EQ(threshold, 100.0);
  ASSERT_TRUE(o.get_string("created_at"));
  EXPECT_EQ(o.get_string("created_at")->size(), 29u) << *o.get_string("created_at");  // 2024-05-01T10:00:00.000+00:00

  std::vector<Entry> sent = requests_to(kAccountsPath);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method(), "POST");
  EXPECT_EQ(sent[0].status(), 201);
}

TEST_F(ActivePlatform, ANewOwnerIsANewUser) {
  Outcome o = call(c(), "create_account", create_json(),
                   {{"new_owner_first_name", "\"Ada\""}, {"new_owner_last_name", "\"Lovelace\""},
                    {"new_owner_email", "\"ada@example.com\""}});
  ASSERT_TRUE(o.ok()) << o.describe();
  auto owner = o.get_int("owner_id");
  ASSERT_TRUE(owner);
  EXPECT_NE(*owner, 874);
  EXPECT_EQ(o.get_int("bill_user_id"), owner);
}

TEST_F(ActivePlatform, GetReturnsWhatCreateReturned) {
  Outcome created = call(c(), "create_account", create_json());
  ASSERT_TRUE(created.ok()) << created.describe();
  Outcome got = call(c(), "get_account", R"({"account_id":)" + created.id() + "}");
  ASSERT_TRUE(got.ok()) << got.describe();
  EXPECT_EQ(got.json, created.json);
  EXPECT_EQ(got.id(), created.id());
  std::vector<Entry> sent = requests_to(account_path(created.id()));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method(), "GET");
  EXPECT_EQ(sent[0].member("body"), "null");
}

TEST_F(ActivePlatform, UpdateSendsOnlyTheGivenFieldAndKeepsTheRest) {
  std::string id = create();
  sb.clear_journal();
  Outcome o = call(c(), "update_account", R"({"account_id":)" + id + R"(,"email":"new@example.com"})");
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_string("email"), "new@example.com");
  EXPECT_EQ(o.get_string("first_name"), "Marcelo");
  EXPECT_EQ(o.get_string("phone"), "+375295555555");

  std::vector<Entry> sent = sb.journal();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method(), "PUT");
  EXPECT_EQ(sent[0].path(), account_path(id));
  EXPECT_EQ(sent[0].member("body"), R"({"email":"new@example.com"})");  // no account_id, nothing else
}

TEST_F(ActivePlatform, UpdateWithTheSeedsExample) {
  std::string id = create();
  Outcome o = call(c(), "update_account",
                   R"({"account_id":)" + id + R"(,"account_class_id":2,"primary_name":"ACME","middle_name":"J",)"
                   R"("account_type_id":2,"manager_id":50,"financial_blocking_threshold_use_system":true,)"
                   R"("subscription_credit_limit_use_system":false,"subscription_credit_limit":11000,)"
                   R"("custom_attributes":[{"key":"personal_number","value":"A4411111BB1199"}]})");
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_string("name"), "Marcelo J Ivanou");
  EXPECT_EQ(o.get_string("account_class"), "Postpaid");
  EXPECT_EQ(o.get_string("default_payment_model"), "postpay");
  EXPECT_EQ(o.get_string("account_type"), "Business");
  double limit = 0, threshold = 0;
  ASSERT_EQ(ak_result_get_double(&limit, o.result.get(), "subscription_credit_limit", nullptr), AK_OK);
  EXPECT_EQ(limit, 11000.0);
  ASSERT_EQ(ak_result_get_double(&threshold, o.result.get(), "financial_blocking_threshold", nullptr), AK_OK);
  EXPECT_EQ(threshold, 500.0);  // the Postpaid class's value

  // Attributes merge by key; a threshold given alone overrides the class's value.
  Outcome more = call(c(), "update_account",
                      R"({"account_id":)" + id + R"(,"financial_blocking_threshold":42.5,)"
                      R"("custom_attributes":[{"key":"vip","value":true},{"key":"personal_number","value":7}]})");
  ASSERT_TRUE(more.ok()) << more.describe();
  EXPECT_EQ(more.size("custom_attributes"), 2u);
  EXPECT_EQ(more.get_int("custom_attributes[0].value"), 7);
  int use_system = 1;
  ASSERT_EQ(ak_result_get_bool(&use_system, more.result.get(), "financial_blocking_threshold_use_system", nullptr), AK_OK);
  EXPECT_EQ(use_system, 0);
}

// ---- list, paging, filters, sorting ------------------------------------------------

TEST_F(ActivePlatform, PagerWalksEveryPage) {
  Strings created;
  for (int i = 0; i < 7; ++i) created.push_back(create("user" + std::to_string(i) + "@example.com"));
  sb.clear_journal();
  Walk w = walk(c(), R"({"per_page":3})");
  ASSERT_EQ(w.error.code, AK_OK) << w.error.all_text();
  EXPECT_EQ(w.ids, created);

  std::vector<Entry> pages = requests_to(kAccountsPath);
  ASSERT_EQ(pages.size(), 3u);  // 3 + 3 + 1: a short page is the last
  for (size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].method(), "GET");
    std::string query = pages[i].member("query");
    EXPECT_TRUE(contains(query, "\"page\":\"" + std::to_string(i + 1) + "\"")) << query;
    EXPECT_TRUE(contains(query, R"("per_page":"3")")) << query;
  }
}

TEST_F(ActivePlatform, PagerStopsAfterAnEmptyPageWhenTheLastPageIsFull) {
  for (int i = 0; i < 4; ++i) create("user" + std::to_string(i) + "@example.com");
  sb.clear_journal();
  Walk w = walk(c(), R"({"per_page":2})");
  ASSERT_EQ(w.error.code, AK_OK) << w.error.all_text();
  EXPECT_EQ(w.ids.size(), 4u);
  EXPECT_EQ(requests_to(kAccountsPath).size(), 3u);  // 2 + 2 + 0
}

TEST_F(ActivePlatform, PagerAsksFor25PerPageByDefault) {
  create();
  sb.clear_journal();
  Walk w = walk(c());
  ASSERT_EQ(w.error.code, AK_OK) << w.error.all_text();
  EXPECT_EQ(w.ids.size(), 1u);
  std::vector<Entry> pages = requests_to(kAccountsPath);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_TRUE(contains(pages[0].member("query"), R"("per_page":"25")")) << pages[0].text;
}

TEST_F(ActivePlatform, ListAnswersOnePage) {
  for (int i = 0; i < 3; ++i) create("user" + std::to_string(i) + "@example.com");
  Outcome o = call(c(), "list_accounts", R"({"page":2,"per_page":2})");
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.size("accounts"), 1u);
  EXPECT_EQ(o.get_int("accounts[0].id"), 502);
  Outcome past = call(c(), "list_accounts", R"({"page":9,"per_page":2})");
  ASSERT_TRUE(past.ok()) << past.describe();
  EXPECT_EQ(past.size("accounts"), 0u);
}

TEST_F(ActivePlatform, FiltersAndSortingTravelAsBracketedQueryParameters) {
  std::string a = create("b@example.com"), b = create("c@example.com"), d = create("a@example.com");
  sb.clear_journal();
  Walk by_email = walk(c(), R"({"filters":{"status":"active","email":"c@example.com"}})");
  ASSERT_EQ(by_email.error.code, AK_OK) << by_email.error.all_text();
  EXPECT_EQ(by_email.ids, Strings{b});
  std::string query = requests_to(kAccountsPath).at(0).member("query");
  EXPECT_TRUE(contains(query, R"("filters[status]":"active")")) << query;
  EXPECT_TRUE(contains(query, R"("filters[email]":"c@example.com")")) << query;
  EXPECT_TRUE(contains(query, R"("api_token":"***")")) << query;

  sb.clear_journal();
  Walk sorted = walk(c(), R"({"sorting":{"field":"email","reversed":true}})");
  ASSERT_EQ(sorted.error.code, AK_OK) << sorted.error.all_text();
  EXPECT_EQ(sorted.ids, (Strings{b, a, d}));
  query = requests_to(kAccountsPath).at(0).member("query");
  EXPECT_TRUE(contains(query, R"("sorting[field]":"email")")) << query;
  EXPECT_TRUE(contains(query, R"("sorting[reversed]":"true")")) << query;

  Walk ascending = walk(c(), R"({"sorting":{"field":"email"}})");
  EXPECT_EQ(ascending.ids, (Strings{d, a, b}));
  Walk deleted = walk(c(), R"({"filters":{"status":"deleted"}})");
  ASSERT_EQ(deleted.error.code, AK_OK) << deleted.error.all_text();
  EXPECT_TRUE(deleted.ids.empty());
}

TEST_F(ActivePlatform, CreatedAtFilterMatchesAPrefix) {
  Outcome o = call(c(), "create_account", create_json());
  ASSERT_TRUE(o.ok()) << o.describe();
  std::string day = o.get_string("created_at")->substr(0, 10);
  EXPECT_EQ(walk(c(), R"({"filters":{"created_at":")" + day + R"("}})").ids, Strings{o.id()});
  EXPECT_TRUE(walk(c(), R"({"filters":{"created_at":"1999-01-01"}})").ids.empty());
}

TEST_F(ActivePlatform, PageSizeAboveTheSandboxCapIsRejected) {
  ASSERT_EQ(ak_sandbox_set_option(sb.get(), "activeplatform.max_per_page", "5", nullptr), AK_OK);
  Outcome o = call(c(), "list_accounts", R"({"per_page":6})");
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_TRUE(o.error.has_field("per_page", "vendor")) << o.error.all_text();
  EXPECT_TRUE(call(c(), "list_accounts", R"({"per_page":5})").ok());
  ak_error *err = nullptr;
  EXPECT_EQ(ak_sandbox_set_option(sb.get(), "activeplatform.max_per_page", "0", &err), AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
}

TEST_F(ActivePlatform, SortingByAnUnknownFieldIsAVendorFieldError) {
  Outcome o = call(c(), "list_accounts", R"({"sorting":{"field":"shoe_size"}})");
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_TRUE(o.error.has_field("sorting.field", "vendor")) << o.error.all_text();
}

// ---- errors --------------------------------------------------------------------------

TEST_F(ActivePlatform, LocalValidationReportsEverythingAndSendsNothing) {
  Outcome o = call(c(), "create_account", create_json(),
                   {{"country", "\"XX\""}, {"phone", "\"375295555555\""}, {"email", "\"nope\""},
                    {"custom_attributes", R"([{"value":"x"}])"}, {"zip", std::nullopt}});
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_EQ(o.error.attempts, 0);
  EXPECT_TRUE(o.error.has_field("country", "country"));
  EXPECT_TRUE(o.error.has_field("phone", "phone"));
  EXPECT_TRUE(o.error.has_field("email", "email"));
  EXPECT_TRUE(o.error.has_field("custom_attributes[0].key", "required"));
  EXPECT_TRUE(o.error.has_field("zip", "required"));
  EXPECT_EQ(sb.journal().size(), 0u);
}

TEST_F(ActivePlatform, VendorFieldErrorsMapBackToFieldPaths) {
  ClientPtr raw = ap_client(sb, {{"validate", "false"}});
  Outcome o = call(raw.get(), "create_account", create_json(),
                   {{"country", "\"XX\""}, {"phone", "\"375295555555\""}, {"email", "\"nope\""},
                    {"custom_attributes", R"([{"value":"x"}])"}, {"zip", std::nullopt}, {"shoe_size", "44"}});
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_EQ(o.error.http_status, 422);
  EXPECT_EQ(o.error.attempts, 1);
  for (const char *path : {"country", "phone", "email", "custom_attributes[0].key", "zip"})
    EXPECT_TRUE(o.error.has_field(path, "vendor")) << path << ": " << o.error.all_text();
  EXPECT_EQ(o.error.fields.size(), 5u) << o.error.all_text();  // unknown fields are ignored by the vendor
  EXPECT_TRUE(contains(o.error.message, "activeplatform create_account: the vendor rejected 5 fields")) << o.error.message;
  EXPECT_TRUE(contains(o.error.raw_body, R"("errors":{)")) << o.error.raw_body;

}

// A threshold sent with use_system true (as the vendor's own answers carry it)
// is accepted; the sandbox keeps the class's value.
TEST_F(ActivePlatform, AThresholdWithUseSystemTrueKeepsTheClassValue) {
  std::string id = create();
  Outcome update = call(c(), "update_account",
                        R"({"account_id":)" + id + R"(,"subscription_credit_limit_use_system":true,)"
                        R"("subscription_credit_limit":5})");
  ASSERT_TRUE(update.ok()) << update.describe();
  double limit = -1;
  ASSERT_EQ(ak_result_get_double(&limit, update.result.get(), "subscription_credit_limit", nullptr), AK_OK);
  EXPECT_EQ(limit, 0.0);  // class 1 "Default"
}

TEST_F(ActivePlatform, UnknownCatalogueIdsAreVendorFieldErrors) {
  Outcome o = call(c(), "create_account", create_json(), {{"account_class_id", "9"}, {"account_type_id", "9"}});
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_EQ(o.error.http_status, 422);
  EXPECT_TRUE(o.error.has_field("account_class_id", "vendor")) << o.error.all_text();
  EXPECT_TRUE(o.error.has_field("account_type_id", "vendor")) << o.error.all_text();
}

TEST_F(ActivePlatform, UnknownAccountIsNotFound) {
  create();
  for (const char *op : {"get_account", "update_account"}) {
    Outcome o = call(c(), op, R"({"account_id":999999})");
    ASSERT_EQ(o.status, AK_E_NOT_FOUND) << op << ": " << o.describe();
    EXPECT_EQ(o.error.http_status, 404);
    EXPECT_FALSE(o.error.retriable);
    EXPECT_TRUE(contains(o.error.message, "Account not found")) << o.error.message;
  }
}

TEST_F(ActivePlatform, WrongApiTokenIsAnAuthErrorAndNeverShown) {
  const std::string wrong = "wr0ng/t0ken+value";
  ClientPtr bad = ap_client(sb, {{"api_token", wrong}});
  Outcome o = call(bad.get(), "get_account", R"({"account_id":500})");
  ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
  EXPECT_EQ(o.error.http_status, 401);
  EXPECT_EQ(o.error.attempts, 1);  // a static token is not resent
  // The sandbox quotes the rejected token; the library redacts it everywhere.
  EXPECT_TRUE(contains(o.error.raw_body, "***")) << o.error.raw_body;
  EXPECT_FALSE(contains(o.error.all_text(), wrong)) << o.error.all_text();
  EXPECT_FALSE(contains(o.error.all_text(), "wr0ng%2Ft0ken")) << o.error.all_text();

  Walk w = walk(bad.get());
  EXPECT_EQ(w.error.code, AK_E_AUTH);
  EXPECT_FALSE(contains(w.error.all_text(), wrong)) << w.error.all_text();

  std::string journal = sb.journal_json();
  EXPECT_FALSE(contains(journal, wrong)) << journal;
  EXPECT_FALSE(contains(journal, "wr0ng")) << journal;
  for (const auto &e : sb.journal()) EXPECT_TRUE(e.contains(R"("api_token":"***")")) << e.text;
}

TEST_F(ActivePlatform, TheRightApiTokenNeverAppearsInErrorsOrTheJournal) {
  create();
  Outcome nf = call(c(), "get_account", R"({"account_id":424242})");
  ASSERT_EQ(nf.status, AK_E_NOT_FOUND);
  Outcome invalid = call(ap_client(sb, {{"validate", "false"}}).get(), "create_account", "{}");
  ASSERT_EQ(invalid.status, AK_E_VALIDATION);
  for (const Outcome *o : {&nf, &invalid}) EXPECT_FALSE(contains(o->error.all_text(), kSandboxToken));
  std::string journal = sb.journal_json();
  EXPECT_FALSE(contains(journal, kSandboxToken)) << journal;
  EXPECT_EQ(sb.journal().size(), 3u);
}

TEST_F(ActivePlatform, MissingApiTokenOrBaseUrlIsAnInvalidArgument) {
  ClientPtr no_token = new_client({{"base_url", sb.url("activeplatform")}}, "activeplatform");
  Outcome o = call(no_token.get(), "get_account", R"({"account_id":500})");
  ASSERT_EQ(o.status, AK_E_INVALID_ARGUMENT) << o.describe();
  EXPECT_TRUE(contains(o.error.message, "api_token")) << o.error.message;

  ClientPtr no_url = new_client({{"api_token", "t"}}, "activeplatform");
  Outcome u = call(no_url.get(), "get_account", R"({"account_id":500})");
  ASSERT_EQ(u.status, AK_E_INVALID_ARGUMENT) << u.describe();
  EXPECT_TRUE(contains(u.error.message, "base_url")) << u.error.message;
  EXPECT_EQ(sb.journal().size(), 0u);
}

}  // namespace

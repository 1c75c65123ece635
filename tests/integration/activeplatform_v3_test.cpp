// ActivePlatform API v3 over real HTTP against the in-process sandbox, through
// the public C API only: JSON:API bodies and media type on the wire, PATCH,
// the reseller's id from the client option, paging by page[number] and
// page[size], filter[...] parameters, the vendor's 401/404/415/422 answers and
// the X-Api-Token kept secret.
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support.hpp"

using namespace akt;

namespace {

using Strings = std::vector<std::string>;

constexpr const char *kVendor = "activeplatform-v3";
constexpr const char *kToken = "sandbox-v3-token";
constexpr const char *kAccountsPath = "/api/v3/resellers/1001/accounts";

std::string account_path(const std::string &id) { return std::string(kAccountsPath) + "/" + id; }

std::string create_json(const std::string &email = "ivan@example.by") {
  return R"({"account_type_id":1,"first_name":"Ivan","last_name":"Ivanou","email":")" + email + R"("})";
}

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
    if ((s = ak_pager_next(&item, pager.get(), &err)) != AK_OK) {
      w.error = copy_error(s, err);
      return w;
    }
    if (!item) return w;
    ResultPtr owned(item);
    w.ids.push_back(ak_result_id(item));
  }
}

class ActivePlatformV3 : public ::testing::Test {
 protected:
  ak_client *c() { return client.get(); }

  std::string create(const std::string &email = "ivan@example.by") {
    Outcome o = call(c(), "create_account", create_json(email));
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
  ClientPtr client = sb.client({}, kVendor);
};

TEST_F(ActivePlatformV3, SandboxCredentialsAreTheTokenAndTheReseller) {
  char *raw = nullptr;
  ASSERT_EQ(ak_sandbox_credentials_json(&raw, sb.get(), kVendor, nullptr), AK_OK);
  StringPtr owned(raw);
  EXPECT_EQ(std::string(raw), R"({"api_token":"sandbox-v3-token","reseller_id":"1001"})");
}

TEST_F(ActivePlatformV3, CreateSendsAJsonApiDocumentAndAnswersAFlatAccount) {
  Outcome o = call(c(), "create_account", create_json(), {{"phone", "\"+375295555555\""}, {"owner_id", "874"}});
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.id(), "3000");
  EXPECT_EQ(o.get_int("id"), 3000);
  EXPECT_EQ(o.account_status(), "active");
  EXPECT_EQ(o.get_string("name"), "Ivan Ivanou");
  EXPECT_EQ(o.get_string("balance"), "0.00");
  EXPECT_EQ(o.get_int("reseller_id"), 1001);
  EXPECT_EQ(o.get_int("owner_id"), 874);
  EXPECT_FALSE(o.get_string("type"));  // the JSON:API envelope is gone

  std::vector<Entry> sent = requests_to(kAccountsPath);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method(), "POST");
  EXPECT_EQ(sent[0].status(), 201);
  EXPECT_EQ(sent[0].member("body"), R"({"data":{"attributes":{"account_type_id":1,"first_name":"Ivan",)"
                                    R"("last_name":"Ivanou","email":"ivan@example.by","phone":"+375295555555",)"
                                    R"("owner_id":874}}})");
  std::string headers = sent[0].member("headers");
  EXPECT_TRUE(contains(headers, R"("content-type":"application/vnd.api+json")")) << headers;
  EXPECT_TRUE(contains(headers, R"("accept":"application/vnd.api+json")")) << headers;
  EXPECT_TRUE(contains(headers, R"("x-api-token":"***")")) << headers;
  EXPECT_EQ(sent[0].member("query"), "{}");
}

TEST_F(ActivePlatformV3, GetAndUpdateByPatch) {
  std::string id = create();
  Outcome got = call(c(), "get_account", R"({"account_id":)" + id + "}");
  ASSERT_TRUE(got.ok()) << got.describe();
  EXPECT_EQ(got.id(), id);
  EXPECT_EQ(got.get_string("email"), "ivan@example.by");

  sb.clear_journal();
  Outcome o = call(c(), "update_account",
                   R"({"account_id":)" + id + R"(,"account_type_id":2,"account_class_key":"postpaid","email":"new@example.by"})");
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_string("email"), "new@example.by");
  EXPECT_EQ(o.get_string("first_name"), "Ivan");  // kept
  EXPECT_EQ(o.get_int("account_class_id"), 2);
  EXPECT_EQ(o.get_int("account_type_id"), 2);
  std::vector<Entry> sent = sb.journal();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method(), "PATCH");
  EXPECT_EQ(sent[0].path(), account_path(id));
  EXPECT_EQ(sent[0].member("body"),
            R"({"data":{"attributes":{"account_type_id":2,"account_class_key":"postpaid","email":"new@example.by"}}})");
  EXPECT_TRUE(contains(sent[0].member("headers"), R"("content-type":"application/vnd.api+json")"));
}

TEST_F(ActivePlatformV3, PagerWalksEveryPageWithBracketedParameters) {
  Strings created;
  for (int i = 0; i < 5; ++i) created.push_back(create("u" + std::to_string(i) + "@example.by"));
  sb.clear_journal();
  Walk w = walk(c(), R"({"page[size]":2})");
  ASSERT_EQ(w.error.code, AK_OK) << w.error.all_text();
  EXPECT_EQ(w.ids, created);  // listed ids are strings on the wire, the same ids here
  std::vector<Entry> pages = requests_to(kAccountsPath);
  ASSERT_EQ(pages.size(), 3u);  // 2 + 2 + 1: a short page is the last
  for (size_t i = 0; i < pages.size(); ++i) {
    std::string query = pages[i].member("query");
    EXPECT_EQ(query, R"({"page[number]":")" + std::to_string(i + 1) + R"(","page[size]":"2"})");
    EXPECT_EQ(pages[i].method(), "GET");
  }

  sb.clear_journal();
  Walk all = walk(c());
  EXPECT_EQ(all.ids.size(), 5u);
  ASSERT_EQ(requests_to(kAccountsPath).size(), 1u);
  EXPECT_TRUE(contains(requests_to(kAccountsPath)[0].member("query"), R"("page[size]":"50")"));

  Outcome page = call(c(), "list_accounts", R"({"page[number]":2,"page[size]":3})");
  ASSERT_TRUE(page.ok()) << page.describe();
  EXPECT_EQ(page.size("accounts"), 2u);
  EXPECT_EQ(page.get_int("accounts[0].id"), 3003);
}

TEST_F(ActivePlatformV3, FiltersTravelAsFilterParameters) {
  std::string a = create("a@example.by"), b = create("b@example.by");
  create("c@example.by");
  sb.clear_journal();
  Walk w = walk(c(), R"({"filter":{"email":"a@example.by,b@example.by","created_at":{"gt":"2000-01-01"}}})");
  ASSERT_EQ(w.error.code, AK_OK) << w.error.all_text();
  EXPECT_EQ(w.ids, (Strings{a, b}));
  std::string query = requests_to(kAccountsPath).at(0).member("query");
  EXPECT_TRUE(contains(query, R"("filter[email]":"a@example.by,b@example.by")")) << query;
  EXPECT_TRUE(contains(query, R"("filter[created_at][gt]":"2000-01-01")")) << query;
  EXPECT_TRUE(walk(c(), R"({"filter":{"created_at":{"lt":"2000-01-01"}}})").ids.empty());
  EXPECT_TRUE(walk(c(), R"({"filter":{"created_at":"1999-01-01"}})").ids.empty());  // a day: none then
  EXPECT_EQ(walk(c(), R"({"filter":{"created_at":"2"}})").ids.size(), 3u);  // a prefix of every timestamp
}

TEST_F(ActivePlatformV3, VendorValidationNamesTheFieldFromItsPointer) {
  ClientPtr raw = sb.client({{"validate", "false"}}, kVendor);
  Outcome o = call(raw.get(), "create_account", R"({"account_type_id":9,"first_name":"I","email":"nope"})");
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_EQ(o.error.http_status, 422);
  EXPECT_EQ(o.error.attempts, 1);
  for (const char *path : {"last_name", "email", "account_type_id"})
    EXPECT_TRUE(o.error.has_field(path, "vendor")) << path << ": " << o.error.all_text();
  EXPECT_EQ(o.error.fields.size(), 3u) << o.error.all_text();
  EXPECT_TRUE(contains(o.error.raw_body, R"("pointer":"/data/attributes/email")")) << o.error.raw_body;
  EXPECT_TRUE(contains(o.error.message, "the vendor rejected 3 fields")) << o.error.message;

  std::string id = create();
  Outcome patch = call(raw.get(), "update_account", R"({"account_id":)" + id + R"(,"account_class_key":"gold"})");
  ASSERT_EQ(patch.status, AK_E_VALIDATION) << patch.describe();
  EXPECT_TRUE(patch.error.has_field("account_type_id", "vendor")) << patch.error.all_text();  // required on update
  EXPECT_TRUE(patch.error.has_field("account_class_key", "vendor")) << patch.error.all_text();

  ASSERT_EQ(ak_sandbox_set_option(sb.get(), "activeplatform-v3.max_page_size", "5", nullptr), AK_OK);
  Outcome list = call(c(), "list_accounts", R"({"page[size]":6,"filter":{"email":"x@example.by"}})");
  ASSERT_EQ(list.status, AK_E_VALIDATION) << list.describe();
  EXPECT_TRUE(list.error.has_field("page[size]", "vendor")) << list.error.all_text();
}

TEST_F(ActivePlatformV3, LocalValidationSendsNothing) {
  Outcome o = call(c(), "update_account", R"({"account_id":3000,"email":"nope"})");
  ASSERT_EQ(o.status, AK_E_VALIDATION) << o.describe();
  EXPECT_EQ(o.error.attempts, 0);
  EXPECT_TRUE(o.error.has_field("account_type_id", "required"));
  EXPECT_TRUE(o.error.has_field("email", "email"));
  EXPECT_EQ(sb.journal().size(), 0u);
}

TEST_F(ActivePlatformV3, UnknownAccountOrAnotherResellerIsNotFound) {
  create();
  for (auto [op, fields] : {std::pair{"get_account", R"({"account_id":999999})"},
                            std::pair{"update_account", R"({"account_id":999999,"account_type_id":1})"}}) {
    Outcome o = call(c(), op, fields);
    ASSERT_EQ(o.status, AK_E_NOT_FOUND) << op << ": " << o.describe();
    EXPECT_EQ(o.error.http_status, 404);
    EXPECT_TRUE(contains(o.error.message, "Account not found")) << o.error.message;
  }
  ClientPtr other = sb.client({{"reseller_id", "2002"}}, kVendor);
  Outcome o = call(other.get(), "get_account", R"({"account_id":3000})");
  ASSERT_EQ(o.status, AK_E_NOT_FOUND) << o.describe();
  EXPECT_TRUE(contains(o.error.message, "Reseller not found")) << o.error.message;
  EXPECT_EQ(sb.journal().back().path(), "/api/v3/resellers/2002/accounts/3000");
}

TEST_F(ActivePlatformV3, WrongTokenIsAnAuthErrorAndNeverShown) {
  const std::string wrong = "wr0ng-v3/t0ken";
  ClientPtr bad = sb.client({{"api_token", wrong}}, kVendor);
  Outcome o = call(bad.get(), "get_account", R"({"account_id":3000})");
  ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
  EXPECT_EQ(o.error.http_status, 401);
  EXPECT_EQ(o.error.attempts, 1);  // a static token is not resent
  EXPECT_TRUE(contains(o.error.raw_body, "***")) << o.error.raw_body;  // the sandbox quoted it
  EXPECT_FALSE(contains(o.error.all_text(), wrong)) << o.error.all_text();
  Walk w = walk(bad.get());
  EXPECT_EQ(w.error.code, AK_E_AUTH);
  std::string journal = sb.journal_json();
  EXPECT_FALSE(contains(journal, "wr0ng")) << journal;
}

TEST_F(ActivePlatformV3, TheTokenNeverAppearsInErrorsOrTheJournal) {
  create();
  Outcome nf = call(c(), "get_account", R"({"account_id":424242})");
  Outcome invalid = call(sb.client({{"validate", "false"}}, kVendor).get(), "create_account", "{}");
  ASSERT_EQ(nf.status, AK_E_NOT_FOUND);
  ASSERT_EQ(invalid.status, AK_E_VALIDATION);
  for (const Outcome *o : {&nf, &invalid}) EXPECT_FALSE(contains(o->error.all_text(), kToken));
  std::string journal = sb.journal_json();
  EXPECT_FALSE(contains(journal, kToken)) << journal;
  EXPECT_EQ(sb.journal().size(), 3u);
}

TEST_F(ActivePlatformV3, AClientWithoutResellerOrTokenIsRefusedClearly) {
  const std::string url = sb.url(kVendor);
  for (auto [missing, options] :
       {std::pair{"reseller_id", std::vector<std::pair<std::string, std::string>>{{"base_url", url}, {"api_token", kToken}}},
        std::pair{"api_token", std::vector<std::pair<std::string, std::string>>{{"base_url", url}, {"reseller_id", "1001"}}}}) {
    ClientPtr client = new_client(options, kVendor);
    Outcome o = call(client.get(), "get_account", R"({"account_id":3000})");
    ASSERT_EQ(o.status, AK_E_INVALID_ARGUMENT) << o.describe();
    EXPECT_TRUE(contains(o.error.message, std::string("activeplatform-v3: option \"") + missing + "\" is required"))
        << o.error.message;
  }
  EXPECT_EQ(sb.journal().size(), 0u);
}

}  // namespace

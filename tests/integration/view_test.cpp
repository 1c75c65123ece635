// ak_account_view through the C API: the items every vendor's list_accounts
// walks (ak_list, ak_pager_next) on the sandbox read as the common view, and
// the function's argument errors.
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support.hpp"

using namespace akt;

namespace {

struct Viewed {
  ak_status status = AK_OK;
  std::string json;
  ErrorInfo error;
};

Viewed view(const char *vendor, const char *record) {
  Viewed out;
  char *raw = nullptr;
  ak_error *err = nullptr;
  out.status = ak_account_view(&raw, vendor, record, &err);
  StringPtr owned(raw);
  if (out.status == AK_OK) out.json = raw;
  else out.error = copy_error(out.status, err);
  return out;
}

// The view of every account vendor's sandbox lists.
std::vector<std::string> list_views(const Sandbox &sb, const char *vendor) {
  ClientPtr c = sb.client({}, vendor);
  ak_pager *raw = nullptr;
  ak_error *err = nullptr;
  EXPECT_EQ(ak_list(&raw, c.get(), "list_accounts", nullptr, &err), AK_OK) << copy_error(AK_E_INTERNAL, err).message;
  std::unique_ptr<ak_pager, void (*)(ak_pager *)> pager(raw, ak_pager_free);
  std::vector<std::string> out;
  for (ak_result *item = nullptr; ak_pager_next(&item, pager.get(), &err) == AK_OK && item;) {
    ResultPtr owned(item);
    Viewed v = view(vendor, ak_result_json(item));
    EXPECT_EQ(v.status, AK_OK) << v.error.message;
    out.push_back(v.json);
  }
  return out;
}

void create(const Sandbox &sb, const char *vendor, const std::string &fields) {
  ClientPtr c = sb.client({}, vendor);
  Outcome o = call(c.get(), "create_account", fields);
  ASSERT_TRUE(o.ok()) << o.error.message;
}

}  // namespace

TEST(ViewCapi, Digital99ListedAccounts) {
  Sandbox sb;
  create(sb, "99digital", R"({"account_name":"Acme","agents":2,"inboxes":1,"admin_email":"a@acme.example",)"
                          R"("admin_name":"A","admin_displayName":"A","admin_password":"Sandbox!Pass1","reference":"crm1"})");
  auto views = list_views(sb, "99digital");
  ASSERT_EQ(views.size(), 1u);
  const std::string &v = views[0];
  EXPECT_TRUE(contains(v, R"("vendor":"99digital","id":"1)")) << v;
  EXPECT_TRUE(contains(v, R"("name":"Acme","status":"active","vendor_status":"active","email":null,"country":null,)"
                          R"("key":"crm1","created":"20)")) << v;
  EXPECT_TRUE(contains(v, R"(Z","updated":null,"record":{"create_time":)")) << v;
}

TEST(ViewCapi, ActivePlatformListedAccounts) {
  Sandbox sb;
  const char *fields = R"({"account_type_id":1,"account_class_id":1,"first_name":"Ada","last_name":"L",)"
                       R"("country":"GB","region":"R","city":"C","street":"S","building":"1","office":"2",)"
                       R"("zip":"Z","phone":"+442079460000","email":"ada@example.com","primary_name":"Engines"})";
  create(sb, "activeplatform", fields);
  auto views = list_views(sb, "activeplatform");
  ASSERT_EQ(views.size(), 1u);
  EXPECT_TRUE(contains(views[0], R"("name":"Engines","status":"active","vendor_status":"active",)"
                                 R"("email":"ada@example.com","country":"GB","key":null,"created":"20)")) << views[0];
  EXPECT_TRUE(contains(views[0], R"(Z","updated":"20)")) << views[0];
}

TEST(ViewCapi, ActivePlatformV3ListedAccounts) {
  Sandbox sb;
  create(sb, "activeplatform-v3",
         R"({"account_type_id":1,"first_name":"Ada","last_name":"L","email":"ada@example.com","country":"GB"})");
  auto views = list_views(sb, "activeplatform-v3");
  ASSERT_EQ(views.size(), 1u);
  EXPECT_TRUE(contains(views[0], R"("vendor":"activeplatform-v3","id":"3)")) << views[0];
  EXPECT_TRUE(contains(views[0], R"("name":"Ada L","status":"active","vendor_status":"active",)"
                                 R"("email":"ada@example.com","country":"GB","key":null,)")) << views[0];
}

TEST(ViewCapi, CommvaultListedAccounts) {
  Sandbox sb;
  auto views = list_views(sb, "commvault");
  ASSERT_EQ(views.size(), 3u);  // the sandbox's fixed accounts
  bool acme = false;
  for (const auto &v : views)
    acme = acme || contains(v, R"("id":"7194af6f-1285-4295-94aa-ceed7ea2d792","name":"Acme ltd","status":"active",)"
                               R"("vendor_status":"active","email":"john.doe@acme.com","country":"United States",)"
                               R"("key":"XSP1234","created":"2021-06-07T21:16:48Z","updated":"2021-06-07T21:16:48Z")");
  EXPECT_TRUE(acme) << views[0];
}

TEST(ViewCapi, ArgumentErrors) {
  Viewed v = view("nosuch", "{}");
  EXPECT_EQ(v.status, AK_E_INVALID_ARGUMENT);
  v = view("commvault", "[]");
  EXPECT_EQ(v.status, AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(v.error.message, "JSON object")) << v.error.message;
  v = view("commvault", "{not json");
  EXPECT_EQ(v.status, AK_E_INVALID_ARGUMENT);

  char *out = reinterpret_cast<char *>(1);
  ak_error *err = nullptr;
  EXPECT_EQ(ak_account_view(&out, "commvault", nullptr, &err), AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(out, nullptr);
  ak_error_free(err);
  EXPECT_EQ(ak_account_view(&out, nullptr, "{}", nullptr), AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(ak_account_view(nullptr, "commvault", "{}", nullptr), AK_E_INVALID_ARGUMENT);
}

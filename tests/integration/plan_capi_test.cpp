// ak_plan and ak_plan_changed_since through the C API against the sandbox:
// the accounts 99digital holds, read as views, planned against desired
// records (one unchanged, one renamed, one new, one only at the vendor), the
// plan's steps run with ak_call, and a second plan that finds nothing to do;
// a step whose account moved since is caught; argument errors.
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <string>

#include "plan_support.hpp"

using namespace akt;

namespace {

std::string nn(const std::string &ref, const std::string &name) {
  return R"({"account_name":")" + name + R"(","agents":2,"inboxes":1,"admin_email":"a@)" + ref +
         R"(.example","admin_name":"A","admin_displayName":"A","admin_password":"Sandbox!Pass1","reference":")" +
         ref + R"("})";
}

Planned plan(const char *vendor, const std::string &desired, const std::string &current, int prune = 0) {
  char *raw = nullptr;
  ak_error *err = nullptr;
  ak_status s = ak_plan(&raw, vendor, desired.c_str(), current.c_str(), prune, &err);
  return planned(s, raw, err);
}

std::string current_views(ak_client *c) { return akt::current_views(c, "99digital"); }

}  // namespace

TEST(PlanCapi, Digital99PlanApplyPlanAgain) {
  Sandbox sb;
  ClientPtr c = sb.client({}, "99digital");
  for (auto [ref, name] : {std::pair{"keep", "Keep Ltd"}, {"rename", "Old Name"}, {"stray", "Stray Ltd"}})
    ASSERT_TRUE(call(c.get(), "create_account", nn(ref, name)).ok());
  const std::string desired = "[{\"fields\":" + nn("keep", "Keep Ltd") + "},{\"fields\":" + nn("rename", "New Name") +
                              "},{\"fields\":" + nn("new", "New Ltd") + ",\"status\":null}]";
  Planned p = plan("99digital", desired, current_views(c.get()));
  ASSERT_EQ(p.status, AK_OK) << p.error.message;
  EXPECT_TRUE(contains(p.json, R"({"vendor":"99digital","steps":[{"action":"no_change","vendor":"99digital","key":"keep",)"
                               R"("id":"1000","line":1,"expect":{"account_name":"Keep Ltd"}},)")) << p.json;
  const std::string update_fields = R"({"account_id":1001,"server":"online","account_name":"New Name"})";
  EXPECT_TRUE(contains(p.json, R"({"action":"update","vendor":"99digital","key":"rename","id":"1001","line":2,)"
                               R"("operation":"update_account","fields":)" + update_fields +
                               R"(,"changes":[{"field":"account_name","from":"Old Name","to":"New Name"}],)"
                               R"("expect":{"account_name":"Old Name"}})")) << p.json;
  EXPECT_TRUE(contains(p.json, R"({"action":"create","vendor":"99digital","key":"new","line":3,)"
                               R"("operation":"create_account","fields":{"account_name":"New Ltd",)")) << p.json;
  EXPECT_TRUE(contains(p.json, R"("admin_password":"***")")) << p.json;
  EXPECT_FALSE(contains(p.json, "Sandbox!Pass1")) << "no secret in a plan";
  EXPECT_TRUE(contains(p.json, R"({"action":"only_at_vendor","vendor":"99digital","key":"stray","id":"1002",)"))
      << p.json;

  // Applying: each step's operation with its fields (a create: the desired record).
  ASSERT_TRUE(call(c.get(), "update_account", update_fields).ok());
  ASSERT_TRUE(call(c.get(), "create_account", nn("new", "New Ltd")).ok());
  Planned again = plan("99digital", desired, current_views(c.get()));
  ASSERT_EQ(again.status, AK_OK) << again.error.message;
  EXPECT_FALSE(contains(again.json, R"("action":"update")")) << again.json;
  EXPECT_FALSE(contains(again.json, R"("action":"create")")) << again.json;
  EXPECT_TRUE(contains(again.json, R"("key":"new","id":"1003","line":3)")) << again.json;
  // Pruning removes the stray account.
  EXPECT_TRUE(contains(plan("99digital", desired, current_views(c.get()), 1).json,
                       R"({"action":"remove","vendor":"99digital","key":"stray","id":"1002","operation":"delete_account",)"
                       R"("fields":{"accountID":1002})"));
}

TEST(PlanCapi, ChangedSinceNamesWhatMoved) {
  char *out = nullptr;
  ASSERT_EQ(ak_plan_changed_since(&out, R"({"account_name":"Old Name"})",
                                  R"({"status":"active","record":{"account_name":"Someone Else's"}})", nullptr),
            AK_OK);
  StringPtr owned(out);
  EXPECT_STREQ(out, R"(account_name is now "Someone Else's", the plan read "Old Name")");
  char *none = nullptr;
  ASSERT_EQ(ak_plan_changed_since(&none, R"({"status":"active"})", R"({"status":"active","record":{}})", nullptr), AK_OK);
  StringPtr owned_none(none);
  EXPECT_STREQ(none, "");
}

TEST(PlanCapi, BadArgumentsAreRefusedByName) {
  Planned p = plan("activeplatform", "[]", "[]");
  EXPECT_EQ(p.status, AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(p.error.message, "activeplatform cannot be planned")) << p.error.message;
  p = plan("99digital", R"([{"fields":[]}])", "[]");
  EXPECT_EQ(p.status, AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(p.error.message, "desired_json[0].fields must be an object")) << p.error.message;
  p = plan("99digital", R"([{"fields":{},"status":"paused"}])", "[]");
  EXPECT_TRUE(contains(p.error.message, R"(record 1: status must be "active", "suspended" or none)")) << p.error.message;
  p = plan("99digital", R"([{"fields":{},"status":1}])", "[]");
  EXPECT_TRUE(contains(p.error.message, "desired_json[0].status must be text or null")) << p.error.message;
  p = plan("99digital", R"([{"line":0,"fields":{}}])", "[]");
  EXPECT_TRUE(contains(p.error.message, "desired_json[0].line must be a whole number from 1")) << p.error.message;
  p = plan("99digital", R"([{"line":"7","fields":{}}])", "[]");
  EXPECT_TRUE(contains(p.error.message, "desired_json[0].line must be a whole number from 1")) << p.error.message;
  p = plan("99digital", "[]", "{}");
  EXPECT_TRUE(contains(p.error.message, "current_json must be a JSON array")) << p.error.message;
  p = plan("nobody", "[]", "[]");
  EXPECT_EQ(p.status, AK_E_INVALID_ARGUMENT);
  char *out = nullptr;
  EXPECT_EQ(ak_plan(&out, "99digital", nullptr, "[]", 0, nullptr), AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(out, nullptr);
}

// current_json may carry the vendor's creates in flight beside the accounts:
// a Commvault record whose fulfillment is still submitted is no create.
TEST(PlanCapi, CreatesInFlightComeBesideTheAccounts) {
  const std::string desired =
      R"([{"fields":{"account":{"externalId":"F1","name":"Flying","contacts":[{"email":"a@f1.example",)"
      R"("firstName":"A","lastName":"B"}]},"service":{"skus":[{"sku":"MET-M365-BASIC","quantity":1}]}}}])";
  Planned alone = plan("commvault", desired, "[]");
  ASSERT_EQ(alone.status, AK_OK) << alone.error.message;
  EXPECT_TRUE(contains(alone.json, R"("action":"create")")) << alone.json;
  Planned flying = plan("commvault", desired,
                        R"({"accounts":[],"in_flight":[{"id":"ful-1","status":"submitted","externalAccountId":"F1"}]})");
  ASSERT_EQ(flying.status, AK_OK) << flying.error.message;
  EXPECT_TRUE(contains(flying.json, R"("action":"conflict")")) << flying.json;
  EXPECT_TRUE(contains(flying.json, "get_fulfillment ful-1 is submitted")) << flying.json;
  Planned bad = plan("commvault", desired, R"({"accounts":[],"in_flight":{}})");
  EXPECT_EQ(bad.status, AK_E_INVALID_ARGUMENT);
}

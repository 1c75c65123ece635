// ActivePlatform planned through the C API (accountkit/plan.h) against the
// sandbox: its accounts carry the partner's key in a custom attribute the
// caller names (ak_plan_options.key_attribute). Views are made without it
// (ak_account_view), as a caller who lists before knowing the setting would:
// ak_plan_with reads each key from the record. One account is up to date,
// one has drifted attributes, one is new; the update is run with ak_call
// and a second plan finds nothing to do. Then the options' errors.
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <string>

#include "plan_support.hpp"

using namespace akt;

namespace {

std::string ap(const std::string &pid, const std::string &tier) {
  return R"({"account_type_id":1,"account_class_id":1,"first_name":"Ada","last_name":"Lovelace","country":"GB",)"
         R"("region":"London","city":"London","street":"Square","building":"12","office":"3","zip":"SW1Y 4JH",)"
         R"("phone":"+442079460000","email":")" + pid + R"(@x.example","custom_attributes":[{"key":"partner_id",)"
         R"("value":")" + pid + R"("},{"key":"tier","value":")" + tier + R"("}]})";
}

// The accounts' views, made without the setting: none shows a key.
std::string views(ak_client *c) {
  std::string out = current_views(c, "activeplatform");
  EXPECT_FALSE(contains(out, R"("country":"GB","key":")")) << out;
  return out;
}

Planned plan_with(const char *vendor, const std::string &desired, const std::string &current,
                  const ak_plan_options *opts) {
  char *raw = nullptr;
  ak_error *err = nullptr;
  ak_status s = ak_plan_with(&raw, vendor, desired.c_str(), current.c_str(), opts, &err);
  return planned(s, raw, err);
}

}  // namespace

TEST(PlanActivePlatformCapi, PlannedByTheNamedAttributeAppliedAndPlannedAgain) {
  Sandbox sb;
  ClientPtr c = sb.client({}, "activeplatform");
  ASSERT_TRUE(call(c.get(), "create_account", ap("p1", "gold")).ok());
  ASSERT_TRUE(call(c.get(), "create_account", ap("p2", "silver")).ok());
  const std::string desired =
      "[{\"fields\":" + ap("p1", "gold") + "},{\"fields\":" + ap("p2", "gold") + "},{\"fields\":" + ap("p3", "new") + "}]";
  ak_plan_options opts = AK_PLAN_OPTIONS_INIT;
  opts.key_attribute = "partner_id";
  Planned p = plan_with("activeplatform", desired, views(c.get()), &opts);
  ASSERT_EQ(p.status, AK_OK) << p.error.message;
  EXPECT_TRUE(contains(p.json, R"({"action":"no_change","vendor":"activeplatform","key":"p1","id":"500","line":1,)"))
      << p.json;
  const std::string update_fields =
      R"({"account_id":501,"custom_attributes":[{"key":"partner_id","value":"p2"},{"key":"tier","value":"gold"}]})";
  EXPECT_TRUE(contains(p.json, R"({"action":"update","vendor":"activeplatform","key":"p2","id":"501","line":2,)"
                               R"("operation":"update_account","fields":)" + update_fields))
      << p.json;
  EXPECT_TRUE(contains(p.json, R"({"action":"create","vendor":"activeplatform","key":"p3","line":3,)")) << p.json;

  ASSERT_TRUE(call(c.get(), "update_account", update_fields).ok());
  ASSERT_TRUE(call(c.get(), "create_account", ap("p3", "new")).ok());
  Planned again = plan_with("activeplatform", desired, views(c.get()), &opts);
  ASSERT_EQ(again.status, AK_OK) << again.error.message;
  for (const char *action : {"update", "create", "conflict", "only_at_vendor"})
    EXPECT_FALSE(contains(again.json, std::string(R"("action":")") + action + "\"")) << again.json;

  // The view with the setting shows the key.
  Outcome got = call(c.get(), "get_account", R"({"account_id":502})");
  ASSERT_TRUE(got.ok());
  char *view = nullptr;
  ASSERT_EQ(ak_account_view_with(&view, "activeplatform", got.json.c_str(), &opts, nullptr), AK_OK);
  StringPtr owned(view);
  EXPECT_TRUE(contains(view, R"("key":"p3")")) << view;
}

TEST(PlanActivePlatformCapi, OptionsAreCheckedByName) {
  Planned p = plan_with("activeplatform", "[]", "[]", nullptr);
  EXPECT_EQ(p.status, AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(p.error.message, "activeplatform cannot be planned without key_attribute")) << p.error.message;
  ak_plan_options opts = AK_PLAN_OPTIONS_INIT;
  opts.key_attribute = "partner_id";
  p = plan_with("99digital", "[]", "[]", &opts);
  EXPECT_EQ(p.status, AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(p.error.message, "99digital keeps your own key in reference")) << p.error.message;
  p = plan_with("activeplatform-v3", "[]", "[]", &opts);
  EXPECT_TRUE(contains(p.error.message, "has no custom attributes that create_account sets")) << p.error.message;
  opts.version = 99;
  p = plan_with("activeplatform", "[]", "[]", &opts);
  EXPECT_EQ(p.status, AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(p.error.message, "ak_plan_options.version must be AK_PLAN_OPTIONS_VERSION")) << p.error.message;
  char *view = nullptr;
  EXPECT_EQ(ak_account_view_with(&view, "activeplatform", "{}", &opts, nullptr), AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(view, nullptr);
  // An empty key_attribute is none.
  opts = AK_PLAN_OPTIONS_INIT;
  opts.key_attribute = "";
  ASSERT_EQ(ak_account_view_with(&view, "99digital", R"({"reference":"r1"})", &opts, nullptr), AK_OK);
  StringPtr owned(view);
  EXPECT_TRUE(contains(view, R"("key":"r1")")) << view;
}

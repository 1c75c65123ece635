// Commvault Cloud activate_account and deactivate_account over real HTTP
// against the in-process sandbox, through the public C API only: the paths
// and bodies sent, "deactivating" / "activating" settling through wait, the
// at-least-one-flag rule (local and the sandbox's), unknown accounts, and an
// update on a deactivated account keeping it deactivated.
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commvault_fixture.hpp"
#include "support.hpp"

using namespace akt;

namespace {

constexpr const char *kAccounts = "/api/v1/partner/accounts";
constexpr const char *kGlobex = "3f2b8c1e-5d4a-4e6f-9a7b-2c1d0e9f8a76";  // a fixed sandbox account

std::string id_json(const std::string &id, const std::string &rest = "") {
  return "{\"id\":\"" + id + "\"" + (rest.empty() ? "" : "," + rest) + "}";
}

class CommvaultState : public CommvaultFixture {};

TEST_F(CommvaultState, DeactivateThenActivateSettleThroughWait) {
  Outcome off = call(c(), "deactivate_account", id_json(kGlobex, R"("disableLogin":true,"disableBackup":false)"));
  ASSERT_TRUE(off.ok()) << off.describe();
  EXPECT_EQ(off.account_status(), "deactivating");
  EXPECT_EQ(off.id(), kGlobex);
  auto puts = entries_for(std::string(kAccounts) + "/" + kGlobex + "/deactivate");
  ASSERT_EQ(puts.size(), 1u) << sb.journal_json();
  EXPECT_EQ(puts[0].method(), "PUT");
  // The id travels in the path only; a flag left out is not sent.
  EXPECT_EQ(puts[0].member("body"), R"({"disableLogin":true,"disableBackup":false})");

  Outcome still = call(c(), "get_account", id_json(kGlobex));
  EXPECT_EQ(still.account_status(), "deactivating");
  Outcome settled = wait_for(c(), kGlobex, 5);
  ASSERT_TRUE(settled.ok()) << settled.describe();
  EXPECT_EQ(settled.account_status(), "deactivated");

  Outcome on = call(c(), "activate_account", id_json(kGlobex));
  ASSERT_TRUE(on.ok()) << on.describe();
  EXPECT_EQ(on.account_status(), "activating");
  auto activates = entries_for(std::string(kAccounts) + "/" + kGlobex + "/activate");
  ASSERT_EQ(activates.size(), 1u) << sb.journal_json();
  EXPECT_EQ(activates[0].method(), "PUT");
  settled = wait_for(c(), kGlobex, 5);
  ASSERT_TRUE(settled.ok()) << settled.describe();
  EXPECT_EQ(settled.account_status(), "active");
}

TEST_F(CommvaultState, RepeatingAStateIsAccepted) {
  Outcome on = call(c(), "activate_account", id_json(kGlobex));
  ASSERT_TRUE(on.ok()) << on.describe();
  EXPECT_EQ(on.account_status(), "activating");
  EXPECT_EQ(wait_for(c(), kGlobex, 5).account_status(), "active");
  for (int i = 0; i < 2; ++i) {
    Outcome off = call(c(), "deactivate_account", id_json(kGlobex, R"("disableRestore":true)"));
    ASSERT_TRUE(off.ok()) << off.describe();
    EXPECT_EQ(wait_for(c(), kGlobex, 5).account_status(), "deactivated");
  }
}

TEST_F(CommvaultState, NoTrueFlagIsRefusedLocallyAndBySandbox) {
  Outcome local = call(c(), "deactivate_account", id_json(kGlobex, R"("disableLogin":false)"));
  ASSERT_EQ(local.status, AK_E_VALIDATION) << local.describe();
  EXPECT_TRUE(local.error.has_field("disableBackup", "at_least_one_true")) << local.error.all_text();
  EXPECT_TRUE(entries_for(std::string(kAccounts) + "/" + kGlobex + "/deactivate").empty());

  ClientPtr raw = make_client({{"validate", "false"}});
  Outcome remote = call(raw.get(), "deactivate_account", id_json(kGlobex));
  ASSERT_EQ(remote.status, AK_E_VALIDATION) << remote.describe();
  EXPECT_EQ(remote.error.http_status, 400);
  EXPECT_EQ(remote.error.vendor_code, "1001");
  EXPECT_TRUE(contains(remote.error.message, "at least one of")) << remote.error.message;
  EXPECT_EQ(call(c(), "get_account", id_json(kGlobex)).account_status(), "active");  // nothing changed
}

TEST_F(CommvaultState, UnknownAccountIsNotFound) {
  const char *missing = "00000000-0000-4000-8000-999999999999";
  Outcome on = call(c(), "activate_account", id_json(missing));
  EXPECT_EQ(on.status, AK_E_NOT_FOUND) << on.describe();
  EXPECT_EQ(on.error.vendor_code, "1006");
  Outcome off = call(c(), "deactivate_account", id_json(missing, R"("disableLogin":true)"));
  EXPECT_EQ(off.status, AK_E_NOT_FOUND) << off.describe();
}

TEST_F(CommvaultState, AnUpdateKeepsADeactivatedAccountDeactivated) {
  ASSERT_TRUE(call(c(), "deactivate_account", id_json(kGlobex, R"("disableBackup":true)")).ok());
  ASSERT_EQ(wait_for(c(), kGlobex, 5).account_status(), "deactivated");
  Outcome up = call(c(), "update_account",
                    id_json(kGlobex, R"("externalId":"XSP2001","name":"Globex Corporation","contacts":[])"));
  ASSERT_TRUE(up.ok()) << up.describe();
  EXPECT_EQ(up.account_status(), "updating");
  EXPECT_EQ(wait_for(c(), kGlobex, 5).account_status(), "deactivated");
}

}  // namespace

// Commvault create_account over HTTP against the sandbox (issue 15): a new
// customer is a fulfillment ("submitted", then "complete" with the account,
// which is "provisioning", then "active"); ak_wait_for follows it to the
// account; a failed fulfillment, a reused externalId and an unknown
// fulfillment are errors; a create whose answer is lost is found again by
// its fulfillment externalId (read in full, since lists do not show it) and
// never submitted twice.
#include <gtest/gtest.h>

#include "commvault_fixture.hpp"
#include "sandbox_faults.hpp"

#include <map>
#include <memory>
#include <vector>

namespace {

using namespace akt;

constexpr const char *kFulfillments = "/api/v1/partner/fulfillments";

// A New customer fulfillment for account external id ext, named name; key is
// the fulfillment's externalId ("" leaves it to the library).
std::string new_customer(const std::string &ext, const std::string &name, const std::string &key = "") {
  std::string json = "{";
  if (!key.empty()) json += "\"externalId\":\"" + key + "\",";
  json += R"("account":{"externalId":")" + ext + R"(","name":")" + name +
          R"(","provisionCountry":"United States","contacts":[{"type":"admin","email":"admin@)" + ext +
          R"(.example","firstName":"Ada","lastName":"Admin","address":{"addressLine1":"1 Main St","city":"Austin","state":"TX","country":"United States","postalCode":"73301"}}]},)"
          R"("service":{"skus":[{"sku":"MET-M365-BASIC","quantity":25}]}})";
  return json;
}

class CommvaultCreate : public CommvaultFixture {
 protected:
  size_t submits() const {
    size_t n = 0;
    for (auto &e : sb.journal()) n += e.path() == kFulfillments && e.method() == "POST";
    return n;
  }
  // The fulfillments listed for account external id ext.
  size_t fulfillments_for(const std::string &ext) {
    Outcome list = call(c(), "list_fulfillments", R"({"pageSize":100})");
    EXPECT_TRUE(list.ok()) << list.describe();
    size_t n = 0;
    for (size_t i = 0;; ++i) {
      auto listed = list.get_string(("data[" + std::to_string(i) + "].externalAccountId").c_str());
      if (!listed) break;
      n += *listed == ext;
    }
    return n;
  }
};

TEST_F(CommvaultCreate, ANewCustomerIsAFulfillmentThatWaitFollowsToTheActiveAccount) {
  Outcome o = call(c(), "create_account", new_customer("NC-1001", "Northwind Traders"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_string("status").value_or(""), "submitted");
  const std::string fulfillment = ak_result_id(o.result.get());
  EXPECT_EQ(fulfillment.size(), 36u) << o.json;
  EXPECT_EQ(o.get_string("externalId").value_or("").rfind("ak", 0), 0u) << "a generated key: " << o.json;
  ASSERT_EQ(submits(), 1u);
  Entry sent = entries_for(kFulfillments).front();
  EXPECT_TRUE(contains(sent.member("body"), o.get_string("externalId").value_or("?"))) << "the key is sent";

  Outcome account = wait_for(c(), fulfillment, 10, "create_account");
  ASSERT_TRUE(account.ok()) << account.describe();
  EXPECT_STREQ(ak_result_status(account.result.get()), "active");
  EXPECT_EQ(account.get_string("status").value_or(""), "active");
  EXPECT_EQ(account.get_string("name").value_or(""), "Northwind Traders");
  EXPECT_EQ(account.get_string("externalId").value_or(""), "NC-1001");

  Outcome done = call(c(), "get_fulfillment", "{\"id\":\"" + fulfillment + "\"}");
  ASSERT_TRUE(done.ok()) << done.describe();
  EXPECT_EQ(done.get_string("status").value_or(""), "complete");
  EXPECT_EQ(done.get_string("accountId").value_or(""), ak_result_id(account.result.get()));
  EXPECT_EQ(done.get_string("requestData.account.name").value_or(""), "Northwind Traders");
}

TEST_F(CommvaultCreate, AFailedFulfillmentEndsTheWaitAsOperationFailed) {
  Outcome o = call(c(), "create_account", new_customer("NC-1002", "FAIL Industries"));
  ASSERT_TRUE(o.ok()) << o.describe();
  Outcome w = wait_for(c(), ak_result_id(o.result.get()), 10, "create_account");
  ASSERT_EQ(w.status, AK_E_OPERATION_FAILED) << w.describe();
  EXPECT_TRUE(contains(w.error.message, "settled in status \"failed\"")) << w.error.message;
  EXPECT_TRUE(contains(w.error.message, "fulfillment")) << w.error.message;
}

TEST_F(CommvaultCreate, AReusedExternalIdIsTheVendorsRefusal) {
  ASSERT_TRUE(call(c(), "create_account", new_customer("NC-1003", "Contoso", "crm-order-77")).ok());
  Outcome again = call(c(), "create_account", new_customer("NC-1004", "Contoso Two", "crm-order-77"));
  ASSERT_EQ(again.status, AK_E_VALIDATION) << again.describe();
  EXPECT_EQ(again.error.vendor_code, "1009");
  EXPECT_EQ(submits(), 2u);  // refused by the vendor, not resent
}

TEST_F(CommvaultCreate, AnUnknownFulfillmentIsNotFoundAndWaitForNeedsAnOperationThatSettles) {
  Outcome missing = call(c(), "get_fulfillment", R"({"id":"00000000-0000-4000-8000-00000000abcd"})");
  EXPECT_EQ(missing.status, AK_E_NOT_FOUND) << missing.describe();
  EXPECT_EQ(missing.error.vendor_code, "1006");
  Outcome w = wait_for(c(), "00000000-0000-4000-8000-00000000abcd", 5, "create_account");
  EXPECT_EQ(w.status, AK_E_NOT_FOUND) << w.describe();
  Outcome bogus = wait_for(c(), "x", 5, "no_such_operation");
  EXPECT_EQ(bogus.status, AK_E_UNKNOWN_OPERATION) << bogus.describe();
}

// ---- a lost answer ------------------------------------------------------------------

TEST_F(CommvaultCreate, ALostAnswerIsFoundByItsExternalIdNotSubmittedTwice) {
  add_faults(sb, R"({"vendor":"commvault","method":"POST","path":"/api/v1/partner/fulfillments","kind":"drop_after_commit","count":1})");
  Outcome o = call(c(), "create_account", new_customer("NC-2001", "Lost Answer Ltd", "crm-order-2001"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(ak_result_is_recovered(o.result.get()), 1);
  EXPECT_EQ(submits(), 1u);
  EXPECT_EQ(o.get_string("requestData.externalId").value_or(""), "crm-order-2001") << o.json;
  EXPECT_EQ(fulfillments_for("NC-2001"), 1u);
  Outcome account = wait_for(c(), ak_result_id(o.result.get()), 10, "create_account");
  ASSERT_TRUE(account.ok()) << account.describe();
  EXPECT_EQ(account.get_string("name").value_or(""), "Lost Answer Ltd");
}

// An earlier fulfillment for the same account (another key) is read and
// passed over: only the one with this request's key is its.
TEST_F(CommvaultCreate, AnotherFulfillmentForTheSameAccountIsNeverTakenForThisOne) {
  Outcome earlier = call(c(), "create_account", new_customer("NC-2002", "FAIL First Try", "crm-order-2002a"));
  ASSERT_TRUE(earlier.ok()) << earlier.describe();
  add_faults(sb, R"({"vendor":"commvault","method":"POST","path":"/api/v1/partner/fulfillments","kind":"drop_after_commit","count":1})");
  Outcome o = call(c(), "create_account", new_customer("NC-2002", "Second Try Ltd"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(ak_result_is_recovered(o.result.get()), 1);
  EXPECT_NE(std::string(ak_result_id(o.result.get())), std::string(ak_result_id(earlier.result.get())));
  EXPECT_EQ(o.get_string("requestData.account.name").value_or(""), "Second Try Ltd");
  EXPECT_EQ(submits(), 2u);
  EXPECT_EQ(fulfillments_for("NC-2002"), 2u);
  // Both were read in full: the list does not show their keys.
  EXPECT_EQ(entries_for(std::string(kFulfillments) + "/" + ak_result_id(earlier.result.get())).size(), 1u);
}

// The vendor answered 500 and nothing was made: the lookup proves it absent,
// and only then is it submitted again (the vendor's unique externalId would
// refuse a second one anyway).
TEST_F(CommvaultCreate, AnAnsweredFailureWithNothingMadeIsSubmittedAgainAfterTheLookup) {
  add_faults(sb, R"({"vendor":"commvault","method":"POST","path":"/api/v1/partner/fulfillments","kind":"status","status":500,"count":1})");
  Outcome o = call(c(), "create_account", new_customer("NC-2003", "Retry Ltd"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(ak_result_is_recovered(o.result.get()), 0);
  EXPECT_EQ(submits(), 2u);
  EXPECT_EQ(fulfillments_for("NC-2003"), 1u);
}

// Waits in a batch: several fulfillments followed to their accounts on one
// thread, each wait sleeping as a timer between polls; a wait cancelled by
// tag ends as Cancelled; a bad argument is refused at submit.
TEST_F(CommvaultCreate, WaitsRunSideBySideInOneBatchAndOneIsCancelledByTag) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Outcome o = call(c(), "create_account", new_customer("NC-20" + std::to_string(i), "Batch " + std::to_string(i)));
    ASSERT_TRUE(o.ok()) << o.describe();
    ids.push_back(ak_result_id(o.result.get()));
  }
  ak_batch *raw = nullptr;
  ASSERT_EQ(ak_batch_new(&raw, c(), 4, nullptr), AK_OK);
  std::unique_ptr<ak_batch, decltype(&ak_batch_free)> b(raw, ak_batch_free);
  ak_error *err = nullptr;
  EXPECT_EQ(ak_batch_submit_wait(b.get(), "create_account", ids[0].c_str(), 0, 9, &err), AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(ak_error_message(err), "timeout must be between 0 and 86400 seconds")) << ak_error_message(err);
  ak_error_free(err);
  err = nullptr;
  EXPECT_EQ(ak_batch_submit_wait(b.get(), "no_such_operation", ids[0].c_str(), 10, 9, &err), AK_E_UNKNOWN_OPERATION);
  ak_error_free(err);
  for (uint64_t tag = 0; tag < 3; ++tag)
    ASSERT_EQ(ak_batch_submit_wait(b.get(), "create_account", ids[tag].c_str(), 10, tag, nullptr), AK_OK);
  ak_batch_cancel(b.get(), 2);
  std::map<uint64_t, std::string> outcome;  // tag -> account name, or the error's category
  while (ak_batch_pending(b.get()) > 0) {
    uint64_t tag = 0;
    ak_result *r = nullptr;
    ak_error *failure = nullptr;
    ASSERT_EQ(ak_batch_next(&tag, &r, &failure, b.get(), 10000, nullptr), AK_OK);
    ASSERT_TRUE(r || failure) << "timed out";
    if (r) {
      const char *name = nullptr;
      ak_result_get_string(&name, r, "name", nullptr);
      outcome[tag] = std::string(ak_result_status(r)) + " " + (name ? name : "?");
    } else {
      outcome[tag] = ak_error_category(failure);
    }
    ak_result_free(r);
    ak_error_free(failure);
  }
  EXPECT_EQ(outcome[0], "active Batch 0");
  EXPECT_EQ(outcome[1], "active Batch 1");
  EXPECT_EQ(outcome[2], "cancelled");
}

}  // namespace

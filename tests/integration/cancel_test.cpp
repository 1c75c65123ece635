// Cancellation and deadlines through the C API (issue 16): a token triggered
// from another thread stops a read in flight (AK_E_CANCELLED) and a create in
// flight (AK_E_OUTCOME_UNKNOWN: it may have landed), a wait between polls, a
// pager between pages and a batch operation by tag, running or queued; a
// per-call timeout_s bounds the whole call; the client stays usable. Against
// sandbox delays over real HTTP; "promptly" is checked against a 3 s delay
// with a generous bound (2 s), not timed to the millisecond.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "commvault_fixture.hpp"
#include "sandbox_faults.hpp"

namespace {

using namespace akt;
using Clock = std::chrono::steady_clock;

struct CancelFree {
  void operator()(ak_cancel *t) const { ak_cancel_free(t); }
};
using CancelPtr = std::unique_ptr<ak_cancel, CancelFree>;

CancelPtr new_token() {
  ak_cancel *t = nullptr;
  EXPECT_EQ(ak_cancel_new(&t, nullptr), AK_OK);
  return CancelPtr(t);
}

Outcome call_with(ak_client *c, const char *op, const std::string &json, const ak_call_options &opts) {
  FieldsPtr f = make_fields(json);
  Outcome o;
  ak_result *r = nullptr;
  ak_error *err = nullptr;
  o.status = ak_call_with(&r, c, op, f.get(), &opts, &err);
  o.result.reset(r);
  if (o.ok()) o.json = ak_result_json(r);
  else o.error = copy_error(o.status, err);
  return o;
}

// Triggers token after ms on another thread.
std::thread trigger_after(ak_cancel *token, int ms) {
  return std::thread([token, ms] {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    ak_cancel_trigger(token);
  });
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

const std::string kSlowList = std::string(R"({"vendor":"99digital","path":")") + kListPath +
                              R"(","kind":"delay","delay_ms":3000,"count":1})";

class Cancel : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(call(c(), "list_accounts", "{}").ok()); }  // the token, fetched first
  ak_client *c() { return client.get(); }
  Sandbox sb;
  ClientPtr client = sb.client({{"retry_base_ms", "1"}, {"retry_max_ms", "5"}});
};

TEST_F(Cancel, AReadInFlightStopsPromptlyAndTheClientStaysUsable) {
  add_faults(sb, kSlowList);
  CancelPtr token = new_token();
  ak_call_options opts = AK_CALL_OPTIONS_INIT;
  opts.cancel = token.get();
  auto start = Clock::now();
  std::thread canceller = trigger_after(token.get(), 100);
  Outcome o = call_with(c(), "list_accounts", "{}", opts);
  canceller.join();
  EXPECT_EQ(o.status, AK_E_CANCELLED) << o.describe();
  EXPECT_LT(seconds_since(start), 2.0) << "the 3 s exchange was not aborted";
  EXPECT_EQ(ak_cancel_is_triggered(token.get()), 1);
  EXPECT_TRUE(call(c(), "list_accounts", "{}").ok()) << "the client is usable";
}

TEST_F(Cancel, ACreateInFlightIsOutcomeUnknownNeverASilentResult) {
  add_faults(sb, std::string(R"({"vendor":"99digital","path":")") + kCreatePath +
                     R"(","kind":"delay","delay_ms":3000,"count":1})");
  CancelPtr token = new_token();
  ak_call_options opts = AK_CALL_OPTIONS_INIT;
  opts.cancel = token.get();
  std::thread canceller = trigger_after(token.get(), 200);
  Outcome o = call_with(c(), "create_account", create_json("Cancelled Ltd", "c@cancel.example", "cancel1"), opts);
  canceller.join();
  EXPECT_EQ(o.status, AK_E_OUTCOME_UNKNOWN) << o.describe();
  EXPECT_TRUE(contains(o.error.message, "cancelled")) << o.error.message;
}

// The create lands and its answer is lost; the client looks it up (a slow
// list) and is cancelled while it does: it may have landed, so it is
// outcome-unknown, and nothing is sent again.
TEST_F(Cancel, ACreateCancelledWhileItsLostAnswerIsLookedUpIsOutcomeUnknown) {
  add_faults(sb, std::string(R"({"vendor":"99digital","path":")") + kCreatePath +
                     R"(","kind":"drop_after_commit","count":1})");
  add_faults(sb, kSlowList);
  sb.clear_journal();
  CancelPtr token = new_token();
  ak_call_options opts = AK_CALL_OPTIONS_INIT;
  opts.cancel = token.get();
  std::thread canceller = trigger_after(token.get(), 300);
  auto start = Clock::now();
  Outcome o = call_with(c(), "create_account", create_json("Dropped Ltd", "d@cancel.example", "dropped1"), opts);
  canceller.join();
  EXPECT_EQ(o.status, AK_E_OUTCOME_UNKNOWN) << o.describe();
  EXPECT_LT(seconds_since(start), 2.0) << "the 3 s lookup was not aborted";
  EXPECT_EQ(sb.count(kCreatePath), 1u) << "a create whose answer was lost is never resent";
  EXPECT_TRUE(contains(o.error.message, "cancelled before that could be checked")) << o.error.message;
  EXPECT_TRUE(contains(o.error.message, "look for reference \"dropped1\"")) << o.error.message;
  std::string listed = call(c(), "list_accounts", "{}").json;
  EXPECT_TRUE(contains(listed, "Dropped Ltd")) << "the create landed: " << listed;
}

TEST_F(Cancel, ATokenTriggeredBeforehandSendsNothing) {
  CancelPtr token = new_token();
  ak_cancel_trigger(token.get());
  ak_cancel_trigger(token.get());  // again: nothing more
  sb.clear_journal();
  ak_call_options opts = AK_CALL_OPTIONS_INIT;
  opts.cancel = token.get();
  Outcome o = call_with(c(), "create_account", create_json(), opts);
  EXPECT_EQ(o.status, AK_E_CANCELLED) << o.describe();
  EXPECT_TRUE(contains(o.error.message, "before anything was sent")) << o.error.message;
  EXPECT_EQ(sb.count(kCreatePath), 0u);
}

TEST_F(Cancel, ATimeoutBoundsTheWholeCall) {
  add_faults(sb, kSlowList);
  ak_call_options opts = AK_CALL_OPTIONS_INIT;
  opts.timeout_s = 0.3;
  auto start = Clock::now();
  Outcome o = call_with(c(), "list_accounts", "{}", opts);
  EXPECT_EQ(o.status, AK_E_TIMEOUT) << o.describe();
  EXPECT_LT(seconds_since(start), 2.0);
}

TEST_F(Cancel, OptionsOfAnotherVersionOrAnImpossibleTimeoutAreRefused) {
  ak_call_options opts = AK_CALL_OPTIONS_INIT;
  opts.version = 99;
  EXPECT_EQ(call_with(c(), "list_accounts", "{}", opts).status, AK_E_INVALID_ARGUMENT);
  opts = AK_CALL_OPTIONS_INIT;
  opts.timeout_s = -1;
  EXPECT_EQ(call_with(c(), "list_accounts", "{}", opts).status, AK_E_INVALID_ARGUMENT);
  ak_cancel_trigger(nullptr);  // no-ops
  ak_cancel_free(nullptr);
  EXPECT_EQ(ak_cancel_is_triggered(nullptr), 0);
}

TEST_F(Cancel, ABatchOperationIsCancelledByTagRunningOrQueued) {
  add_faults(sb, kSlowList);
  ak_batch *raw = nullptr;
  ASSERT_EQ(ak_batch_new(&raw, c(), 1, nullptr), AK_OK);
  std::unique_ptr<ak_batch, decltype(&ak_batch_free)> b(raw, ak_batch_free);
  FieldsPtr none = make_fields("{}");
  for (uint64_t tag : {1, 2, 3}) ASSERT_EQ(ak_batch_submit(b.get(), "list_accounts", none.get(), tag, nullptr), AK_OK);
  ak_batch_cancel(b.get(), 2);  // queued behind the slow one
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ak_batch_cancel(b.get(), 1);  // running, from another thread
  });
  std::map<uint64_t, ak_status> outcome;
  auto start = Clock::now();
  while (ak_batch_pending(b.get())) {
    uint64_t tag = 0;
    ak_result *r = nullptr;
    ak_error *failure = nullptr;
    ASSERT_EQ(ak_batch_next(&tag, &r, &failure, b.get(), 10'000, nullptr), AK_OK);
    if (!r && !failure) continue;
    outcome[tag] = failure ? ak_error_code(failure) : AK_OK;
    ak_result_free(r);
    ak_error_free(failure);
  }
  canceller.join();
  EXPECT_EQ(outcome[1], AK_E_CANCELLED);
  EXPECT_EQ(outcome[2], AK_E_CANCELLED);
  EXPECT_EQ(outcome[3], AK_OK);
  EXPECT_LT(seconds_since(start), 2.0);
}

TEST_F(Cancel, APagerStopsBetweenPages) {
  CancelPtr token = new_token();
  ak_call_options opts = AK_CALL_OPTIONS_INIT;
  opts.cancel = token.get();
  ak_pager *raw = nullptr;
  ASSERT_EQ(ak_list_with(&raw, c(), "list_accounts", nullptr, &opts, nullptr), AK_OK);
  std::unique_ptr<ak_pager, decltype(&ak_pager_free)> pager(raw, ak_pager_free);
  ak_cancel_trigger(token.get());
  ak_result *item = nullptr;
  ak_error *err = nullptr;
  EXPECT_EQ(ak_pager_next(&item, pager.get(), &err), AK_E_CANCELLED);
  ak_error_free(err);
}

class CancelWait : public CommvaultFixture {};

TEST_F(CancelWait, AWaitStopsBetweenPolls) {
  ASSERT_EQ(ak_sandbox_set_option(sb.get(), "commvault.update_delay_ms", "10000", nullptr), AK_OK);
  Outcome u = call(c(), "activate_account", R"({"id":"3f2b8c1e-5d4a-4e6f-9a7b-2c1d0e9f8a76"})");
  ASSERT_TRUE(u.ok()) << u.describe();
  CancelPtr token = new_token();
  ak_call_options opts = AK_CALL_OPTIONS_INIT;
  opts.cancel = token.get();
  std::thread canceller = trigger_after(token.get(), 150);
  ak_result *r = nullptr;
  ak_error *err = nullptr;
  auto start = Clock::now();
  ak_status s = ak_wait_with(&r, c(), nullptr, "3f2b8c1e-5d4a-4e6f-9a7b-2c1d0e9f8a76", 60, &opts, &err);
  canceller.join();
  ErrorInfo e = copy_error(s, err);
  EXPECT_EQ(s, AK_E_CANCELLED) << e.message;
  EXPECT_TRUE(contains(e.message, "activating")) << e.message;
  EXPECT_LT(seconds_since(start), 2.0);
  ak_result_free(r);
}

}  // namespace

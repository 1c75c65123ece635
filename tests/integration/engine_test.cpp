// One engine for calls and batches: threads calling ak_call and batches on
// other threads share one client (its token cache, connections and rate
// limits) and every operation finishes within its time, under faults. Before
// the engine was one, a batch made no progress while another thread used the
// client (it waited for a connection only another thread's transfer held).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "support.hpp"

namespace {

using namespace akt;
using Clock = std::chrono::steady_clock;

struct BatchFree {
  void operator()(ak_batch *b) const { ak_batch_free(b); }
};
using BatchPtr = std::unique_ptr<ak_batch, BatchFree>;

// Runs n list_accounts through one batch of max_in_flight; returns the slowest
// operation's time from submission, or a negative duration when one never came.
Clock::duration run_batch(ak_client *c, int n, size_t max_in_flight, std::atomic<int> &failures) {
  ak_batch *raw = nullptr;
  EXPECT_EQ(ak_batch_new(&raw, c, max_in_flight, nullptr), AK_OK);
  BatchPtr b(raw);
  auto started = Clock::now();
  for (int i = 0; i < n; ++i) EXPECT_EQ(ak_batch_submit(b.get(), "list_accounts", nullptr, i, nullptr), AK_OK);
  Clock::duration slowest{};
  for (int taken = 0; taken < n;) {
    uint64_t tag = 0;
    ak_result *r = nullptr;
    ak_error *failure = nullptr;
    if (ak_batch_next(&tag, &r, &failure, b.get(), 15'000, nullptr) != AK_OK || (!r && !failure))
      return Clock::duration(-1);  // no outcome for 15 s: stuck
    if (failure) ++failures;
    ak_result_free(r);
    ak_error_free(failure);
    slowest = std::max(slowest, Clock::now() - started);
    ++taken;
  }
  return slowest;
}

class SharedClient : public ::testing::TestWithParam<size_t> {};

TEST_P(SharedClient, ThreadsAndBatchesShareOneClientUnderFaultsAndAllFinish) {
  const size_t in_flight = GetParam();
  Sandbox sb;
  // Slow answers and dropped connections on the list, and a slow token endpoint,
  // so that calls and batches overlap on connections and on the token fetch.
  ak_error *err = nullptr;
  ASSERT_EQ(ak_sandbox_add_faults(sb.get(), R"([
      {"vendor":"99digital","path":"/api/online/getAccounts","kind":"delay","delay_ms":30,"probability":0.3,"seed":1},
      {"vendor":"99digital","path":"/api/online/getAccounts","kind":"reset","probability":0.05,"seed":2},
      {"vendor":"99digital","path":"/api/settings/accessToken","kind":"delay","delay_ms":200}])",
                                  &err),
            AK_OK);
  ClientPtr c = sb.client({{"timeout_ms", "3000"}, {"max_attempts", "4"}, {"retry_base_ms", "10"}});
  std::atomic<int> failures{0};
  auto work = std::async(std::launch::async, [&] {
    std::vector<std::thread> callers;
    for (int t = 0; t < 8; ++t)
      callers.emplace_back([&] {
        for (int i = 0; i < 15; ++i) {
          Outcome o = call(c.get(), "list_accounts", nullptr);
          if (!o.ok()) ++failures;
        }
      });
    auto batch_a = std::async(std::launch::async, [&] { return run_batch(c.get(), 60, in_flight, failures); });
    Clock::duration slowest = run_batch(c.get(), 60, in_flight, failures);
    Clock::duration other = batch_a.get();
    for (auto &t : callers) t.join();
    return slowest.count() < 0 || other.count() < 0 ? Clock::duration(-1) : std::max(slowest, other);
  });
  ASSERT_EQ(work.wait_for(std::chrono::seconds(60)), std::future_status::ready) << "threads and batches hung";
  Clock::duration slowest = work.get();
  EXPECT_GE(slowest.count(), 0) << "a batch operation made no progress for 15 s";
  // Every operation finishes within its time: at most 4 attempts of 3 s plus small backoffs.
  EXPECT_LT(slowest, std::chrono::seconds(14));
  // Dropped connections are retried (lists are safe to resend): next to nothing fails.
  EXPECT_LE(failures.load(), 2);
  // All of it shared one token fetch.
  EXPECT_EQ(sb.count("/api/settings/accessToken"), 1u) << sb.journal_json().substr(0, 2000);
}

INSTANTIATE_TEST_SUITE_P(InFlight, SharedClient, ::testing::Values(1, 8));

// A batch never blocks its thread on a token fetch: while another thread's call
// holds the fetch (the token endpoint answers after 1 s), the batch's operation
// waits for that same token instead of fetching its own, and next() with a short
// timeout still returns on time.
TEST(Engine, ABatchWaitingForAnotherThreadsTokenFetchStaysResponsive) {
  Sandbox sb;
  ASSERT_EQ(ak_sandbox_add_faults(
                sb.get(), R"({"vendor":"99digital","path":"/api/settings/accessToken","kind":"delay","delay_ms":1000})",
                nullptr),
            AK_OK);
  ClientPtr c = sb.client();
  auto caller = std::async(std::launch::async, [&] { return call(c.get(), "list_accounts", nullptr); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the call holds the fetch now
  ak_batch *raw = nullptr;
  ASSERT_EQ(ak_batch_new(&raw, c.get(), 4, nullptr), AK_OK);
  BatchPtr b(raw);
  ASSERT_EQ(ak_batch_submit(b.get(), "list_accounts", nullptr, 1, nullptr), AK_OK);
  uint64_t tag = 0;
  ak_result *r = nullptr;
  ak_error *failure = nullptr;
  auto started = Clock::now();
  ASSERT_EQ(ak_batch_next(&tag, &r, &failure, b.get(), 100, nullptr), AK_OK);
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(600)) << "next(100 ms) was blocked by the token fetch";
  EXPECT_TRUE(r == nullptr && failure == nullptr) << "the token is not there yet";
  ASSERT_EQ(ak_batch_next(&tag, &r, &failure, b.get(), 5000, nullptr), AK_OK);
  ResultPtr owned(r);
  EXPECT_NE(r, nullptr) << (failure ? ak_error_message(failure) : "no outcome");
  ak_error_free(failure);
  EXPECT_TRUE(caller.get().ok());
  EXPECT_EQ(sb.count("/api/settings/accessToken"), 1u) << "the batch waited for the call's fetch";
}

}  // namespace

// 99digital's access tokens over real HTTP against the in-process sandbox:
// fetched once and reused, refreshed on expiry or rejection, a refused secret
// remembered, blocks, and concurrent callers sharing one fetch.
#include <accountkit/accountkit.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "digital99_fixture.hpp"

using namespace akt;

namespace {

using Strings = std::vector<std::string>;

TEST_F(Digital99, FirstCallFetchesATokenAndLaterCallsReuseIt) {
  ASSERT_TRUE(call(c(), "list_accounts", "{}").ok());
  int64_t id = create_account(c(), create_json());
  ASSERT_GT(id, 0);
  ASSERT_TRUE(call(c(), "update_account", update_json(id, "online", "\"account_name\":\"X\"")).ok());
  ASSERT_TRUE(call(c(), "list_accounts", "{}").ok());
  ASSERT_TRUE(call(c(), "delete_account", delete_json(id, "online")).ok());

  EXPECT_EQ(sb.paths(), (Strings{kTokenPath, kListPath, kCreatePath, kUpdatePath, kListPath, kDeletePath}))
      << sb.journal_json();
  auto j = sb.journal();
  EXPECT_EQ(j[0].method(), "POST");
  std::string token_body = j[0].member("body");
  EXPECT_TRUE(contains(token_body, "\"client_id\":\"sandbox-client\"")) << token_body;
  EXPECT_TRUE(contains(token_body, "\"client_secret\":\"***\"")) << token_body;
  EXPECT_FALSE(contains(j[0].member("headers"), "\"authorization\"")) << j[0].text;
  for (size_t i = 1; i < j.size(); ++i)
    EXPECT_TRUE(contains(j[i].member("headers"), "\"authorization\":\"Bearer ***\"")) << j[i].text;
}

TEST(Digital99Tokens, ExpiredLifetimeFetchesANewTokenBeforeTheCall) {
  // A token is refreshed a quarter of its lifetime early: 3 s leaves the
  // first call 2.25 s to use it even under a sanitizer (1 s left 750 ms,
  // which a TSan run once overran, fetching twice up front).
  Sandbox sb(Knobs{{"token_lifetime_s", "3"}});
  ClientPtr c = sb.client();
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_TRUE(o.ok()) << o.describe();
  // Refreshed proactively: no call went out with the stale token.
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath, kListPath, kTokenPath, kListPath})) << sb.journal_json();
}

TEST_F(Digital99, RejectedTokenIsRefreshedOnceAndTheCallResent) {
  ASSERT_TRUE(call(c(), "list_accounts", "{}").ok());
  sb.expire_tokens();
  sb.clear_journal();

  Outcome o = call(c(), "list_accounts", "{}");
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(sb.paths(), (Strings{kListPath, kTokenPath, kListPath})) << sb.journal_json();

  // The new token is kept for later calls.
  ASSERT_TRUE(call(c(), "list_accounts", "{}").ok());
  EXPECT_EQ(sb.count(kTokenPath), 1u) << sb.journal_json();
}

TEST_F(Digital99, RejectedTokenOnCreateResendsWithoutDuplicating) {
  ASSERT_TRUE(call(c(), "list_accounts", "{}").ok());
  sb.expire_tokens();
  sb.clear_journal();

  Outcome o = call(c(), "create_account", create_json());
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(sb.paths(), (Strings{kCreatePath, kTokenPath, kCreatePath})) << sb.journal_json();
  Outcome list = call(c(), "list_accounts", "{}");
  ASSERT_TRUE(list.ok()) << list.describe();
  EXPECT_EQ(list.get_int("totalOnline"), 1);  // the rejected attempt created nothing
}

TEST(Digital99Tokens, CallerTokenTheVendorDoesNotKnowIsAuthWithoutTokenRequest) {
  Sandbox sb;
  ClientPtr c = new_client({{"base_url", sb.url()}, {"access_token", "caller-Token-0123456789"}});
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
  EXPECT_EQ(o.error.category, "auth");
  EXPECT_EQ(o.error.vendor_code, "3");
  EXPECT_EQ(o.error.http_status, 200);
  EXPECT_EQ(o.error.attempts, 1);
  EXPECT_FALSE(contains(o.error.all_text(), "caller-Token-0123456789")) << o.error.all_text();
  // A caller-given token cannot be refreshed: the call is not resent and no token is requested.
  EXPECT_EQ(sb.paths(), (Strings{kListPath})) << sb.journal_json();
}

TEST(Digital99Tokens, WrongClientSecretIsAuthAndNeverRetried) {
  Sandbox sb;
  ClientPtr c = new_client({{"base_url", sb.url()}, {"client_id", "sandbox-client"}, {"client_secret", "wrong"}});
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
  EXPECT_EQ(o.error.category, "auth");
  EXPECT_EQ(o.error.vendor_code, "2");
  EXPECT_EQ(o.error.http_status, 200);
  EXPECT_EQ(o.error.vendor, "99digital");
  EXPECT_EQ(o.error.operation, "list_accounts");
  EXPECT_FALSE(o.error.retriable);
  EXPECT_EQ(o.error.attempts, 1);  // the token request is the one HTTP attempt
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath})) << sb.journal_json();

  // The refusal is remembered: a later call fails the same way, sending nothing.
  Outcome again = call(c.get(), "list_accounts", "{}");
  EXPECT_EQ(again.status, AK_E_AUTH) << again.describe();
  EXPECT_EQ(again.error.vendor_code, "2");
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath})) << sb.journal_json();
}

TEST(Digital99Tokens, TooManyFailuresBlockTheCaller) {
  Sandbox sb(Knobs{{"block_after", "2"}});
  // Each client remembers its own refusal, so it takes several to be blocked.
  auto bad = [&] {
    return new_client({{"base_url", sb.url()}, {"client_id", "sandbox-client"}, {"client_secret", "wrong"}});
  };
  for (int i = 0; i < 2; ++i) {
    Outcome o = call(bad().get(), "list_accounts", "{}");
    ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
    EXPECT_EQ(o.error.vendor_code, "2") << "attempt " << i;
  }
  Outcome blocked = call(bad().get(), "list_accounts", "{}");
  ASSERT_EQ(blocked.status, AK_E_AUTH) << blocked.describe();
  EXPECT_EQ(blocked.error.vendor_code, "3");

  // The block is per caller: the right credentials are refused too, and not retried.
  ClientPtr good = sb.client();
  Outcome o = call(good.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
  EXPECT_EQ(o.error.vendor_code, "3");
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath, kTokenPath, kTokenPath, kTokenPath})) << sb.journal_json();
}

TEST(Digital99Tokens, BlockEndsAfterBlockSeconds) {
  Sandbox sb(Knobs{{"block_after", "1"}, {"block_seconds", "1"}});
  ClientPtr bad = new_client({{"base_url", sb.url()}, {"client_id", "sandbox-client"}, {"client_secret", "wrong"}});
  ClientPtr good = sb.client();
  EXPECT_EQ(call(bad.get(), "list_accounts", "{}").error.vendor_code, "2");
  EXPECT_EQ(call(good.get(), "list_accounts", "{}").error.vendor_code, "3");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  Outcome o = call(good.get(), "list_accounts", "{}");
  EXPECT_TRUE(o.ok()) << o.describe();
}

TEST(Digital99Tokens, MissingCredentialsFailBeforeSending) {
  Sandbox sb;
  ClientPtr none = new_client({{"base_url", sb.url()}});
  Outcome o = call(none.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_INVALID_ARGUMENT) << o.describe();
  EXPECT_TRUE(contains(o.error.message, "client_id")) << o.error.message;

  ClientPtr half = new_client({{"base_url", sb.url()}, {"client_id", "sandbox-client"}});
  Outcome h = call(half.get(), "list_accounts", "{}");
  ASSERT_EQ(h.status, AK_E_INVALID_ARGUMENT) << h.describe();
  EXPECT_TRUE(contains(h.error.message, "client_secret")) << h.error.message;
  EXPECT_EQ(sb.journal_json(), "[]");
}

TEST_F(Digital99, ConcurrentCallsShareOneTokenFetch) {
  constexpr int kThreads = 8, kCalls = 3;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i)
        if (!call(c(), "list_accounts", "{}").ok()) ++failures;
    });
  for (auto &t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(sb.count(kTokenPath), 1u) << sb.journal_json();
  EXPECT_EQ(sb.count(kListPath), static_cast<size_t>(kThreads * kCalls));
}

TEST_F(Digital99, SettingAnOptionDropsTheCachedToken) {
  ASSERT_TRUE(call(c(), "list_accounts", "{}").ok());
  ASSERT_EQ(set_option(c(), "timeout_ms", "20000").code, AK_OK);
  ASSERT_TRUE(call(c(), "list_accounts", "{}").ok());
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath, kListPath, kTokenPath, kListPath})) << sb.journal_json();
}

}  // namespace

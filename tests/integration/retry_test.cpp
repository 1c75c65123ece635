// Retries, exactly-once creates, the retry quota, single-flight token refresh
// and logging, against sandbox faults over real HTTP.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "sandbox_faults.hpp"

namespace {

using namespace akt;
using Clock = std::chrono::steady_clock;
using Strings = std::vector<std::string>;

std::string fault(const char *vendor, const std::string &path, const std::string &rest) {
  return std::string(R"({"vendor":")") + vendor + R"(","path":")" + path + "\"," + rest + "}";
}

// Fast retries so the tests spend their time on behaviour, not on sleeping.
const Knobs kQuick = {{"retry_base_ms", "1"}, {"retry_max_ms", "5"}};

Knobs quick(Knobs extra = {}) {
  extra.insert(extra.begin(), kQuick.begin(), kQuick.end());
  return extra;
}

TEST(Retry, ReadsAreRetriedOnServerErrorsUntilTheySucceed) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  add_faults(sb, fault("99digital", kListPath, R"("kind":"status","status":503,"count":2)"));
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(sb.count(kListPath), 3u);
}

TEST(Retry, GivingUpReportsTheAttempts) {
  Sandbox sb;
  ClientPtr c = sb.client(quick({{"max_attempts", "4"}}));
  add_faults(sb, fault("99digital", kListPath, R"("kind":"status","status":502)"));
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_VENDOR) << o.describe();
  EXPECT_EQ(o.error.attempts, 4);
  EXPECT_TRUE(o.error.retriable);
  EXPECT_TRUE(contains(o.error.message, "gave up after 4 attempts")) << o.error.message;
  EXPECT_EQ(sb.count(kListPath), 4u);
}

TEST(Retry, NonRetriableErrorsAreNotRetried) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  Outcome o = call(c.get(), "update_account", update_json(4242, "online"));
  ASSERT_EQ(o.status, AK_E_NOT_FOUND) << o.describe();
  EXPECT_EQ(o.error.attempts, 1);
  EXPECT_EQ(sb.count(kUpdatePath), 1u);
}

TEST(Retry, RetryAfterIsWaitedOut) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  add_faults(sb, fault("99digital", kListPath, R"("kind":"status","status":429,"retry_after":1,"count":1)"));
  auto started = Clock::now();
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(950));
}

TEST(Retry, RetryAfterBeyondTheCapIsReturnedToTheCaller) {
  Sandbox sb;
  ClientPtr c = sb.client(quick({{"retry_after_max_ms", "2000"}}));
  add_faults(sb, fault("99digital", kListPath, R"("kind":"status","status":429,"retry_after":120)"));
  ak_result *r = nullptr;
  ak_error *err = nullptr;
  ASSERT_EQ(ak_call(&r, c.get(), "list_accounts", nullptr, &err), AK_E_RATE_LIMITED);
  ErrorPtr owned(err);
  EXPECT_DOUBLE_EQ(ak_error_retry_after(err), 120);
  EXPECT_EQ(ak_error_attempts(err), 1);
}

TEST(Retry, TheTimeBudgetStopsRetrying) {
  Sandbox sb;
  ClientPtr c = sb.client({{"retry_base_ms", "400"}, {"retry_max_ms", "400"}, {"retry_time_budget_ms", "100"},
                           {"retry_seed", "3"}, {"max_attempts", "10"}});
  add_faults(sb, fault("99digital", kListPath, R"("kind":"status","status":503)"));
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_VENDOR) << o.describe();
  EXPECT_LT(o.error.attempts, 10);
  EXPECT_TRUE(contains(o.error.message, "time budget")) << o.error.message;
}

// During an outage the quota runs dry and calls stop retrying, so a client
// does not multiply the load on a failing vendor.
TEST(Retry, TheQuotaStopsRetryStorms) {
  Sandbox sb;
  ClientPtr c = sb.client(quick({{"retry_quota", "3"}}));
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  add_faults(sb, fault("99digital", kListPath, R"("kind":"status","status":503)"));
  EXPECT_EQ(call(c.get(), "list_accounts", "{}").error.attempts, 3);  // spends 2
  Outcome dry = call(c.get(), "list_accounts", "{}");                 // spends the last one
  EXPECT_EQ(dry.error.attempts, 2);
  Outcome none = call(c.get(), "list_accounts", "{}");
  EXPECT_EQ(none.error.attempts, 1);
  EXPECT_TRUE(contains(none.error.message, "retry quota exhausted")) << none.error.message;
}

// ---- exactly-once creates ---------------------------------------------------------

TEST(ExactlyOnce, AGeneratedReferenceIsSentAndReturned) {
  Sandbox sb;
  ClientPtr c = sb.client();
  std::string json = create_json();
  json.replace(json.find(R"(,"reference":"crm4711")"), std::string(R"(,"reference":"crm4711")").size(), "");
  Outcome o = call(c.get(), "create_account", json);
  ASSERT_TRUE(o.ok()) << o.describe();
  std::string reference = o.get_string("reference").value_or("");
  EXPECT_EQ(reference.rfind("ak", 0), 0u) << o.json;
  EXPECT_EQ(reference.size(), 24u);
  EXPECT_TRUE(sb.journal().back().contains("\"reference\":\"" + reference + "\""));
}

TEST(ExactlyOnce, TheSameSeedGeneratesTheSameReferences) {
  auto first_reference = [] {
    Sandbox sb;
    ClientPtr c = sb.client({{"retry_seed", "99"}});
    std::string json = create_json();
    json.replace(json.find(R"(,"reference":"crm4711")"), std::string(R"(,"reference":"crm4711")").size(), "");
    return call(c.get(), "create_account", json).get_string("reference").value_or("");
  };
  EXPECT_EQ(first_reference(), first_reference());
}

TEST(ExactlyOnce, ALostAnswerIsRecoveredByLookingTheReferenceUp) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  add_faults(sb, fault("99digital", kCreatePath, R"("kind":"drop_after_commit","count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Acme", "a@acme.example", "lost42"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_string("reference").value_or(""), "lost42");
  EXPECT_TRUE(o.get_int("account_id").has_value()) << o.json;
  EXPECT_EQ(sb.count(kCreatePath), 1u);
  EXPECT_EQ(sb.count(kListPath), 1u);
}

TEST(ExactlyOnce, AGarbledAnswerIsRecoveredToo) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  add_faults(sb, fault("99digital", kCreatePath, R"("kind":"malformed","count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Acme", "a@acme.example", "garbled1"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(sb.count(kCreatePath), 1u);
}

// A 5xx may or may not have been applied: the lookup decides, and the create
// is resent only because the reference is certainly absent.
TEST(ExactlyOnce, AServerErrorIsResentOnlyAfterTheLookupFindsNothing) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  add_faults(sb, fault("99digital", kCreatePath, R"("kind":"status","status":500,"count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Acme", "a@acme.example", "retry5xx"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath, kCreatePath, kListPath, kCreatePath})) << sb.journal_json();
  Outcome list = call(c.get(), "list_accounts", "{}");
  EXPECT_EQ(list.get_int("totalOnline").value_or(-1), 1);
}

TEST(ExactlyOnce, AFailedLookupIsAnOutcomeUnknownNamingTheReference) {
  Sandbox sb;
  ClientPtr c = sb.client(quick({{"max_attempts", "1"}}));
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  add_faults(sb, fault("99digital", kCreatePath, R"("kind":"drop_after_commit","count":1)"));
  add_faults(sb, fault("99digital", kListPath, R"("kind":"status","status":503,"count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Acme", "a@acme.example", "unknown7"));
  ASSERT_EQ(o.status, AK_E_OUTCOME_UNKNOWN) << o.describe();
  EXPECT_TRUE(contains(o.error.message, "unknown7")) << o.error.message;
  EXPECT_TRUE(contains(o.error.message, "list_accounts")) << o.error.message;
}

TEST(ExactlyOnce, WithoutANaturalKeyAnAmbiguousCreateIsOutcomeUnknown) {
  Sandbox sb;
  ClientPtr c = sb.client(quick(), "activeplatform");
  add_faults(sb, fault("activeplatform", "/api/vendor/v1/accounts.json",
                       R"("method":"POST","kind":"drop_after_commit","count":1)"));
  Outcome o = call(c.get(), "create_account",
                   R"({"account_type_id":1,"account_class_id":1,"first_name":"Ana","last_name":"Lee","country":"BY",)"
                   R"("region":"5","city":"Minsk","street":"Lenina","building":"1","office":"","zip":"220007",)"
                   R"("phone":"+375295555555","email":"ana@example.com"})");
  ASSERT_EQ(o.status, AK_E_OUTCOME_UNKNOWN) << o.describe();
  EXPECT_EQ(o.error.category, "outcome_unknown");
  EXPECT_TRUE(contains(o.error.message, "may or may not have been applied")) << o.error.message;
  EXPECT_EQ(sb.count("/api/vendor/v1/accounts.json"), 1u);  // never resent
}

TEST(ExactlyOnce, ADeleteWhoseAnswerWasLostIsDone) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  int64_t id = create_account(c.get(), create_json());
  // A fresh connection (no libcurl resend): the delete applies, its answer is lost.
  add_faults(sb, fault("99digital", kDeletePath, R"("kind":"drop_after_commit","count":1)"));
  ClientPtr fresh = sb.client(quick());
  Outcome o = call(fresh.get(), "delete_account", delete_json(id, "online"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(call(c.get(), "list_accounts", "{}").get_int("totalOnline").value_or(-1), 0);
}

// ---- tokens and threads -----------------------------------------------------------

void hammer(ak_client *c, int threads, int calls_each) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([c, calls_each] {
      for (int i = 0; i < calls_each; ++i) {
        Outcome o = call(c, "list_accounts", "{}");
        EXPECT_TRUE(o.ok()) << o.describe();
      }
    });
  for (auto &t : pool) t.join();
}

TEST(Tokens, ManyThreadsShareOneTokenFetch) {
  Sandbox sb;
  ClientPtr c = sb.client();
  hammer(c.get(), 16, 5);
  EXPECT_EQ(sb.count(kTokenPath), 1u);
  EXPECT_EQ(sb.count(kListPath), 80u);
}

TEST(Tokens, AnExpiredTokenIsRefreshedOnceForAllThreads) {
  Sandbox sb;
  ClientPtr c = sb.client();
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  sb.expire_tokens();
  hammer(c.get(), 16, 3);
  EXPECT_EQ(sb.count(kTokenPath), 2u) << "one fetch at start, one refresh after expiry";
}

// ---- logging ----------------------------------------------------------------------

struct Lines {
  std::mutex mu;
  std::vector<std::pair<int, std::string>> lines;
  std::string all() {
    std::lock_guard lock(mu);
    std::string s;
    for (const auto &[level, text] : lines) s += std::to_string(level) + " " + text + "\n";
    return s;
  }
};

void collect(void *user, ak_log_level level, const char *message) {
  auto *l = static_cast<Lines *>(user);
  std::lock_guard lock(l->mu);
  l->lines.emplace_back(level, message);
}

TEST(Logging, ExchangesAndRetriesAreLoggedRedacted) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  Lines lines;
  ASSERT_EQ(ak_client_set_log_callback(c.get(), AK_LOG_DEBUG, collect, &lines, nullptr), AK_OK);
  add_faults(sb, fault("99digital", kListPath, R"("kind":"status","status":503,"count":1)"));
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  std::string log = lines.all();
  EXPECT_TRUE(contains(log, "10 POST " + sb.url() + kTokenPath + " -> 200")) << log;
  EXPECT_TRUE(contains(log, "10 GET " + sb.url() + kListPath + " -> 503")) << log;
  EXPECT_TRUE(contains(log, "30 99digital list_accounts: attempt 1 failed")) << log;
  EXPECT_TRUE(contains(log, " ms)")) << log;
  EXPECT_FALSE(contains(log, "sandbox-secret")) << log;
  EXPECT_FALSE(contains(log, "sbx_")) << log;  // issued tokens
}

TEST(Logging, TheApiTokenInAUrlIsMasked) {
  Sandbox sb;
  ClientPtr c = sb.client({}, "activeplatform");
  Lines lines;
  ASSERT_EQ(ak_client_set_log_callback(c.get(), AK_LOG_DEBUG, collect, &lines, nullptr), AK_OK);
  call(c.get(), "get_account", R"({"account_id":77})");
  std::string log = lines.all();
  EXPECT_TRUE(contains(log, "api_token=***")) << log;
  EXPECT_FALSE(contains(log, "sandbox-api-token")) << log;
}

TEST(Logging, LevelsFilterAndNullTurnsLoggingOff) {
  Sandbox sb;
  ClientPtr c = sb.client();
  Lines lines;
  ASSERT_EQ(ak_client_set_log_callback(c.get(), AK_LOG_WARNING, collect, &lines, nullptr), AK_OK);
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  EXPECT_EQ(lines.all(), "");
  ASSERT_EQ(ak_client_set_option(c.get(), "verify_tls", "false", nullptr), AK_OK);
  EXPECT_TRUE(contains(lines.all(), "TLS verification is turned off")) << lines.all();
  ASSERT_EQ(ak_client_set_log_callback(c.get(), AK_LOG_DEBUG, nullptr, nullptr, nullptr), AK_OK);
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  EXPECT_EQ(lines.lines.size(), 1u);
}

}  // namespace

// The operation state machine's decisions, branch by branch, without any I/O:
// each test plays the driver, feeding the machine answers and times of its
// own choosing, and checks what the machine asks for next.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/api.hpp"
#include "core/client.hpp"
#include "core/engine/machine.hpp"

namespace {

using ak::Error;
using ak::HttpResponse;
using ak::Status;
using ak::Value;
using ak::engine::Clock;
using ak::engine::Machine;
using ak::engine::Step;
using namespace std::chrono_literals;

using Options = std::vector<std::pair<std::string, std::string>>;

std::shared_ptr<ak::Client> client(const std::string &vendor, const Options &options) {
  auto c = std::make_shared<ak::Client>(ak::api::vendor(vendor));
  c->set_option("retry_seed", "7");
  for (const auto &[k, v] : options) c->set_option(k, v);
  return c;
}

// 99digital with a fixed token unless the test wants it fetched.
std::shared_ptr<ak::Client> nn(const Options &more = {}) {
  Options o = {{"base_url", "http://vendor.test"}, {"access_token", "tok"}};
  o.insert(o.end(), more.begin(), more.end());
  return client("99digital", o);
}

std::unique_ptr<Machine> machine(ak::Client &c, const std::string &op, const std::string &fields_json,
                                 Clock::time_point deadline = Machine::kNoDeadline) {
  const ak::Operation &o = ak::api::operation(c.vendor(), op);
  return std::make_unique<Machine>(c, c.state_for(o), o, ak::parse_json(fields_json), deadline);
}

HttpResponse answer(long status, const std::string &body, double retry_after = -1) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  r.retry_after = retry_after;
  return r;
}

Error lost(Status s = Status::Transport) {  // the request left; no answer came back
  Error e(s, "the connection closed before the server answered");
  e.maybe_applied = true;
  e.retriable = true;
  return e;
}

const std::string kCreate =
    R"({"account_name":"Acme","agents":5,"inboxes":2,"admin_email":"ada@acme.example","admin_name":"Ada",)"
    R"("admin_displayName":"Ada","admin_password":"S3cret!pw","reference":"acme1"})";
const std::string kCreated = R"({"status":"OK","reason":1,"account_id":"1000","agent_id":"100","server":"online"})";
std::string list_with(const std::string &reference) {
  return R"({"status":"OK","reason":1,"totalOnline":1,"list":[{"account_id":"1000","account_name":"Acme",)"
         R"("server":"online","account_status":"active","reference":")" +
         reference + R"("}]})";
}

bool sends_to(Machine &m, const std::string &path_end, Clock::time_point now) {
  Step s = m.next(now);
  return s.kind == Step::Send && m.request().url.ends_with(path_end);
}

TEST(Machine, InvalidFieldsFinishBeforeAnythingIsSent) {
  auto c = nn();
  auto m = machine(*c, "create_account", R"({"agents":"many"})");
  EXPECT_EQ(m->next(Clock::now()).kind, Step::Finished);
  ASSERT_TRUE(m->error());
  EXPECT_EQ(m->error()->status, Status::Validation);
  EXPECT_EQ(m->attempts(), 0);
}

TEST(Machine, ATokenFetchIsAStepOfTheOperationThatNeedsIt) {
  auto c = client("99digital", {{"base_url", "http://vendor.test"}, {"client_id", "id"}, {"client_secret", "sec"}});
  auto m = machine(*c, "list_accounts", "{}");
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*m, "/api/settings/accessToken", now));
  EXPECT_NE(m->request().body.find("\"client_id\":\"id\""), std::string::npos);
  m->on_response(answer(200, R"({"status":"OK","reason":1,"access_token":"fresh","expiration_time":"9999999999"})"), now);
  ASSERT_TRUE(sends_to(*m, "/api/online/getAccounts", now)) << m->request().url << (m->error() ? m->error()->message : "");
  bool bearer = false;
  for (const auto &[k, v] : m->request().headers) bearer = bearer || (k == "Authorization" && v == "Bearer fresh");
  EXPECT_TRUE(bearer);
  m->on_response(answer(200, R"({"status":"OK","reason":1,"totalOnline":0,"list":[]})"), now);
  EXPECT_EQ(m->next(now).kind, Step::Finished);
  EXPECT_TRUE(m->result());
  EXPECT_EQ(m->attempts(), 1);  // the token request is part of the attempt
}

TEST(Machine, OthersWaitForTheFetchInFlightAndShareItsFailure) {
  auto c = client("99digital", {{"base_url", "http://vendor.test"}, {"client_id", "id"}, {"client_secret", "sec"}});
  auto first = machine(*c, "list_accounts", "{}");
  auto second = machine(*c, "list_accounts", "{}");
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*first, "/api/settings/accessToken", now));
  Step parked = second->next(now);
  ASSERT_EQ(parked.kind, Step::Park);
  EXPECT_EQ(parked.generation, second->state().auth->generation());
  first->on_no_response(lost(Status::Timeout), now);
  EXPECT_NE(second->state().auth->generation(), parked.generation);
  // The waiter fails with the fetch's error (and backs off), instead of fetching at once itself.
  Step after = second->next(now);
  EXPECT_EQ(after.kind, Step::Sleep);
  EXPECT_EQ(first->next(now).kind, Step::Sleep);
}

TEST(Machine, AnAmbiguousCreateFoundByItsKeyIsNotSentAgain) {
  auto c = nn();
  auto m = machine(*c, "create_account", kCreate);
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*m, "/api/online/createAccount", now));
  m->on_no_response(lost(), now);
  ASSERT_TRUE(sends_to(*m, "/api/online/getAccounts", now)) << "the lookup is a step, not a thread";
  m->on_response(answer(200, list_with("acme1")), now);
  ASSERT_EQ(m->next(now).kind, Step::Finished);
  ASSERT_TRUE(m->result()) << m->error()->message;
  EXPECT_EQ(m->result()->id, "1000");
  EXPECT_EQ(m->attempts(), 1);
}

// The vendor answered (a 500): its attempt is over, so a lookup that finds no
// account with the key proves absence, and the create is sent again.
TEST(Machine, AnAnsweredAmbiguousCreateCertainlyAbsentIsSentAgain) {
  auto c = nn();
  auto m = machine(*c, "create_account", kCreate);
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*m, "/api/online/createAccount", now));
  m->on_response(answer(500, "{}"), now);
  ASSERT_TRUE(sends_to(*m, "/api/online/getAccounts", now));
  m->on_response(answer(200, list_with("someone-else")), now);
  Step wait = m->next(now);
  ASSERT_EQ(wait.kind, Step::Sleep);
  ASSERT_TRUE(sends_to(*m, "/api/online/createAccount", wait.until));
  m->on_response(answer(200, kCreated), wait.until);
  ASSERT_EQ(m->next(wait.until).kind, Step::Finished);
  ASSERT_TRUE(m->result());
  EXPECT_EQ(m->attempts(), 2);
}

// No answer came (the attempt was cut off): it may still land, so nothing
// found is looked for again after the settle time, then reported, never resent.
TEST(Machine, AnUnansweredCreateFoundNowhereIsLookedUpAgainThenUnknown) {
  auto c = nn({{"lookup_settle_ms", "3000"}});
  auto m = machine(*c, "create_account", kCreate);
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*m, "/api/online/createAccount", now));
  m->on_no_response(lost(), now);
  ASSERT_TRUE(sends_to(*m, "/api/online/getAccounts", now));
  m->on_response(answer(200, list_with("someone-else")), now);
  Step settle = m->next(now);
  ASSERT_EQ(settle.kind, Step::Sleep);
  EXPECT_EQ(settle.until, now + std::chrono::milliseconds(3000));
  ASSERT_TRUE(sends_to(*m, "/api/online/getAccounts", settle.until));
  m->on_response(answer(200, list_with("someone-else")), settle.until);
  ASSERT_EQ(m->next(settle.until).kind, Step::Finished);
  ASSERT_TRUE(m->error());
  EXPECT_EQ(m->error()->status, Status::OutcomeUnknown);
  EXPECT_NE(m->error()->message.find("may still be creating it"), std::string::npos) << m->error()->message;
  EXPECT_EQ(m->attempts(), 1);
}

TEST(Machine, AnUnansweredCreateThatLandsDuringTheSettleTimeIsReturned) {
  auto c = nn();
  auto m = machine(*c, "create_account", kCreate);
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*m, "/api/online/createAccount", now));
  m->on_no_response(lost(), now);
  ASSERT_TRUE(sends_to(*m, "/api/online/getAccounts", now));
  m->on_response(answer(200, list_with("someone-else")), now);
  Step settle = m->next(now);
  ASSERT_TRUE(sends_to(*m, "/api/online/getAccounts", settle.until));
  m->on_response(answer(200, list_with("acme1")), settle.until);
  ASSERT_EQ(m->next(settle.until).kind, Step::Finished);
  ASSERT_TRUE(m->result()) << m->error()->message;
  EXPECT_TRUE(m->result()->recovered);
  EXPECT_EQ(m->result()->unavailable, std::vector<std::string>{"agent_id"});
  EXPECT_EQ(m->result()->operation, "create_account");
}

// With validation off a reference may be sent as a number: nothing to look
// for, so an ambiguous failure is reported at once, never resent.
TEST(Machine, AKeyThatIsNoTextIsOutcomeUnknownWithoutALookup) {
  auto c = nn({{"validate", "false"}});
  std::string fields = kCreate;
  fields.replace(fields.find(R"("acme1")"), 7, "12345");
  auto m = machine(*c, "create_account", fields);
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*m, "/api/online/createAccount", now));
  m->on_no_response(lost(), now);
  ASSERT_EQ(m->next(now).kind, Step::Finished);
  ASSERT_TRUE(m->error());
  EXPECT_EQ(m->error()->status, Status::OutcomeUnknown);
}

TEST(Machine, AFailedLookupIsOutcomeUnknownNamingTheKey) {
  auto c = nn({{"max_attempts", "1"}});
  auto m = machine(*c, "create_account", kCreate);
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*m, "/api/online/createAccount", now));
  m->on_no_response(lost(), now);
  ASSERT_TRUE(sends_to(*m, "/api/online/getAccounts", now));
  m->on_no_response(lost(Status::Timeout), now);
  ASSERT_EQ(m->next(now).kind, Step::Finished);
  ASSERT_TRUE(m->error());
  EXPECT_EQ(m->error()->status, Status::OutcomeUnknown);
  EXPECT_NE(m->error()->message.find("look for reference \"acme1\" with list_accounts"), std::string::npos)
      << m->error()->message;
}

TEST(Machine, AnAmbiguousCreateWithoutANaturalKeyIsOutcomeUnknown) {
  auto c = client("activeplatform", {{"base_url", "http://ap.test"}, {"api_token", "tok-123456"}});
  auto m = machine(*c, "create_account",
                   R"({"account_type_id":1,"account_class_id":1,"first_name":"I","last_name":"I","country":"BY",)"
                   R"("region":"M","city":"M","street":"L","building":"1","office":"2","zip":"1","phone":"+375295555555",)"
                   R"("email":"i@example.by"})");
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*m, "/api/vendor/v1/accounts.json?api_token=tok-123456", now));
  m->on_no_response(lost(), now);
  ASSERT_EQ(m->next(now).kind, Step::Finished);
  EXPECT_EQ(m->error()->status, Status::OutcomeUnknown);
  EXPECT_NE(m->error()->message.find("no key to look the account up by"), std::string::npos);
}

TEST(Machine, ADeleteResentAfterALostAnswerThatFindsTheAccountGoneSucceeded) {
  auto c = nn();
  auto m = machine(*c, "delete_account", R"({"accountID":1000,"server":"online"})");
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*m, "/api/online/deleteAccount", now));
  m->on_no_response(lost(), now);
  Step wait = m->next(now);
  ASSERT_EQ(wait.kind, Step::Sleep);
  ASSERT_TRUE(sends_to(*m, "/api/online/deleteAccount", wait.until));
  m->on_response(answer(200, R"({"status":"FAIL","reason":33})"), wait.until);
  ASSERT_EQ(m->next(wait.until).kind, Step::Finished);
  EXPECT_TRUE(m->result()) << m->error()->message;
}

TEST(Machine, ARetryAfterAboveTheCapIsTheCallersToWaitOut) {
  auto c = client("activeplatform", {{"base_url", "http://ap.test"}, {"api_token", "tok-123456"}, {"retry_after_max_ms", "60000"}});
  auto m = machine(*c, "get_account", R"({"account_id":5})");
  auto now = Clock::now();
  ASSERT_EQ(m->next(now).kind, Step::Send);
  m->on_response(answer(429, "", 120), now);
  ASSERT_EQ(m->next(now).kind, Step::Finished);
  EXPECT_EQ(m->error()->status, Status::RateLimited);
  EXPECT_EQ(m->error()->retry_after, 120);
  EXPECT_EQ(m->attempts(), 1);
}

TEST(Machine, ARetryAfterWithinTheCapIsWaitedOut) {
  auto c = client("activeplatform", {{"base_url", "http://ap.test"}, {"api_token", "tok-123456"}});
  auto m = machine(*c, "get_account", R"({"account_id":5})");
  auto now = Clock::now();
  ASSERT_EQ(m->next(now).kind, Step::Send);
  m->on_response(answer(429, "", 2), now);
  Step wait = m->next(now);
  ASSERT_EQ(wait.kind, Step::Sleep);
  EXPECT_GE(wait.until - now, 2s);
  EXPECT_EQ(m->next(now + 1s).kind, Step::Sleep) << "not before the vendor said";
  EXPECT_EQ(m->next(wait.until).kind, Step::Send);
}

TEST(Machine, NoRetryStartsPastTheTimeBudget) {
  auto c = client("activeplatform", {{"base_url", "http://ap.test"}, {"api_token", "tok-123456"}, {"retry_time_budget_ms", "1000"}});
  auto m = machine(*c, "get_account", R"({"account_id":5})");
  auto now = Clock::now();
  ASSERT_EQ(m->next(now).kind, Step::Send);
  m->on_response(answer(503, "", 5), now);  // asks for more than the budget leaves
  ASSERT_EQ(m->next(now).kind, Step::Finished);
  EXPECT_NE(m->error()->message.find("retry time budget exhausted"), std::string::npos) << m->error()->message;
}

TEST(Machine, AnEmptyRetryQuotaStopsRetries) {
  auto c = client("activeplatform", {{"base_url", "http://ap.test"}, {"api_token", "tok-123456"}, {"retry_quota", "0"}});
  auto m = machine(*c, "get_account", R"({"account_id":5})");
  auto now = Clock::now();
  ASSERT_EQ(m->next(now).kind, Step::Send);
  m->on_response(answer(503, ""), now);
  ASSERT_EQ(m->next(now).kind, Step::Finished);
  EXPECT_NE(m->error()->message.find("retry quota exhausted"), std::string::npos) << m->error()->message;
}

TEST(Machine, GivesUpAfterMaxAttempts) {
  auto c = client("activeplatform", {{"base_url", "http://ap.test"}, {"api_token", "tok-123456"}, {"max_attempts", "2"}});
  auto m = machine(*c, "get_account", R"({"account_id":5})");
  auto now = Clock::now();
  ASSERT_EQ(m->next(now).kind, Step::Send);
  m->on_response(answer(503, ""), now);
  Step wait = m->next(now);
  ASSERT_EQ(wait.kind, Step::Sleep);
  ASSERT_EQ(m->next(wait.until).kind, Step::Send);
  m->on_response(answer(503, ""), wait.until);
  ASSERT_EQ(m->next(wait.until).kind, Step::Finished);
  EXPECT_NE(m->error()->message.find("gave up after 2 attempts"), std::string::npos) << m->error()->message;
}

TEST(Machine, ARejectedTokenIsRefreshedOnceAndTheCallResent) {
  auto c = client("commvault", {{"base_url", "http://cv.test"}, {"username", "u"}, {"password", "p"}});
  auto m = machine(*c, "get_account", R"({"id":"7194af6f-1285-4295-94aa-ceed7ea2d792"})");
  auto now = Clock::now();
  auto token = [&](const std::string &value) {
    ASSERT_TRUE(sends_to(*m, "/api/v1/authenticate", now));
    m->on_response(answer(200, R"({"data":{"authToken":")" + value + R"("}})"), now);
  };
  token("one");
  ASSERT_TRUE(sends_to(*m, "/api/v1/partner/accounts/7194af6f-1285-4295-94aa-ceed7ea2d792", now));
  m->on_response(answer(401, R"({"error":{"code":401,"message":"token expired"}})"), now);
  token("two");  // refreshed once
  ASSERT_TRUE(sends_to(*m, "/api/v1/partner/accounts/7194af6f-1285-4295-94aa-ceed7ea2d792", now));
  m->on_response(answer(401, R"({"error":{"code":401,"message":"token expired"}})"), now);
  ASSERT_EQ(m->next(now).kind, Step::Finished) << "not twice";
  EXPECT_EQ(m->error()->status, Status::Auth);
  EXPECT_EQ(m->attempts(), 2);
}

TEST(Machine, ARequestTheRateLimitHoldsBackTooLongIsNotSent) {
  auto c = nn({{"requests_per_second", "0.001"}, {"rate_limit_max_wait_ms", "0"}});
  auto now = Clock::now();
  auto first = machine(*c, "list_accounts", "{}");
  EXPECT_EQ(first->next(now).kind, Step::Send);
  auto second = machine(*c, "list_accounts", "{}");
  ASSERT_EQ(second->next(now).kind, Step::Finished);
  EXPECT_EQ(second->error()->status, Status::RateLimited);
  EXPECT_EQ(second->error()->http_status, 0);
  EXPECT_EQ(second->attempts(), 0);
}

TEST(Machine, ARateLimitSlotIsASleepNotABlock) {
  auto c = nn({{"requests_per_second", "10"}});
  auto now = Clock::now();
  auto first = machine(*c, "list_accounts", "{}");
  EXPECT_EQ(first->next(now).kind, Step::Send);
  auto second = machine(*c, "list_accounts", "{}");
  Step slot = second->next(now);
  ASSERT_EQ(slot.kind, Step::Sleep);
  EXPECT_GE(slot.until - now, 99ms);
  EXPECT_EQ(second->next(slot.until).kind, Step::Send);
}

TEST(Machine, CancelledBeforeSendingIsCancelled) {
  auto c = nn();
  auto m = machine(*c, "create_account", kCreate);
  m->cancel();
  ASSERT_EQ(m->next(Clock::now()).kind, Step::Finished);
  EXPECT_EQ(m->error()->status, Status::Cancelled);
  EXPECT_EQ(m->error()->vendor, "99digital");
}

TEST(Machine, ACreateCancelledInFlightIsOutcomeUnknown) {
  auto c = nn();
  auto m = machine(*c, "create_account", kCreate);
  auto now = Clock::now();
  ASSERT_TRUE(sends_to(*m, "/api/online/createAccount", now));
  m->cancel();
  m->interrupt();
  ASSERT_EQ(m->next(now).kind, Step::Finished);
  EXPECT_EQ(m->error()->status, Status::OutcomeUnknown);
  EXPECT_NE(m->error()->message.find("reference \"acme1\""), std::string::npos) << m->error()->message;
}

TEST(Machine, AReadCancelledInFlightIsCancelled) {
  auto c = nn();
  auto m = machine(*c, "list_accounts", "{}");
  auto now = Clock::now();
  ASSERT_EQ(m->next(now).kind, Step::Send);
  m->cancel();
  m->interrupt();
  ASSERT_EQ(m->next(now).kind, Step::Finished);
  EXPECT_EQ(m->error()->status, Status::Cancelled);
}

TEST(Machine, TheDeadlineBoundsSleepsAndEndsTheOperation) {
  auto now = Clock::now();
  auto c = client("activeplatform", {{"base_url", "http://ap.test"}, {"api_token", "tok-123456"}});
  auto m = machine(*c, "get_account", R"({"account_id":5})", now + 500ms);
  ASSERT_EQ(m->next(now).kind, Step::Send);
  m->on_response(answer(503, "", 2), now);
  Step wait = m->next(now);
  ASSERT_EQ(wait.kind, Step::Sleep);
  EXPECT_EQ(wait.until, now + 500ms) << "a sleep never passes the deadline";
  ASSERT_EQ(m->next(wait.until).kind, Step::Finished);
  EXPECT_EQ(m->error()->status, Status::Timeout);
  EXPECT_EQ(m->attempts(), 1);
}

TEST(Machine, ADeleteWhoseDeadlinePassesAfterALostAnswerIsOutcomeUnknown) {
  auto now = Clock::now();
  auto c = nn();
  auto m = machine(*c, "delete_account", R"({"accountID":1000,"server":"online"})", now + 50ms);
  ASSERT_EQ(m->next(now).kind, Step::Send);
  m->on_no_response(lost(), now);
  ASSERT_EQ(m->next(now + 60ms).kind, Step::Finished);
  EXPECT_EQ(m->error()->status, Status::OutcomeUnknown);
}

TEST(Machine, AnAbandonedTokenFetchReleasesItsWaiters) {
  auto c = client("99digital", {{"base_url", "http://vendor.test"}, {"client_id", "id"}, {"client_secret", "sec"}});
  auto now = Clock::now();
  auto waiter = machine(*c, "list_accounts", "{}");
  {
    auto fetcher = machine(*c, "list_accounts", "{}");
    ASSERT_TRUE(sends_to(*fetcher, "/api/settings/accessToken", now));
    ASSERT_EQ(waiter->next(now).kind, Step::Park);
  }  // the fetcher is gone with its fetch
  EXPECT_NE(waiter->next(now).kind, Step::Park);
}

// ---- the pieces the machine is built on ---------------------------------------------

TEST(RetryQuota, SpendsWholeRetriesAndRefillsATenthPerSuccess) {
  ak::RetryQuota q(2);
  EXPECT_TRUE(q.take());
  EXPECT_TRUE(q.take());
  EXPECT_FALSE(q.take());
  for (int i = 0; i < 9; ++i) q.refill();
  EXPECT_FALSE(q.take()) << "0.9 of a retry is not one";
  q.refill();
  EXPECT_TRUE(q.take());
  for (int i = 0; i < 100; ++i) q.refill();
  EXPECT_TRUE(q.take());
  EXPECT_TRUE(q.take());
  EXPECT_FALSE(q.take()) << "never above its capacity";
}

TEST(Backoff, FullJitterUnderAnExponentialCeiling) {
  ak::Jitter j(1);
  for (int attempt = 1; attempt <= 6; ++attempt)
    for (int i = 0; i < 200; ++i) {
      auto d = ak::backoff(100ms, 1000ms, attempt, j);
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d, std::min<std::chrono::milliseconds>(1000ms, 100ms * (1 << (attempt - 1))));
    }
  EXPECT_EQ(ak::backoff(0ms, 1000ms, 3, j), 0ms);
}

TEST(RateLimiter, PacesRequestsOnTheCallersClock) {
  ak::RateLimiter r(10, 0, 0);
  auto t0 = ak::RateLimiter::Clock::time_point{} + 1h;
  EXPECT_EQ(r.reserve(t0, true, 1s), t0);
  EXPECT_EQ(r.reserve(t0, true, 1s), t0 + 100ms);
  EXPECT_EQ(r.reserve(t0, false, 1s), t0 + 200ms);
  ak::RateLimiter::Refusal why;
  EXPECT_FALSE(r.reserve(t0, true, 250ms, &why)) << "the slot at +300 ms is past the wait allowed";
  EXPECT_EQ(why.limit, "requests_per_second");
  EXPECT_EQ(r.reserve(t0 + 10s, true, 0ms), t0 + 10s) << "idle time does not pile up credit";
}

TEST(RateLimiter, HourlyBudgetsSlideAndCountReadsAndWritesApart) {
  ak::RateLimiter r(0, 2, 1, 1h);
  auto t0 = ak::RateLimiter::Clock::time_point{} + 2h;
  EXPECT_EQ(r.reserve(t0, true, 0ms), t0);
  EXPECT_EQ(r.reserve(t0 + 10min, true, 0ms), t0 + 10min);
  ak::RateLimiter::Refusal why;
  EXPECT_FALSE(r.reserve(t0 + 20min, true, 30min, &why)) << "the third read fits at t0 + 1h, 40 minutes away";
  EXPECT_EQ(why.limit, "reads_per_hour");
  EXPECT_EQ(why.wait, 40min);
  EXPECT_EQ(r.reserve(t0 + 20min, true, 1h), t0 + 1h) << "when the first read leaves the window";
  EXPECT_EQ(r.reserve(t0, false, 0ms), t0) << "writes have their own budget";
  EXPECT_FALSE(r.reserve(t0, false, 0ms, &why));
  EXPECT_EQ(why.limit, "writes_per_hour");
}

}  // namespace

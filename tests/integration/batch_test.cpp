// ak_batch: many operations in flight on one thread over curl multi, against
// the sandbox over real HTTP, with the same guarantees as ak_call.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "support.hpp"

namespace {

using namespace akt;
using Clock = std::chrono::steady_clock;

struct BatchFree {
  void operator()(ak_batch *b) const { ak_batch_free(b); }
};
using BatchPtr = std::unique_ptr<ak_batch, BatchFree>;

BatchPtr new_batch(ak_client *c, size_t max_in_flight) {
  ak_batch *raw = nullptr;
  ak_error *err = nullptr;
  ak_status s = ak_batch_new(&raw, c, max_in_flight, &err);
  EXPECT_EQ(s, AK_OK) << copy_error(s, err).message;
  return BatchPtr(raw);
}

void submit(ak_batch *b, const char *op, const std::string &json, uint64_t tag) {
  FieldsPtr f = make_fields(json);
  ak_error *err = nullptr;
  ak_status s = ak_batch_submit(b, op, f.get(), tag, &err);
  ASSERT_EQ(s, AK_OK) << copy_error(s, err).message;
}

// Every outcome by tag, taking completions until nothing is pending.
std::map<uint64_t, Outcome> drain(ak_batch *b) {
  std::map<uint64_t, Outcome> out;
  while (ak_batch_pending(b) > 0) {
    uint64_t tag = 0;
    ak_result *r = nullptr;
    ak_error *failure = nullptr;
    ak_error *broken = nullptr;
    ak_status s = ak_batch_next(&tag, &r, &failure, b, 10'000, &broken);
    EXPECT_EQ(s, AK_OK) << copy_error(s, broken).message;
    bool took = r || failure;
    EXPECT_TRUE(took) << "no completion within 10 s";
    if (!took) break;
    EXPECT_TRUE((r == nullptr) != (failure == nullptr));
    EXPECT_EQ(out.count(tag), 0u) << "tag " << tag << " completed twice";
    Outcome o;
    o.result.reset(r);
    if (r) o.json = ak_result_json(r);
    else o.status = ak_error_code(failure), o.error = copy_error(ak_error_code(failure), failure);
    out[tag] = std::move(o);
  }
  return out;
}

std::string reference(int i) { return "batch" + std::to_string(i); }


TEST(Batch, CreatesManyAndReturnsEachOutcomeUnderItsTag) {
  Sandbox sb;
  ClientPtr c = sb.client();
  BatchPtr b = new_batch(c.get(), 8);
  const int n = 200;
  for (int i = 0; i < n; ++i)
    submit(b.get(), "create_account", create_json("Shop " + std::to_string(i), "o" + std::to_string(i) + "@x.example", reference(i)),
           static_cast<uint64_t>(1000 + i));
  EXPECT_EQ(ak_batch_pending(b.get()), static_cast<size_t>(n));
  auto outcomes = drain(b.get());
  ASSERT_EQ(outcomes.size(), static_cast<size_t>(n));
  std::set<std::string> ids;
  for (int i = 0; i < n; ++i) {
    const Outcome &o = outcomes[static_cast<uint64_t>(1000 + i)];
    ASSERT_TRUE(o.ok()) << o.describe();
    EXPECT_EQ(o.get_string("reference").value_or(""), reference(i));
    ids.insert(o.id());
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(n));
  EXPECT_EQ(digital99_accounts(c.get()), n);
  EXPECT_EQ(ak_batch_pending(b.get()), 0u);
  uint64_t tag = 0;
  ak_result *r = nullptr;
  ak_error *failure = nullptr;
  EXPECT_EQ(ak_batch_next(&tag, &r, &failure, b.get(), 0, nullptr), AK_OK);
  EXPECT_TRUE(r == nullptr && failure == nullptr) << "nothing is pending";
}

TEST(Batch, InvalidFieldsAreThatOperationsOutcomeAndNothingIsSent) {
  Sandbox sb;
  ClientPtr c = sb.client();
  BatchPtr b = new_batch(c.get(), 4);
  submit(b.get(), "create_account", create_json("Good", "good@x.example", "good1"), 1);
  submit(b.get(), "create_account", R"({"account_name":"","agents":100000})", 2);
  auto outcomes = drain(b.get());
  ASSERT_TRUE(outcomes[1].ok()) << outcomes[1].describe();
  ASSERT_EQ(outcomes[2].status, AK_E_VALIDATION) << outcomes[2].describe();
  EXPECT_TRUE(outcomes[2].error.has_field("agents", "max_digits")) << outcomes[2].error.all_text();
  EXPECT_TRUE(outcomes[2].error.has_field("admin_email", "required")) << outcomes[2].error.all_text();
  EXPECT_EQ(outcomes[2].error.operation, "create_account");
  EXPECT_EQ(sb.count(kCreatePath), 1u);
}

TEST(Batch, SubmitRefusesMisuseAtOnce) {
  Sandbox sb;
  ClientPtr c = sb.client();
  BatchPtr b = new_batch(c.get(), 4);
  ak_error *err = nullptr;
  EXPECT_EQ(ak_batch_submit(b.get(), "create_acount", nullptr, 1, &err), AK_E_UNKNOWN_OPERATION);
  EXPECT_TRUE(contains(copy_error(AK_E_UNKNOWN_OPERATION, err).message, "create_account"));
  EXPECT_EQ(ak_batch_submit(b.get(), nullptr, nullptr, 1, &err), AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
  EXPECT_EQ(ak_batch_pending(b.get()), 0u);
  ak_batch *none = nullptr;
  EXPECT_EQ(ak_batch_new(&none, c.get(), 0, &err), AK_E_INVALID_ARGUMENT);
  ak_error_free(err);
  EXPECT_EQ(none, nullptr);
  ak_batch_free(nullptr);
  uint64_t tag = 0;
  ak_result *r = nullptr;
  ak_error *failure = nullptr;
  EXPECT_EQ(ak_batch_next(&tag, &r, &failure, nullptr, 0, &err), AK_E_INVALID_ARGUMENT);
  EXPECT_NE(std::string(ak_error_message(err)).find("batch must not be NULL"), std::string::npos);
  ak_error_free(err);
}

// A lower bound only (operations cannot finish faster than the server
// answers), so the test cannot fail on a slow machine.
TEST(Batch, RunsOperationsConcurrentlyButNoMoreThanMaxInFlight) {
  Sandbox sb;
  ClientPtr c = sb.client();
  ak_error *err = nullptr;
  ASSERT_EQ(ak_sandbox_add_faults(sb.get(), R"({"vendor":"99digital","path":"/api/online/createAccount","kind":"delay","delay_ms":300})", &err), AK_OK);
  BatchPtr serial = new_batch(c.get(), 1);
  for (int i = 0; i < 4; ++i) submit(serial.get(), "create_account", create_json("S", "s@x.example", "serial" + std::to_string(i)), static_cast<uint64_t>(i));
  auto started = Clock::now();
  auto outcomes = drain(serial.get());
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(1200));
  for (auto &[tag, o] : outcomes) EXPECT_TRUE(o.ok()) << o.describe();

  BatchPtr wide = new_batch(c.get(), 16);
  for (int i = 0; i < 16; ++i) submit(wide.get(), "create_account", create_json("W", "w@x.example", "wide" + std::to_string(i)), static_cast<uint64_t>(i));
  started = Clock::now();
  outcomes = drain(wide.get());
  // Sixteen 300 ms answers one after another would take 4.8 s.
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(4000));
  for (auto &[tag, o] : outcomes) EXPECT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(digital99_accounts(c.get()), 20);
}

// Server errors, resets and answers lost after the commit, on a batch of
// creates: every success is exactly one account; a reset (cut off before any
// answer, nothing applied) is reported unknown and made nothing.
TEST(Batch, RetriesUnderFaultsAndCreatesEachAccountExactlyOnce) {
  Sandbox sb;
  ClientPtr c = sb.client({{"max_attempts", "6"}, {"retry_base_ms", "1"}, {"retry_max_ms", "20"}, {"retry_quota", "1000"},
                           {"lookup_settle_ms", "10"}});
  ak_error *err = nullptr;
  ASSERT_EQ(ak_sandbox_add_faults(sb.get(), R"([
    {"vendor":"99digital","path":"/api/online/createAccount","kind":"status","status":503,"probability":0.1,"seed":1},
    {"vendor":"99digital","path":"/api/online/createAccount","kind":"reset","probability":0.05,"seed":2},
    {"vendor":"99digital","path":"/api/online/createAccount","kind":"drop_after_commit","probability":0.1,"seed":3}
  ])", &err), AK_OK) << copy_error(AK_E_INVALID_ARGUMENT, err).message;
  BatchPtr b = new_batch(c.get(), 8);
  const int n = 120;
  for (int i = 0; i < n; ++i) submit(b.get(), "create_account", create_json("F", "f@x.example", reference(i)), static_cast<uint64_t>(i));
  auto outcomes = drain(b.get());
  ASSERT_EQ(outcomes.size(), static_cast<size_t>(n));
  int ok = 0;
  for (auto &[tag, o] : outcomes) {
    if (o.status == AK_E_OUTCOME_UNKNOWN && contains(o.error.message, "may still be creating it")) continue;
    ASSERT_TRUE(o.ok()) << "record " << tag << ": " << o.describe();
    EXPECT_EQ(o.get_string("reference").value_or(""), reference(static_cast<int>(tag)));
    ++ok;
  }
  EXPECT_GE(ok, n * 9 / 10);
  ak_sandbox_clear_faults(sb.get());
  EXPECT_EQ(digital99_accounts(c.get()), ok);
}

TEST(Batch, RefreshesAnExpiredTokenOnce) {
  Sandbox sb;
  ClientPtr c = sb.client();
  EXPECT_EQ(digital99_accounts(c.get()), 0);  // fetches a token
  sb.expire_tokens();
  BatchPtr b = new_batch(c.get(), 4);
  for (int i = 0; i < 6; ++i) submit(b.get(), "create_account", create_json("T", "t@x.example", reference(i)), static_cast<uint64_t>(i));
  for (auto &[tag, o] : drain(b.get())) EXPECT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(digital99_accounts(c.get()), 6);
}

TEST(Batch, MixesOperations) {
  Sandbox sb;
  ClientPtr c = sb.client();
  int64_t id = create_account(c.get(), create_json("Mixed", "m@x.example", "mixed1"));
  ASSERT_GT(id, 0);
  Outcome listed = call(c.get(), "list_accounts", "{}");
  std::string server = listed.get_string("list[0].server").value_or("");
  BatchPtr b = new_batch(c.get(), 4);
  submit(b.get(), "update_account", update_json(id, server, R"("account_name":"Mixed Ltd")"), 1);
  submit(b.get(), "list_accounts", "{}", 2);
  submit(b.get(), "create_account", create_json("Other", "x@x.example", "mixed2"), 3);
  auto outcomes = drain(b.get());
  for (auto &[tag, o] : outcomes) EXPECT_TRUE(o.ok()) << tag << ": " << o.describe();
  BatchPtr d = new_batch(c.get(), 4);
  submit(d.get(), "delete_account", delete_json(id, server), 4);
  submit(d.get(), "delete_account", delete_json(id + 999, server), 5);
  outcomes = drain(d.get());
  EXPECT_TRUE(outcomes[4].ok()) << outcomes[4].describe();
  EXPECT_EQ(outcomes[5].status, AK_E_NOT_FOUND) << outcomes[5].describe();
  EXPECT_EQ(digital99_accounts(c.get()), 1);
}

TEST(Batch, NextTimesOutAndWakesUp) {
  Sandbox sb;
  ClientPtr c = sb.client();
  ak_error *err = nullptr;
  ASSERT_EQ(ak_sandbox_add_faults(sb.get(), R"({"vendor":"99digital","path":"/api/online/createAccount","kind":"delay","delay_ms":1500})", &err), AK_OK);
  BatchPtr b = new_batch(c.get(), 2);
  submit(b.get(), "create_account", create_json(), 7);
  uint64_t tag = 0;
  ak_result *r = nullptr;
  ak_error *failure = nullptr;
  EXPECT_EQ(ak_batch_next(&tag, &r, &failure, b.get(), 50, nullptr), AK_OK);
  EXPECT_EQ(r, nullptr);
  EXPECT_EQ(failure, nullptr);
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ak_batch_wakeup(b.get());
  });
  auto started = Clock::now();
  EXPECT_EQ(ak_batch_next(&tag, &r, &failure, b.get(), -1, nullptr), AK_OK);
  EXPECT_TRUE(r == nullptr && failure == nullptr);
  waker.join();
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(1400)) << "wakeup did not interrupt the wait";
  EXPECT_EQ(ak_batch_next(&tag, &r, &failure, b.get(), 10'000, nullptr), AK_OK);
  EXPECT_EQ(tag, 7u);
  ResultPtr owned(r);
  EXPECT_NE(r, nullptr);
}

TEST(Batch, FreeingWithOperationsInFlightIsSafe) {
  Sandbox sb;
  ClientPtr c = sb.client();
  ak_error *err = nullptr;
  ASSERT_EQ(ak_sandbox_add_faults(sb.get(), R"({"vendor":"99digital","path":"/api/online/createAccount","kind":"delay","delay_ms":500})", &err), AK_OK);
  BatchPtr b = new_batch(c.get(), 4);
  for (int i = 0; i < 10; ++i) submit(b.get(), "create_account", create_json("A", "a@x.example", reference(i)), static_cast<uint64_t>(i));
  uint64_t tag = 0;
  ak_result *r = nullptr;
  ak_error *failure = nullptr;
  EXPECT_EQ(ak_batch_next(&tag, &r, &failure, b.get(), 50, nullptr), AK_OK);
  c.reset();  // the batch keeps the client alive
  b.reset();
}

// ActivePlatform has no key to find a lost create by: a batch says so, as ak_call does.
TEST(Batch, ALostCreateWithoutANaturalKeyIsOutcomeUnknown) {
  Sandbox sb;
  ClientPtr c = sb.client({{"max_attempts", "3"}}, "activeplatform");
  ak_error *err = nullptr;
  ASSERT_EQ(ak_sandbox_add_faults(sb.get(), R"({"vendor":"activeplatform","kind":"drop_after_commit","method":"POST","count":1})", &err), AK_OK)
      << copy_error(AK_E_INVALID_ARGUMENT, err).message;
  BatchPtr b = new_batch(c.get(), 2);
  submit(b.get(), "create_account",
         R"({"account_type_id":1,"account_class_id":1,"first_name":"Lost","last_name":"Create","country":"BY",)"
         R"("region":"5","city":"Minsk","street":"Lenina","building":"1","office":"","zip":"220007","phone":"+375295555555",)"
         R"("email":"lost@x.example"})", 1);
  auto outcomes = drain(b.get());
  EXPECT_EQ(outcomes[1].status, AK_E_OUTCOME_UNKNOWN) << outcomes[1].describe();
}

// ---- rate limits (ak_call and batches share them) -------------------------------

TEST(RateLimit, AnHourlyWriteBudgetRefusesWithoutSending) {
  Sandbox sb;
  ClientPtr c = sb.client({{"writes_per_hour", "3"}, {"rate_limit_max_wait_ms", "0"}});
  for (int i = 0; i < 3; ++i) ASSERT_GT(create_account(c.get(), create_json("R", "r@x.example", reference(i))), 0);
  Outcome refused = call(c.get(), "create_account", create_json("R", "r@x.example", "over"));
  ASSERT_EQ(refused.status, AK_E_RATE_LIMITED) << refused.describe();
  EXPECT_TRUE(contains(refused.error.message, "writes_per_hour")) << refused.error.message;
  EXPECT_TRUE(refused.error.retriable);
  EXPECT_EQ(refused.error.http_status, 0);
  EXPECT_TRUE(call(c.get(), "list_accounts", "{}").ok()) << "reads have their own budget";

  BatchPtr b = new_batch(c.get(), 4);
  submit(b.get(), "create_account", create_json("R", "r@x.example", "overbatch"), 1);
  EXPECT_EQ(drain(b.get())[1].status, AK_E_RATE_LIMITED);
  EXPECT_EQ(sb.count(kCreatePath), 3u);
}

TEST(RateLimit, RequestsPerSecondPacesCallsAndBatches) {
  Sandbox sb;
  ClientPtr c = sb.client({{"requests_per_second", "20"}});
  BatchPtr b = new_batch(c.get(), 8);
  for (int i = 0; i < 10; ++i) submit(b.get(), "create_account", create_json("P", "p@x.example", reference(i)), static_cast<uint64_t>(i));
  auto started = Clock::now();
  for (auto &[tag, o] : drain(b.get())) EXPECT_TRUE(o.ok()) << o.describe();
  // Ten requests 50 ms apart: the last starts 450 ms after the first.
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(440));
  started = Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(95));
}

TEST(RateLimit, OptionsAreChecked) {
  ClientPtr c = new_client();
  EXPECT_EQ(set_option(c.get(), "requests_per_second", "-1").code, AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(set_option(c.get(), "requests_per_second", "fast").code, AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(set_option(c.get(), "requests_per_second", "2.5").code, AK_OK);
  EXPECT_EQ(set_option(c.get(), "writes_per_hour", "-3").code, AK_E_INVALID_ARGUMENT);
  EXPECT_EQ(set_option(c.get(), "reads_per_hour", "0").code, AK_OK);
}

}  // namespace

// Sandbox fault injection, seen through the client over real HTTP.
#include <gtest/gtest.h>

#include "sandbox_faults.hpp"

namespace {

using namespace akt;

std::string fault_on(const char *path, const std::string &kind, const std::string &extra = "") {
  return std::string(R"({"vendor":"99digital","path":")") + path + R"(","kind":")" + kind + "\"" + extra + "}";
}

// Without retries, so each fault's own effect is what the call reports.
ClientPtr single_shot(const Sandbox &sb, const Knobs &extra = {}) {
  Knobs options = {{"max_attempts", "1"}};
  options.insert(options.end(), extra.begin(), extra.end());
  return sb.client(options);
}


TEST(Faults, StatusAnswersWithoutApplyingAndCarriesRetryAfter) {
  Sandbox sb;
  ClientPtr c = single_shot(sb);
  add_faults(sb, fault_on(kCreatePath, "status", R"(,"status":503,"retry_after":2,"count":1)"));
  Outcome o = call(c.get(), "create_account", create_json());
  ASSERT_EQ(o.status, AK_E_VENDOR) << o.describe();
  EXPECT_EQ(o.error.http_status, 503);
  EXPECT_TRUE(o.error.retriable);
  ak_sandbox_clear_faults(sb.get());
  EXPECT_EQ(digital99_accounts(c.get()), 0);
  EXPECT_TRUE(sb.journal().at(1).contains("\"fault\":\"status\""));
}

TEST(Faults, RetryAfterReachesTheError) {
  Sandbox sb;
  ClientPtr c = single_shot(sb);
  add_faults(sb, fault_on(kListPath, "status", R"(,"status":429,"retry_after":7,"count":1)"));
  ak_result *r = nullptr;
  ak_error *err = nullptr;
  ASSERT_EQ(ak_call(&r, c.get(), "list_accounts", nullptr, &err), AK_E_RATE_LIMITED);
  EXPECT_DOUBLE_EQ(ak_error_retry_after(err), 7.0);
  ak_error_free(err);
}

// A reset create looks, from the client, like one the vendor may still be
// working on: looked up twice, then reported unknown, never resent.
TEST(Faults, ResetClosesBeforeAnswering) {
  Sandbox sb;
  ClientPtr c = single_shot(sb, {{"lookup_settle_ms", "10"}});
  add_faults(sb, fault_on(kCreatePath, "reset", R"(,"count":1)"));
  Outcome o = call(c.get(), "create_account", create_json());
  ASSERT_EQ(o.status, AK_E_OUTCOME_UNKNOWN) << o.describe();
  EXPECT_EQ(sb.count(kListPath), 2u);
  EXPECT_EQ(digital99_accounts(c.get()), 0);
}

TEST(Faults, DropAfterCommitOnACreateIsNeverResentBlindly) {
  Sandbox sb;
  ClientPtr c = single_shot(sb);
  EXPECT_EQ(digital99_accounts(c.get()), 0);  // a kept-alive connection, which libcurl would otherwise reuse and resend on
  add_faults(sb, fault_on(kCreatePath, "drop_after_commit", R"(,"count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Acme Inc", "owner@acme.example", "lost1"));
  // The lost answer is recovered by looking the reference up, not by creating again.
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_string("reference").value_or(""), "lost1");
  EXPECT_EQ(digital99_accounts(c.get()), 1);
  EXPECT_EQ(sb.count(kCreatePath), 1u);
}

// Updates may be resent: libcurl retries once on a fresh connection.
TEST(Faults, DropAfterCommitOnAnUpdateIsResentSafely) {
  Sandbox sb;
  ClientPtr c = single_shot(sb);
  int64_t id = create_account(c.get(), create_json());
  add_faults(sb, fault_on(kUpdatePath, "drop_after_commit", R"(,"count":1)"));
  Outcome o = call(c.get(), "update_account", update_json(id, "online", R"("account_name":"Renamed")"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(sb.count(kUpdatePath), 2u);
}

TEST(Faults, MalformedBodyIsADecodeErrorAfterCommit) {
  Sandbox sb;
  ClientPtr c = single_shot(sb);
  add_faults(sb, fault_on(kListPath, "malformed", R"(,"count":1)"));
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_DECODE) << o.describe();
  EXPECT_NE(o.error.raw_body.find("<html>"), std::string::npos);
}

TEST(Faults, TruncatedBodyIsATransportError) {
  Sandbox sb;
  ClientPtr c = single_shot(sb);
  add_faults(sb, fault_on(kListPath, "truncated", R"(,"count":1)"));
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_TRANSPORT) << o.describe();
}

TEST(Faults, SlowBodyAndDelayMeetTheClientTimeout) {
  Sandbox sb;
  // A timeout roomy enough for a sanitizer build on a busy machine.
  ClientPtr c = single_shot(sb, {{"timeout_ms", "1000"}});
  EXPECT_EQ(digital99_accounts(c.get()), 0);  // token fetched before the faults
  add_faults(sb, fault_on(kListPath, "slow_body", R"(,"delay_ms":3000,"count":1)"));
  EXPECT_EQ(call(c.get(), "list_accounts", "{}").status, AK_E_TIMEOUT);
  add_faults(sb, fault_on(kListPath, "delay", R"(,"delay_ms":3000,"count":1)"));
  EXPECT_EQ(call(c.get(), "list_accounts", "{}").status, AK_E_TIMEOUT);
  ak_sandbox_clear_faults(sb.get());
  EXPECT_EQ(digital99_accounts(c.get()), 0);
}

TEST(Faults, SlowBodyWithinTheTimeoutSucceeds) {
  Sandbox sb;
  ClientPtr c = single_shot(sb);
  add_faults(sb, fault_on(kListPath, "slow_body", R"(,"delay_ms":200,"count":1)"));
  EXPECT_EQ(digital99_accounts(c.get()), 0);
}

TEST(Faults, CountBoundsHowOftenAFaultFires) {
  Sandbox sb;
  ClientPtr c = single_shot(sb);
  add_faults(sb, fault_on(kListPath, "status", R"(,"status":500,"count":2)"));
  EXPECT_EQ(call(c.get(), "list_accounts", "{}").status, AK_E_VENDOR);
  EXPECT_EQ(call(c.get(), "list_accounts", "{}").status, AK_E_VENDOR);
  EXPECT_EQ(call(c.get(), "list_accounts", "{}").status, AK_OK);
}

// The same seed gives the same pattern of faults in two sandboxes.
TEST(Faults, SeededProbabilityIsReproducible) {
  auto pattern = [] {
    Sandbox sb;
    ClientPtr c = single_shot(sb);
    EXPECT_EQ(digital99_accounts(c.get()), 0);
    add_faults(sb, fault_on(kListPath, "status", R"(,"status":500,"probability":0.5,"seed":42)"));
    std::string p;
    for (int i = 0; i < 24; ++i) p += call(c.get(), "list_accounts", "{}").ok() ? '.' : 'x';
    return p;
  };
  std::string first = pattern();
  EXPECT_EQ(first, pattern());
  EXPECT_NE(first.find('x'), std::string::npos);
  EXPECT_NE(first.find('.'), std::string::npos);
}

TEST(Faults, MalformedSpecsAreInvalidArguments) {
  Sandbox sb;
  for (const char *spec : {R"({"kind":"explode"})", R"({"kind":"status","status":42})",
                           R"({"kind":"status","colour":"red"})", R"({"kind":"status","probability":2})",
                           "[1]", "{"}) {
    ak_error *err = nullptr;
    EXPECT_EQ(ak_sandbox_add_faults(sb.get(), spec, &err), AK_E_INVALID_ARGUMENT) << spec;
    ak_error_free(err);
  }
}

}  // namespace

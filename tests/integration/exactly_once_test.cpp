// Correct under ambiguity (issue 13): a lost create is returned only when its
// account is provably this request's, resent only when it certainly did not
// land, and otherwise reported outcome_unknown naming the candidates; a
// refused credential is remembered; deadlines bound reads in flight. Against
// sandbox faults over real HTTP.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "sandbox_faults.hpp"

namespace {

using namespace akt;
using Clock = std::chrono::steady_clock;
using Strings = std::vector<std::string>;

struct BatchFree {
  void operator()(ak_batch *b) const { ak_batch_free(b); }
};
using BatchPtr = std::unique_ptr<ak_batch, BatchFree>;

std::string on_create(const std::string &rest) {
  return std::string(R"({"vendor":"99digital","path":")") + kCreatePath + "\"," + rest + "}";
}

const Knobs kQuick = {{"retry_base_ms", "1"}, {"retry_max_ms", "5"}};

Knobs quick(Knobs extra = {}) {
  extra.insert(extra.begin(), kQuick.begin(), kQuick.end());
  return extra;
}

// The accounts the sandbox holds with this reference, as "id name" lines.
Strings with_reference(ak_client *c, const std::string &reference) {
  Outcome list = call(c, "list_accounts", "{}");
  Strings out;
  for (size_t i = 0; list.ok(); ++i) {
    std::string at = "list[" + std::to_string(i) + "]";
    auto ref = list.get_string((at + ".reference").c_str());
    if (!ref) break;
    if (*ref == reference)
      out.push_back(std::to_string(list.get_int((at + ".account_id").c_str()).value_or(-1)) + " " +
                    list.get_string((at + ".account_name").c_str()).value_or(""));
  }
  return out;
}

// ---- slow vendors -------------------------------------------------------------------

// The create outlives the client's timeout and lands 2.5 s after it was sent:
// the first lookup finds nothing, the one after the settle time finds it.
TEST(ExactlyOnce, ASlowVendorsCreateIsFoundAfterTheSettleTimeNotSentTwice) {
  Sandbox sb;
  ClientPtr c = sb.client(quick({{"timeout_ms", "1000"}, {"lookup_settle_ms", "2500"}}));
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());  // the token, fetched before the faults
  add_faults(sb, on_create(R"("kind":"delay","delay_ms":2500,"count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Slow Ltd", "s@slow.example", "slow1"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(ak_result_is_recovered(o.result.get()), 1);
  EXPECT_EQ(sb.count(kCreatePath), 1u) << sb.journal_json();
  EXPECT_EQ(sb.count(kListPath), 3u);  // the warm-up, then two lookups
  EXPECT_EQ(with_reference(c.get(), "slow1").size(), 1u);
}

TEST(ExactlyOnce, ACreateStillUnseenAfterTheSettleTimeIsOutcomeUnknownNeverResent) {
  Sandbox sb;
  ClientPtr c = sb.client(quick({{"timeout_ms", "500"}, {"lookup_settle_ms", "300"}}));
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());  // the token, fetched before the faults
  add_faults(sb, on_create(R"("kind":"delay","delay_ms":2500,"count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Slow Ltd", "s@slow.example", "slow2"));
  ASSERT_EQ(o.status, AK_E_OUTCOME_UNKNOWN) << o.describe();
  EXPECT_TRUE(contains(o.error.message, "may still be creating it")) << o.error.message;
  EXPECT_TRUE(contains(o.error.message, "reference \"slow2\"")) << o.error.message;
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(sb.count(kCreatePath), 1u);  // journaled once the delay ends: never resent
  EXPECT_EQ(with_reference(c.get(), "slow2").size(), 1u) << sb.journal_json();  // it landed, once
}

// The issue's run_many: 40 creates, 1 in 5 answered after the client gave up.
TEST(ExactlyOnce, ABatchWithSlowAnswersCreatesEveryReferenceOnce) {
  Sandbox sb;
  ClientPtr c = sb.client(quick({{"timeout_ms", "400"}, {"lookup_settle_ms", "1500"}}));
  ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());  // the token, fetched before the faults
  add_faults(sb, on_create(R"("kind":"delay","delay_ms":900,"probability":0.2,"seed":5)"));
  ak_batch *raw = nullptr;
  ak_error *err = nullptr;
  ASSERT_EQ(ak_batch_new(&raw, c.get(), 8, &err), AK_OK);
  BatchPtr batch(raw);
  constexpr int kCreates = 40;
  for (int i = 0; i < kCreates; ++i) {
    FieldsPtr f = make_fields(create_json("Co " + std::to_string(i), "o" + std::to_string(i) + "@co.example",
                                          "slowb" + std::to_string(i)));
    ASSERT_EQ(ak_batch_submit(batch.get(), "create_account", f.get(), static_cast<uint64_t>(i), &err), AK_OK);
  }
  int ok = 0, unknown = 0;
  std::vector<bool> succeeded(kCreates, false);
  for (int done = 0; done < kCreates;) {
    uint64_t tag = 0;
    ak_result *r = nullptr;
    ak_error *failure = nullptr;
    ASSERT_EQ(ak_batch_next(&tag, &r, &failure, batch.get(), 30.0, &err), AK_OK);
    if (!r && !failure) continue;
    ++done;
    ResultPtr keep(r);
    ErrorInfo e = copy_error(failure ? ak_error_code(failure) : AK_OK, failure);
    if (r) ++ok, succeeded[tag] = true;
    else if (e.code == AK_E_OUTCOME_UNKNOWN) ++unknown;
    else ADD_FAILURE() << e.message;
  }
  EXPECT_EQ(ok + unknown, kCreates);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  // A success is exactly one account; an unknown outcome at most one (a
  // create cut off before the sandbox read it made none).
  for (int i = 0; i < kCreates; ++i) {
    size_t held = with_reference(c.get(), "slowb" + std::to_string(i)).size();
    if (succeeded[i]) EXPECT_EQ(held, 1u) << "slowb" << i;
    else EXPECT_LE(held, 1u) << "slowb" << i;
  }
}

// ---- repeated references ------------------------------------------------------------

TEST(ExactlyOnce, ARepeatedReferenceReturnsThisRequestsAccountNotTheOlderOne) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  int64_t first = create_account(c.get(), create_json("First Company", "one@first.example", "dup1"));
  ASSERT_GT(first, 0);
  add_faults(sb, on_create(R"("kind":"drop_after_commit","count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Second Company", "two@second.example", "dup1"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.get_string("account_name").value_or(""), "Second Company") << o.json;
  EXPECT_NE(o.get_int("account_id").value_or(first), first) << o.json;
  EXPECT_EQ(ak_result_is_recovered(o.result.get()), 1);
  ASSERT_NE(ak_result_unavailable(o.result.get(), 0), nullptr);
  EXPECT_STREQ(ak_result_unavailable(o.result.get(), 0), "agent_id");  // getAccounts cannot say
  EXPECT_EQ(ak_result_unavailable(o.result.get(), 1), nullptr);
  EXPECT_STREQ(ak_result_id(o.result.get()), std::to_string(*o.get_int("account_id")).c_str());
  EXPECT_EQ(with_reference(c.get(), "dup1").size(), 2u);
}

TEST(ExactlyOnce, TwoAccountsThatBothMatchAreOutcomeUnknownNamingBoth) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  const std::string same = create_json("Twin Ltd", "twin@twin.example", "dup2");
  int64_t first = create_account(c.get(), same);
  ASSERT_GT(first, 0);
  add_faults(sb, on_create(R"("kind":"drop_after_commit","count":1)"));
  Outcome o = call(c.get(), "create_account", same);
  ASSERT_EQ(o.status, AK_E_OUTCOME_UNKNOWN) << o.describe();
  ASSERT_EQ(o.error.candidates.size(), 2u) << o.error.message;
  EXPECT_EQ(o.error.candidates[0], std::to_string(first));
  EXPECT_TRUE(contains(o.error.message, std::to_string(first))) << o.error.message;
  EXPECT_TRUE(contains(o.error.message, o.error.candidates[1])) << o.error.message;
  EXPECT_EQ(sb.count(kCreatePath), 2u);  // the first create and this one: never resent
}

// Another customer holds the reference, and the vendor answered 500 (nothing
// applied): the other account is no proof either way, so it is reported.
TEST(ExactlyOnce, AnotherAccountWithTheReferenceIsNeverReturnedNorResentOver) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  int64_t first = create_account(c.get(), create_json("First Company", "one@first.example", "dup3"));
  add_faults(sb, on_create(R"("kind":"status","status":500,"count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Second Company", "two@second.example", "dup3"));
  ASSERT_EQ(o.status, AK_E_OUTCOME_UNKNOWN) << o.describe();
  EXPECT_EQ(o.error.candidates, (Strings{std::to_string(first)}));
  EXPECT_TRUE(contains(o.error.message, "none matches")) << o.error.message;
}

TEST(ExactlyOnce, AGeneratedReferenceIsProofEnough) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  add_faults(sb, on_create(R"("kind":"drop_after_commit","count":1)"));
  std::string json = create_json("Gen Ltd", "g@gen.example");
  json.replace(json.find(R"(,"reference":"crm4711")"), std::string(R"(,"reference":"crm4711")").size(), "");
  Outcome o = call(c.get(), "create_account", json);
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(ak_result_is_recovered(o.result.get()), 1);
  EXPECT_EQ(o.get_string("reference").value_or("").rfind("ak", 0), 0u);
}

// ---- reason 31: failed half-way -----------------------------------------------------

TEST(ExactlyOnce, Reason31OnACreateIsLookedUpNotResent) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  add_faults(sb, on_create(R"("kind":"answer_after_commit","body":{"status":"FAIL","reason":31},"count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Half Ltd", "h@half.example", "half31"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(ak_result_is_recovered(o.result.get()), 1);
  EXPECT_EQ(sb.count(kCreatePath), 1u);
  EXPECT_EQ(with_reference(c.get(), "half31").size(), 1u);
}

TEST(ExactlyOnce, Reason31WithNothingMadeIsResentAfterTheLookup) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  add_faults(sb, on_create(R"("kind":"status","status":200,"body":{"status":"FAIL","reason":31},"count":1)"));
  Outcome o = call(c.get(), "create_account", create_json("Half Ltd", "h@half.example", "half32"));
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath, kCreatePath, kListPath, kCreatePath})) << sb.journal_json();
  EXPECT_EQ(ak_result_is_recovered(o.result.get()), 0);
}

// ---- garbled answers are retried where that is safe ---------------------------------

TEST(Retry, AGarbledAnswerToAReadIsRetried) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  add_faults(sb, R"({"vendor":"99digital","path":"/api/online/getAccounts","kind":"malformed","count":1})");
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(sb.count(kListPath), 2u);
}

TEST(Retry, AGarbledAnswerToAnUpdateOrDeleteIsRetried) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  int64_t id = create_account(c.get(), create_json());
  add_faults(sb, R"({"vendor":"99digital","path":"/api/online/updateAccount","kind":"malformed","count":1})");
  Outcome u = call(c.get(), "update_account",
                   "{\"account_id\":" + std::to_string(id) + ",\"server\":\"online\",\"account_name\":\"Renamed\"}");
  ASSERT_TRUE(u.ok()) << u.describe();
  EXPECT_EQ(sb.count(kUpdatePath), 2u);
  add_faults(sb, R"({"vendor":"99digital","path":"/api/online/deleteAccount","kind":"malformed","count":1})");
  Outcome d = call(c.get(), "delete_account", delete_json(id, "online"));
  ASSERT_TRUE(d.ok()) << d.describe();  // the resend finds it gone: the garbled attempt did it
  EXPECT_EQ(digital99_accounts(c.get()), 0);
}

// ---- credentials refused are remembered ---------------------------------------------

TEST(Credentials, AWrongSecretIsAskedOnceThenEveryCallFailsSendingNothing) {
  Sandbox sb;
  ClientPtr c = sb.client(quick({{"client_secret", "a-mistyped-secret-value"}}));
  Outcome first = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(first.status, AK_E_AUTH) << first.describe();
  EXPECT_EQ(first.error.vendor_code, "2");
  for (int i = 0; i < 5; ++i) {
    Outcome again = call(c.get(), "create_account", create_json());
    ASSERT_EQ(again.status, AK_E_AUTH) << again.describe();
    EXPECT_EQ(again.error.vendor_code, "2");
    EXPECT_TRUE(contains(again.error.message, "nothing more is sent")) << again.error.message;
  }
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath})) << sb.journal_json();
}

TEST(Credentials, SettingTheSecretAgainClearsTheRefusal) {
  Sandbox sb;
  ClientPtr c = sb.client(quick());
  ErrorInfo e = set_option(c.get(), "client_secret", "a-mistyped-secret-value");
  ASSERT_EQ(e.code, AK_OK);
  ASSERT_EQ(call(c.get(), "list_accounts", "{}").status, AK_E_AUTH);
  ak_error *err = nullptr;
  ASSERT_EQ(ak_sandbox_configure_client(sb.get(), c.get(), &err), AK_OK);  // the right secret again
  Outcome o = call(c.get(), "list_accounts", "{}");
  EXPECT_TRUE(o.ok()) << o.describe();
}

TEST(Credentials, ACommvaultLoginRefusalIsRememberedToo) {
  Sandbox sb;
  ClientPtr c = sb.client(quick({{"password", "not-the-sandbox-password"}}), "commvault");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call(c.get(), "list_accounts", "{}").status, AK_E_AUTH);
  EXPECT_EQ(sb.count("/api/v1/authenticate"), 1u) << sb.journal_json();
}

TEST(Credentials, CheckCredentialsFetchesATokenAndNothingElse) {
  Sandbox sb;
  ClientPtr c = sb.client();
  int checked = -1;
  ak_error *err = nullptr;
  ASSERT_EQ(ak_client_check_credentials(&checked, c.get(), &err), AK_OK) << copy_error(AK_OK, err).message;
  EXPECT_EQ(checked, 1);
  EXPECT_EQ(sb.paths(), (Strings{kTokenPath}));

  ClientPtr wrong = sb.client({{"client_secret", "a-mistyped-secret-value"}});
  ak_status s = ak_client_check_credentials(&checked, wrong.get(), &err);
  ErrorInfo refused = copy_error(s, err);
  EXPECT_EQ(s, AK_E_AUTH) << refused.message;
  EXPECT_EQ(checked, 0);

  ClientPtr ap = sb.client({}, "activeplatform");
  ASSERT_EQ(ak_client_check_credentials(&checked, ap.get(), &err), AK_OK);
  EXPECT_EQ(checked, 0);  // a static token: checked by the first real call
}

// ---- a deadline bounds the read in flight -------------------------------------------

TEST(Wait, TheTimeoutBoundsAReadInFlight) {
  Sandbox sb;
  ClientPtr c = sb.client({}, "commvault");
  add_faults(sb, R"({"vendor":"commvault","method":"GET","path":"/api/v1/partner/accounts/*","kind":"delay","delay_ms":4000})");
  ak_result *r = nullptr;
  ak_error *err = nullptr;
  auto start = Clock::now();
  ak_status s = ak_wait(&r, c.get(), "7194af6f-1285-4295-94aa-ceed7ea2d792", 1.0, &err);
  auto took = Clock::now() - start;
  ErrorInfo e = copy_error(s, err);
  EXPECT_EQ(s, AK_E_TIMEOUT) << e.message;
  EXPECT_LT(took, std::chrono::milliseconds(3000));  // not the 4 s read
  ak_result_free(r);
}

}  // namespace

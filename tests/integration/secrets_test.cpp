// Secrets in output (docs/reliability.md): token answers withheld from errors,
// masking by location that leaves names alone, URLs without user information;
// Retry-After values that do not fit a wait; path parameters that are dot
// segments. Over real HTTP against the sandbox. No test prints a secret: a
// failure shows what was expected and whether the secret was found.
#include <gtest/gtest.h>

#include <cmath>
#include <mutex>

#include "sandbox_faults.hpp"

namespace {

using namespace akt;

struct Lines {
  std::mutex mu;
  std::string text;
};

void collect(void *user, ak_log_level, const char *message) {
  auto *lines = static_cast<Lines *>(user);
  std::lock_guard lock(lines->mu);
  lines->text += std::string(message) + "\n";
}

// Logs every line of c at DEBUG into lines.
void log_into(ak_client *c, Lines &lines) {
  ASSERT_EQ(ak_client_set_log_callback(c, AK_LOG_DEBUG, collect, &lines, nullptr), AK_OK);
}

// The error's texts and ak_error_retry_after, for one call.
struct Failure {
  ErrorInfo info;
  double retry_after = -1;
};

Failure fail(ak_client *c, const char *op, const std::string &json) {
  FieldsPtr f = make_fields(json);
  ak_result *r = nullptr;
  ak_error *err = nullptr;
  Failure out;
  ak_status s = ak_call(&r, c, op, f.get(), &err);
  ak_result_free(r);
  out.retry_after = err ? ak_error_retry_after(err) : -1;
  out.info = copy_error(s, err);
  return out;
}

// ---- 5: token answers, URLs ------------------------------------------------------------

// A garbled or cut answer to the token request still holds most of a live
// token: the error says the answer was withheld and shows no piece of it.
TEST(Secrets, AGarbledTokenAnswerIsWithheldFromTheError) {
  struct Case {
    const char *vendor, *path, *kind, *token_prefix;
  };
  for (const Case &k : {Case{"99digital", kTokenPath, "malformed", "sbx_"},
                        Case{"99digital", kTokenPath, "truncated", "sbx_"},
                        Case{"commvault", "/api/v1/authenticate", "malformed", "sbxcv_"},
                        Case{"commvault", "/api/v1/authenticate", "truncated", "sbxcv_"}}) {
    SCOPED_TRACE(std::string(k.vendor) + " " + k.kind);
    Sandbox sb;
    add_faults(sb, std::string(R"({"vendor":")") + k.vendor + R"(","path":")" + k.path + R"(","kind":")" + k.kind +
                       "\"}");
    ClientPtr c = sb.client({{"max_attempts", "1"}}, k.vendor);
    Lines lines;
    log_into(c.get(), lines);
    Outcome o = call(c.get(), "list_accounts", "{}");
    ASSERT_FALSE(o.ok());
    // The sandbox did issue a token each time (the fault strikes after it).
    ASSERT_EQ(sb.journal().front().path(), k.path);
    const bool leaked = contains(o.error.all_text(), k.token_prefix) || contains(lines.text, k.token_prefix);
    EXPECT_FALSE(leaked) << "a piece of the token shows in the error or the log (category " << o.error.category
                         << ", raw_body of " << o.error.raw_body.size() << " bytes)";
    if (o.status == AK_E_DECODE) {
      EXPECT_TRUE(o.error.raw_body.empty() || contains(o.error.raw_body, "withheld"))
          << "raw_body of " << o.error.raw_body.size() << " bytes does not say it was withheld";
    }
  }
}

TEST(Secrets, TheMalformedTokenAnswerOf99digitalSaysItIsWithheld) {
  Sandbox sb;
  add_faults(sb, std::string(R"({"vendor":"99digital","path":")") + kTokenPath + R"(","kind":"malformed"})");
  ClientPtr c = sb.client({{"max_attempts", "1"}});
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_DECODE) << o.error.category;
  EXPECT_TRUE(contains(o.error.raw_body, "withheld")) << "raw_body has " << o.error.raw_body.size() << " bytes";
  EXPECT_FALSE(contains(o.error.raw_body, "sbx_"));
}

// A base_url with user information would put its password into every URL the
// library shows: it is refused where it is set, without repeating it.
TEST(Secrets, ABaseUrlWithUserInformationIsRefusedWithoutRepeatingIt) {
  Sandbox sb;
  const std::string password = "PW-userinfo-7Qz";
  std::string url = sb.url();  // http://127.0.0.1:PORT/99digital
  std::string with_user = "http://ada:" + password + "@" + url.substr(7);
  ClientPtr c = sb.client();
  Lines lines;
  log_into(c.get(), lines);
  ErrorInfo e = set_option(c.get(), "base_url", with_user.c_str());
  EXPECT_EQ(e.code, AK_E_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(e.message, "user information")) << e.message;
  EXPECT_FALSE(contains(e.all_text(), password)) << "the message repeats the password";
  for (const char *form : {"http://ada@127.0.0.1/", "https://:x@127.0.0.1", "http://u:p@h:1?q=1"})
    EXPECT_EQ(set_option(c.get(), "base_url", form).code, AK_E_INVALID_ARGUMENT) << form;
  // An '@' after the host is no user information.
  EXPECT_EQ(set_option(c.get(), "base_url", "http://127.0.0.1:1/a@b").code, AK_OK);
  // Had it been kept, the DEBUG lines of the next call would show it.
  ASSERT_EQ(set_option(c.get(), "base_url", url.c_str()).code, AK_OK);
  set_option(c.get(), "base_url", with_user.c_str());
  EXPECT_TRUE(call(c.get(), "list_accounts", "{}").ok());
  EXPECT_TRUE(contains(lines.text, "/api/online/getAccounts -> 200")) << lines.text;
  EXPECT_FALSE(contains(lines.text, password)) << "a log line shows the password";
}

// ---- 6: masking by location leaves the names alone -------------------------------------

// A short secret is masked where it is (the URL's api_token), never as text:
// "api" as a token must not turn "/api/vendor" or "api_token" into "***".
TEST(Secrets, AShortSecretDoesNotMangleMessagesOrLogLines) {
  Sandbox sb;
  {
    ClientPtr c = sb.client({{"max_attempts", "1"}, {"api_token", "api"}}, "activeplatform");
    Lines lines;
    log_into(c.get(), lines);
    Outcome o = call(c.get(), "list_accounts", "{}");
    ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
    EXPECT_TRUE(contains(lines.text, "/api/vendor/v1/accounts.json?")) << lines.text;
    EXPECT_TRUE(contains(lines.text, "api_token=***")) << lines.text;
    EXPECT_FALSE(contains(lines.text, "api_token=api")) << "the token shows in the log line";
    EXPECT_FALSE(contains(lines.text, "/***/")) << lines.text;
    EXPECT_FALSE(contains(o.error.message, "***_token")) << o.error.message;
  }
  {
    // A wrong client_secret "secret": the message names client_secret whole.
    ClientPtr c = sb.client({{"max_attempts", "1"}, {"client_secret", "secret"}});
    Outcome o = call(c.get(), "list_accounts", "{}");
    ASSERT_EQ(o.status, AK_E_AUTH) << o.describe();
    EXPECT_TRUE(contains(o.error.message, "client_id or client_secret")) << o.error.message;
    EXPECT_FALSE(contains(o.error.message, "client_***")) << o.error.message;
  }
  {
    // A one-letter token would otherwise turn every "t" of every message into "***".
    ClientPtr c = sb.client({{"max_attempts", "1"}, {"api_token", "t"}}, "activeplatform");
    Lines lines;
    log_into(c.get(), lines);
    Outcome o = call(c.get(), "get_account", R"({"account_id":424242})");
    ASSERT_FALSE(o.ok());
    EXPECT_TRUE(contains(o.error.message, "activeplatform get_account")) << o.error.message;
    EXPECT_TRUE(contains(lines.text, "/accounts/424242.json?api_token=*** -> 401")) << lines.text;
  }
}

// A long secret is still found as text where no location is known, in each
// of its encodings (here: the token of the URL, and the client_secret).
TEST(Secrets, ALongSecretIsStillMaskedAsText) {
  Sandbox sb;
  const std::string token = "long-api-token/with+odd=chars";
  ClientPtr c = sb.client({{"max_attempts", "1"}, {"api_token", token}}, "activeplatform");
  Lines lines;
  log_into(c.get(), lines);
  Outcome o = call(c.get(), "list_accounts", "{}");
  ASSERT_EQ(o.status, AK_E_AUTH);
  EXPECT_FALSE(contains(lines.text + o.error.all_text(), "long-api-token")) << "the token shows";
  EXPECT_FALSE(contains(lines.text + o.error.all_text(), "long-api-token%2F")) << "the encoded token shows";
}

// ---- 8: Retry-After values that do not fit a wait ---------------------------------------

void retry_after_fault(const Sandbox &sb, const std::string &value) {
  add_faults(sb, std::string(R"({"vendor":"99digital","path":")") + kListPath +
                     R"(","kind":"status","status":429,"retry_after":")" + value + "\"}");
}

// Far longer than the client may wait: returned at once, as RateLimited with
// retry_after clamped to a day (finite, usable by every binding).
TEST(Secrets, AHugeRetryAfterEndsTheCallWithAClampedRetryAfter) {
  for (const std::string value : {"1e300", "99999999999999999999", "1e400", "86401", "inf",
                                  "Fri, 31 Dec 9999 23:59:59 GMT"}) {
    SCOPED_TRACE(value);
    Sandbox sb;
    ClientPtr c = sb.client({{"max_attempts", "3"}, {"retry_base_ms", "1"}, {"retry_max_ms", "5"}});
    ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());  // the token first
    retry_after_fault(sb, value);
    Failure f = fail(c.get(), "list_accounts", "{}");
    EXPECT_EQ(f.info.code, AK_E_RATE_LIMITED) << f.info.message;
    EXPECT_EQ(f.info.attempts, 1);
    EXPECT_EQ(sb.count(kListPath), 2u);  // the first call's and this one's only attempt
    EXPECT_TRUE(std::isfinite(f.retry_after)) << f.retry_after;
    EXPECT_EQ(f.retry_after, 86400.0);
  }
}

// Not a delay at all ("-5", "nan", "-inf", words): ignored as RFC 9110 says,
// so the 429 is retried with the client's own backoff like one without the
// header, and the error has no retry_after.
TEST(Secrets, ARetryAfterThatIsNoDelayIsIgnored) {
  for (const std::string value : {"-5", "nan", "-inf", "0x10", "soon", "1e300x"}) {
    SCOPED_TRACE(value);
    Sandbox sb;
    ClientPtr c = sb.client({{"max_attempts", "3"}, {"retry_base_ms", "1"}, {"retry_max_ms", "5"}});
    ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
    retry_after_fault(sb, value);
    Failure f = fail(c.get(), "list_accounts", "{}");
    EXPECT_EQ(f.info.code, AK_E_RATE_LIMITED) << f.info.message;
    EXPECT_EQ(f.info.attempts, 3);
    EXPECT_EQ(f.retry_after, -1.0);
  }
}

// Readable values keep working: seconds (fractions too), and a date.
TEST(Secrets, ReadableRetryAfterValuesAreKept) {
  for (const auto &[value, want] : std::vector<std::pair<std::string, double>>{
           {"120", 120}, {"2.5", 2.5}, {"0", 0}, {"Thu, 01 Jan 1970 00:00:00 GMT", 0}}) {
    SCOPED_TRACE(value);
    Sandbox sb;
    ClientPtr c = sb.client({{"max_attempts", "1"}});
    ASSERT_TRUE(call(c.get(), "list_accounts", "{}").ok());
    retry_after_fault(sb, value);
    Failure f = fail(c.get(), "list_accounts", "{}");
    EXPECT_EQ(f.info.code, AK_E_RATE_LIMITED);
    EXPECT_EQ(f.retry_after, want);
  }
}

// ---- 10: path parameters that are dot segments ------------------------------------------

// ".." would request the list path's parent, "." or "" the list path itself
// (libcurl and servers normalise dot segments, some decode %2e first): they
// are refused whatever "validate" says, naming the field, and nothing is sent.
TEST(Secrets, DotSegmentPathParametersAreRefusedEvenWithValidationOff) {
  Sandbox sb;
  ClientPtr cv = sb.client({{"validate", "false"}, {"max_attempts", "1"}}, "commvault");
  ClientPtr ap = sb.client({{"validate", "false"}, {"max_attempts", "1"}}, "activeplatform");
  ASSERT_TRUE(call(cv.get(), "list_accounts", "{}").ok());  // tokens first: the journal then shows only calls
  sb.clear_journal();
  for (const std::string id : {"..", ".", "", "%2e%2e", "%2E", ".%2e", "%252e%252E", "a/../b", "..\\\\x", "%2e%2e%2f"}) {
    SCOPED_TRACE(id);
    Outcome o = call(cv.get(), "get_account", "{\"id\":\"" + id + "\"}");
    EXPECT_EQ(o.status, AK_E_VALIDATION) << o.describe();
    EXPECT_TRUE(o.error.has_field("id", "path_segment")) << o.error.all_text();
    Outcome u = call(cv.get(), "update_account", "{\"id\":\"" + id + "\",\"externalId\":\"x\",\"name\":\"n\",\"contacts\":[]}");
    EXPECT_TRUE(u.error.has_field("id", "path_segment")) << u.describe();
    Outcome a = call(ap.get(), "get_account", "{\"account_id\":\"" + id + "\"}");
    EXPECT_TRUE(a.error.has_field("account_id", "path_segment")) << a.describe();
  }
  EXPECT_TRUE(sb.journal().empty()) << sb.journal_json();
  // Dots inside an id are fine: only whole segments move the path.
  Outcome o = call(cv.get(), "get_account", R"({"id":"a..b"})");
  EXPECT_NE(o.status, AK_E_VALIDATION) << o.describe();
}

TEST(Secrets, DotSegmentIdsAreRefusedByValidateToo) {
  const char *id = "..";
  ak_fields *raw = nullptr;
  ak_error *err = nullptr;
  ASSERT_EQ(ak_fields_new(&raw, &err), AK_OK);
  FieldsPtr f(raw);
  ASSERT_EQ(ak_fields_set_string(f.get(), "id", id, &err), AK_OK);
  ak_status s = ak_validate("commvault", "get_account", f.get(), &err);
  ErrorInfo e = copy_error(s, err);
  EXPECT_EQ(s, AK_E_VALIDATION);
  EXPECT_TRUE(e.has_field("id", "path_segment")) << e.all_text();
  EXPECT_TRUE(contains(e.message, "id must not be \".\" or \"..\"")) << e.message;
}

}  // namespace

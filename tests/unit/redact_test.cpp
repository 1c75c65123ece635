// Secrets by location (core/redact.hpp), Retry-After reading (core/http.hpp)
// and the path-segment rule (core/vendor.hpp): issue 13, points 5, 6, 8, 10.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/http.hpp"
#include "core/redact.hpp"
#include "core/vendor.hpp"

namespace {

std::string masked(std::string text) {
  ak::mask_by_location(text);
  return text;
}

// ---- mask_by_location -----------------------------------------------------------------

TEST(MaskByLocation, TheValuesOfSecretKeysInJson) {
  EXPECT_EQ(masked(R"({"status":"OK","access_token":"sbx_0123","token_type":"Bearer"})"),
            R"({"status":"OK","access_token":"***","token_type":"Bearer"})");
  EXPECT_EQ(masked(R"({"data": {"authToken" : "abc\"def", "x": 1}})"), R"({"data": {"authToken" : "***", "x": 1}})");
  EXPECT_EQ(masked(R"({"password":12345,"admin_password":true})"), R"({"password":"***","admin_password":"***"})");
  EXPECT_EQ(masked(R"({"client_secret":{"a":"}"},"n":1})"), R"({"client_secret":"***","n":1})");
  EXPECT_EQ(masked(R"({"api_token":null})"), R"({"api_token":null})");  // null reveals nothing
}

TEST(MaskByLocation, AValueCutShortIsMaskedToTheEnd) {
  // A garbled or truncated body: the token runs to the end of the text.
  EXPECT_EQ(masked(R"({"status":"OK","reason":1,"access_token":"sbx_0123456789abcdef)"),
            R"({"status":"OK","reason":1,"access_token":"***)");
  EXPECT_EQ(masked(R"({"status":"OK","access_token":"sbx_01<html>)"), R"({"status":"OK","access_token":"***)");
  EXPECT_EQ(masked(R"({"data":{"authToken": ["a", "b)"), R"({"data":{"authToken": "***")");
  EXPECT_EQ(masked(R"({"password":98765)"), R"({"password":"***")");
}

TEST(MaskByLocation, JsonInsideAJsonString) {
  EXPECT_EQ(masked(R"({"raw":"{\"access_token\":\"sbx_x\\\"y\",\"b\":1}"})"),
            R"({"raw":"{\"access_token\":\"***\",\"b\":1}"})");
  EXPECT_EQ(masked(R"(['api_token': 'abc'])"), R"(['api_token': '***'])");
}

TEST(MaskByLocation, QueryAndFormParameters) {
  EXPECT_EQ(masked("GET http://h/x.json?page=1&api_token=s%2Bcr -> 401"), "GET http://h/x.json?page=1&api_token=*** -> 401");
  EXPECT_EQ(masked("client_id=a&client_secret=b#f"), "client_id=a&client_secret=***#f");
}

TEST(MaskByLocation, NamesAndProseAreLeftAlone) {
  for (const std::string text : {
           "99digital list_accounts: access token refused: wrong client_id or client_secret (reason 2)",
           "option \"client_secret\" is required", "admin_password must have a digit",
           R"({"password_hint":"blue","new_password":"x","access_tokens":2})", "1 invalid field: admin_password is required",
       })
    EXPECT_EQ(masked(text), text);
}

TEST(MaskByLocation, UserInformationOfUrls) {
  EXPECT_EQ(masked("GET https://ada:PW@host:8443/x?y=1 -> 200"), "GET https://***@host:8443/x?y=1 -> 200");
  EXPECT_EQ(masked("see http://ada@h/ and ftp://x:y@z"), "see http://***@h/ and ftp://***@z");
  EXPECT_EQ(masked("http://h/a@b"), "http://h/a@b");  // an '@' in the path is no user information
}

TEST(RedactUrl, UserInformationAndSecretQueryParameters) {
  EXPECT_EQ(ak::redact_url("https://u:p@h/p?page=1&api_token=abc&per_page=2#api_token=z"),
            "https://***@h/p?page=1&api_token=***&per_page=2#api_token=z");
  EXPECT_EQ(ak::redact_url("http://h/p?api%5Ftoken=abc"), "http://h/p?api%5Ftoken=***");
  EXPECT_EQ(ak::redact_url("http://h/p?api_token"), "http://h/p?api_token");
  EXPECT_EQ(ak::redact_url("http://h/p?"), "http://h/p?");
  EXPECT_EQ(ak::redact_url("http://h/p"), "http://h/p");
}

// ---- Retry-After ----------------------------------------------------------------------

TEST(RetryAfter, DelaySecondsAndDates) {
  EXPECT_EQ(ak::parse_retry_after("0"), 0);
  EXPECT_EQ(ak::parse_retry_after("120"), 120);
  EXPECT_EQ(ak::parse_retry_after("2.5"), 2.5);
  EXPECT_EQ(ak::parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT"), 0);  // past: now
  EXPECT_EQ(ak::parse_retry_after("Fri, 31 Dec 2100 23:59:59 GMT"), ak::kMaxRetryAfter);  // decades: clamped
}

TEST(RetryAfter, TooLongIsClampedToTheMaximum) {
  for (const char *v : {"1e300", "1e400", "99999999999999999999", "86401", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
    double s = ak::parse_retry_after(v);
    EXPECT_TRUE(std::isfinite(s)) << v;
    EXPECT_EQ(s, ak::kMaxRetryAfter) << v;
  }
  EXPECT_EQ(ak::parse_retry_after("1e-400"), 0);
  for (const char *v : {"inf", "INF", "Infinity"}) EXPECT_EQ(ak::parse_retry_after(v), ak::kMaxRetryAfter) << v;
}

TEST(RetryAfter, NoDelayIsMinusOne) {
  for (const char *v : {"", "-5", "-0", "+5", "nan", "NaN", "-inf", "0x10", "5s", "soon", " ",
                        "1e300x", "e5", "."})
    EXPECT_EQ(ak::parse_retry_after(v), -1) << v;
}

// ---- path segments ----------------------------------------------------------------------

TEST(PathSegment, DotSegmentsAndEmptyValuesAreRefused) {
  for (const char *v : {"", ".", "..", "%2e", "%2E%2e", ".%2E", "%252e%252e", "%25252e", "a/../b", "../x", "..\\x",
                        "x/.", "%2e%2e%2fx"})
    EXPECT_NE(ak::path_segment_problem(v), "") << v;
  for (const char *v : {"a..b", "...", "7194af6f-1285-4295-94aa-ceed7ea2d792", "1000", ".a", "%2", "%zz", "a%2eb"})
    EXPECT_EQ(ak::path_segment_problem(v), "") << v;
}

TEST(PathSegment, ExpandPathRefusesThemToo) {
  ak::Operation op = ak::operation("get_account", ak::OpKind::Read, ak::Method::Get, "/accounts/{id}");
  ak::Value body(ak::Object{{"id", ".."}});
  try {
    ak::expand_path(op, body);
    FAIL() << "expand_path took \"..\"";
  } catch (const ak::Error &e) {
    EXPECT_EQ(e.status, ak::Status::Validation);
    ASSERT_EQ(e.fields.size(), 1u);
    EXPECT_EQ(e.fields[0].path, "id");
    EXPECT_EQ(e.fields[0].rule, "path_segment");
  }
  EXPECT_EQ(ak::path_params(op), std::vector<std::string>{"id"});
}

}  // namespace

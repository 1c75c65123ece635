// The field validator against the 99digital operations (seeds 000 and 001,
// VENDORS.md section 1), with boundary values, and its generic checks (types,
// nulls, UTF-8); cross-field rules and formats on hand-made schemas are in
// schema_custom_test.cpp.
#include "core/schema.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/formats.hpp"
#include "core/vendors/digital99/digital99.hpp"
#include "schema_support.hpp"

using namespace std::literals;
using ak::Field;
using ak::FieldError;
using ak::Value;

using namespace schema_test;

namespace {

std::string repeat(std::string_view unit, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += unit;
  return s;
}

const ak::Operation &op(std::string_view name) {
  const ak::Operation *o = ak::digital99().find(name);
  if (!o) throw std::logic_error("99digital has no operation " + std::string(name));
  return *o;
}

Errors errors_for(std::string_view op_name, const Value &v) {
  Errors out;
  ak::validate(op(op_name).request, v, out, op_name);
  return out;
}

Value with(Value v, std::string_view key, Value field) {
  v.set(key, std::move(field));
  return v;
}

Value without(Value v, std::string_view key) {
  v.erase(key);
  return v;
}

// The smallest valid createAccount body (seed 001).
Value valid_create() {
  return Value(ak::Object{
      {"account_name", "Acme inc"},
      {"agents", 10},
      {"inboxes", 10},
      {"admin_email", "my@business.com"},
      {"admin_name", "Test Name"},
      {"admin_displayName", "Name"},
      {"admin_password", "Str0ng!pw"},
  });
}

// The smallest valid updateAccount body (seed 000).
Value valid_update() { return Value(ak::Object{{"account_id", 8}, {"server", "online"}}); }

Value valid_delete() { return Value(ak::Object{{"accountID", 8}, {"server", "online"}}); }

// Shorthands: errors for valid_<op>() with one field set.
Errors create_with(std::string_view key, Value v) { return errors_for("create_account", with(valid_create(), key, std::move(v))); }
Errors update_with(std::string_view key, Value v) { return errors_for("update_account", with(valid_update(), key, std::move(v))); }

// A create body with admin_2fa set and admin_2fa_value given (or left absent).
Errors create_2fa(Value mode, std::optional<Value> value) {
  Value v = with(valid_create(), "admin_2fa", std::move(mode));
  if (value) v.set("admin_2fa_value", std::move(*value));
  return errors_for("create_account", v);
}

// An http(s) URL of exactly n characters.
std::string url_of_length(std::string_view scheme_host, int n) {
  return std::string(scheme_host) + "/" + std::string(n - scheme_host.size() - 1, 'p');
}

// An email of exactly n characters.
std::string email_of_length(int n) { return std::string(n - 12, 'a') + "@example.com"; }

}  // namespace

// ================================================================ create_account

TEST(CreateAccount, ValidRecordsPass) {
  EXPECT_TRUE(no_errors(errors_for("create_account", valid_create())));
  Value full = valid_create();
  full.set("admin_2fa", 1);
  full.set("admin_2fa_value", "my@business.com");
  full.set("server", "online");
  full.set("reference", "Client42");
  EXPECT_TRUE(no_errors(errors_for("create_account", full)));
}

TEST(CreateAccount, EveryRequiredFieldIsRequired) {
  for (const char *name : {"account_name", "agents", "inboxes", "admin_email", "admin_name",
                           "admin_displayName", "admin_password"}) {
    Errors errors = errors_for("create_account", without(valid_create(), name));
    EXPECT_TRUE(only_error(errors, name, "required")) << name;
  }
}

TEST(CreateAccount, EmptyBodyReportsEverySevenRequiredFields) {
  Errors errors = errors_for("create_account", Value::object());
  EXPECT_EQ(errors.size(), 7u) << describe(errors);
  for (const auto &e : errors) EXPECT_EQ(e.rule, "required") << e.path;
}

TEST(CreateAccount, AccountNameIsAtMost100Characters) {
  EXPECT_TRUE(no_errors(create_with("account_name", repeat("a", 100))));
  Errors errors = create_with("account_name", repeat("a", 101));
  ASSERT_TRUE(only_error(errors, "account_name", "max_length"));
  EXPECT_EQ(errors[0].message, "must be at most 100 characters (has 101)");
}

TEST(CreateAccount, AccountNameLengthCountsCharactersNotBytes) {
  EXPECT_TRUE(no_errors(create_with("account_name", repeat("é", 100))));          // 200 bytes
  EXPECT_TRUE(no_errors(create_with("account_name", repeat("\xF0\x9F\x98\x80", 100))));  // 400 bytes
  EXPECT_TRUE(only_error(create_with("account_name", repeat("é", 101)), "account_name", "max_length"));
}

TEST(CreateAccount, AgentsHasAtMostFourDigits) {
  for (int n : {0, 1, 10, 9999}) EXPECT_TRUE(no_errors(create_with("agents", n))) << n;
  Errors errors = create_with("agents", 10000);
  ASSERT_TRUE(only_error(errors, "agents", "max_digits"));
  EXPECT_EQ(errors[0].message, "must have at most 4 digits (has 5)");
}

TEST(CreateAccount, NegativeAgentsAreRejected) {
  for (std::int64_t n : {std::int64_t{-1}, std::int64_t{-9999}, std::numeric_limits<std::int64_t>::min()}) {
    Errors errors = create_with("agents", n);
    ASSERT_TRUE(only_error(errors, "agents", "max_digits")) << n;
    EXPECT_EQ(errors[0].message, "must not be negative");
  }
}

TEST(CreateAccount, HugeAgentsAreRejected) {
  EXPECT_TRUE(only_error(create_with("agents", std::numeric_limits<std::int64_t>::max()), "agents", "max_digits"));
}

TEST(CreateAccount, InboxesHasAtMostThreeDigits) {
  EXPECT_TRUE(no_errors(create_with("inboxes", 999)));
  EXPECT_TRUE(no_errors(create_with("inboxes", 0)));
  Errors errors = create_with("inboxes", 1000);
  ASSERT_TRUE(only_error(errors, "inboxes", "max_digits"));
  EXPECT_EQ(errors[0].message, "must have at most 3 digits (has 4)");
  EXPECT_TRUE(only_error(create_with("inboxes", -1), "inboxes", "max_digits"));
}

TEST(CreateAccount, AdminEmailMustBeAnEmail) {
  for (const char *ok : {"my@business.com", "first.last+tag@sub.example.org"})
    EXPECT_TRUE(no_errors(create_with("admin_email", ok))) << ok;
  for (const char *bad : {"", "plain", "a@b", "@example.com", "a@@example.com", "a b@example.com", "a@example.c"}) {
    Errors errors = create_with("admin_email", bad);
    ASSERT_TRUE(only_error(errors, "admin_email", "email")) << bad;
    EXPECT_EQ(errors[0].message, "must be an email address");
  }
}

TEST(CreateAccount, AdminEmailIsAtMost50Characters) {
  ASSERT_EQ(email_of_length(50).size(), 50u);
  EXPECT_TRUE(no_errors(create_with("admin_email", email_of_length(50))));
  EXPECT_TRUE(only_error(create_with("admin_email", email_of_length(51)), "admin_email", "max_length"));
}

TEST(CreateAccount, AdminNamesAreAtMost50Characters) {
  for (const char *name : {"admin_name", "admin_displayName"}) {
    EXPECT_TRUE(no_errors(create_with(name, repeat("n", 50)))) << name;
    EXPECT_TRUE(no_errors(create_with(name, repeat("ש", 50)))) << name;
    EXPECT_TRUE(only_error(create_with(name, repeat("n", 51)), name, "max_length")) << name;
  }
}

TEST(CreateAccount, AdminPasswordNeedsEveryClass) {
  struct Case {
    const char *password;
    const char *problem;
  };
  for (const Case &c : {Case{"Ab1!", "shorter than 6 characters"},
                        Case{"Ab!de", "shorter than 6 characters"},
                        Case{"abcdef1!", "needs an upper-case letter (A-Z)"},
                        Case{"ABCDEF1!", "needs a lower-case letter (a-z)"},
                        Case{"Abcdef12", "needs a special character"},
                        Case{"Abcdef \xE2\x82\xAC", "needs a special character"}}) {  // space and euro sign are not special
    Errors errors = create_with("admin_password", c.password);
    ASSERT_TRUE(only_error(errors, "admin_password", "password")) << c.password;
    EXPECT_EQ(errors[0].message, std::string("does not meet the password policy: ") + c.problem);
    EXPECT_EQ(errors[0].message.find(c.password), std::string::npos) << "password echoed";
  }
}

TEST(CreateAccount, AdminPasswordAcceptsEverySpecialCharacterOfTheSeed) {
  for (char special : "!@#$%^&*()_+-=[]{}|\\\"/.,<>:;?~'"sv) {
    std::string password = "Abcde" + std::string(1, special);
    EXPECT_TRUE(no_errors(create_with("admin_password", password))) << password;
  }
  EXPECT_TRUE(no_errors(create_with("admin_password", "Abcde!")));  // exactly 6
}

TEST(CreateAccount, AdminPasswordIsAtMost50Characters) {
  EXPECT_TRUE(no_errors(create_with("admin_password", "Ab!" + repeat("q", 47))));
  Errors errors = create_with("admin_password", "Ab!" + repeat("q", 48));
  ASSERT_TRUE(only_error(errors, "admin_password", "max_length"));
  EXPECT_EQ(errors[0].message.find("Ab!qqq"), std::string::npos);
}

TEST(CreateAccount, AdminPasswordIsSecret) {
  EXPECT_TRUE(op("create_account").request.member("admin_password")->secret);
}


TEST(CreateAccount, Admin2faIsZeroOneOrTwo) {
  EXPECT_TRUE(no_errors(create_2fa(0, std::nullopt)));
  EXPECT_TRUE(no_errors(create_2fa(1, "my@business.com")));
  EXPECT_TRUE(no_errors(create_2fa(2, "972501234567")));
  for (int bad : {3, -1, 10}) {
    Errors errors = create_with("admin_2fa", bad);
    ASSERT_TRUE(only_error(errors, "admin_2fa", "enum")) << bad;
    EXPECT_EQ(errors[0].message, "must be one of 0, 1, 2");
  }
  EXPECT_TRUE(only_error(create_with("admin_2fa", "1"), "admin_2fa", "type"));
  EXPECT_TRUE(only_error(create_with("admin_2fa", true), "admin_2fa", "type"));
}

TEST(CreateAccount, Admin2faZeroOrAbsentNeedsNoValue) {
  EXPECT_TRUE(no_errors(create_2fa(0, std::nullopt)));
  EXPECT_TRUE(no_errors(errors_for("create_account", valid_create())));
  // With 2FA off the value is not checked against a format.
  EXPECT_TRUE(no_errors(create_2fa(0, "anything")));
}

// Seed 001: with admin_2fa 1 or 2 "you can provide" admin_2fa_value: optional
// (the vendor answers reason 42 if it needs one). It used to be required_if.
TEST(CreateAccount, Admin2faValueIsOptionalWhatever2faSays) {
  EXPECT_TRUE(no_errors(create_2fa(1, std::nullopt)));
  EXPECT_TRUE(no_errors(create_2fa(2, std::nullopt)));
}

TEST(CreateAccount, Admin2faEmailWantsAnEmailValue) {
  Errors phone = create_2fa(1, "972501234567");
  ASSERT_TRUE(only_error(phone, "admin_2fa_value", "email"));
  EXPECT_EQ(phone[0].message, "must be an email address when admin_2fa is 1");
}

// 7 to 15 digits without '+' (VENDORS.md section 1); 7 digits were refused before.
TEST(CreateAccount, Admin2faSmsWantsInternationalPhoneDigits) {
  for (const char *ok : {"972501234567", "12025550123", "37529555555", "1234567", "123456789012345"})
    EXPECT_TRUE(no_errors(create_2fa(2, ok))) << ok;
  for (const char *bad : {"+972501234567", "00972501234567", "0501234567", "972-50-123-4567", "123456",
                          "1234567890123456", "my@business.com", ""}) {
    Errors errors = create_2fa(2, bad);
    ASSERT_TRUE(only_error(errors, "admin_2fa_value", "phone")) << bad;
    EXPECT_NE(errors[0].message.find("without '+'"), std::string::npos);
  }
}

TEST(CreateAccount, Admin2faValueNullIsRefused) {
  EXPECT_TRUE(only_error(create_2fa(1, Value()), "admin_2fa_value", "not_null"));
}

TEST(CreateAccount, Admin2faValueIsAtMost50Characters) {
  EXPECT_TRUE(no_errors(create_2fa(1, email_of_length(50))));
  EXPECT_TRUE(only_error(create_2fa(1, email_of_length(51)), "admin_2fa_value", "max_length"));
}

// "text/numbers only": letters of any script and digits ("é" and Hebrew were
// refused before, as not ASCII).
TEST(CreateAccount, ReferenceIsLettersAndDigitsUpTo50) {
  for (const char *ok : {"abc123", "ABC", "7", "Client42", "é", "\xD7\x9C\xD7\xA7\xD7\x95\xD7\x97" "42"})
    EXPECT_TRUE(no_errors(create_with("reference", ok))) << ok;
  for (const char *bad : {"abc-123", "abc 123", "abc_123", "a.b", "abc!", "", "a\xE2\x80\x93" "b"}) {
    Errors errors = create_with("reference", bad);
    ASSERT_TRUE(only_error(errors, "reference", "letters_digits")) << bad;
    EXPECT_EQ(errors[0].message, "must contain only letters and digits");
  }
  EXPECT_TRUE(no_errors(create_with("reference", repeat("r", 50))));
  EXPECT_TRUE(only_error(create_with("reference", repeat("r", 51)), "reference", "max_length"));
}

TEST(CreateAccount, ServerIsAtMost30Characters) {
  EXPECT_TRUE(no_errors(create_with("server", repeat("s", 30))));
  EXPECT_TRUE(only_error(create_with("server", repeat("s", 31)), "server", "max_length"));
}

// ================================================================ update_account

TEST(UpdateAccount, ValidRecordsPass) {
  EXPECT_TRUE(no_errors(errors_for("update_account", valid_update())));
  Value full = valid_update();
  full.set("account_name", "New name");
  full.set("account_status", 0);
  full.set("builder_url", "https://builder.example.com/login");
  EXPECT_TRUE(no_errors(errors_for("update_account", full)));
}

TEST(UpdateAccount, AccountIdAndServerAreRequired) {
  EXPECT_TRUE(only_error(errors_for("update_account", without(valid_update(), "account_id")), "account_id", "required"));
  EXPECT_TRUE(only_error(errors_for("update_account", without(valid_update(), "server")), "server", "required"));
  Errors both = errors_for("update_account", Value::object());
  EXPECT_EQ(both.size(), 2u) << describe(both);
  EXPECT_TRUE(has_error(both, "account_id", "required"));
  EXPECT_TRUE(has_error(both, "server", "required"));
}

TEST(UpdateAccount, AccountIdHasAtMostSevenDigits) {
  for (int n : {1, 8, 9999999}) EXPECT_TRUE(no_errors(update_with("account_id", n))) << n;
  Errors errors = update_with("account_id", 10000000);
  ASSERT_TRUE(only_error(errors, "account_id", "max_digits"));
  EXPECT_EQ(errors[0].message, "must have at most 7 digits (has 8)");
}

TEST(UpdateAccount, AccountIdMustBePositive) {
  Errors zero = update_with("account_id", 0);
  ASSERT_TRUE(only_error(zero, "account_id", "positive"));
  EXPECT_EQ(zero[0].message, "must be a positive integer");
  Errors negative = update_with("account_id", -8);
  EXPECT_EQ(negative.size(), 2u) << describe(negative);
  EXPECT_TRUE(has_error(negative, "account_id", "max_digits"));
  EXPECT_TRUE(has_error(negative, "account_id", "positive"));
}

TEST(UpdateAccount, AccountIdMustBeAnInteger) {
  Errors text = update_with("account_id", "8");
  ASSERT_TRUE(only_error(text, "account_id", "type"));
  EXPECT_EQ(text[0].message, "must be an integer, got string");
  EXPECT_TRUE(only_error(update_with("account_id", 8.5), "account_id", "type"));
}

TEST(UpdateAccount, AccountStatusIsZeroOrOne) {
  EXPECT_TRUE(no_errors(update_with("account_status", 0)));
  EXPECT_TRUE(no_errors(update_with("account_status", 1)));
  Errors two = update_with("account_status", 2);
  ASSERT_TRUE(only_error(two, "account_status", "enum"));
  EXPECT_EQ(two[0].message, "must be one of 0, 1");
  EXPECT_TRUE(only_error(update_with("account_status", -1), "account_status", "enum"));
  EXPECT_TRUE(only_error(update_with("account_status", "active"), "account_status", "type"));
  EXPECT_TRUE(only_error(update_with("account_status", true), "account_status", "type"));
}

TEST(UpdateAccount, BuilderUrlMustBeAbsoluteHttpOrHttps) {
  for (const char *ok : {"http://builder.example.com", "https://builder.example.com/login?x=1",
                         "HTTPS://Builder.Example.com:8443/path"})
    EXPECT_TRUE(no_errors(update_with("builder_url", ok))) << ok;
  for (const char *bad : {"ftp://builder.example.com", "/builder/login", "builder.example.com",
                          "https://", "https:///path", "javascript:alert(1)", "https://exa mple.com", ""}) {
    Errors errors = update_with("builder_url", bad);
    ASSERT_TRUE(only_error(errors, "builder_url", "url")) << bad;
    EXPECT_EQ(errors[0].message, "must be an absolute http:// or https:// URL");
  }
}

TEST(UpdateAccount, BuilderUrlIsAtMost150Characters) {
  std::string at_limit = url_of_length("https://builder.example.com", 150);
  ASSERT_EQ(at_limit.size(), 150u);
  EXPECT_TRUE(no_errors(update_with("builder_url", at_limit)));
  EXPECT_TRUE(only_error(update_with("builder_url", url_of_length("https://builder.example.com", 151)),
                         "builder_url", "max_length"));
}

TEST(UpdateAccount, ServerIsAtMost50Characters) {
  EXPECT_TRUE(no_errors(update_with("server", repeat("s", 50))));
  EXPECT_TRUE(only_error(update_with("server", repeat("s", 51)), "server", "max_length"));
}

TEST(UpdateAccount, AccountNameIsAtMost100Characters) {
  EXPECT_TRUE(no_errors(update_with("account_name", repeat("é", 100))));
  EXPECT_TRUE(only_error(update_with("account_name", repeat("a", 101)), "account_name", "max_length"));
}

TEST(UpdateAccount, CreateOnlyFieldsAreUnknown) {
  Errors errors = update_with("admin_email", "my@business.com");
  ASSERT_TRUE(only_error(errors, "admin_email", "unknown_field"));
  EXPECT_EQ(errors[0].message.rfind("is not a known field of update_account (fields: ", 0), 0u) << errors[0].message;
  // accountID is delete's spelling, not update's.
  EXPECT_TRUE(only_error(update_with("accountID", 8), "accountID", "unknown_field"));
}

// ================================================================ delete / list

// deleteAccount's server "defaults to online" [doc]: optional (it was required).
TEST(DeleteAccount, AccountIdIsRequiredServerIsNot) {
  EXPECT_TRUE(no_errors(errors_for("delete_account", valid_delete())));
  EXPECT_TRUE(only_error(errors_for("delete_account", without(valid_delete(), "accountID")), "accountID", "required"));
  EXPECT_TRUE(no_errors(errors_for("delete_account", without(valid_delete(), "server"))));
  EXPECT_TRUE(only_error(errors_for("delete_account", Value::object()), "accountID", "required"));
}

TEST(DeleteAccount, UsesTheAccountIDSpelling) {
  Errors errors = errors_for("delete_account", Value(ak::Object{{"account_id", 8}, {"server", "online"}}));
  EXPECT_EQ(errors.size(), 2u) << describe(errors);
  EXPECT_TRUE(has_error(errors, "accountID", "required"));
  EXPECT_TRUE(has_error(errors, "account_id", "unknown_field"));
}

TEST(DeleteAccount, AccountIdBounds) {
  auto del = [](Value id) { return errors_for("delete_account", with(valid_delete(), "accountID", std::move(id))); };
  EXPECT_TRUE(no_errors(del(9999999)));
  EXPECT_TRUE(only_error(del(10000000), "accountID", "max_digits"));
  EXPECT_TRUE(only_error(del(0), "accountID", "positive"));
}

TEST(ListAccounts, TakesNoFields) {
  EXPECT_TRUE(no_errors(errors_for("list_accounts", Value::object())));
  EXPECT_TRUE(only_error(errors_for("list_accounts", Value(ak::Object{{"page", 1}})), "page", "unknown_field"));
}

// ================================================================ generic rules

TEST(Validate, UnknownFieldIsReportedByName) {
  Errors errors = create_with("agent", 10);  // a typo of "agents"
  ASSERT_TRUE(only_error(errors, "agent", "unknown_field"));
}

TEST(Validate, WrongTypes) {
  Errors text = create_with("agents", "10");
  ASSERT_TRUE(only_error(text, "agents", "type"));
  EXPECT_EQ(text[0].message, "must be an integer, got string");

  Errors fraction = create_with("agents", 5.5);
  ASSERT_TRUE(only_error(fraction, "agents", "type"));
  EXPECT_EQ(fraction[0].message, "must be an integer, got a fractional number");
  // A whole number that arrived as a double (5.0, or past int64 as JSON reads it) is not called a fraction.
  Errors whole = create_with("agents", 1.8446744073709552e19);
  ASSERT_TRUE(only_error(whole, "agents", "type"));
  EXPECT_EQ(whole[0].message, "must be an integer, got a number written with a decimal point or beyond the 64-bit range");

  Errors number_name = create_with("account_name", 42);
  ASSERT_TRUE(only_error(number_name, "account_name", "type"));
  EXPECT_EQ(number_name[0].message, "must be a string, got integer");

  EXPECT_TRUE(only_error(create_with("account_name", Value::object()), "account_name", "type"));
  EXPECT_TRUE(only_error(create_with("inboxes", Value::array()), "inboxes", "type"));
  EXPECT_TRUE(only_error(create_with("admin_email", false), "admin_email", "type"));
}

TEST(Validate, NullForAnOptionalFieldIsNotNull) {
  Errors errors = create_with("server", Value());
  ASSERT_TRUE(only_error(errors, "server", "not_null"));
  EXPECT_EQ(errors[0].message, "must not be null");
  EXPECT_TRUE(only_error(update_with("builder_url", Value()), "builder_url", "not_null"));
  EXPECT_TRUE(only_error(create_with("admin_2fa", Value()), "admin_2fa", "not_null"));
}

TEST(Validate, NullForARequiredFieldIsRequired) {
  Errors errors = create_with("account_name", Value());
  ASSERT_TRUE(only_error(errors, "account_name", "required"));
  EXPECT_EQ(errors[0].message, "is required and must not be null");
}

TEST(Validate, InvalidUtf8IsReportedOnce) {
  for (std::string_view bad : {"\xC3\x28"sv, "abc\xFF"sv, "\xC0\xAF"sv /* overlong '/' */,
                               "\xED\xA0\x80"sv /* surrogate */, "\xE2\x82"sv /* truncated */}) {
    Errors errors = create_with("account_name", Value(bad));
    ASSERT_TRUE(only_error(errors, "account_name", "utf8")) << describe(errors);
    EXPECT_EQ(errors[0].message, "must be valid UTF-8 text");
  }
  // Not also "max_length" or a format rule once the text is not UTF-8.
  EXPECT_TRUE(only_error(create_with("reference", Value(repeat("a", 60) + "\xFF")), "reference", "utf8"));
}

TEST(Validate, FieldsMustBeAnObject) {
  for (const Value &v : {Value(), Value(1), Value("x"), Value::array()}) {
    Errors errors = errors_for("create_account", v);
    ASSERT_TRUE(only_error(errors, "", "type"));
    EXPECT_EQ(errors[0].message, "the fields must be an object");
  }
}

TEST(Validate, ReportsEveryProblemInOnePass) {
  Value v(ak::Object{
      {"account_name", repeat("a", 101)},        // max_length
      {"agents", 10000},                         // max_digits
      {"inboxes", "ten"},                        // type
      {"admin_email", "not-an-email"},           // email
      /* admin_name missing */                   // required
      {"admin_displayName", Value()},            // required (null)
      {"admin_password", "weakpass"},            // password
      {"admin_2fa", 2},                          //
      {"admin_2fa_value", "+972501234567"},      // phone
      {"server", repeat("s", 31)},               // max_length
      {"reference", "has space"},                // letters_digits
      {"color", "blue"},                         // unknown_field
  });
  Errors errors = errors_for("create_account", v);
  EXPECT_EQ(errors.size(), 11u) << describe(errors);
  EXPECT_TRUE(has_error(errors, "account_name", "max_length"));
  EXPECT_TRUE(has_error(errors, "agents", "max_digits"));
  EXPECT_TRUE(has_error(errors, "inboxes", "type"));
  EXPECT_TRUE(has_error(errors, "admin_email", "email"));
  EXPECT_TRUE(has_error(errors, "admin_name", "required"));
  EXPECT_TRUE(has_error(errors, "admin_displayName", "required"));
  EXPECT_TRUE(has_error(errors, "admin_password", "password"));
  EXPECT_TRUE(has_error(errors, "admin_2fa_value", "phone"));
  EXPECT_TRUE(has_error(errors, "server", "max_length"));
  EXPECT_TRUE(has_error(errors, "reference", "letters_digits"));
  EXPECT_TRUE(has_error(errors, "color", "unknown_field"));
  for (const auto &e : errors) EXPECT_EQ(e.message.find("weakpass"), std::string::npos) << e.path;
}

TEST(Validate, EveryOccurrenceOfADuplicatedKeyIsChecked) {
  // Parsed JSON may repeat a key and the body is sent as is, so a bad second
  // value must not hide behind a good first one.
  Value v = ak::parse_json(
      R"({"account_name":"A","agents":5,"agents":"many","inboxes":1,"admin_email":"a@b.co",)"
      R"("admin_name":"n","admin_displayName":"n","admin_password":"Abcde!","admin_password":"weak"})");
  Errors errors = errors_for("create_account", v);
  EXPECT_EQ(errors.size(), 2u) << describe(errors);
  EXPECT_TRUE(has_error(errors, "agents", "type"));
  EXPECT_TRUE(has_error(errors, "admin_password", "password"));
}

TEST(Validate, ReportsSeveralProblemsOfOneField) {
  // Too long AND not letters/digits: both reported.
  Errors errors = create_with("reference", repeat("-", 51));
  EXPECT_EQ(errors.size(), 2u) << describe(errors);
  EXPECT_TRUE(has_error(errors, "reference", "max_length"));
  EXPECT_TRUE(has_error(errors, "reference", "letters_digits"));
}

TEST(Validate, AppendsToExistingErrors) {
  Errors errors{{"earlier", "x", "y"}};
  ak::validate(op("update_account").request, Value::object(), errors);
  EXPECT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].path, "earlier");
}

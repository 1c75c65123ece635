// 99digital's admin_password policy (core/vendors/digital99/password.hpp): the
// predicate, and the format the create_account table uses; its reference
// format (core/vendors/digital99/reference.hpp).
#include "core/vendors/digital99/password.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/vendors/digital99/digital99.hpp"
#include "core/vendors/digital99/reference.hpp"

namespace nn = ak::digital99_formats;
using namespace std::literals;

// ---------------------------------------------------------------- password_problem

namespace {

constexpr const char *kShort = "shorter than 6 characters";
constexpr const char *kUpper = "needs an upper-case letter (A-Z)";
constexpr const char *kLower = "needs a lower-case letter (a-z)";
constexpr const char *kSpecial = "needs a special character";

// Returns the message (or "" for acceptable) and checks it never echoes s.
std::string problem(std::string_view s) {
  const char *p = nn::password_problem(s);
  if (p == nullptr) return "";
  std::string msg = p;
  if (!s.empty()) {
    EXPECT_EQ(msg.find(s), std::string::npos) << "message echoes password";
  }
  return msg;
}

}  // namespace

TEST(PasswordProblem, AcceptsGoodPasswords) {
  EXPECT_EQ(nn::password_problem("Abcde!"), nullptr);  // exactly 6
  EXPECT_EQ(nn::password_problem("Secret#Pass123"), nullptr);
  EXPECT_EQ(nn::password_problem("aB'xyz"), nullptr);
}

TEST(PasswordProblem, LengthBoundary) {
  EXPECT_EQ(problem(""), kShort);
  EXPECT_EQ(problem("Ab!de"), kShort);  // 5
  EXPECT_EQ(problem("Ab!def"), "");     // 6
  // Length is checked first, even when other classes are missing too.
  EXPECT_EQ(problem("abc"), kShort);
}

TEST(PasswordProblem, CountsCharactersNotBytes) {
  // Four 2-byte letters + "A!" = 6 characters (10 bytes): long enough, but
  // the accented letters are not ASCII lower case.
  EXPECT_EQ(problem("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9" "A!"), kLower);
  // Three 2-byte letters + "Aa" = 5 characters (8 bytes): too short.
  EXPECT_EQ(problem("\xC3\xA9\xC3\xA9\xC3\xA9" "Aa"), kShort);
}

TEST(PasswordProblem, EachMissingClassInOrder) {
  EXPECT_EQ(problem("abcdef!"), kUpper);
  EXPECT_EQ(problem("abcdef"), kUpper);   // upper reported before special
  EXPECT_EQ(problem("123456!"), kUpper);  // upper reported before lower
  EXPECT_EQ(problem("ABCDEF!"), kLower);
  EXPECT_EQ(problem("ABCDEF"), kLower);   // lower reported before special
  EXPECT_EQ(problem("Abcdef"), kSpecial);
  EXPECT_EQ(problem("Abcdef123"), kSpecial);
  EXPECT_EQ(problem("Abc def"), kSpecial);  // space is not special
  EXPECT_EQ(problem("Abc`def"), kSpecial);  // backtick is not in the list
}

TEST(PasswordProblem, EverySpecialCharacterCounts) {
  const std::string_view specials = "!@#$%^&*()_+-=[]{}|\\\"/.,<>:;?~'";
  ASSERT_EQ(specials.size(), 31u);
  for (char c : specials) EXPECT_EQ(problem(std::string("Abcde") + c), "") << c;
}

TEST(PasswordProblem, MessageIsFixedTextNeverThePassword) {
  // The reason is always one of the four constants (nothing is formatted in),
  // so distinctive secrets can never appear in it.
  for (auto s : {"Zq9", "zq9x!k", "ZQ9X!K", "Zq9xVk", "secretpw", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"}) {
    const char *p = nn::password_problem(s);
    ASSERT_NE(p, nullptr) << s;
    std::string msg = p;
    EXPECT_TRUE(msg == kShort || msg == kUpper || msg == kLower || msg == kSpecial) << msg;
    EXPECT_EQ(std::strstr(p, s), nullptr) << s << " -> " << p;
  }
}

// ---------------------------------------------------------------- the format

// Rule name and messages are a contract (field errors, describe JSON and the
// cross-language cases in tests/conformance): byte for byte.
TEST(PasswordFormat, RuleAndMessage) {
  EXPECT_STREQ(nn::kPassword.rule, "password");
  EXPECT_STREQ(nn::kPassword.message, "does not meet the password policy");
}

TEST(PasswordFormat, ProblemNamesTheMissingClass) {
  EXPECT_EQ(nn::kPassword.problem("Abcde!"), "");
  EXPECT_EQ(nn::kPassword.problem(""), "does not meet the password policy: shorter than 6 characters");
  EXPECT_EQ(nn::kPassword.problem("abcdef!"), "does not meet the password policy: needs an upper-case letter (A-Z)");
  EXPECT_EQ(nn::kPassword.problem("ABCDEF!"), "does not meet the password policy: needs a lower-case letter (a-z)");
  EXPECT_EQ(nn::kPassword.problem("Abcdef"), "does not meet the password policy: needs a special character");
}

TEST(PasswordFormat, ProblemNeverEchoesThePassword) {
  for (auto s : {"Zq9", "zq9x!k", "ZQ9X!K", "Zq9xVk", "secretpw"}) {
    std::string p = nn::kPassword.problem(s);
    ASSERT_FALSE(p.empty()) << s;
    EXPECT_EQ(p.find(s), std::string::npos) << s << " -> " << p;
  }
}

TEST(PasswordFormat, CreateAccountAdminPasswordUsesIt) {
  const ak::Operation *create = ak::digital99().find("create_account");
  ASSERT_NE(create, nullptr);
  const ak::Field *password = create->request.member("admin_password");
  ASSERT_NE(password, nullptr);
  EXPECT_EQ(password->format, &nn::kPassword);
  EXPECT_TRUE(password->secret);
}

// ---------------------------------------------------------------- reference

// "text/numbers only" (seed 001) = letters of any script and digits [ours].
// Before, only ASCII letters and digits passed.
TEST(ReferenceFormat, LettersOfAnyScriptAndDigits) {
  for (const char *s : {"acme1", "12345", "Z", "ACME2024",
                        "\xD7\x9C\xD7\xA7\xD7\x95\xD7\x97" "12345",  // Hebrew letters, then digits
                        "caf\xC3\xA9", "\xC3\x9C" "ber",               // Latin-1 letters
                        "\xD0\xBA\xD0\xBB\xD0\xB8\xD0\xB5\xD0\xBD\xD1\x82",  // Cyrillic
                        "\xE5\xAE\xA2\xE6\x88\xB7" "123",              // CJK ideographs
                        "\xD9\xA3\xD9\xA4\xD9\xA5",                    // Arabic-Indic digits
                        "\xE0\xA4\xA6\xE0\xA5\x87\xE0\xA4\xB5",        // Devanagari with a vowel sign
                        "\xED\x95\x9C\xEA\xB8\x80",                    // Hangul
                        "\xEF\xBC\xA1\xEF\xBC\x91",                    // full-width A and 1
                        "\xC2\xAA\xC2\xB5\xC2\xBA",                    // ª µ º are letters
                        "\xE3\x80\x85\xE3\x80\x87",                    // 々 〇
                        "\xF0\x9D\x90\x80"})                           // mathematical bold A (U+1D400)
    EXPECT_TRUE(nn::is_reference(s)) << s;
}

TEST(ReferenceFormat, RefusesPunctuationSymbolsSpacesAndControls) {
  for (const char *s : {"", " ", "a b", "a-b", "a_b", "a.b", "a/b", "@", "a\tb", "abc\n", "a\x7F",
                        "a\xC2\xA0" "b",      // no-break space
                        "a\xC2\x85" "b",      // C1 next line
                        "a\xC2\xAD" "b",      // soft hyphen
                        "\xC2\xA9",           // ©
                        "a\xC3\x97" "b",      // ×
                        "a\xE2\x80\x93" "b",  // en dash
                        "a\xE2\x80\x8B" "b",  // zero-width space
                        "\xE2\x80\x9C" "a",   // curly quote
                        "\xE2\x82\xAC" "5",   // euro sign
                        "\xE2\x86\x92",       // arrow
                        "\xE2\x91\xA0",       // circled digit one
                        "a\xE3\x80\x80" "b",  // ideographic space
                        "a\xE3\x80\x82",      // ideographic full stop
                        "\xEE\x80\x80",       // private use
                        "\xEF\xBB\xBF" "a",   // byte order mark
                        "a\xEF\xBC\x81",      // full-width !
                        "\xEF\xBF\xBD",       // replacement character
                        "\xEF\xBF\xBF",       // noncharacter U+FFFF
                        "\xF0\x9F\x98\x80",   // emoji
                        "\xF3\xA0\x80\x81"})  // language tag
    EXPECT_FALSE(nn::is_reference(s)) << s;
  EXPECT_FALSE(nn::is_reference("ab\0c"sv));
}

TEST(ReferenceFormat, RefusesInvalidUtf8) {
  for (const char *s : {"\xFF", "a\x80", "\xC3", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                        "\xE5\xAE"})
    EXPECT_FALSE(nn::is_reference(s)) << "bytes of length " << std::strlen(s);
}

TEST(ReferenceFormat, RuleMessageAndTheCreateTable) {
  EXPECT_STREQ(nn::kReference.rule, "letters_digits");
  EXPECT_STREQ(nn::kReference.message, "must contain only letters and digits");
  EXPECT_EQ(nn::kReference.problem("acme1"), "");
  EXPECT_EQ(nn::kReference.problem("acme-1"), nn::kReference.message);
  const ak::Operation *create = ak::digital99().find("create_account");
  ASSERT_NE(create, nullptr);
  const ak::Field *reference = create->request.member("reference");
  ASSERT_NE(reference, nullptr);
  EXPECT_EQ(reference->format, &nn::kReference);
  EXPECT_EQ(reference->max_length, 50);
}

// max_length counts code points, as the docs' "characters": 50 Hebrew letters
// (100 bytes) fit, 51 do not.
TEST(ReferenceFormat, MaxLengthCountsCharactersNotBytes) {
  const ak::Operation *create = ak::digital99().find("create_account");
  ASSERT_NE(create, nullptr);
  auto errors_for = [&](const std::string &reference) {
    ak::Value fields = ak::Value::object();
    fields.set("reference", reference);
    std::vector<ak::FieldError> out;
    ak::validate(create->request, fields, out);
    std::vector<std::string> on_reference;
    for (const auto &e : out)
      if (e.path == "reference") on_reference.push_back(e.rule);
    return on_reference;
  };
  std::string fifty;
  for (int i = 0; i < 50; ++i) fifty += "\xD7\xA9";
  EXPECT_TRUE(errors_for(fifty).empty());
  EXPECT_EQ(errors_for(fifty + "\xD7\xA9"), std::vector<std::string>{"max_length"});
}

// 99digital's admin_password policy (core/vendors/digital99/password.hpp): the
// predicate, and the format the create_account table uses.
#include "core/vendors/digital99/password.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>

#include "core/vendors/digital99/digital99.hpp"

namespace nn = ak::digital99_formats;

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

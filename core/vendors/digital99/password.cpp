// 99digital's admin_password policy (seed 000: createAccount). Plain ASCII
// arithmetic on bytes, like core/formats.cpp: no locale, no signed-char UB.
#include "core/vendors/digital99/password.hpp"

#include <cstddef>
#include <string>

namespace ak::digital99_formats {

namespace {

constexpr char kMessage[] = "does not meet the password policy";

// The policy plus the missing class; the password itself never appears.
std::string problem(std::string_view s) {
  const char *reason = password_problem(s);
  return reason ? std::string(kMessage) + ": " + reason : std::string();
}

}  // namespace

constinit const Format kPassword{"password", kMessage, problem};

const char *password_problem(std::string_view s) {
  // "Characters" means code points: count bytes that are not UTF-8
  // continuation bytes, so "ÄÖÜäöü" is 6 characters, not 12 bytes.
  std::size_t chars = 0;
  bool upper = false, lower = false, special = false;
  constexpr std::string_view kSpecial = "!@#$%^&*()_+-=[]{}|\\\"/.,<>:;?~'";
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
    upper = upper || (c >= 'A' && c <= 'Z');
    lower = lower || (c >= 'a' && c <= 'z');
    special = special || kSpecial.find(c) != std::string_view::npos;
  }
  if (chars < 6) return "shorter than 6 characters";
  if (!upper) return "needs an upper-case letter (A-Z)";
  if (!lower) return "needs a lower-case letter (a-z)";
  if (!special) return "needs a special character";
  return nullptr;
}

}  // namespace ak::digital99_formats

// 99digital's admin_password policy: a format only this vendor uses, so it
// lives in the vendor's folder (the generic formats are in core/formats.hpp).
#pragma once

#include <string_view>

#include "core/schema.hpp"

namespace ak::digital99_formats {

// The policy as a field format: rule "password"; a failure reads "does not
// meet the password policy: " and the reason password_problem gives, so the
// caller learns what is missing and never sees the password.
extern const Format kPassword;

// Returns nullptr when the password is acceptable, else a short reason naming
// the missing class, without echoing the password: "shorter than 6 characters",
// "needs an upper-case letter (A-Z)", "needs a lower-case letter (a-z)",
// "needs a special character".
// Special characters: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | \ " / . , < > : ; ? ~ '
// (the 99digital createAccount list). Length limits are checked elsewhere.
// Checks run in the order listed; the first failure is returned.
const char *password_problem(std::string_view s);

}  // namespace ak::digital99_formats

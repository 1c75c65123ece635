// The generic text formats a field may require (ak::formats::kEmail, ...),
// and the predicates they are built on. Predicates are pure functions: no
// allocation beyond what the arguments already hold, no locale dependence, no
// exceptions. A format only one vendor uses lives in that vendor's folder
// (core/vendors/digital99/password.hpp).
#pragma once

#include <string_view>

#include "core/schema.hpp"

namespace ak::formats {

// Formats for Field::fmt and format_when. Rule names and messages are part of
// the contract (field errors, describe JSON, tests/conformance): never reword.
extern const Format kEmail;            // "email": is_email
extern const Format kHttpUrl;          // "url": is_http_url
extern const Format kIntlPhoneDigits;  // "phone": is_intl_phone_digits (972501234567, no '+')
extern const Format kPhonePlusOr00;    // "phone": is_phone_plus_or_00 (+375295555555, 00375295555555)
extern const Format kCountry;          // "country": is_iso3166_alpha2

// A practical email check (what vendors accept, not full RFC 5322):
// one '@', a non-empty local part of atext characters and single dots
// (no leading/trailing/double dot), a domain of at least two dot-separated
// labels made of letters, digits and inner hyphens, a TLD of >= 2 letters,
// no whitespace or control characters, total length <= 254.
bool is_email(std::string_view s);

// An absolute http:// or https:// URL (scheme case-insensitive) with a non-empty
// host (DNS name, IPv4, or [IPv6]), an optional numeric port 1..65535, and an
// optional path/query/fragment free of spaces and control characters.
bool is_http_url(std::string_view s);

// International phone number as digits only, no '+': 7 to 15 digits (country
// code, area, number: the same bounds as is_phone_plus_or_00), first digit not
// '0' (a leading 0 is a national number). Example: 972501234567.
bool is_intl_phone_digits(std::string_view s);

// Phone written "+<digits>" or "00<digits>": after the prefix, 7 to 15 digits
// (E.164), first digit not '0'. Spaces, dashes, dots and parentheses are NOT
// allowed (the vendor documents digits only).
bool is_phone_plus_or_00(std::string_view s);

// An officially assigned ISO 3166-1 alpha-2 code (upper case exactly, e.g.
// "BY", "IL", "US"; "XK", "EU", "UK" and lower case are rejected).
bool is_iso3166_alpha2(std::string_view s);

// Counts Unicode code points in valid UTF-8 (max lengths are in characters);
// returns -1 if s is not valid UTF-8 (overlongs, surrogates, > U+10FFFF rejected).
long utf8_length(std::string_view s);
// Decodes the code point at s[i] (i < s.size()) and advances i past it; -1 for
// invalid UTF-8 (stray continuation bytes, truncation, overlongs, surrogates,
// > U+10FFFF), leaving i where it was.
long next_code_point(std::string_view s, std::size_t &i);

}  // namespace ak::formats

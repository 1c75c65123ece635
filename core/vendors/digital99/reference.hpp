// 99digital's createAccount `reference`: "text/numbers only" (seed 001), read
// as letters of any script and digits [ours]. A format only this vendor uses,
// so it lives in the vendor's folder (the generic formats are in
// core/formats.hpp).
#pragma once

#include <string_view>

#include "core/schema.hpp"

namespace ak::digital99_formats {

// The rule as a field format: rule "letters_digits", message "must contain only
// letters and digits" (never echoes the value).
extern const Format kReference;

// True when s is non-empty, valid UTF-8 and every code point is a letter or a
// digit of some script. Without a Unicode character database this is a lenient
// approximation [ours]: ASCII letters and digits; any other code point that is
// not a control, a space, a noncharacter, a private-use or tag character, or in
// a block made of punctuation and symbols (Latin-1 punctuation and signs,
// General and Supplemental Punctuation, currency, arrows, mathematical and
// technical symbols, box drawing, shapes, dingbats, CJK punctuation and
// brackets, full-width ASCII punctuation, emoji). Punctuation inside a script's
// own block (the Arabic comma, the Devanagari danda) is accepted: the vendor
// answers reason 20 if it disagrees. Empty is refused: an empty reference
// cannot find a lost create again (it is the natural key).
bool is_reference(std::string_view s);

}  // namespace ak::digital99_formats

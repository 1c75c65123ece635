// 99digital's reference format (seed 001: "text/numbers only"). Plain
// arithmetic on bytes and code points: no locale, no allocation for a match.
#include "core/vendors/digital99/reference.hpp"

#include <cstddef>
#include <iterator>
#include <string>

#include "core/formats.hpp"

namespace ak::digital99_formats {

namespace {

constexpr char kMessage[] = "must contain only letters and digits";

struct Range {
  char32_t lo, hi;
};

// Code points outside ASCII that are no letter or digit of any script: whole
// blocks of punctuation, symbols, spaces and format characters, plus the few
// such characters that sit alone. Sorted, not overlapping.
constexpr Range kNotLetterOrDigit[] = {
    {0x0080, 0x009F},    // C1 controls
    {0x00A0, 0x00A9},    // no-break space, ¡ ¢ £ ¤ ¥ ¦ § ¨ ©
    {0x00AB, 0x00B4},    // « ¬ soft hyphen ® ¯ ° ± ² ³ ´ (ª is a letter)
    {0x00B6, 0x00B9},    // ¶ · ¸ ¹ (µ is a letter)
    {0x00BB, 0x00BF},    // » ¼ ½ ¾ ¿ (º is a letter)
    {0x00D7, 0x00D7},    // ×
    {0x00F7, 0x00F7},    // ÷
    {0x1680, 0x1680},    // Ogham space mark
    {0x180E, 0x180E},    // Mongolian vowel separator
    {0x2000, 0x206F},    // General Punctuation: spaces, dashes, quotes, invisible operators
    {0x20A0, 0x20FF},    // Currency Symbols, combining marks for symbols
    {0x2190, 0x2BFF},    // arrows, mathematical and technical symbols, enclosed alphanumerics,
                         // box drawing, shapes, dingbats, Braille, miscellaneous symbols
    {0x2E00, 0x2E7F},    // Supplemental Punctuation
    {0x3000, 0x3004},    // ideographic space, 、 。 〃 〄 (々 〆 〇 are letters/numbers)
    {0x3008, 0x3020},    // CJK brackets, marks and the postal mark
    {0x3030, 0x3030},    // wavy dash
    {0x3036, 0x3037},    // circled postal mark, ideographic telegraph line feed symbol
    {0x303D, 0x303F},    // part alternation mark, ideographic variation indicator, half fill space
    {0xD800, 0xDFFF},    // surrogates (never valid UTF-8 anyway)
    {0xE000, 0xF8FF},    // private use
    {0xFDD0, 0xFDEF},    // noncharacters
    {0xFE10, 0xFE1F},    // vertical forms
    {0xFE30, 0xFE6F},    // CJK compatibility forms, small form variants
    {0xFEFF, 0xFEFF},    // byte order mark
    {0xFF00, 0xFF0F},    // full-width ! " # $ % & ' ( ) * + , - . /
    {0xFF1A, 0xFF20},    // full-width : ; < = > ? @
    {0xFF3B, 0xFF40},    // full-width [ \ ] ^ _ `
    {0xFF5B, 0xFF65},    // full-width { | } ~, half-width CJK punctuation
    {0xFFE0, 0xFFFF},    // full-width signs, specials (replacement character), noncharacters
    {0x1F000, 0x1FAFF},  // game symbols, enclosed supplements, emoji and pictographs
    {0xE0000, 0xE007F},  // tags
    {0xF0000, 0x10FFFF}, // supplementary private use
};

constexpr bool sorted_ranges() {
  for (std::size_t i = 0; i < std::size(kNotLetterOrDigit); ++i) {
    if (kNotLetterOrDigit[i].lo > kNotLetterOrDigit[i].hi) return false;
    if (i && kNotLetterOrDigit[i - 1].hi >= kNotLetterOrDigit[i].lo) return false;
  }
  return true;
}
static_assert(sorted_ranges(), "letter_or_digit stops at the first range past c: keep the table sorted");

constexpr bool ascii_letter_or_digit(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool letter_or_digit(char32_t c) {
  if (c < 0x80) return ascii_letter_or_digit(c);
  if ((c & 0xFFFE) == 0xFFFE) return false;  // U+xFFFE and U+xFFFF of every plane
  for (const Range &r : kNotLetterOrDigit) {
    if (c < r.lo) return true;  // sorted: no later range can hold c
    if (c <= r.hi) return false;
  }
  return true;
}

std::string problem(std::string_view s) { return is_reference(s) ? std::string() : std::string(kMessage); }

}  // namespace

constinit const Format kReference{"letters_digits", kMessage, problem};

bool is_reference(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size();) {
    long cp = formats::next_code_point(s, i);
    if (cp < 0 || !letter_or_digit(static_cast<char32_t>(cp))) return false;
  }
  return true;
}

}  // namespace ak::digital99_formats

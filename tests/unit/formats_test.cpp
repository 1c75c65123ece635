#include "core/formats.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

using namespace std::literals;
namespace f = ak::formats;

namespace {

// Digits-only string of length n starting with '1'.
std::string digits(std::size_t n) { return "1" + std::string(n - 1, '2'); }

}  // namespace

// ---------------------------------------------------------------- is_email

TEST(IsEmail, AcceptsPracticalAddresses) {
    for (auto s : {"a@b.co", "john.doe@example.com", "first.middle.last@sub.example.org",
                   "x+tag@example.io", "o'brien@example.ie", "a!#$%&'*+-/=?^_`{|}~z@ex.com",
                   "user@my-host.example.com", "1@2a.com", "UPPER@EXAMPLE.COM"})
        EXPECT_TRUE(f::is_email(s)) << s;
}

TEST(IsEmail, RejectsMalformed) {
    for (auto s : {"", "plain", "@example.com", "a@", "a@@b.com", "a@b@c.com", ".a@b.com",
                   "a.@b.com", "a..b@c.com", "a@localhost", "a@b.c", "a@b.c1", "a@b.123",
                   "a@-b.com", "a@b-.com", "a@b..com", "a@.b.com", "a@b.com.", "a b@c.com",
                   "a@b c.com", "a\t@b.com", "a@b.com\n", "a@b_c.com", "a(b)@c.com",
                   "\"q\"@b.com", "a@[1.2.3.4]", "\xC3\xA9@b.com"})
        EXPECT_FALSE(f::is_email(s)) << s;
    EXPECT_FALSE(f::is_email("a\0b@c.com"sv));
}

TEST(IsEmail, TotalLengthBoundary) {
    // local@ + labels of 'a' + ".com"; pad the domain to hit exact totals.
    auto make = [](std::size_t total) {
        std::string s = "x@";
        std::string tail = ".com";
        std::size_t body = total - s.size() - tail.size();
        std::string dom;
        while (dom.size() < body) {
            if (!dom.empty()) dom += '.';
            dom += std::string(std::min<std::size_t>(50, body - dom.size()), 'a');
        }
        return s + dom + tail;
    };
    ASSERT_EQ(make(254).size(), 254u);
    EXPECT_TRUE(f::is_email(make(254)));
    ASSERT_EQ(make(255).size(), 255u);
    EXPECT_FALSE(f::is_email(make(255)));
}

// ---------------------------------------------------------------- is_http_url

TEST(IsHttpUrl, AcceptsAbsoluteHttpUrls) {
    for (auto s : {"http://example.com", "https://example.com/", "HTTPS://Example.COM/Path",
                   "HtTp://a.b", "http://localhost", "http://localhost:8080/x",
                   "https://api.example.com/v1/items?id=5&x=%20#frag", "http://host?q=1",
                   "http://host#top", "http://192.168.0.1", "http://255.255.255.255:443/",
                   "http://0.0.0.0", "http://[::1]", "http://[::1]:8443/p",
                   "http://[2001:db8::8a2e:370:7334]/", "http://[1:2:3:4:5:6:7:8]",
                   "http://[::ffff:192.0.2.1]", "http://[1::]", "http://a:1", "http://a:65535",
                   "http://xn--bcher-kva.example/", "https://ex.com/caf\xC3\xA9"})
        EXPECT_TRUE(f::is_http_url(s)) << s;
}

TEST(IsHttpUrl, RejectsOtherSchemesAndBadHosts) {
    for (auto s : {"", "example.com", "ftp://example.com", "http:/example.com", "http//x.com",
                   "mailto:a@b.com", "http://", "https://", "http:///path", "http://:80",
                   "http://-a.com", "http://a-.com", "http://a..com", "http://.a.com",
                   "http://a.com.", "http://a_b.com", "http://user@example.com",
                   "http://user:pw@example.com/", "http://exa mple.com", "http://256.1.1.1",
                   "http://1.2.3", "http://1.2.3.4.5", "http://01.2.3.4", "http://[::1",
                   "http://[::1]x", "http://[1:2:3:4:5:6:7:8:9]", "http://[1:2:3:4:5:6:7]",
                   "http://[1::2::3]", "http://[:::]", "http://[1:]", "http://[12345::]",
                   "http://[g::1]", "http://[fe80::1%eth0]", "http://::1"})
        EXPECT_FALSE(f::is_http_url(s)) << s;
}

TEST(IsHttpUrl, PortBoundaries) {
    EXPECT_TRUE(f::is_http_url("http://a.com:1"));
    EXPECT_TRUE(f::is_http_url("http://a.com:65535/"));
    EXPECT_FALSE(f::is_http_url("http://a.com:0"));
    EXPECT_FALSE(f::is_http_url("http://a.com:65536"));
    EXPECT_FALSE(f::is_http_url("http://a.com:999999"));
    EXPECT_FALSE(f::is_http_url("http://a.com:"));
    EXPECT_FALSE(f::is_http_url("http://a.com:8a"));
    EXPECT_FALSE(f::is_http_url("http://a.com:-1"));
    EXPECT_FALSE(f::is_http_url("http://[::1]:"));
    EXPECT_FALSE(f::is_http_url("http://[::1]:0"));
}

TEST(IsHttpUrl, RejectsSpacesAndControlsInPath) {
    EXPECT_FALSE(f::is_http_url("http://a.com/a b"));
    EXPECT_FALSE(f::is_http_url("http://a.com/?q=a b"));
    EXPECT_FALSE(f::is_http_url("http://a.com/#a b"));
    EXPECT_FALSE(f::is_http_url("http://a.com/\t"));
    EXPECT_FALSE(f::is_http_url("http://a.com/\n"));
    EXPECT_FALSE(f::is_http_url("http://a.com/\x7F"));
    EXPECT_FALSE(f::is_http_url("http://a.com/\0x"sv));
    EXPECT_FALSE(f::is_http_url(" http://a.com/"));
}

// ---------------------------------------------------------------- phones

// 7 to 15 digits (VENDORS.md section 1); 7 was refused before.
TEST(IsIntlPhoneDigits, LengthBoundaries) {
    EXPECT_FALSE(f::is_intl_phone_digits(digits(6)));
    EXPECT_TRUE(f::is_intl_phone_digits(digits(7)));
    EXPECT_TRUE(f::is_intl_phone_digits(digits(8)));
    EXPECT_TRUE(f::is_intl_phone_digits(digits(15)));
    EXPECT_FALSE(f::is_intl_phone_digits(digits(16)));
    EXPECT_TRUE(f::is_intl_phone_digits("972501234567"));
}

TEST(IsIntlPhoneDigits, RejectsNonDigitsAndLeadingZero) {
    for (auto s : {"", "0972501234567", "+972501234567", "972-50-1234567", "972 501234567",
                   "97250123456a", "(972)501234567", "９７２５０１２３４５６７"})
        EXPECT_FALSE(f::is_intl_phone_digits(s)) << s;
}

TEST(IsPhonePlusOr00, LengthBoundariesAfterPrefix) {
    for (std::string prefix : {"+", "00"}) {
        EXPECT_FALSE(f::is_phone_plus_or_00(prefix + digits(6))) << prefix;
        EXPECT_TRUE(f::is_phone_plus_or_00(prefix + digits(7))) << prefix;
        EXPECT_TRUE(f::is_phone_plus_or_00(prefix + digits(15))) << prefix;
        EXPECT_FALSE(f::is_phone_plus_or_00(prefix + digits(16))) << prefix;
    }
    EXPECT_TRUE(f::is_phone_plus_or_00("+972501234567"));
    EXPECT_TRUE(f::is_phone_plus_or_00("00972501234567"));
}

TEST(IsPhonePlusOr00, RejectsSeparatorsAndBadPrefixes) {
    for (auto s : {"", "+", "00", "972501234567", "0972501234567", "+0972501234567",
                   "000972501234567", "++972501234567", "+00972501234567", "0+972501234567",
                   "+972 50 123 4567", "+972-50-1234567", "+972.50.1234567", "+(972)501234567",
                   "00 972501234567", " +972501234567", "+972501234567 "})
        EXPECT_FALSE(f::is_phone_plus_or_00(s)) << s;
}

// ---------------------------------------------------------------- ISO 3166-1

TEST(IsIso3166Alpha2, TableHasExactly249Codes) {
    int count = 0;
    char code[2];
    for (code[0] = 'A'; code[0] <= 'Z'; ++code[0])
        for (code[1] = 'A'; code[1] <= 'Z'; ++code[1])
            count += f::is_iso3166_alpha2(std::string_view(code, 2));
    EXPECT_EQ(count, 249);
}

TEST(IsIso3166Alpha2, EveryCodeOfSomeRegions) {
    const char *eu27[] = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR",
                          "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL",
                          "PL", "PT", "RO", "SK", "SI", "ES", "SE"};
    const char *south_america[] = {"AR", "BO", "BR", "CL", "CO", "EC", "FK", "GF",
                                   "GY", "PY", "PE", "SR", "UY", "VE", "GS"};
    const char *middle_east[] = {"BH", "CY", "EG", "IR", "IQ", "IL", "JO", "KW", "LB",
                                 "OM", "PS", "QA", "SA", "SY", "TR", "AE", "YE"};
    const char *caribbean[] = {"AI", "AG", "AW", "BS", "BB", "BQ", "VG", "KY", "CU",
                               "CW", "DM", "DO", "GD", "GP", "HT", "JM", "MQ", "MS",
                               "PR", "BL", "KN", "LC", "MF", "VC", "SX", "TT", "TC", "VI"};
    const char *post_soviet[] = {"AM", "AZ", "BY", "EE", "GE", "KZ", "KG", "LV",
                                 "LT", "MD", "RU", "TJ", "TM", "UA", "UZ"};
    auto check = [](auto &codes) {
        for (const char *c : codes) EXPECT_TRUE(f::is_iso3166_alpha2(c)) << c;
    };
    check(eu27);
    check(south_america);
    check(middle_east);
    check(caribbean);
    check(post_soviet);
}

TEST(IsIso3166Alpha2, TableEdgesAndRecentCodes) {
    for (auto s : {"AD", "ZW", "SS", "BQ", "CW", "SX", "ME", "RS", "TL", "AX", "BL", "MF",
                   "GG", "JE", "IM", "AQ", "BV", "HM", "UM", "IL", "US", "GB"})
        EXPECT_TRUE(f::is_iso3166_alpha2(s)) << s;
}

TEST(IsIso3166Alpha2, RejectsReservedWithdrawnAndMalformed) {
    // Exceptionally/transitionally reserved, user-assigned, withdrawn.
    for (auto s : {"UK", "EU", "XK", "AN", "CS", "YU", "SU", "TP", "ZR", "BU", "DD", "FX",
                   "EA", "IC", "AC", "TA", "DG", "UN", "EZ", "AA", "QM", "XA", "ZZ", "OO"})
        EXPECT_FALSE(f::is_iso3166_alpha2(s)) << s;
    for (auto s : {"", "U", "USA", "us", "Us", "uS", "il", "by", "U1", "1A", "  ", "U ", " US",
                   "[A", "A[", "@A", "A@"})
        EXPECT_FALSE(f::is_iso3166_alpha2(s)) << s;
    EXPECT_FALSE(f::is_iso3166_alpha2("U\0"sv));
    EXPECT_FALSE(f::is_iso3166_alpha2("\xC3\x9C"));
}

// ---------------------------------------------------------------- the formats

// Rule names and messages are a contract (field errors, describe JSON and the
// cross-language cases in tests/conformance): byte for byte.
TEST(Formats, RuleNamesAndMessages) {
    struct Case {
        const ak::Format &format;
        const char *rule;
        const char *message;
    };
    const Case cases[] = {
        {f::kEmail, "email", "must be an email address"},
        {f::kHttpUrl, "url", "must be an absolute http:// or https:// URL"},
        {f::kIntlPhoneDigits, "phone",
         "must be an international phone number written as 7 to 15 digits without '+'"},
        {f::kPhonePlusOr00, "phone", "must be '+' or '00' followed by 7 to 15 digits (country, area, number)"},
        {f::kCountry, "country", "must be an assigned ISO 3166-1 alpha-2 country code (upper case)"},
    };
    for (const auto &c : cases) {
        EXPECT_STREQ(c.format.rule, c.rule);
        EXPECT_STREQ(c.format.message, c.message);
        ASSERT_NE(c.format.problem, nullptr) << c.rule;
    }
}

// problem() is the predicate: "" for a match, the message for anything else.
TEST(Formats, ProblemFollowsThePredicate) {
    struct Case {
        const ak::Format &format;
        bool (*matches)(std::string_view);
        std::vector<const char *> samples;
    };
    const Case cases[] = {
        {f::kEmail, f::is_email, {"a@b.co", "plain", "", "a@b.c"}},
        {f::kHttpUrl, f::is_http_url, {"https://example.com/x", "ftp://example.com", "http://", "HTTP://A.B"}},
        {f::kIntlPhoneDigits, f::is_intl_phone_digits, {"972501234567", "+972501234567", "1234567", "123456"}},
        {f::kPhonePlusOr00, f::is_phone_plus_or_00, {"+375295555555", "00375295555555", "375295555555"}},
        {f::kCountry, f::is_iso3166_alpha2, {"BY", "by", "XK", "USA"}},
    };
    for (const auto &c : cases) {
        for (const char *s : c.samples) {
            std::string problem = c.format.problem(s);
            EXPECT_EQ(problem, c.matches(s) ? "" : c.format.message) << c.format.rule << " " << s;
        }
    }
}

// The two phone styles share a rule name but not a message.
TEST(Formats, PhoneStylesAreDistinctFormats) {
    EXPECT_STREQ(f::kIntlPhoneDigits.rule, f::kPhonePlusOr00.rule);
    EXPECT_STRNE(f::kIntlPhoneDigits.message, f::kPhonePlusOr00.message);
    EXPECT_EQ(f::kIntlPhoneDigits.problem("+972501234567"), f::kIntlPhoneDigits.message);
    EXPECT_EQ(f::kPhonePlusOr00.problem("972501234567"), f::kPhonePlusOr00.message);
}

// ---------------------------------------------------------------- utf8_length

TEST(Utf8Length, AsciiAndMultibyte) {
    EXPECT_EQ(f::utf8_length(""), 0);
    EXPECT_EQ(f::utf8_length("abc"), 3);
    EXPECT_EQ(f::utf8_length("a\0b"sv), 3);
    EXPECT_EQ(f::utf8_length("\x7F"), 1);
    EXPECT_EQ(f::utf8_length("\xC2\x80"), 1);          // U+0080, smallest 2-byte
    EXPECT_EQ(f::utf8_length("caf\xC3\xA9"), 4);       // café
    EXPECT_EQ(f::utf8_length("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"), 4);  // שלום
    EXPECT_EQ(f::utf8_length("\xDF\xBF"), 1);          // U+07FF
    EXPECT_EQ(f::utf8_length("\xE0\xA0\x80"), 1);      // U+0800
    EXPECT_EQ(f::utf8_length("\xE2\x82\xAC" "5"), 2);  // €5
    EXPECT_EQ(f::utf8_length("\xED\x9F\xBF"), 1);      // U+D7FF, below surrogates
    EXPECT_EQ(f::utf8_length("\xEE\x80\x80"), 1);      // U+E000, above surrogates
    EXPECT_EQ(f::utf8_length("\xEF\xBF\xBF"), 1);      // U+FFFF
    EXPECT_EQ(f::utf8_length("\xF0\x90\x80\x80"), 1);  // U+10000
    EXPECT_EQ(f::utf8_length("\xF0\x9F\x98\x80!"), 2); // 😀!
    EXPECT_EQ(f::utf8_length("\xF4\x8F\xBF\xBF"), 1);  // U+10FFFF, largest
}

TEST(Utf8Length, RejectsInvalidSequences) {
    for (auto s : {
             "\x80",              // lone continuation
             "a\xBF",             // continuation after ASCII
             "\xC0\x80",          // overlong NUL
             "\xC1\xBF",          // overlong U+007F
             "\xE0\x80\x80",      // overlong 3-byte
             "\xE0\x9F\xBF",      // overlong U+07FF
             "\xF0\x80\x80\x80",  // overlong 4-byte
             "\xF0\x8F\xBF\xBF",  // overlong U+FFFF
             "\xED\xA0\x80",      // U+D800 high surrogate
             "\xED\xBF\xBF",      // U+DFFF low surrogate
             "\xED\xA0\xBD\xED\xB8\x80",  // CESU-8 surrogate pair
             "\xF4\x90\x80\x80",  // U+110000
             "\xF5\x80\x80\x80",  // lead byte beyond range
             "\xF8\x88\x80\x80\x80", "\xFE", "\xFF",
             "\xC3",              // truncated 2-byte
             "\xE2\x82",          // truncated 3-byte
             "\xF0\x9F\x98",      // truncated 4-byte
             "abc\xE2\x82",       // truncated at end after valid text
             "\xC3" "a",          // non-continuation second byte
             "\xE2\x82" "a",      // non-continuation third byte
             "\xF0\x9F\x98" "a",  // non-continuation fourth byte
         })
        EXPECT_EQ(f::utf8_length(s), -1) << testing::PrintToString(std::string(s));
}

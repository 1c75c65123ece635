// Format predicates. Everything is plain ASCII arithmetic on bytes: <cctype>
// would make results depend on the process locale and on signed-char UB.
#include "core/formats.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ak::formats {
namespace {

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
constexpr bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
constexpr bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

bool all_of(std::string_view s, bool (*pred)(char)) {
    for (char c : s)
        if (!pred(c)) return false;
    return true;
}

// Calls check(part) for every sep-separated part; fails on the first part
// check rejects. Empty parts reach check too, so "a..b" can be refused there.
template <class Check>
bool all_parts(std::string_view s, char sep, Check check) {
    for (;;) {
        std::size_t p = s.find(sep);
        if (!check(s.substr(0, p))) return false;
        if (p == std::string_view::npos) return true;
        s.remove_prefix(p + 1);
    }
}

// DNS label: letters, digits, hyphens; hyphen not first or last.
bool is_label(std::string_view l) {
    return !l.empty() && l.front() != '-' && l.back() != '-' &&
           all_of(l, [](char c) { return is_alnum(c) || c == '-'; });
}

// Dotted quad, each octet 0..255 without leading zeros (which some parsers
// read as octal, so "010" is ambiguous and refused).
bool is_ipv4(std::string_view s) {
    int parts = 0;
    bool ok = all_parts(s, '.', [&](std::string_view o) {
        ++parts;
        if (o.empty() || o.size() > 3 || !all_of(o, is_digit)) return false;
        if (o.size() > 1 && o[0] == '0') return false;
        int v = 0;
        for (char c : o) v = v * 10 + (c - '0');
        return v <= 255;
    });
    return ok && parts == 4;
}

// RFC 4291 text form: up to 8 hex groups of 1-4 digits, at most one "::",
// optionally ending in an IPv4 dotted quad (worth two groups). No zone ids.
bool is_ipv6(std::string_view s) {
    std::size_t i = 0, n = s.size();
    int groups = 0;
    bool gap = false;
    if (s.substr(0, 2) == "::") {
        gap = true;
        i = 2;
    }
    while (i < n) {
        std::size_t j = s.find(':', i);
        if (j == std::string_view::npos) j = n;
        std::string_view tok = s.substr(i, j - i);
        if (j == n && tok.find('.') != std::string_view::npos) {
            if (!is_ipv4(tok)) return false;
            groups += 2;
            break;
        }
        if (tok.empty() || tok.size() > 4 || !all_of(tok, is_hex)) return false;
        ++groups;
        if (j == n) break;
        if (j + 1 < n && s[j + 1] == ':') {
            if (gap) return false;  // second "::"
            gap = true;
            i = j + 2;
        } else {
            i = j + 1;
            if (i == n) return false;  // trailing single ':'
        }
    }
    return gap ? groups <= 7 : groups == 8;
}

// "host" or "host:port" where host is a DNS name, IPv4 or [IPv6].
bool is_authority(std::string_view a) {
    std::string_view host = a, port;
    bool has_port = false;
    if (!a.empty() && a.front() == '[') {
        std::size_t close = a.find(']');
        if (close == std::string_view::npos || !is_ipv6(a.substr(1, close - 1))) return false;
        std::string_view rest = a.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return false;
            has_port = true;
            port = rest.substr(1);
        }
    } else {
        std::size_t colon = a.find(':');
        if (colon != std::string_view::npos) {
            has_port = true;
            host = a.substr(0, colon);
            port = a.substr(colon + 1);
        }
        if (host.empty()) return false;
        // A numeric last label means the host is meant as IPv4 (as browsers
        // parse it), so "999.1.1.1" must not slip through as a DNS name.
        std::size_t dot = host.rfind('.');
        std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
        if (!last.empty() && all_of(last, is_digit)) {
            if (!is_ipv4(host)) return false;
        } else if (!all_parts(host, '.', is_label)) {
            return false;
        }
    }
    if (has_port) {
        if (port.empty() || port.size() > 5 || !all_of(port, is_digit)) return false;
        long v = 0;
        for (char c : port) v = v * 10 + (c - '0');
        if (v < 1 || v > 65535) return false;
    }
    return true;
}

bool iequals_prefix(std::string_view s, std::string_view lower_prefix) {
    if (s.size() < lower_prefix.size()) return false;
    for (std::size_t i = 0; i < lower_prefix.size(); ++i)
        if (to_lower(s[i]) != lower_prefix[i]) return false;
    return true;
}

bool is_e164_digits(std::string_view s, std::size_t min, std::size_t max) {
    return s.size() >= min && s.size() <= max && s.front() != '0' && all_of(s, is_digit);
}

// ISO 3166-1 alpha-2 officially assigned codes (249), sorted.
constexpr std::string_view kIsoCodes =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZ"
    "BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ"
    "CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ"
    "DEDJDKDMDODZ"
    "ECEEEGEHERESET"
    "FIFJFKFMFOFR"
    "GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY"
    "HKHMHNHRHTHU"
    "IDIEILIMINIOIQIRISIT"
    "JEJMJOJP"
    "KEKGKHKIKMKNKPKRKWKYKZ"
    "LALBLCLILKLRLSLTLULVLY"
    "MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ"
    "NANCNENFNGNINLNONPNRNUNZ"
    "OM"
    "PAPEPFPGPHPKPLPMPNPRPSPTPWPY"
    "QA"
    "RERORSRURW"
    "SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ"
    "TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ"
    "UAUGUMUSUYUZ"
    "VAVCVEVGVIVNVU"
    "WFWS"
    "YEYT"
    "ZAZMZW";

// Row per first letter, bit per second letter: O(1) lookup, built at compile time.
constexpr std::array<std::uint32_t, 26> make_iso_table() {
    std::array<std::uint32_t, 26> t{};
    for (std::size_t i = 0; i + 1 < kIsoCodes.size(); i += 2)
        t[kIsoCodes[i] - 'A'] |= std::uint32_t{1} << (kIsoCodes[i + 1] - 'A');
    return t;
}
constexpr auto kIsoTable = make_iso_table();

// Guard against typos when the list is edited: well-formed, sorted, 249 codes.
constexpr bool iso_list_ok() {
    if (kIsoCodes.size() != 2 * 249) return false;
    for (std::size_t i = 0; i < kIsoCodes.size(); ++i)
        if (!is_upper(kIsoCodes[i])) return false;
    for (std::size_t i = 2; i < kIsoCodes.size(); i += 2)
        if (kIsoCodes.substr(i - 2, 2) >= kIsoCodes.substr(i, 2)) return false;
    return true;
}
static_assert(iso_list_ok(), "ISO 3166-1 table must be 249 sorted upper-case pairs");

}  // namespace

bool is_email(std::string_view s) {
    if (s.size() > 254) return false;
    std::size_t at = s.find('@');
    if (at == std::string_view::npos) return false;
    std::string_view local = s.substr(0, at), domain = s.substr(at + 1);

    // RFC 5322 atext; '@', spaces and controls are excluded, so a second '@'
    // or any whitespace fails here or in the domain check.
    auto atext = [](char c) {
        return is_alnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
    };
    if (!all_parts(local, '.', [&](std::string_view p) { return !p.empty() && all_of(p, atext); }))
        return false;

    int labels = 0;
    auto label = [&](std::string_view l) {
        ++labels;
        return is_label(l);
    };
    if (!all_parts(domain, '.', label)) return false;
    std::string_view tld = domain.substr(domain.rfind('.') + 1);
    return labels >= 2 && tld.size() >= 2 && all_of(tld, is_alpha);
}

bool is_http_url(std::string_view s) {
    std::size_t skip;
    if (iequals_prefix(s, "http://")) skip = 7;
    else if (iequals_prefix(s, "https://")) skip = 8;
    else return false;
    s.remove_prefix(skip);

    std::size_t end = s.find_first_of("/?#");
    if (end == std::string_view::npos) end = s.size();
    if (!is_authority(s.substr(0, end))) return false;  // also rejects userinfo '@'

    for (char c : s.substr(end)) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F) return false;
    }
    return true;
}

bool is_intl_phone_digits(std::string_view s) { return is_e164_digits(s, 7, 15); }

bool is_phone_plus_or_00(std::string_view s) {
    if (s.substr(0, 1) == "+") return is_e164_digits(s.substr(1), 7, 15);
    if (s.substr(0, 2) == "00") return is_e164_digits(s.substr(2), 7, 15);
    return false;
}

bool is_iso3166_alpha2(std::string_view s) {
    return s.size() == 2 && is_upper(s[0]) && is_upper(s[1]) &&
           ((kIsoTable[s[0] - 'A'] >> (s[1] - 'A')) & 1u) != 0;
}

long next_code_point(std::string_view s, std::size_t &i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
        ++i;
        return c;
    }
    std::size_t len;
    std::uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1Fu, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0Fu, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07u, min = 0x10000;
    } else {
        return -1;  // stray continuation byte or 0xF8..0xFF
    }
    if (s.size() - i < len) return -1;  // truncated
    for (std::size_t k = 1; k < len; ++k) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid.
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += len;
    return static_cast<long>(cp);
}

long utf8_length(std::string_view s) {
    long count = 0;
    for (std::size_t i = 0; i < s.size(); ++count)
        if (next_code_point(s, i) < 0) return -1;
    return count;
}

// ---------------------------------------------------------------- formats

namespace {

// The format's message when ok is false. "" (no allocation) for a match.
template <bool (*Matches)(std::string_view), const char *Message>
std::string unless(std::string_view s) {
    return Matches(s) ? std::string() : std::string(Message);
}

constexpr char kEmailMessage[] = "must be an email address";
constexpr char kHttpUrlMessage[] = "must be an absolute http:// or https:// URL";
constexpr char kIntlPhoneDigitsMessage[] =
    "must be an international phone number written as 7 to 15 digits without '+'";
constexpr char kPhonePlusOr00Message[] =
    "must be '+' or '00' followed by 7 to 15 digits (country, area, number)";
constexpr char kCountryMessage[] = "must be an assigned ISO 3166-1 alpha-2 country code (upper case)";

}  // namespace

constinit const Format kEmail{"email", kEmailMessage, unless<is_email, kEmailMessage>};
constinit const Format kHttpUrl{"url", kHttpUrlMessage, unless<is_http_url, kHttpUrlMessage>};
constinit const Format kIntlPhoneDigits{"phone", kIntlPhoneDigitsMessage,
                                        unless<is_intl_phone_digits, kIntlPhoneDigitsMessage>};
constinit const Format kPhonePlusOr00{"phone", kPhonePlusOr00Message,
                                      unless<is_phone_plus_or_00, kPhonePlusOr00Message>};
constinit const Format kCountry{"country", kCountryMessage, unless<is_iso3166_alpha2, kCountryMessage>};

}  // namespace ak::formats

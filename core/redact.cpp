#include "core/redact.hpp"

#include <algorithm>

#include "core/api.hpp"
#include "core/http.hpp"
#include "core/json.hpp"

namespace ak {

namespace {

constexpr std::string_view kMask = "***";

void replace_all(std::string &text, const std::string &needle) {
  if (needle.empty()) return;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + kMask.size()))
    text.replace(pos, needle.size(), kMask);
}

// Part of the library's own words: a secret key's name ("password") or a
// piece of one. Searching for it would mask the names, not the secret.
bool is_vocabulary(const std::string &s) {
  for (const auto &k : api::secret_keys())
    if (k.find(s) != std::string::npos) return true;
  return false;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

size_t skip_spaces(const std::string &t, size_t i) {
  while (i < t.size() && is_space(t[i])) ++i;
  return i;
}

// The number of backslashes right before position i.
size_t backslashes_before(const std::string &t, size_t i) {
  size_t n = 0;
  while (i > n && t[i - n - 1] == '\\') ++n;
  return n;
}

// A quote as it appears at some depth of JSON-in-JSON: '"' (level 0, or '\''),
// '\"' (level 1: JSON text inside a JSON string).
struct Quote {
  char ch = '"';
  int level = 0;
  size_t size() const { return static_cast<size_t>(level) + 1; }
  std::string text() const { return std::string(static_cast<size_t>(level), '\\') + ch; }
  // Whether the quote character at i closes a string of this level: the
  // backslashes before it are the level's own, not an escape of the quote.
  bool closes_at(const std::string &t, size_t i) const {
    size_t run = backslashes_before(t, i);
    return level == 0 ? run % 2 == 0 : run % 4 == 1;
  }
};

// The end (exclusive) of the string value whose text starts at from (after
// its opening quote), or npos when the text stops first. Returns the position
// of the closing quote form.
size_t string_end(const std::string &t, size_t from, const Quote &q) {
  for (size_t i = from; i < t.size(); ++i)
    if (t[i] == q.ch && q.closes_at(t, i)) return i - static_cast<size_t>(q.level);
  return std::string::npos;
}

// The end (exclusive) of an object or array value starting at from (at its
// bracket), or npos when the text stops first. Strings are skipped at level 0.
size_t bracket_end(const std::string &t, size_t from) {
  int depth = 0;
  for (size_t i = from; i < t.size(); ++i) {
    char c = t[i];
    if (c == '"' && backslashes_before(t, i) % 2 == 0) {
      size_t e = string_end(t, i + 1, Quote{});
      if (e == std::string::npos) return std::string::npos;
      i = e;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return std::string::npos;
}

// Masks the value after a quoted secret key; v: the first character of the
// value. Returns where to go on searching.
size_t mask_json_value(std::string &t, size_t v, const Quote &q) {
  const std::string quote = q.text();
  const std::string masked = quote + std::string(kMask) + quote;
  if (v >= t.size()) return v;
  if (t.compare(v, quote.size(), quote) == 0) {  // a string, maybe cut short
    size_t from = v + quote.size();
    size_t end = string_end(t, from, q);
    if (end == std::string::npos) end = t.size();
    t.replace(from, end - from, kMask);
    return from + kMask.size();
  }
  if (t.compare(v, 4, "null") == 0) return v + 4;  // reveals nothing
  size_t end;
  if (t[v] == '{' || t[v] == '[') {
    end = bracket_end(t, v);
    if (end == std::string::npos) end = t.size();
  } else {  // a number, a literal or garbage: up to the next delimiter
    end = v;
    while (end < t.size() && !is_space(t[end]) && t[end] != ',' && t[end] != '}' && t[end] != ']' &&
           t[end] != '\\' && t[end] != '"' && t[end] != '\'')
      ++end;
    if (end == v) return v;
  }
  t.replace(v, end - v, masked);
  return v + masked.size();
}

// Masks the value of key wherever it is written as JSON or as a parameter.
void mask_key(std::string &t, const std::string &key) {
  size_t pos = 0;
  while ((pos = t.find(key, pos)) != std::string::npos) {
    const size_t key_end = pos + key.size();
    size_t next = key_end;
    if (pos > 0 && (t[pos - 1] == '"' || t[pos - 1] == '\'')) {
      Quote q{t[pos - 1], 0};
      if (q.ch == '"') q.level = static_cast<int>(std::min<size_t>(backslashes_before(t, pos - 1), 1));
      const std::string quote = q.text();
      if (t.compare(key_end, quote.size(), quote) == 0) {
        size_t colon = skip_spaces(t, key_end + quote.size());
        if (colon < t.size() && t[colon] == ':') next = mask_json_value(t, skip_spaces(t, colon + 1), q);
      }
    } else if ((pos == 0 || !is_name_char(t[pos - 1])) && key_end < t.size() && t[key_end] == '=') {
      size_t v = key_end + 1, end = v;
      while (end < t.size() && !is_space(t[end]) && std::string_view("&#;,\"'<>\\").find(t[end]) == std::string_view::npos)
        ++end;
      if (end > v) t.replace(v, end - v, kMask);
      next = v + (end > v ? kMask.size() : 0);
    }
    pos = std::max(next, key_end);
  }
}

bool ends_authority(char c) {
  return c == '/' || c == '?' || c == '#' || is_space(c) || c == '"' || c == '\'' || c == '<' || c == '>' ||
         c == '\\';
}

// scheme://user:password@host -> scheme://***@host, for every URL in text.
void mask_userinfo(std::string &t) {
  size_t pos = 0;
  while ((pos = t.find("://", pos)) != std::string::npos) {
    size_t start = pos + 3, end = start;
    while (end < t.size() && !ends_authority(t[end])) ++end;
    size_t at = t.rfind('@', end == start ? start : end - 1);
    if (at != std::string::npos && at >= start && at < end && t.compare(start, at - start, kMask) != 0) {
      t.replace(start, at - start, kMask);
      end = start + kMask.size() + (end - at);
    }
    pos = end;
  }
}

}  // namespace

void scrub_text(std::string &text, const std::vector<std::string> &secrets) {
  for (const auto &s : secrets) {
    if (s.size() < kMinSearchedSecret || is_vocabulary(s)) continue;
    replace_all(text, s);
    // The forms a secret takes on its way: percent-encoded in a query string
    // (a server may echo it with lower-case hex), escaped inside JSON text.
    std::string upper = url_encode(s), lower = upper;
    for (size_t i = 0; i + 2 < lower.size(); ++i)
      if (lower[i] == '%') {
        for (size_t j = i + 1; j <= i + 2; ++j)
          if (lower[j] >= 'A' && lower[j] <= 'F') lower[j] = static_cast<char>(lower[j] - 'A' + 'a');
      }
    std::string json = to_json(Value(s));
    json = json.substr(1, json.size() - 2);
    for (const std::string *form : {&upper, &lower, &json})
      if (*form != s) replace_all(text, *form);
  }
}

void mask_by_location(std::string &text) {
  mask_userinfo(text);
  for (const auto &key : api::secret_keys()) mask_key(text, key);
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  mask_userinfo(out);
  size_t q = out.find('?');
  if (q == std::string::npos) return out;
  size_t end = out.find('#', q);
  if (end == std::string::npos) end = out.size();
  std::string rebuilt = out.substr(0, q + 1);
  size_t i = q + 1;
  while (i <= end) {
    size_t amp = out.find('&', i);
    if (amp == std::string::npos || amp > end) amp = end;
    std::string_view param(out.data() + i, amp - i);
    size_t eq = param.find('=');
    if (eq != std::string_view::npos && api::is_secret_key(percent_decode(param.substr(0, eq), true)))
      rebuilt.append(param.substr(0, eq + 1)).append(kMask);
    else
      rebuilt.append(param);
    if (amp < end) rebuilt.push_back('&');
    i = amp + 1;
  }
  rebuilt.append(out, end, std::string::npos);
  return rebuilt;
}

}  // namespace ak

#include "core/view.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/api.hpp"
#include "core/partner_key.hpp"

namespace ak {

namespace {

using Seconds = std::int64_t;

// Seconds from 0001-01-01 and to 9999-12-31T23:59:59, in unix time.
constexpr Seconds kFirst = -62135596800;
constexpr Seconds kLast = 253402300799;

std::optional<std::string> format_utc(Seconds s) {
  if (s < kFirst || s > kLast) return std::nullopt;
  using namespace std::chrono;
  sys_seconds t{seconds{s}};
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return std::string(out);
}

// A reader of fixed-width digit groups.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool at_end() const { return i == s.size(); }
  bool eat(char c) {
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  }
  std::optional<int> digits(size_t n) {
    if (s.size() - i < n) return std::nullopt;
    int v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    i += n;
    return v;
  }
};

// "+03:00", "-0530", "+05", "Z" (or nothing) as seconds east of UTC.
std::optional<Seconds> offset(Cursor &c) {
  if (c.at_end() || c.eat('Z') || c.eat('z')) return 0;
  int sign = c.eat('+') ? 1 : c.eat('-') ? -1 : 0;
  if (!sign) return std::nullopt;
  auto h = c.digits(2);
  if (!h || *h > 23) return std::nullopt;
  int m = 0;
  if (!c.at_end()) {
    c.eat(':');
    auto mm = c.digits(2);
    if (!mm || *mm > 59) return std::nullopt;
    m = *mm;
  }
  return sign * (Seconds{*h} * 3600 + m * 60);
}

std::optional<Seconds> parse_iso(std::string_view text) {
  Cursor c{text};
  auto y = c.digits(4);
  if (!y || !c.eat('-')) return std::nullopt;
  auto mo = c.digits(2);
  if (!mo || !c.eat('-')) return std::nullopt;
  auto d = c.digits(2);
  if (!d) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  Seconds s = sys_seconds{sys_days{ymd}}.time_since_epoch().count();
  if (c.at_end()) return s;
  if (!c.eat('T') && !c.eat('t') && !c.eat(' ')) return std::nullopt;
  auto h = c.digits(2);
  if (!h || *h > 23 || !c.eat(':')) return std::nullopt;
  auto mi = c.digits(2);
  if (!mi || *mi > 59) return std::nullopt;
  int sec = 0;
  if (c.eat(':')) {
    auto ss = c.digits(2);
    if (!ss || *ss > 60) return std::nullopt;  // 60: a leap second, read as the next
    sec = *ss;
    if (c.eat('.') || c.eat(',')) {  // a fraction: dropped (the view keeps seconds)
      size_t start = c.i;
      while (!c.at_end() && c.s[c.i] >= '0' && c.s[c.i] <= '9') ++c.i;
      if (c.i == start) return std::nullopt;
    }
  }
  auto off = offset(c);
  if (!off || !c.at_end()) return std::nullopt;
  return s + Seconds{*h} * 3600 + *mi * 60 + sec - *off;
}

bool is_digits(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

// The value at the first of paths holding something other than null or "".
const Value *first(const Value &record, const std::vector<std::string> &paths) {
  for (const auto &p : paths) {
    const Value *v = get_path(record, p);
    if (!v || v->is_null() || (v->is_string() && v->as_string().empty())) continue;
    return v;
  }
  return nullptr;
}

std::string text(const Value &v) { return v.is_string() ? v.as_string() : to_json(v); }

Value text_at(const Value &record, const std::vector<std::string> &paths) {
  const Value *v = first(record, paths);
  return v ? Value(text(*v)) : Value();
}

Value time_at(const Value &record, const std::vector<std::string> &paths) {
  const Value *v = first(record, paths);
  if (!v) return Value();
  auto t = utc_time(*v);
  return t ? Value(*t) : Value();
}

bool same_letters(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string common_status(const AccountView &table, const std::string &vendor_status) {
  for (const auto &[theirs, ours] : table.statuses)
    if (same_letters(theirs, vendor_status)) return ours;
  return "unknown";
}

}  // namespace

std::optional<std::string> utc_time(const Value &time) {
  if (time.is_int()) return format_utc(time.as_int());
  if (time.is_double()) {
    double d = time.as_double();
    if (!std::isfinite(d) || d < static_cast<double>(kFirst) || d > static_cast<double>(kLast)) return std::nullopt;
    return format_utc(static_cast<Seconds>(std::floor(d)));
  }
  if (!time.is_string()) return std::nullopt;
  const std::string &s = time.as_string();
  if (is_digits(s)) {
    Seconds n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return format_utc(n);
  }
  auto secs = parse_iso(s);
  return secs ? format_utc(*secs) : std::nullopt;
}

Value account_view(const Vendor &v, const Value &record, const std::string &key_attribute) {
  const PartnerKey partner_key(v, key_attribute);
  if (!record.is_object())
    throw Error(Status::InvalidArgument, v.name + ": an account record is a JSON object, not " +
                                             kind_name(record.kind()));
  const AccountView &t = v.account_view;
  Value status, vendor_status;
  if (const Value *s = first(record, t.status)) {
    vendor_status = Value(text(*s));
    status = Value(common_status(t, vendor_status.as_string()));
  }
  Value key = text_at(record, t.key);
  if (auto attribute = partner_key.in_record(record)) key = attribute->empty() ? Value() : Value(*attribute);
  Value shown = record;
  api::mask_secrets(shown);
  return Value(Object{
      {"vendor", v.name},
      {"id", text_at(record, t.id)},
      {"name", text_at(record, t.name)},
      {"status", std::move(status)},
      {"vendor_status", std::move(vendor_status)},
      {"email", text_at(record, t.email)},
      {"country", text_at(record, t.country)},
      {"key", std::move(key)},
      {"created", time_at(record, t.created)},
      {"updated", time_at(record, t.updated)},
      {"record", std::move(shown)},
  });
}

Value account_view(std::string_view vendor, const Value &record, const std::string &key_attribute) {
  return account_view(api::vendor(vendor), record, key_attribute);
}

}  // namespace ak

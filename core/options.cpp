#include "core/options.hpp"

#include <charconv>
#include <cstdio>

#include "core/http.hpp"

namespace ak {

namespace {

using S = Settings;

Error bad(const OptionSpec &spec, const std::string &rule) {
  return Error(Status::InvalidArgument, "option \"" + std::string(spec.name) + "\" must be " + rule);
}

bool parse_bool(const OptionSpec &spec, const std::string &v) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  throw bad(spec, "true or false");
}

long parse_long(const OptionSpec &spec, const std::string &v) {
  long n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < spec.min)
    throw bad(spec, "an integer of at least " + std::to_string(spec.min));
  return n;
}

double parse_rate(const OptionSpec &spec, const std::string &v) {
  double n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || !(n >= 0) || n > 1e6)
    throw bad(spec, "a number from 0 (no limit) to 1000000");
  return n;
}

std::string parse_url(const OptionSpec &spec, const std::string &v) {
  if (v.empty()) return v;  // back to the vendor's default
  if (url_origin(v).empty()) throw bad(spec, "an absolute http(s) URL");
  if (!v.starts_with("http://") && !v.starts_with("https://")) throw bad(spec, "an http or https URL");
  // user:password@ would put a password into every URL the library shows or
  // logs. Refused, and the value is not repeated in the message.
  std::string_view authority(v);
  authority.remove_prefix(authority.find("://") + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos)
    throw bad(spec, "a URL without user information (no \"user:password@\"): credentials go in the vendor's "
                    "credential options");
  return v;
}

const char *type_word(OptionType t) {
  switch (t) {
    case OptionType::Text: return "text";
    case OptionType::Url: return "url";
    case OptionType::Bool: return "boolean";
    case OptionType::Integer: return "integer";
    case OptionType::Millis: return "milliseconds";
    case OptionType::Rate: return "number";
  }
  return "text";
}

}  // namespace

Settings Settings::defaults(const Vendor &vendor) {
  Settings s;
  s.base_url = vendor.default_base_url;
  s.user_agent = "accountkit/" AK_VERSION_STRING;
  s.reads_per_hour = vendor.reads_per_hour;
  s.writes_per_hour = vendor.writes_per_hour;
  return s;
}

const std::vector<OptionSpec> &option_table() {
  using T = OptionType;
  static const std::vector<OptionSpec> table = {
      {"base_url", T::Url, 0, &S::base_url, "vendor URL (default: the vendor's documented host)"},
      {"timeout_ms", T::Integer, 1, &S::timeout_ms, "total time for one HTTP exchange"},
      {"connect_timeout_ms", T::Integer, 1, &S::connect_timeout_ms, "time to connect"},
      {"verify_tls", T::Bool, 0, &S::verify_tls, "verify the server's certificate (turn off only for tests)"},
      {"validate", T::Bool, 0, &S::validate, "validate fields before sending"},
      {"max_response_bytes", T::Integer, 1024, &S::max_response_bytes, "responses larger than this are refused"},
      {"ca_file", T::Text, 0, &S::ca_file, "PEM bundle to trust instead of the system store"},
      {"user_agent", T::Text, 0, &S::user_agent, "User-Agent header"},
      {"poll_initial_ms", T::Millis, 1, &S::poll_initial, "ak_wait's first polling interval"},
      {"poll_max_ms", T::Millis, 1, &S::poll_max, "ak_wait's longest polling interval"},
      {"max_attempts", T::Integer, 1, &S::max_attempts, "attempts per call, the first included (1 = no retries)"},
      {"retry_base_ms", T::Millis, 0, &S::retry_base,
       "backoff base: attempt n waits a random time in [0, min(retry_max_ms, retry_base_ms * 2^(n-1))]"},
      {"retry_max_ms", T::Millis, 0, &S::retry_max, "longest backoff"},
      {"retry_time_budget_ms", T::Millis, 0, &S::retry_time_budget, "no retry starts after this much time in one call"},
      {"retry_after_max_ms", T::Millis, 0, &S::retry_after_max,
       "a Retry-After longer than this is not waited for: the error is returned with its retry_after"},
      {"retry_quota", T::Integer, 0, &S::retry_quota,
       "retries this client may spend while the vendor keeps failing; each success refills a tenth (0 = none)"},
      {"retry_seed", T::Integer, 0, &S::retry_seed, "seeds the backoff jitter and generated keys (tests)"},
      {"requests_per_second", T::Rate, 0, &S::requests_per_second, "a steady pace, decimals allowed (0: none)"},
      {"reads_per_hour", T::Integer, 0, &S::reads_per_hour,
       "GET requests in any sliding hour (default: the vendor's documented budget; 0: none)"},
      {"writes_per_hour", T::Integer, 0, &S::writes_per_hour,
       "other requests in any sliding hour (default: the vendor's documented budget; 0: none)"},
      {"rate_limit_max_wait_ms", T::Millis, 0, &S::rate_limit_max_wait,
       "a request whose rate-limit slot is further away than this is not sent: it fails with rate_limited"},
      {"lookup_settle_ms", T::Millis, 0, &S::lookup_settle,
       "a lost create found nowhere is looked up once more after this long before it is reported outcome_unknown"},
  };
  return table;
}

const OptionSpec *find_option_spec(std::string_view name) {
  for (const auto &spec : option_table())
    if (name == spec.name) return &spec;
  return nullptr;
}

void apply_option(const OptionSpec &spec, const std::string &value, Settings &s) {
  struct Visit {
    const OptionSpec &spec;
    const std::string &value;
    Settings &s;
    void operator()(std::string S::*m) const {
      s.*m = spec.type == OptionType::Url ? parse_url(spec, value) : value;
    }
    void operator()(bool S::*m) const { s.*m = parse_bool(spec, value); }
    void operator()(long S::*m) const { s.*m = parse_long(spec, value); }
    void operator()(std::chrono::milliseconds S::*m) const {
      s.*m = std::chrono::milliseconds(parse_long(spec, value));
    }
    void operator()(double S::*m) const { s.*m = parse_rate(spec, value); }
  };
  std::visit(Visit{spec, value, s}, spec.target);
}

Settings parse_settings(const Vendor &vendor, const Options &options) {
  Settings s = Settings::defaults(vendor);
  for (const auto &[name, value] : options)
    if (const OptionSpec *spec = find_option_spec(name)) {
      if (spec->type == OptionType::Url && value.empty()) continue;  // "": the default
      apply_option(*spec, value, s);
    }
  while (s.base_url.ends_with('/')) s.base_url.pop_back();
  for (const auto &name : vendor.path_options)
    if (auto it = options.find(name); it != options.end()) s.path_values.emplace_back(name, it->second);
  return s;
}

std::string option_default(const OptionSpec &spec, const Vendor &vendor) {
  const Settings s = Settings::defaults(vendor);
  struct Visit {
    const Settings &s;
    std::string operator()(std::string S::*m) const { return s.*m; }
    std::string operator()(bool S::*m) const { return s.*m ? "true" : "false"; }
    std::string operator()(long S::*m) const { return s.*m < 0 ? "" : std::to_string(s.*m); }
    std::string operator()(std::chrono::milliseconds S::*m) const { return std::to_string((s.*m).count()); }
    std::string operator()(double S::*m) const {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", s.*m);
      return buf;
    }
  };
  return std::visit(Visit{s}, spec.target);
}

Value describe_options(const Vendor &vendor) {
  Array out;
  for (const auto &spec : option_table())
    out.push_back(Value(Object{{"name", spec.name},
                               {"type", type_word(spec.type)},
                               {"min", static_cast<std::int64_t>(spec.min)},
                               {"default", option_default(spec, vendor)},
                               {"doc", spec.doc}}));
  return Value(std::move(out));
}

}  // namespace ak

// The client options: one table declares each option once (name, type,
// range, default, doc). It drives parsing (a bad value fails where it is
// set), the Settings a client runs with, the describe JSON that bindings and
// docs read ("options" of each vendor), and a test that holds the header's
// list against it. Credentials are not here: they are each vendor's own names
// (Vendor::credential_options) and go to its authenticator as text.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/json.hpp"
#include "core/vendor.hpp"

namespace ak {

// What a client runs with, parsed from its options; the member initializers
// are the defaults (vendor-dependent ones are set by Settings::defaults).
struct Settings {
  using ms = std::chrono::milliseconds;
  std::string base_url;
  long timeout_ms = 30000;
  long connect_timeout_ms = 10000;
  bool verify_tls = true;
  bool validate = true;
  long max_response_bytes = 16L << 20;
  std::string ca_file;
  std::string user_agent;
  ms poll_initial{1000};
  ms poll_max{15000};
  long max_attempts = 3;
  ms retry_base{200};
  ms retry_max{5000};
  ms retry_time_budget{30000};
  ms retry_after_max{60000};
  long retry_quota = 10;
  long retry_seed = -1;  // -1: seeded from the system's entropy
  double requests_per_second = 0;
  long reads_per_hour = 0;
  long writes_per_hour = 0;
  ms rate_limit_max_wait{60000};
  ms lookup_settle{5000};
  // The vendor's path_options as set ("reseller_id", "42"): they fill paths.
  std::vector<std::pair<std::string, std::string>> path_values;

  // The defaults for vendor: its documented host and request budgets.
  static Settings defaults(const Vendor &vendor);
};

enum class OptionType { Text, Url, Bool, Integer, Millis, Rate };

struct OptionSpec {
  const char *name;
  OptionType type;
  long min;  // Integer, Millis: the smallest value; Rate: 0 to 1000000
  // Where the parsed value goes.
  std::variant<std::string Settings::*, bool Settings::*, long Settings::*, std::chrono::milliseconds Settings::*,
               double Settings::*>
      target;
  const char *doc;  // one line; the default is added from Settings
};

// Every option, in documentation order.
const std::vector<OptionSpec> &option_table();
const OptionSpec *find_option_spec(std::string_view name);

// Parses value for spec into settings; throws Error(InvalidArgument) naming
// the option and the rule its value breaks.
void apply_option(const OptionSpec &spec, const std::string &value, Settings &settings);

// The settings for vendor from options (option name -> text; names that are
// not in the table, the credentials, are skipped).
Settings parse_settings(const Vendor &vendor, const Options &options);

// The option's default for vendor, as text ("" when there is none).
std::string option_default(const OptionSpec &spec, const Vendor &vendor);

// [{name, type, min, default, doc}] for vendor: what describe JSON carries.
Value describe_options(const Vendor &vendor);

}  // namespace ak

// What a client builds from its options: the parsed settings and the live
// parts every operation of the client shares (transport, authenticator, rate
// limiter, retry quota, jitter). Built when the first operation starts and
// replaced when an option changes; an operation keeps the state it started
// with, so a change never reaches one half-way.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/http.hpp"
#include "core/options.hpp"
#include "core/ratelimit.hpp"
#include "core/retry.hpp"
#include "core/vendor.hpp"

namespace ak {

struct ClientState {
  const Vendor &vendor;
  Settings settings;
  RetryQuota quota;
  RateLimiter limiter;
  Jitter jitter;
  std::unique_ptr<Transport> transport;
  std::unique_ptr<Authenticator> auth;
  std::vector<std::string> option_secrets;  // values of the vendor's secret options

  ClientState(const Vendor &v, Settings s, std::uint64_t seed);

  // Every secret this state knows (options, fetched tokens), for scrubbing.
  std::vector<std::string> secrets() const;
  // e without any secret in its message, raw body or field messages: masked
  // by location, and by text for the secrets long enough (core/redact.hpp).
  void scrub(Error &e) const;
  // The same for one text (a log line).
  void scrub(std::string &text) const;
  // A natural key for a create that came without one ("ak" + 22 characters).
  std::string generate_key();
};

// Builds the state for vendor from its options. log receives each HTTP
// exchange's line (already scrubbed) when logging() says lines are wanted.
// Throws Error(InvalidArgument) for unusable options (a missing credential).
std::shared_ptr<ClientState> build_state(const Vendor &vendor, const Options &options,
                                         std::function<bool()> logging,
                                         std::function<void(const std::string &)> log);

}  // namespace ak

// The retry policy's pieces that hold no state of one operation: the per-client
// retry quota, exponential backoff with full jitter, and what makes a failure
// ambiguous (the request may have been applied). The decisions built on them
// live in the operation state machine (core/engine/machine.hpp).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

#include "core/error.hpp"

namespace ak {

// Retries spend from a per-client quota that successes slowly refill, so a
// vendor outage stops retries instead of multiplying the load (a token bucket).
class RetryQuota {
 public:
  explicit RetryQuota(long capacity) : capacity_(capacity * 10), tenths_(capacity * 10) {}
  // Takes one retry's worth; false when the quota is spent.
  bool take() {
    std::lock_guard lock(mu_);
    if (tenths_ < 10) return false;
    tenths_ -= 10;
    return true;
  }
  // A success gives back a tenth of a retry, up to the capacity.
  void refill() {
    std::lock_guard lock(mu_);
    tenths_ = std::min(capacity_, tenths_ + 1);
  }

 private:
  std::mutex mu_;
  long capacity_, tenths_;  // in tenths of a retry: ten refills make exactly one
};

// The random numbers of one client (backoff jitter, generated keys): seedable
// for tests, shared by threads.
class Jitter {
 public:
  explicit Jitter(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t next() {
    std::lock_guard lock(mu_);
    return rng_();
  }

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
};

// Exponential backoff with full jitter before attempt n+1 (n >= 1 attempts
// made): uniform in [0, min(max, base * 2^(n-1))].
std::chrono::milliseconds backoff(std::chrono::milliseconds base, std::chrono::milliseconds max, int attempt,
                                  Jitter &jitter);

// The request may have been applied although no success was seen: it left,
// and the answer was lost, garbled, a server error, or a vendor code the
// vendor's table marks as possibly half done (99digital reason 31).
bool ambiguous(const Error &e);

// The vendor is known to be done with the attempt: its application answered
// (any HTTP status but a gateway's 502 or 504, which say an upstream may still
// be working on it). Only then does a lookup that finds nothing prove the
// attempt did not apply; a timed-out or dropped request may still land.
bool ended_at_vendor(const Error &e);

}  // namespace ak

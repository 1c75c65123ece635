// Client::State: what a client builds from its options (shared by the
// blocking calls in client.cpp and the batches in batch.cpp). Private.
#pragma once

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "core/client.hpp"
#include "core/auth.hpp"
#include "core/http.hpp"
#include "core/ratelimit.hpp"

namespace ak {

// Retries spend from a per-client quota that successes slowly refill, so a
// vendor outage stops retries instead of multiplying the load (a token bucket).
class RetryQuota {
 public:
  explicit RetryQuota(double capacity) : capacity_(capacity), tokens_(capacity) {}
  bool take() {
    std::lock_guard lock(mu_);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }
  void refill() {
    std::lock_guard lock(mu_);
    tokens_ = std::min(capacity_, tokens_ + 0.1);
  }

 private:
  std::mutex mu_;
  double capacity_, tokens_;
};

struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds base{200}, max{5000}, time_budget{30000}, retry_after_max{60000};
};

struct Client::State {
  std::string base_url;
  bool validate = true;
  std::chrono::milliseconds poll_initial{1000}, poll_max{15000};
  RetryPolicy retry;
  std::unique_ptr<RetryQuota> quota;
  std::unique_ptr<RateLimiter> limiter;
  std::chrono::milliseconds limit_max_wait{60000};
  std::mutex rng_mu;
  std::mt19937_64 rng;
  std::unique_ptr<Transport> transport;
  std::unique_ptr<Authenticator> auth;
  std::vector<std::string> option_secrets;
};

}  // namespace ak

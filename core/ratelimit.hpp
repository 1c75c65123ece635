// Client-side rate limits: a steady pace (requests per second) and sliding
// one-hour budgets for reads and writes (vendors such as Commvault count
// requests per tenant per hour and answer 429 past them). Requests reserve
// their start time, so concurrent callers and batches share one schedule.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace ak {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // 0 turns a limit off.
  RateLimiter(double per_second, long reads_per_hour, long writes_per_hour,
              Clock::duration window = std::chrono::hours(1));

  struct Refusal {
    Clock::duration wait;  // until the earliest slot
    std::string limit;     // the option that holds the request back
  };
  // Reserves the earliest time a request may start (now, when no limit holds
  // it back) and returns it; when that is more than max_wait away, reserves
  // nothing and says which limit and for how long. now is the caller's clock
  // (the engine's; tests pass their own).
  std::optional<Clock::time_point> reserve(Clock::time_point now, bool read, Clock::duration max_wait,
                                           Refusal *refused = nullptr);

  bool limits() const { return spacing_.count() > 0 || reads_.limit > 0 || writes_.limit > 0; }

 private:
  struct Window {
    long limit = 0;
    std::deque<Clock::time_point> starts;  // sorted; reservations may lie ahead
  };
  Clock::time_point earliest(Window &w, Clock::time_point now) const;

  std::mutex mu_;
  Clock::duration spacing_{0};
  Clock::time_point next_{};
  Window reads_, writes_;
  Clock::duration window_;
};

}  // namespace ak

#include "core/ratelimit.hpp"

#include <algorithm>

namespace ak {

RateLimiter::RateLimiter(double per_second, long reads_per_hour, long writes_per_hour, Clock::duration window)
    : window_(window) {
  if (per_second > 0)
    spacing_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / per_second));
  reads_.limit = reads_per_hour;
  writes_.limit = writes_per_hour;
}

// A window admits a request at t when fewer than limit requests start in
// (t - window, t]: with starts sorted, t must follow the limit-th latest start
// by a whole window.
RateLimiter::Clock::time_point RateLimiter::earliest(Window &w, Clock::time_point now) const {
  while (!w.starts.empty() && w.starts.front() <= now - window_) w.starts.pop_front();
  if (w.limit <= 0 || static_cast<long>(w.starts.size()) < w.limit) return now;
  return std::max(now, w.starts[w.starts.size() - static_cast<size_t>(w.limit)] + window_);
}

std::optional<RateLimiter::Clock::time_point> RateLimiter::reserve(Clock::time_point now, bool read,
                                                                   Clock::duration max_wait, Refusal *refused) {
  std::lock_guard lock(mu_);
  Window &w = read ? reads_ : writes_;
  auto by_budget = earliest(w, now);
  auto by_pace = spacing_.count() > 0 ? std::max(now, next_) : now;
  auto at = std::max(by_budget, by_pace);
  if (at - now > max_wait) {
    if (refused) {
      refused->wait = at - now;
      refused->limit = by_budget >= by_pace ? (read ? "reads_per_hour" : "writes_per_hour") : "requests_per_second";
    }
    return std::nullopt;
  }
  if (spacing_.count() > 0) next_ = at + spacing_;
  if (w.limit > 0) w.starts.insert(std::upper_bound(w.starts.begin(), w.starts.end(), at), at);
  return at;
}

}  // namespace ak

// Cancellation: a token that any thread may trigger, once, to stop the
// operations that carry it as soon as they can (a read ends as Cancelled; a
// create or delete that may have reached the vendor as OutcomeUnknown:
// core/engine/machine.hpp). One token may stop many calls, waits and pagers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace ak {

class CancelToken {
 public:
  // Triggers the token: every registered callback runs now, on this thread.
  // Later triggers do nothing. Thread-safe.
  void trigger();
  bool triggered() const;

  // Runs fn when the token is triggered (at once, on this thread, when it
  // already is), until the returned registration is destroyed; after that fn
  // never runs. fn runs with the token's lock held: it must be quick and
  // must not touch the token.
  [[nodiscard]] std::shared_ptr<void> on_trigger(std::function<void()> fn);

  // Sleeps until t or until the token is triggered; true when triggered.
  bool sleep_until(std::chrono::steady_clock::time_point t) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool triggered_ = false;
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, std::function<void()>> callbacks_;
};

}  // namespace ak

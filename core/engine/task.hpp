// What a driver (driver.hpp) runs: a unit of work that does no I/O itself and
// asks, step by step, for what it needs (send a request, sleep, wait for a
// token fetch). Two kinds exist: an operation's life (machine.hpp) and a wait
// for a result to settle (wait.hpp), which runs one operation per poll. Both
// run on the same driver, so a blocking call, a batch and an AsyncClient get
// every rule from the same code.
//
// A task belongs to one driver thread; only cancel() may be called from
// another thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "core/error.hpp"
#include "core/http.hpp"
#include "core/result.hpp"
#include "core/state.hpp"

namespace ak::engine {

using Clock = std::chrono::steady_clock;

// What the task needs from its driver next.
struct Step {
  enum Kind {
    Send,      // perform request(), then report with on_response or on_no_response
    Sleep,     // call next() again at until
    Park,      // call next() again once the authenticator's generation moves past generation
    Finished,  // the outcome is ready
  } kind = Finished;
  Clock::time_point until{};
  std::uint64_t generation = 0;
};

class Task {
 public:
  static constexpr Clock::time_point kNoDeadline = Clock::time_point::max();

  virtual ~Task() = default;

  // The next step, given the time now. After Send, call on_response or
  // on_no_response (not next) once the exchange ends.
  virtual Step next(Clock::time_point now) = 0;
  // The request of the last Send step (credentials included).
  virtual const HttpRequest &request() const = 0;
  // The last Send's answer, or the failure that left it without one.
  virtual void on_response(HttpResponse resp, Clock::time_point now) = 0;
  virtual void on_no_response(Error e, Clock::time_point now) = 0;
  // The driver dropped the last Send's transfer (cancelled or past the
  // deadline): whether it reached the vendor is unknown.
  virtual void interrupt() = 0;
  // The client state of the last Send or Park (its transport, its authenticator).
  virtual ClientState &state() const = 0;
  virtual Clock::time_point deadline() const = 0;

  // The outcome, once next() returned Finished: a result or an error
  // (vendor, operation and message set, secrets scrubbed).
  std::optional<Result> &result() { return result_; }
  std::optional<Error> &error() { return error_; }

  // Stop as soon as possible: the next step ends the task. Thread-safe.
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 protected:
  std::optional<Result> result_;
  std::optional<Error> error_;

 private:
  std::atomic<bool> cancelled_{false};
};

}  // namespace ak::engine

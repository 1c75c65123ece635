// Batch: many operations of one Client in flight at once on the caller's
// thread: the engine's driver (core/engine/driver.hpp) with a queue in front
// of it, so at most max_in_flight operations run at once and the rest start
// in submission order. Each operation is the same state machine ak_call runs
// (validation, generated natural keys, authentication, rate limits, retries
// as timers, the create lookup after a lost answer).
//
// A Batch belongs to one thread at a time; the Client may be used by other
// threads (and other batches) meanwhile.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>

#include "core/client.hpp"

namespace ak {

namespace engine {
class Driver;
class Task;
}  // namespace engine

class Batch {
 public:
  // The most operations one batch may run at once.
  static constexpr std::size_t kMaxInFlight = 1024;

  // max_in_flight (1 to kMaxInFlight) bounds the operations running at once.
  Batch(std::shared_ptr<Client> client, std::size_t max_in_flight);
  ~Batch();
  Batch(const Batch &) = delete;
  Batch &operator=(const Batch &) = delete;

  // Queues an operation under the caller's tag (returned with its outcome).
  // Throws Error(UnknownOperation) for an operation the vendor lacks and
  // Error(InvalidArgument) when the client's options are unusable; every other
  // problem (invalid fields included) is that operation's outcome.
  void submit(std::string_view op, const Value &fields, std::uint64_t tag);
  // Queues a wait for id to settle (Client::wait's rules and arguments;
  // core/engine/wait.hpp) under tag; its timeout counts from now. Throws
  // InvalidArgument for a timeout out of range and UnknownOperation when
  // after's results do not settle.
  void submit_wait(const std::string &id, std::string_view after, double timeout_s, std::uint64_t tag);

  // Operations submitted and not yet taken by next().
  std::size_t pending() const { return pending_; }

  struct Completion {
    std::uint64_t tag = 0;
    std::optional<Result> result;  // set on success
    std::optional<Error> error;    // set on failure (secrets scrubbed)
  };
  // Drives the operations until one finishes, then returns it (in
  // completion order). nullopt when timeout passes first, after wakeup(), or
  // when nothing is pending. A negative timeout waits as long as it takes.
  std::optional<Completion> next(std::chrono::milliseconds timeout);

  // Makes a next() running on another thread return soon (thread-safe).
  void wakeup();

  // Stops every operation submitted under tag, running or queued, as soon as
  // it can: each still completes through next(), as Cancelled (nothing
  // sent, or a read stopped) or OutcomeUnknown (a create or delete that may
  // have reached the vendor). Operations submitted under tag afterwards are
  // cancelled too. Thread-safe.
  void cancel(std::uint64_t tag);

 private:
  struct Queued {
    std::uint64_t tag;
    std::unique_ptr<engine::Task> task;
  };
  void queue(std::uint64_t tag, std::unique_ptr<engine::Task> task);
  void fill();

  std::shared_ptr<Client> client_;
  std::size_t max_in_flight_;
  std::unique_ptr<engine::Driver> driver_;
  std::deque<Queued> queued_;  // not started: over max_in_flight
  std::mutex cancel_mu_;
  std::set<std::uint64_t> cancelled_;  // tags cancel() was called with
  std::size_t pending_ = 0;
};

}  // namespace ak

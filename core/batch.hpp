// Batch: many operations of one Client in flight at once, driven on the
// caller's thread by one curl multi handle (HTTP/2 multiplexing where an https
// server offers it, otherwise a pool of keep-alive connections). Each
// operation gets the same treatment as Client::call: validation, generated
// natural keys, authentication, rate limits, retries with backoff (as timers,
// never sleeping the thread), the create lookup after a lost answer.
//
// A Batch belongs to one thread at a time; the Client may be used by other
// threads (and other batches) meanwhile.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/client.hpp"

namespace ak {

class Batch {
 public:
  // The most exchanges one batch may run at once.
  static constexpr std::size_t kMaxInFlight = 1024;

  // max_in_flight (at least 1) bounds the exchanges running at once; queued
  // operations start in submission order as others finish.
  Batch(std::shared_ptr<Client> client, std::size_t max_in_flight);
  ~Batch();
  Batch(const Batch &) = delete;
  Batch &operator=(const Batch &) = delete;

  // Queues an operation under the caller's tag (returned with its outcome).
  // Throws Error(UnknownOperation) for an operation the vendor lacks and
  // Error(InvalidArgument) when the client's options are unusable; every other
  // problem (invalid fields included) is that operation's outcome.
  void submit(std::string_view op, const Value &fields, std::uint64_t tag);

  // Operations submitted and not yet taken by next().
  std::size_t pending() const { return pending_; }

  struct Completion {
    std::uint64_t tag = 0;
    std::optional<Result> result;  // set on success
    std::optional<Error> error;    // set on failure (secrets scrubbed)
  };
  // Drives the transfers until an operation finishes, then returns it (in
  // completion order). nullopt when timeout passes first or nothing is
  // pending. A negative timeout waits as long as it takes.
  std::optional<Completion> next(std::chrono::milliseconds timeout);

  // Makes a next() running on another thread return soon (thread-safe).
  void wakeup();

 private:
  struct Engine;
  std::unique_ptr<Engine> engine_;
  std::size_t pending_ = 0;
};

}  // namespace ak

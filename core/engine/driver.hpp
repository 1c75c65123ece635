// The driver: runs tasks (task.hpp: operation state machines, machine.hpp,
// and waits, wait.hpp) on one curl multi handle, on the calling thread. It
// performs each task's Send steps as
// transfers (following same-origin redirects of reads), sleeps Sleep steps as
// timers, wakes Park steps when their authenticator's token fetch ends (even
// one made by another thread's driver), aborts transfers past a machine's
// deadline or on cancel, and hands finished machines back in completion
// order. ak_call is a driver with one machine (libcurl's own
// curl_easy_perform runs a private multi handle the same way); a batch is a
// driver with many.
//
// A driver belongs to one thread at a time; wakeup() and cancel() may be
// called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/engine/task.hpp"

typedef void CURLM;

namespace ak::engine {

struct WakeTarget;

class Driver {
 public:
  // keep_connections: idle connections kept for reuse (0: libcurl's default,
  // four per transfer running at the time, which closes a burst's connections
  // as soon as the concurrency dips).
  explicit Driver(std::size_t keep_connections = 0);
  ~Driver();  // abandons what still runs (a create or delete in flight may or may not land)
  Driver(const Driver &) = delete;
  Driver &operator=(const Driver &) = delete;

  // Starts task m under the caller's tag.
  void add(std::unique_ptr<Task> m, std::uint64_t tag);

  struct Done {
    std::uint64_t tag = 0;
    std::unique_ptr<Task> machine;  // finished: result() or error()
  };
  // Drives the machines until one finishes and returns it. nullopt when
  // timeout passes first (negative: no limit), after wakeup(), or when none runs.
  std::optional<Done> next(std::chrono::milliseconds timeout);

  // Machines added and not yet returned by next().
  std::size_t active() const { return entries_.size(); }
  // Makes a next() on another thread return soon. Thread-safe.
  void wakeup();
  // Ends the machine with tag as soon as possible (Cancelled, or
  // OutcomeUnknown when it may have reached the vendor). Thread-safe.
  void cancel(std::uint64_t tag);

 private:
  struct Entry;
  using Clock = engine::Clock;

  // Runs e's machine until it asks for something that takes time.
  void advance(Entry &e, Clock::time_point now);
  void send(Entry &e, Clock::time_point now);
  void park(Entry &e, std::uint64_t generation);
  void finished(Entry &e);
  // A transfer ended with rc: a redirect to follow, or the machine's answer.
  void transfer_done(Entry &e, int rc, Clock::time_point now);
  // Drops e's transfer, if any (a create or delete in flight may land).
  void drop_transfer(Entry &e);
  void fire_timers(Clock::time_point now);
  void wake_parked(Clock::time_point now);
  void take_cancels(Clock::time_point now);
  void unschedule(Entry &e);

  CURLM *multi_ = nullptr;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, std::unique_ptr<Entry>> entries_;  // by id
  std::unordered_map<void *, Entry *> transfers_;                      // by curl easy handle
  std::multimap<Clock::time_point, std::uint64_t> timers_;            // entry ids: sleeps and deadlines
  std::vector<std::uint64_t> parked_;                                   // waiting for a token fetch
  std::deque<Done> done_;
  std::mutex cancel_mu_;
  std::vector<std::uint64_t> cancels_;  // tags, from cancel()
  std::atomic<bool> woken_{false};
  std::atomic<bool> auth_moved_{false};  // a token fetch ended: parked machines may go on
  std::shared_ptr<WakeTarget> wake_;    // what wakers on other threads reach
};

}  // namespace ak::engine

// A wait for an asynchronous result to settle, as a task (task.hpp) the
// driver runs like any operation: each poll is one operation (a Machine with
// every rule of a read: retries, rate limits, re-authentication), and between
// polls the task sleeps as a timer, backing off from the client's
// poll_initial_ms to poll_max_ms and waiting out a 429's Retry-After. A
// settled result may lead on (a Commvault fulfillment to its account): the
// wait follows it within the same deadline. Client::wait, ak_wait_for, a
// batch's wait and AsyncClient.wait all run this one task.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/engine/machine.hpp"

namespace ak {
class Client;
}  // namespace ak

namespace ak::engine {

class WaitTask final : public Task {
 public:
  // The longest wait one call may ask for, in seconds.
  static constexpr double kMaxTimeoutSeconds = 86400;

  // Waits for id, a result of operation after ("" = an account), for at most
  // timeout_s seconds (and not past deadline). Throws InvalidArgument for a
  // timeout out of (0, kMaxTimeoutSeconds], UnknownOperation when after's
  // results do not settle at this vendor.
  WaitTask(Client &client, std::string id, std::string_view after, double timeout_s,
           Clock::time_point deadline = kNoDeadline);

  Step next(Clock::time_point now) override;
  const HttpRequest &request() const override { return poll_->request(); }
  void on_response(HttpResponse resp, Clock::time_point now) override { poll_->on_response(std::move(resp), now); }
  void on_no_response(Error e, Clock::time_point now) override { poll_->on_no_response(std::move(e), now); }
  void interrupt() override { poll_->interrupt(); }
  ClientState &state() const override { return poll_->state(); }
  Clock::time_point deadline() const override { return deadline_; }

 private:
  // Reads the target's current state (the next poll).
  void start_poll();
  // A poll ended: settled (done, or leads on), failed, or pending (sleep).
  void polled(Clock::time_point now);
  // Waits out the pause before the next poll, or ends the wait if it would
  // pass the deadline.
  void pause(Clock::time_point now, std::chrono::milliseconds wait_for);
  void follow(const Settling &settling);
  Error fail(Status status, std::string message) const;
  // "account 42 still provisioning after 3 polls"
  std::string still() const;

  Client &client_;
  const Settling *settling_;
  const Operation *read_ = nullptr;
  std::string what_;  // "account", "fulfillment": what the read operation reads
  std::string target_;
  Clock::time_point deadline_;
  std::unique_ptr<Machine> poll_;  // the poll in flight, or the last one
  bool polling_ = false;
  Clock::time_point wake_{};  // when the next poll starts
  std::chrono::milliseconds delay_{0}, max_delay_{0};
  std::string last_status_ = "unknown";
  int polls_ = 0;
};

}  // namespace ak::engine

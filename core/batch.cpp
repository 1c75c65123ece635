#include "core/batch.hpp"

#include "core/api.hpp"
#include "core/engine/driver.hpp"
#include "core/engine/machine.hpp"
#include "core/engine/wait.hpp"

namespace ak {

Batch::Batch(std::shared_ptr<Client> client, std::size_t max_in_flight)
    : client_(std::move(client)), max_in_flight_(max_in_flight) {
  if (max_in_flight < 1 || max_in_flight > kMaxInFlight)
    throw Error(Status::InvalidArgument, "max_in_flight must be from 1 to " + std::to_string(kMaxInFlight));
  // As many idle connections as may run at once, so that an AsyncClient whose
  // tasks come and go keeps its connections between bursts.
  driver_ = std::make_unique<engine::Driver>(max_in_flight);
}

Batch::~Batch() = default;

void Batch::submit(std::string_view op_name, const Value &fields, std::uint64_t tag) {
  const Operation &op = api::operation(client_->vendor(), op_name);
  queue(tag, std::make_unique<engine::Machine>(*client_, client_->state_for(op), op, fields));
}

void Batch::submit_wait(const std::string &id, std::string_view after, double timeout_s, std::uint64_t tag) {
  queue(tag, std::make_unique<engine::WaitTask>(*client_, id, after, timeout_s));
}

void Batch::queue(std::uint64_t tag, std::unique_ptr<engine::Task> task) {
  queued_.push_back({tag, std::move(task)});
  ++pending_;
  fill();
}

void Batch::fill() {
  while (driver_->active() < max_in_flight_ && !queued_.empty()) {
    Queued q = std::move(queued_.front());
    queued_.pop_front();
    {
      // Cancelled while queued: it stops at its first step, nothing sent.
      std::lock_guard lock(cancel_mu_);
      if (cancelled_.count(q.tag)) q.task->cancel();
    }
    driver_->add(std::move(q.task), q.tag);
  }
}

std::optional<Batch::Completion> Batch::next(std::chrono::milliseconds timeout) {
  if (pending_ == 0) return std::nullopt;
  fill();
  auto done = driver_->next(timeout);
  if (!done) return std::nullopt;
  --pending_;
  fill();
  Completion c;
  c.tag = done->tag;
  engine::Task &m = *done->machine;
  if (m.error()) c.error = std::move(m.error());
  else c.result = std::move(m.result());
  return c;
}

void Batch::wakeup() { driver_->wakeup(); }

void Batch::cancel(std::uint64_t tag) {
  {
    std::lock_guard lock(cancel_mu_);
    cancelled_.insert(tag);
  }
  driver_->cancel(tag);  // those already running
}

}  // namespace ak

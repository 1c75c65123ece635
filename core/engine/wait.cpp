#include "core/engine/wait.hpp"

#include <algorithm>

#include "core/api.hpp"
#include "core/client.hpp"

namespace ak::engine {

WaitTask::WaitTask(Client &client, std::string id, std::string_view after, double timeout_s,
                   Clock::time_point deadline)
    : client_(client), settling_(client.vendor().settling_for(after)), target_(std::move(id)) {
  const Vendor &v = client_.vendor();
  if (!(timeout_s > 0) || timeout_s > kMaxTimeoutSeconds)
    throw fail(Status::InvalidArgument, "timeout must be between 0 and 86400 seconds");
  if (!settling_) {
    if (v.settlings.empty()) throw fail(Status::UnknownOperation, "the vendor has no asynchronous operations");
    throw fail(Status::UnknownOperation,
               "\"" + std::string(after) + "\" is not an operation of " + v.name + " whose results settle later");
  }
  deadline_ = std::min(deadline, Clock::now() + std::chrono::milliseconds(static_cast<long>(timeout_s * 1000)));
  follow(*settling_);  // the first poll starts at once (wake_ is in the past)
}

Error WaitTask::fail(Status status, std::string message) const {
  const std::string &vendor = client_.vendor().name;
  Error e(status, vendor + " wait: " + std::move(message));
  e.vendor = vendor;
  e.operation = "wait";
  e.attempts = polls_;
  return e;
}

std::string WaitTask::still() const {
  return what_ + " " + target_ + " still " + last_status_ + " after " + std::to_string(polls_) + " polls";
}

void WaitTask::follow(const Settling &settling) {
  settling_ = &settling;
  read_ = &api::operation(client_.vendor(), settling.read_op);
  what_ = read_->name.starts_with("get_") ? read_->name.substr(4) : "result";
  const Settings &s = client_.state_for(*read_)->settings;
  delay_ = s.poll_initial;
  max_delay_ = s.poll_max;
  last_status_ = "unknown";
}

Step WaitTask::next(Clock::time_point now) {
  for (;;) {
    if (result_ || error_) return {};
    if (polling_) {
      if (cancelled()) poll_->cancel();
      Step s = poll_->next(now);
      if (s.kind != Step::Finished) return s;
      polling_ = false;
      polled(now);
      continue;
    }
    if (cancelled()) {
      error_ = fail(Status::Cancelled, what_ + " " + target_ + " still " + last_status_ + " when the wait was cancelled");
      continue;
    }
    if (now < wake_) return {Step::Sleep, wake_};
    start_poll();
  }
}

void WaitTask::start_poll() {
  ++polls_;
  Value fields = Value::object();
  fields.set(read_->id_field, target_);
  try {
    poll_ = std::make_unique<Machine>(client_, client_.state_for(*read_), *read_, std::move(fields), deadline_);
    polling_ = true;
  } catch (Error &e) {
    error_ = std::move(e);  // the read's state could not be built (a missing credential)
  }
}

void WaitTask::polled(Clock::time_point now) {
  auto wait_for = delay_;
  if (poll_->result()) {
    Result &r = *poll_->result();
    if (settling_->is_failed(r.status)) {
      Error e = fail(Status::OperationFailed, what_ + " " + target_ + " settled in status \"" + r.status + "\"");
      e.raw_body = to_json(r.data);
      poll_->state().scrub(e);
      error_ = std::move(e);
      return;
    }
    if (!settling_->is_pending(r.status)) {
      const Value *next = settling_->then_id.empty() ? nullptr : r.data.find(settling_->then_id);
      if (!next) {
        result_ = std::move(r);
        return;
      }
      // Settled, and it leads on (a completed fulfillment to its account): poll that at once.
      target_ = next->is_string() ? next->as_string() : to_json(*next);
      const std::string then = settling_->then_read_op;
      for (const auto &st : client_.vendor().settlings)
        if (st.read_op == then) settling_ = &st;
      try {
        follow(*settling_);
      } catch (Error &e) {
        error_ = std::move(e);
      }
      wake_ = now;
      return;
    }
    last_status_ = r.status;
  } else {
    Error &e = *poll_->error();
    if (cancelled()) {
      error_ = fail(Status::Cancelled, what_ + " " + target_ + " still " + last_status_ + " when the wait was cancelled");
      return;
    }
    // The poll in flight ran into the wait's deadline: the wait timed out.
    if (now >= deadline_) return pause(now, wait_for);
    // Rate limits and passing failures are waited out; anything else ends the wait.
    if (e.status == Status::OperationFailed || !(e.status == Status::RateLimited || e.retriable)) {
      error_ = std::move(e);
      return;
    }
    if (e.retry_after >= 0)
      wait_for = std::max<std::chrono::milliseconds>(
          wait_for, std::chrono::milliseconds(static_cast<long>(std::min(e.retry_after, 1e9) * 1000)));
    last_status_ = std::string("unknown (") + status_name(e.status) + ")";
  }
  pause(now, wait_for);
}

void WaitTask::pause(Clock::time_point now, std::chrono::milliseconds wait_for) {
  if (now >= deadline_ || deadline_ - now < wait_for) {
    Error e = fail(Status::Timeout, still() + "; the wait timed out");
    e.retriable = true;
    error_ = std::move(e);
    return;
  }
  wake_ = now + wait_for;
  delay_ = std::min(delay_ * 2, max_delay_);
}

}  // namespace ak::engine

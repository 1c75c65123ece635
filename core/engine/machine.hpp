// One operation's life as a state machine that does no I/O:
//
//   prepare (validate, generate a natural key) -> admit (rate-limit slot) ->
//   authorize (a token fetch is a step) -> send -> decode -> done | retry after
//   a delay | look a lost create up (pages of the vendor's lookup operation,
//   each a child machine) | re-authenticate once | give up.
//
// A driver (core/engine/driver.hpp) performs what next() asks for and reports
// back; the same machine serves ak_call (a batch of one) and batches, so every
// rule of an operation's life is written once, here. Cancellation and a
// deadline are part of the machine: an operation stops where it is, and a
// create or delete that may have reached the vendor ends as OutcomeUnknown,
// never silently.
//
// A machine is a Task (task.hpp): it belongs to one driver thread; only
// cancel() may be called from another thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/engine/task.hpp"
#include "core/pager.hpp"

namespace ak {
class Client;
}  // namespace ak

namespace ak::engine {

class Machine final : public Task {
 public:
  // The pseudo-operation of Client::check_credentials: authorize (fetching a
  // token if the vendor uses one), send nothing else. Its result's status is
  // "checked" when a token was fetched or is cached, "unchecked" otherwise.
  static const Operation &credentials_check();

  // Operation op of client, with fields as the caller gave them (validated by
  // the first step), running with state until deadline.
  Machine(const Client &client, std::shared_ptr<ClientState> state, const Operation &op, Value fields,
          Clock::time_point deadline = kNoDeadline);
  ~Machine() override;
  Machine(const Machine &) = delete;
  Machine &operator=(const Machine &) = delete;

  Step next(Clock::time_point now) override;
  const HttpRequest &request() const override;
  void on_response(HttpResponse resp, Clock::time_point now) override;
  void on_no_response(Error e, Clock::time_point now) override;
  void interrupt() override;
  ClientState &state() const override { return *state_; }
  Clock::time_point deadline() const override { return deadline_; }

  bool finished() const { return phase_ == Phase::Done; }
  const Operation &operation() const { return op_; }
  int attempts() const { return attempts_; }

 private:
  enum class Phase { Prepare, Admit, Authorize, Token, Sending, Backoff, Lookup, Settle, Done };

  // A child: one page of a lost create's lookup, its fields already ours.
  struct Child {};
  Machine(Child, const Client &client, std::shared_ptr<ClientState> state, const Operation &op, Value fields,
          Clock::time_point deadline);

  void prepare(Clock::time_point now);
  Step admit(Clock::time_point now);
  Step authorize(Clock::time_point now);
  Step lookup(Clock::time_point now);
  // An attempt failed: decide what next (phase and outcome).
  void failed(Error e, Clock::time_point now);
  // The retry half of failed(), also where a lookup that found nothing resumes.
  void retry_or_give_up(Error e, Clock::time_point now);
  void start_lookup(Error cause);
  void next_page();
  // A lookup page's items: the candidates among them, or (lookup_detail) the
  // items to read one by one next.
  void take_listed(Value page);
  // The operation whose answers the candidates are (the list, or the detail read).
  const Operation &found_by() const;
  // A lookup walked every page: return the account, resend, look again, or report.
  void resolve(Clock::time_point now);
  // Whether a listed account carries every field this create sent that the list shows.
  bool matches_sent(const Value &item) const;
  void stop();
  void succeed(Result r);
  void finish(Error e);
  Error outcome_unknown(const Error &cause, const std::string &why) const;
  Clock::time_point bounded(Clock::time_point t) const { return t < deadline_ ? t : deadline_; }

  const Client &client_;
  std::shared_ptr<ClientState> state_;
  const Operation &op_;
  Value body_;             // the fields to send (validated, natural key added)
  HttpRequest prepared_;   // the request without credentials
  HttpRequest sent_;       // the last Send's request
  Clock::time_point deadline_;
  Clock::time_point started_{};
  Phase phase_ = Phase::Prepare;
  bool child_ = false;           // a lookup page: fields are ours, no lookup of its own
  int attempts_ = 0;
  bool admitted_ = false;        // holds a rate-limit slot for its next send
  bool refreshed_ = false;       // the token was refreshed for this attempt
  std::uint64_t waited_ = 0;     // the auth generation it parked on
  bool unresolved_ = false;      // a create or delete may have reached the vendor
  bool delete_maybe_applied_ = false;
  Clock::time_point wake_{};     // Backoff: when to try again
  bool key_generated_ = false;   // the natural key is ours, so an account with it is this request's
  // Lookup of a lost create: the failure that caused it, the walks made, the
  // walk and its page in flight, the accounts found with the key.
  std::optional<Error> cause_;
  int lookups_ = 0;
  std::unique_ptr<PageWalk> walk_;
  std::unique_ptr<Machine> page_;
  std::vector<Value> candidates_;
  std::vector<Value> to_read_;   // lookup_detail: listed items not read yet
  bool reading_ = false;         // lookup_detail: page_ is a detail read
};

}  // namespace ak::engine

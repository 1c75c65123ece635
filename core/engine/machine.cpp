#include "core/engine/machine.hpp"

#include <algorithm>

#include "core/api.hpp"
#include "core/client.hpp"
#include "core/request.hpp"

namespace ak::engine {

namespace {

std::chrono::milliseconds seconds_to_ms(double secs) {
  // Clamped: a Retry-After of 1e300 must not overflow into a negative wait.
  if (!(secs >= 0)) secs = 0;
  return std::chrono::milliseconds(static_cast<long>(std::min(secs, 1e9) * 1000));
}

bool changes_state(const Operation &op) { return op.kind == OpKind::Create || op.kind == OpKind::Delete; }

bool checks_credentials(const Operation &op) { return &op == &Machine::credentials_check(); }

}  // namespace

const Operation &Machine::credentials_check() {
  static const Operation check = ak::operation("check_credentials", OpKind::Read, Method::Get, "");
  return check;
}

Machine::Machine(const Client &client, std::shared_ptr<ClientState> state, const Operation &op, Value fields,
                 Clock::time_point deadline)
    : client_(client), state_(std::move(state)), op_(op), body_(std::move(fields)), deadline_(deadline) {}

Machine::Machine(Child, const Client &client, std::shared_ptr<ClientState> state, const Operation &op, Value fields,
                 Clock::time_point deadline)
    : Machine(client, std::move(state), op, std::move(fields), deadline) {
  child_ = true;
}

Machine::~Machine() {
  // A token fetch this machine owned ends with it, so nobody waits for it forever.
  if (phase_ == Phase::Token) state_->auth->fetch_failed(Error(Status::Cancelled, "the token request was abandoned"));
}

const HttpRequest &Machine::request() const { return phase_ == Phase::Lookup ? page_->request() : sent_; }

Step Machine::next(Clock::time_point now) {
  for (;;) {
    if (phase_ == Phase::Done) return {};
    if (cancelled() || now >= deadline_) {
      stop();
      continue;
    }
    switch (phase_) {
      case Phase::Prepare: prepare(now); break;
      case Phase::Admit: return admit(now);
      case Phase::Authorize: return authorize(now);
      case Phase::Backoff:
        if (now < wake_) return {Step::Sleep, bounded(wake_)};
        phase_ = Phase::Admit;
        break;
      case Phase::Lookup: return lookup(now);
      case Phase::Settle:
        if (now < wake_) return {Step::Sleep, bounded(wake_)};
        start_lookup(std::move(*cause_));
        break;
      case Phase::Token:
      case Phase::Sending: return {Step::Send};  // still in flight: nothing new to do
      case Phase::Done: break;
    }
  }
}

void Machine::prepare(Clock::time_point now) {
  started_ = now;
  ClientState &s = *state_;
  if (checks_credentials(op_)) {
    phase_ = Phase::Admit;
    return;
  }
  if (!child_) {
    std::vector<FieldError> errors = api::problems(op_, body_, s.settings.validate);
    if (!errors.empty()) {
      finish(api::validation_error(s.vendor, op_.name, std::move(errors)));
      return;
    }
    if (!body_.is_object()) body_ = Value::object();
    // The natural key lets a lost create be found again: make one if the
    // caller gave none (never for a required field, such as a login email
    // left out with validation off: that is the vendor's to refuse).
    if (op_.kind == OpKind::Create && !op_.natural_key.empty()) {
      const Value *key = body_.find(op_.natural_key);
      const Field *field = op_.request.member(op_.natural_key);
      if ((!key || key->is_null()) && !(field && field->required)) {
        body_.set(op_.natural_key, s.generate_key());
        key_generated_ = true;
      }
    }
  }
  // A path's "{reseller_id}" no field fills comes from the client's option.
  Value fields = s.settings.path_values.empty() ? Value() : body_;
  for (const auto &[name, value] : s.settings.path_values)
    if (op_.path.find("{" + name + "}") != std::string::npos && !fields.find(name)) fields.set(name, value);
  try {
    prepared_ = build_request(s.settings.base_url, op_, fields.is_null() ? body_ : fields);
  } catch (Error &e) {
    finish(std::move(e));
    return;
  }
  phase_ = Phase::Admit;
}

Step Machine::admit(Clock::time_point now) {
  RateLimiter &limiter = state_->limiter;
  if (!admitted_ && limiter.limits() && !checks_credentials(op_)) {
    RateLimiter::Refusal refused;
    auto at = limiter.reserve(now, op_.method == Method::Get, state_->settings.rate_limit_max_wait, &refused);
    if (!at) {
      // Held back by our own rate limit: nothing was sent, and the wait is the caller's call.
      double secs = std::chrono::duration<double>(refused.wait).count();
      Error e(Status::RateLimited, "not sent: the client's " + refused.limit + " limit admits it in " +
                                       std::to_string(static_cast<long>(secs + 0.999)) +
                                       " s, more than rate_limit_max_wait_ms");
      e.retriable = true;
      e.retry_after = secs;
      e.attempts = attempts_;
      finish(std::move(e));
      return {};
    }
    if (*at > now) {
      admitted_ = true;
      return {Step::Sleep, bounded(*at)};
    }
  }
  admitted_ = false;
  ++attempts_;
  sent_ = prepared_;
  phase_ = Phase::Authorize;
  return authorize(now);
}

Step Machine::authorize(Clock::time_point now) {
  Authenticator::Step a = state_->auth->authorize(sent_, waited_);
  switch (a.kind) {
    case Authenticator::Step::Ready:
      waited_ = 0;
      if (checks_credentials(op_)) {
        Result r;
        r.operation = op_.name;
        r.vendor = state_->vendor.name;
        r.status = state_->auth->fetches() ? "checked" : "unchecked";
        succeed(std::move(r));
        return {};
      }
      phase_ = Phase::Sending;
      unresolved_ = unresolved_ || changes_state(op_);  // from here on it may reach the vendor
      return {Step::Send};
    case Authenticator::Step::Fetch:
      waited_ = 0;
      phase_ = Phase::Token;
      sent_ = std::move(a.fetch);
      return {Step::Send};
    case Authenticator::Step::Wait:
      waited_ = a.generation;
      return {Step::Park, deadline_, a.generation};
    case Authenticator::Step::Failed:
      waited_ = 0;
      failed(std::move(a.error), now);
      return next(now);
  }
  return {};
}

void Machine::on_response(HttpResponse resp, Clock::time_point now) {
  if (phase_ == Phase::Lookup) {
    page_->on_response(std::move(resp), now);
    return;
  }
  if (phase_ == Phase::Token) {
    phase_ = Phase::Authorize;
    if (auto e = state_->auth->fetched(resp)) failed(std::move(*e), now);
    // Authorize again: the token is there, or another fetch began meanwhile.
    sent_ = prepared_;
    return;
  }
  try {
    Result r = client_.decode(op_, resp);
    state_->quota.refill();
    succeed(std::move(r));
  } catch (Error &e) {
    // The vendor said our token is no longer valid (so it did nothing):
    // refresh once and resend.
    if (e.token_rejected && !refreshed_ && state_->auth->invalidate(sent_)) {
      refreshed_ = true;
      unresolved_ = false;
      phase_ = Phase::Admit;
      return;
    }
    failed(std::move(e), now);
  }
}

void Machine::on_no_response(Error e, Clock::time_point now) {
  if (phase_ == Phase::Lookup) {
    page_->on_no_response(std::move(e), now);
    return;
  }
  if (phase_ == Phase::Token) state_->auth->fetch_failed(e);
  failed(std::move(e), now);
}

void Machine::interrupt() {
  if (phase_ == Phase::Lookup) {
    page_->interrupt();
    return;
  }
  // A token request it owned ends here, so that nobody waits for it; what
  // the operation ends as, next() decides (it is cancelled or past its deadline).
  if (phase_ == Phase::Token) {
    state_->auth->fetch_failed(Error(Status::Cancelled, "the token request was abandoned"));
    phase_ = Phase::Authorize;
  }
}

void Machine::failed(Error e, Clock::time_point now) {
  e.attempts = attempts_;
  // An answer we could not read is worth another try: reads and updates are
  // idempotent, a delete resent finds the account gone, and a create is looked up first.
  if (e.status == Status::Decode && e.http_status != 0) e.retriable = true;
  // Held back by our own rate limit: nothing was sent, and the wait is the caller's call.
  if (e.status == Status::RateLimited && e.http_status == 0) return finish(std::move(e));
  bool unclear = ambiguous(e);
  if (phase_ == Phase::Sending) unresolved_ = changes_state(op_) && unclear;
  if (op_.kind == OpKind::Create && unclear && !child_) {
    // Never resent blindly: find out whether the attempt landed. A key that
    // is no text (sent with validation off) cannot be looked for either.
    const Value *key = op_.natural_key.empty() ? nullptr : body_.find(op_.natural_key);
    const auto &detail = op_.lookup_detail;
    const Value *sent = detail.read_op.empty() ? key : get_path(body_, detail.sent);
    if (op_.lookup_op.empty() || !key || !key->is_string() || !sent || !sent->is_string()) {
      Error u = outcome_unknown(e, state_->vendor.name + " has no key to look the account up by: list accounts "
                                                         "(for example by email) before creating it again");
      u.raw_body = e.raw_body;
      return finish(std::move(u));
    }
    return start_lookup(std::move(e));
  }
  retry_or_give_up(std::move(e), now);
}

void Machine::retry_or_give_up(Error e, Clock::time_point now) {
  const Settings &set = state_->settings;
  // A delete resent after an unanswered attempt finds the account gone: that attempt did it.
  if (op_.kind == OpKind::Delete && delete_maybe_applied_ && e.status == Status::NotFound)
    return succeed(client_.item_result(op_, Value::object()));
  if (!e.retriable) return finish(std::move(e));
  if (attempts_ >= set.max_attempts) {
    e.message += " (gave up after " + std::to_string(attempts_) + " attempts)";
    return finish(std::move(e));
  }
  auto delay = backoff(set.retry_base, set.retry_max, attempts_, state_->jitter);
  if (e.retry_after >= 0) {
    auto asked = seconds_to_ms(e.retry_after);
    if (asked > set.retry_after_max) return finish(std::move(e));  // longer than we may wait: the caller decides
    delay = std::max(delay, asked);
  }
  if (now + delay - started_ > set.retry_time_budget) {
    e.message += " (retry time budget exhausted after " + std::to_string(attempts_) + " attempts)";
    return finish(std::move(e));
  }
  if (!state_->quota.take()) {
    e.message += " (retry quota exhausted: the vendor keeps failing, not retrying)";
    return finish(std::move(e));
  }
  delete_maybe_applied_ = delete_maybe_applied_ || (op_.kind == OpKind::Delete && ambiguous(e));
  unresolved_ = delete_maybe_applied_;
  client_.log(LogLevel::Warning, state_->vendor.name + " " + op_.name + ": attempt " + std::to_string(attempts_) +
                                     " failed (" + e.message + "); retrying in " + std::to_string(delay.count()) +
                                     " ms");
  refreshed_ = false;
  wake_ = now + delay;
  phase_ = Phase::Backoff;
}

void Machine::start_lookup(Error cause) {
  const Operation &list = api::operation(state_->vendor, op_.lookup_op);
  cause_ = std::move(cause);
  ++lookups_;
  candidates_.clear();
  to_read_.clear();
  reading_ = false;
  Value filters = Value::object();
  if (!op_.lookup_filter.empty()) put_path(filters, op_.lookup_filter) = *body_.find(op_.natural_key);
  walk_ = std::make_unique<PageWalk>(list, std::move(filters));
  next_page();
  phase_ = Phase::Lookup;
}

void Machine::next_page() {
  page_.reset(new Machine(Child{}, client_, state_, walk_->operation(), walk_->page_fields(), deadline_));
}

Step Machine::lookup(Clock::time_point now) {
  for (;;) {
    Step s = page_->next(now);
    if (s.kind != Step::Finished) return s;
    if (page_->error()) {
      finish(outcome_unknown(*cause_, "looking it up failed: " + page_->error()->message));
      return {};
    }
    Value answer = std::move(page_->result()->data);
    if (!reading_) {
      take_listed(std::move(answer));
    } else if (const Value *k = get_path(answer, op_.lookup_detail.key_path);
               k && k->is_string() && k->as_string() == body_.find(op_.natural_key)->as_string()) {
      candidates_.push_back(std::move(answer));
    }
    if (!walk_->done()) {
      next_page();
      continue;
    }
    if (!to_read_.empty()) {
      // Read the next listed item in full: only that shows its natural key.
      const Operation &read = found_by();
      Value fields = Value::object();
      const Value *id = to_read_.back().find(walk_->operation().result_id);
      fields.set(read.id_field, id ? *id : Value());
      to_read_.pop_back();
      reading_ = true;
      page_.reset(new Machine(Child{}, client_, state_, read, std::move(fields), deadline_));
      continue;
    }
    resolve(now);
    return next(now);
  }
}

void Machine::take_listed(Value page) {
  const auto &detail = op_.lookup_detail;
  const std::string &field = detail.read_op.empty() ? op_.natural_key : detail.listed;
  const Value *want = detail.read_op.empty() ? body_.find(op_.natural_key) : get_path(body_, detail.sent);
  // Every item with the key, on every page: references are labels, not
  // unique ids, so the first one found may be another customer's.
  for (Value &item : walk_->take(std::move(page))) {
    const Value *v = item.find(field);
    if (!v || !v->is_string() || v->as_string() != want->as_string()) continue;
    (detail.read_op.empty() ? candidates_ : to_read_).push_back(std::move(item));
  }
}

const Operation &Machine::found_by() const {
  return api::operation(state_->vendor, op_.lookup_detail.read_op.empty() ? op_.lookup_op : op_.lookup_detail.read_op);
}

bool Machine::matches_sent(const Value &item) const {
  if (!item.is_object()) return false;
  for (const auto &[name, listed] : item.as_object()) {
    const Value *sent = body_.find(name);
    if (!sent || sent->is_null() || name == op_.natural_key) continue;
    // A list may show a number as text ("agents": "5"): same text, same value.
    bool same = *sent == listed || (sent->is_int() && listed.is_string() && to_json(*sent) == listed.as_string()) ||
                (sent->is_string() && listed.is_int() && sent->as_string() == to_json(listed));
    if (!same) return false;
  }
  return true;
}

void Machine::resolve(Clock::time_point now) {
  page_.reset();
  walk_.reset();
  phase_ = Phase::Done;  // each branch below sets what comes next
  std::vector<const Value *> ours;
  for (const Value &c : candidates_)
    if (key_generated_ || matches_sent(c)) ours.push_back(&c);
  const bool provable = ours.size() == 1 && (!key_generated_ || candidates_.size() == 1);
  if (provable) {
    Result r = client_.item_result(found_by(), *ours.front());
    r.operation = op_.name;
    r.recovered = true;
    for (const auto &f : op_.recovery_lacks)
      if (!r.data.find(f)) r.unavailable.push_back(f);
    client_.log(LogLevel::Info, state_->vendor.name + " " + op_.name + ": the lost answer's account exists (" +
                                    op_.natural_key + " " + body_.find(op_.natural_key)->as_string() + ", id " +
                                    r.id + "); returning it");
    cause_.reset();
    return succeed(std::move(r));
  }
  const bool ended = ended_at_vendor(*cause_);
  if (candidates_.empty() && ended) {
    // The vendor answered, and no account has the key: certainly not applied, so resending is safe.
    Error cause = std::move(*cause_);
    cause_.reset();
    unresolved_ = false;
    cause.retriable = true;
    return retry_or_give_up(std::move(cause), now);
  }
  // Ours may still be on its way (the attempt was cut off, not answered):
  // look once more after the settle time, then report.
  if (ours.empty() && !ended && lookups_ < 2) {
    wake_ = now + state_->settings.lookup_settle;
    phase_ = Phase::Settle;
    return;
  }
  const std::string label = op_.natural_key + " \"" + body_.find(op_.natural_key)->as_string() + "\"";
  std::string why;
  if (candidates_.empty()) {
    why = "no account has " + label + " after " + std::to_string(lookups_) +
          " lookups; the vendor may still be creating it (the attempt was cut off, not answered)";
  } else {
    const Operation &list = found_by();
    why = std::to_string(candidates_.size()) + " account" + (candidates_.size() == 1 ? " has " : "s have ") +
          label + " and " + (ours.empty() ? "none matches" : std::to_string(ours.size()) + " match") +
          " every field this request sent, so none is provably this request's";
    std::string ids;
    std::vector<std::string> found;
    for (const Value &c : candidates_) {
      const Value *id = c.find(list.result_id);
      found.push_back(!id ? "?" : id->is_string() ? id->as_string() : to_json(*id));
      if (found.size() <= 20) ids += (ids.empty() ? "" : ", ") + found.back();
    }
    why += " (candidate ids: " + ids + (found.size() > 20 ? ", ..." : "") + ")";
    Error u = outcome_unknown(*cause_, why);
    u.candidates = std::move(found);
    return finish(std::move(u));
  }
  finish(outcome_unknown(*cause_, why));
}

Error Machine::outcome_unknown(const Error &cause, const std::string &why) const {
  std::string how = why;
  if (!op_.natural_key.empty() && !op_.lookup_op.empty()) {
    const Value *key = body_.find(op_.natural_key);
    if (key && key->is_string())
      how += ": look for " + op_.natural_key + " \"" + key->as_string() + "\" with " + op_.lookup_op +
             " before creating it again";
  }
  Error e(Status::OutcomeUnknown, op_.name + " may or may not have been applied (" + cause.message + "), and " + how);
  if (op_.natural_key.empty() || op_.lookup_op.empty())
    e.message = op_.name + " may or may not have been applied (" + cause.message + "); " + how;
  e.attempts = attempts_;
  e.http_status = cause.http_status;
  return e;
}

void Machine::stop() {
  const bool cancel = cancelled();
  // A token fetch it owned ends here, so that nobody waits for it.
  if (phase_ == Phase::Token) state_->auth->fetch_failed(Error(Status::Cancelled, "the token request was abandoned"));
  if (phase_ == Phase::Lookup && page_) page_.reset();  // its transfer was dropped by the driver
  Error why(cancel ? Status::Cancelled : Status::Timeout,
            cancel ? "cancelled" : "the operation's deadline passed");
  why.attempts = attempts_;
  // It may have reached the vendor: say so, never a silent failure.
  const std::string what = cancel ? "it was cancelled" : "its deadline passed";
  if (cause_) return finish(outcome_unknown(*cause_, what + " before that could be checked"));
  if (unresolved_) {
    why.message = what + " while it may have been on its way";
    return finish(outcome_unknown(why, op_.kind == OpKind::Delete ? "check that the account is gone"
                                                                   : "it was not checked"));
  }
  why.message = op_.name + (cancel ? " was cancelled" : " ran out of time (its deadline passed)") +
                (attempts_ ? " after " + std::to_string(attempts_) + " attempt" + (attempts_ == 1 ? "" : "s") +
                                 " that did not succeed"
                           : " before anything was sent");
  why.retriable = !cancel;
  finish(std::move(why));
}

void Machine::succeed(Result r) {
  // A create's result carries the natural key it was sent with (generated or not).
  if (!op_.natural_key.empty() && !r.data.find(op_.natural_key))
    if (const Value *key = body_.find(op_.natural_key)) r.data.set(op_.natural_key, *key);
  result_ = std::move(r);
  phase_ = Phase::Done;
}

void Machine::finish(Error e) {
  if (!child_) client_.finalize(*state_, op_, e);
  error_ = std::move(e);
  phase_ = Phase::Done;
}

}  // namespace ak::engine

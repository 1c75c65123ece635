// Cancellation tokens and per-call options (accountkit.h, "cancellation and
// deadlines"): the engine stops an operation where it is (core/cancel.hpp,
// core/engine/machine.hpp); these entry points only carry the token and the
// deadline to it.
#include <chrono>
#include <memory>
#include <stdexcept>

#include "guard.hpp"
#include "handles.hpp"

namespace {

using Clock = std::chrono::steady_clock;


template <class Fn>
ak_status guard(ak_error **err, Fn &&fn) {
  return akc::guard(err, new_error, std::forward<Fn>(fn));
}

using akc::need;

// What opts asks for: its token and its deadline (max: none).
struct Carried {
  std::shared_ptr<ak::CancelToken> cancel;
  Clock::time_point deadline = Clock::time_point::max();
  double timeout_s = 0;
};

Carried carried(const ak_call_options *opts) {
  Carried c;
  if (!opts) return c;
  if (opts->version != AK_CALL_OPTIONS_VERSION)
    throw std::invalid_argument("ak_call_options.version must be AK_CALL_OPTIONS_VERSION (" +
                                std::to_string(AK_CALL_OPTIONS_VERSION) + ")");
  if (!(opts->timeout_s >= 0) || opts->timeout_s > 86400)
    throw std::invalid_argument("ak_call_options.timeout_s must be from 0 (none) to 86400 seconds");
  if (opts->cancel) c.cancel = opts->cancel->token;
  c.timeout_s = opts->timeout_s;
  if (opts->timeout_s > 0)
    c.deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(opts->timeout_s * 1000));
  return c;
}

}  // namespace

extern "C" {

ak_status ak_cancel_new(ak_cancel **out, ak_error **err) {
  if (out) *out = nullptr;
  return guard(err, [&] {
    need(out, "out");
    *out = new ak_cancel{std::make_shared<ak::CancelToken>()};
  });
}

void ak_cancel_trigger(ak_cancel *token) {
  if (token) token->token->trigger();
}

int ak_cancel_is_triggered(const ak_cancel *token) { return token && token->token->triggered() ? 1 : 0; }

void ak_cancel_free(ak_cancel *token) { delete token; }

ak_status ak_call_with(ak_result **out, ak_client *c, const char *operation, const ak_fields *fields,
                       const ak_call_options *opts, ak_error **err) {
  if (out) *out = nullptr;
  return guard(err, [&] {
    need(out, "out");
    need(c, "client");
    need(operation, "operation");
    Carried how = carried(opts);
    static const ak::Value empty = ak::Value::object();
    auto result = std::make_unique<ak_result>();
    result->r = c->client->call(operation, fields ? fields->v : empty, how.deadline, how.cancel);
    *out = result.release();
  });
}

ak_status ak_wait_with(ak_result **out, ak_client *c, const char *after, const char *id, double timeout_s,
                       const ak_call_options *opts, ak_error **err) {
  if (out) *out = nullptr;
  return guard(err, [&] {
    need(out, "out");
    need(c, "client");
    need(id, "id");
    Carried how = carried(opts);
    auto result = std::make_unique<ak_result>();
    result->r = c->client->wait(id, timeout_s, after ? after : "", how.cancel, how.deadline);
    *out = result.release();
  });
}

ak_status ak_list_with(ak_pager **out, ak_client *c, const char *operation, const ak_fields *filters,
                       const ak_call_options *opts, ak_error **err) {
  if (out) *out = nullptr;
  return guard(err, [&] {
    need(out, "out");
    need(c, "client");
    need(operation, "operation");
    Carried how = carried(opts);
    *out = new ak_pager{ak::Pager(c->client, operation, filters ? filters->v : ak::Value::object(), how.cancel,
                                  how.deadline)};
  });
}

void ak_batch_cancel(ak_batch *b, uint64_t tag) {
  if (b) b->batch.cancel(tag);
}

}  // extern "C"

// Client: one vendor, its options and credentials, a transport and a token
// cache. call() validates, builds the request, authenticates, sends, decodes.
// A Client may be used from many threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/ratelimit.hpp"
#include "core/vendor.hpp"

namespace ak {

struct Result {
  Value data;          // the vendor's response fields by their own names
  std::string id;      // the account id as text, when the response names one
  std::string status;  // normalised account status, when the response has one
  std::string vendor, operation;
  long http_status = 0;
  std::string request_id;
};

enum class LogLevel { Debug = 10, Info = 20, Warning = 30, Error = 40 };
// Receives redacted log lines; called on the thread making the call.
using Logger = std::function<void(LogLevel, const std::string &)>;

class Client : public std::enable_shared_from_this<Client> {
 public:
  explicit Client(const Vendor &vendor);
  ~Client();

  // Sets an option by name (the generic ones listed in accountkit.h, plus the
  // vendor's credential names). Takes effect for calls that start afterwards.
  void set_option(const std::string &name, const std::string &value);
  void set_logger(Logger logger, LogLevel min_level);

  // Validates, then sends with retries where safe: reads, updates and deletes
  // on retriable errors; a create only when it certainly did not land (it is
  // looked up by its natural key after an ambiguous failure, or fails with
  // OutcomeUnknown where the vendor has none). Clients must be made with
  // std::make_shared (list lookups need shared ownership).
  Result call(std::string_view op, const Value &fields);

  // For asynchronous vendors: polls the vendor's read operation for account id
  // with exponential backoff (options poll_initial_ms, poll_max_ms), waiting
  // out 429 Retry-After, until the status leaves the pending set. Returns the
  // settled account; throws OperationFailed for a failure status and Timeout
  // when timeout passes first.
  Result wait(const std::string &id, std::chrono::milliseconds timeout);

  // The result for one item of a list operation (id and status filled in).
  Result item_result(const Operation &op, Value item) const;

  const Vendor &vendor() const { return vendor_; }

 private:
  friend class Batch;  // runs the same steps as call(), on curl multi
  struct State;  // built lazily from the options; replaced when they change
  std::shared_ptr<State> state();
  // The state, with a failure to build it named after op.
  std::shared_ptr<State> state_for(const Operation &op);
  // Validates fields and fills in a generated natural key: the body to send.
  Value prepare(State &s, const Operation &op, const Value &fields);
  // The request for body, without credentials.
  HttpRequest build_request(State &s, const Operation &op, const Value &body) const;
  // Waits for the client's rate limits to admit one request of op (throws
  // RateLimited when that would take longer than rate_limit_max_wait_ms).
  void admit(State &s, const Operation &op) const;
  // The error for a request the rate limits hold back longer than allowed (nothing was sent).
  static Error held_back(const RateLimiter::Refusal &refused);
  // The result of a response, or Error with HTTP status and request id.
  Result decode(const Operation &op, const HttpResponse &resp) const;
  struct Attempts {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    int count = 0;
    bool delete_maybe_applied = false;
  };
  // Decides after failed attempt a.count: returns the call's result (a create
  // found by its key, a resent delete that finds the account gone) or the
  // delay before the next attempt; throws the error the call ends with.
  std::variant<Result, std::chrono::milliseconds> after_failure(State &s, const Operation &op, const Value &body,
                                                                Error &e, Attempts &a);
  // after_failure would look the create up by its natural key (slow: it lists accounts).
  static bool needs_lookup(const Operation &op, const Error &e);
  // A create's result carries the natural key it was sent with (generated or not).
  static void keep_natural_key(const Operation &op, const Value &body, Result &r);
  // The error as the caller sees it: vendor, operation, message prefix, no secrets.
  void finalize(State &s, const Operation &op, Error &e) const;
  Result call_with_retries(State &s, const Operation &op, const Value &body);
  // One send (plus one resend after a token refresh); counts sends in attempts.
  Result call_once(State &s, const Operation &op, const Value &body, int &attempts);
  std::optional<Result> find_created(const Operation &op, const Value &body, const Error &cause);
  std::chrono::milliseconds backoff(State &s, int attempt) const;
  std::string generate_key(State &s) const;
  std::vector<std::string> secrets(const State &s) const;
  void scrub(State &s, Error &e) const;
  bool logs(LogLevel level) const;
  void log(LogLevel level, const std::string &message) const;

  const Vendor &vendor_;
  std::mutex mu_;
  Options options_;
  std::shared_ptr<State> state_;
  mutable std::mutex log_mu_;
  Logger logger_;
  LogLevel log_level_ = LogLevel::Info;
};

// Walks every page of a list operation lazily, one item at a time.
class Pager {
 public:
  // Throws Error(UnknownOperation) if op is not a list operation.
  Pager(std::shared_ptr<Client> client, std::string_view op, Value filters);
  // The next item, or nullopt after the last one. Throws Error; after an error
  // the same page is fetched again on the next call.
  std::optional<Result> next();

 private:
  void fetch_page();

  std::shared_ptr<Client> client_;
  const Operation *op_;
  Value filters_;
  std::vector<Value> items_;
  size_t pos_ = 0;
  std::int64_t page_ = 0;
  std::int64_t page_size_ = 0;
  std::int64_t seen_ = 0;
  bool done_ = false;
};

// Replaces every occurrence of each secret in text with "***".
void scrub_text(std::string &text, const std::vector<std::string> &secrets);

// Encodes top-level fields as a query string: scalars as k=v, objects as
// k[sub]=v, arrays as k[]=v, null as k= ; percent-encoded.
std::string encode_query(const Value &fields);

}  // namespace ak

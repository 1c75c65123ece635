// Client: one vendor, its options and credentials, and the state built from
// them (transport, token cache, rate limits). call() runs one operation
// through the engine (core/engine): a batch of one on the calling thread. A
// Client may be used from many threads at once, and must be made with
// std::make_shared (batches and pagers keep it alive).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/cancel.hpp"
#include "core/result.hpp"
#include "core/state.hpp"
#include "core/vendor.hpp"

namespace ak {

namespace engine {
class Driver;
class Machine;
class Task;
}

enum class LogLevel { Debug = 10, Info = 20, Warning = 30, Error = 40 };
// Receives redacted log lines; called on the thread making the call.
using Logger = std::function<void(LogLevel, const std::string &)>;

class Client : public std::enable_shared_from_this<Client> {
 public:
  explicit Client(const Vendor &vendor);
  ~Client();

  // Sets an option by name (core/options.hpp, plus the vendor's credential
  // names); a bad name or value fails here. Calls that start afterwards use it.
  void set_option(const std::string &name, const std::string &value);
  void set_logger(Logger logger, LogLevel min_level);

  // Runs op with fields and returns its result, or throws the Error it ended
  // with (validation, retries, exactly-once creates: core/engine/machine.hpp).
  // A deadline bounds the whole operation, the exchange in flight included;
  // triggering cancel (from any thread) stops it as soon as it can.
  Result call(std::string_view op, const Value &fields,
              std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max(),
              std::shared_ptr<CancelToken> cancel = nullptr);

  // Checks the credentials without touching an account: fetches a token if
  // the vendor uses one (a refusal is remembered like any other). Returns
  // false when the vendor's credential is only checked by a real call (a
  // static token). Throws the Error (Auth for a refusal).
  bool check_credentials();

  // For asynchronous vendors: polls the read operation that follows a result
  // of operation after (empty: an account) for id, with exponential backoff
  // (options poll_initial_ms, poll_max_ms), waiting out 429 Retry-After,
  // until the status leaves the pending set, then follows what it leads to (a
  // fulfillment to its account) within the same timeout (core/engine/wait.hpp).
  // Returns the settled account; throws OperationFailed for a failure status,
  // Timeout when timeout_s (or deadline) passes first, InvalidArgument for a
  // timeout_s out of (0, 86400], UnknownOperation when after's results do not
  // settle, Cancelled when cancel is triggered (the poll in flight is stopped too).
  Result wait(const std::string &id, double timeout_s, std::string_view after = {},
              std::shared_ptr<CancelToken> cancel = nullptr,
              std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());

  const Vendor &vendor() const { return vendor_; }

  // The state operations of op start with (built from the options on first
  // use); a failure to build it (a missing credential) is named after op.
  std::shared_ptr<ClientState> state_for(const Operation &op);

  // What the engine asks of the client:
  // the result of a response, or Error with HTTP status and request id;
  Result decode(const Operation &op, const HttpResponse &resp) const;
  // the result for one item of a list operation (id and status filled in);
  Result item_result(const Operation &op, Value item) const;
  // the error as the caller sees it: vendor, operation, message prefix, no secrets;
  void finalize(const ClientState &s, const Operation &op, Error &e) const;
  bool logs(LogLevel level) const;
  void log(LogLevel level, const std::string &message) const;

 private:
  std::shared_ptr<ClientState> state();
  // Runs one task to its end on a pooled driver (a batch of one); cancel,
  // when triggered, stops it.
  std::unique_ptr<engine::Task> run(std::unique_ptr<engine::Task> task,
                                    const std::shared_ptr<CancelToken> &cancel = nullptr);
  // Drivers for blocking calls, kept between calls (a multi handle each).
  std::unique_ptr<engine::Driver> take_driver();
  void give_back(std::unique_ptr<engine::Driver> d);

  const Vendor &vendor_;
  mutable std::mutex mu_;  // options_ and state_
  Options options_;
  std::shared_ptr<ClientState> state_;
  mutable std::mutex log_mu_;
  Logger logger_;
  LogLevel log_level_ = LogLevel::Info;
  std::mutex drivers_mu_;
  std::vector<std::unique_ptr<engine::Driver>> idle_drivers_;
};

}  // namespace ak

#include "core/client.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/api.hpp"
#include "core/engine/driver.hpp"
#include "core/engine/machine.hpp"
#include "core/engine/wait.hpp"
#include "core/options.hpp"
#include "core/redact.hpp"

namespace ak {

namespace {

bool has_control_break(const std::string &s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos;
}

}  // namespace

Client::Client(const Vendor &vendor) : vendor_(vendor) {}
Client::~Client() = default;

void Client::set_option(const std::string &name, const std::string &value) {
  const OptionSpec *spec = find_option_spec(name);
  const auto &creds = vendor_.credential_options;
  if (!spec && std::find(creds.begin(), creds.end(), name) == creds.end()) {
    std::string names;
    for (const auto &o : option_table()) names += std::string(o.name) + ", ";
    for (const auto &n : creds) names += n + ", ";
    names.resize(names.size() - 2);
    throw Error(Status::InvalidArgument, vendor_.name + ": unknown option \"" + name + "\" (known: " + names + ")");
  }
  // Option values end up in headers and URLs (tokens, base_url).
  if (has_control_break(value))
    throw Error(Status::InvalidArgument, "option \"" + name + "\" must not contain CR, LF or NUL");
  if (spec) {
    // Check the value now, so a bad one fails where it was set.
    Settings scratch = Settings::defaults(vendor_);
    if (!(spec->type == OptionType::Url && value.empty())) apply_option(*spec, value, scratch);
    if (std::string_view(spec->name) == "verify_tls" && !scratch.verify_tls)
      log(LogLevel::Warning, vendor_.name + ": TLS verification is turned off; use this only against test servers");
  }
  std::lock_guard lock(mu_);
  options_[name] = value;
  state_.reset();
}

std::shared_ptr<ClientState> Client::state() {
  std::lock_guard lock(mu_);
  if (state_) return state_;
  state_ = build_state(
      vendor_, options_, [this] { return logs(LogLevel::Debug); },
      [this](const std::string &line) { log(LogLevel::Debug, line); });
  return state_;
}

std::shared_ptr<ClientState> Client::state_for(const Operation &op) {
  try {
    return state();
  } catch (Error &e) {
    e.vendor = vendor_.name;
    e.operation = op.name;
    throw;
  }
}

void Client::set_logger(Logger logger, LogLevel min_level) {
  std::lock_guard lock(log_mu_);
  logger_ = std::move(logger);
  log_level_ = min_level;
}

bool Client::logs(LogLevel level) const {
  std::lock_guard lock(log_mu_);
  return logger_ && level >= log_level_;
}

void Client::log(LogLevel level, const std::string &message) const {
  Logger logger;
  {
    std::lock_guard lock(log_mu_);
    if (!logger_ || level < log_level_) return;
    logger = logger_;
  }
  // Lines from the engine carry vendor text (an error's message): they are
  // cleaned like errors are, with the secrets the client knows now.
  std::shared_ptr<ClientState> st;
  {
    std::lock_guard lock(mu_);
    st = state_;
  }
  std::string text = message;
  if (st) st->scrub(text);
  else mask_by_location(text);
  logger(level, text);
}

void Client::finalize(const ClientState &s, const Operation &op, Error &e) const {
  e.vendor = vendor_.name;
  e.operation = op.name;
  if (!e.message.starts_with(vendor_.name + " ")) e.message = vendor_.name + " " + op.name + ": " + e.message;
  s.scrub(e);
}

std::unique_ptr<engine::Driver> Client::take_driver() {
  {
    std::lock_guard lock(drivers_mu_);
    if (!idle_drivers_.empty()) {
      auto d = std::move(idle_drivers_.back());
      idle_drivers_.pop_back();
      return d;
    }
  }
  return std::make_unique<engine::Driver>();
}

void Client::give_back(std::unique_ptr<engine::Driver> d) {
  std::lock_guard lock(drivers_mu_);
  idle_drivers_.push_back(std::move(d));
}

std::unique_ptr<engine::Task> Client::run(std::unique_ptr<engine::Task> task,
                                          const std::shared_ptr<CancelToken> &cancel) {
  // A batch of one on this thread, on a driver kept for the next call. Each
  // run has its own tag, so a cancel that comes too late for it finds no
  // machine of a later run on the same driver.
  static std::atomic<std::uint64_t> runs{0};
  const std::uint64_t tag = ++runs;
  std::unique_ptr<engine::Driver> driver = take_driver();
  if (cancel && cancel->triggered()) task->cancel();  // stops at its first step: nothing sent
  driver->add(std::move(task), tag);
  std::shared_ptr<void> stop;
  if (cancel) stop = cancel->on_trigger([d = driver.get(), tag] { d->cancel(tag); });
  std::optional<engine::Driver::Done> done;
  while (!(done = driver->next(std::chrono::milliseconds(-1)))) {
  }
  stop.reset();  // before the driver serves another call
  give_back(std::move(driver));
  return std::move(done->machine);
}

Result Client::call(std::string_view op_name, const Value &fields, std::chrono::steady_clock::time_point deadline,
                    std::shared_ptr<CancelToken> cancel) {
  const Operation &op = api::operation(vendor_, op_name);
  auto m = run(std::make_unique<engine::Machine>(*this, state_for(op), op, fields, deadline), cancel);
  if (m->error()) throw std::move(*m->error());
  return std::move(*m->result());
}

bool Client::check_credentials() {
  const Operation &check = engine::Machine::credentials_check();
  auto m = run(std::make_unique<engine::Machine>(*this, state_for(check), check, Value::object()));
  if (m->error()) throw std::move(*m->error());
  return m->result()->status == "checked";
}

Result Client::decode(const Operation &op, const HttpResponse &resp) const {
  try {
    Result r = item_result(op, vendor_.decode(op, resp));
    r.http_status = resp.status;
    r.request_id = resp.request_id;
    return r;
  } catch (Error &e) {
    if (e.http_status == 0) e.http_status = resp.status;
    if (e.request_id.empty()) e.request_id = resp.request_id;
    throw;
  }
}

Result Client::item_result(const Operation &op, Value item) const {
  Result r;
  r.data = std::move(item);
  r.vendor = vendor_.name;
  r.operation = op.name;
  if (!op.result_id.empty()) {
    if (const Value *id = r.data.find(op.result_id); id && !id->is_null())
      r.id = id->is_string() ? id->as_string() : to_json(*id);
  }
  r.status = vendor_.status_of(op, r.data);
  return r;
}

Result Client::wait(const std::string &id, double timeout_s, std::string_view after,
                    std::shared_ptr<CancelToken> cancel, std::chrono::steady_clock::time_point deadline) {
  auto t = run(std::make_unique<engine::WaitTask>(*this, id, after, timeout_s, deadline), cancel);
  if (t->error()) throw std::move(*t->error());
  return std::move(*t->result());
}

}  // namespace ak

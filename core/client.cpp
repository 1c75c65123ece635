#include "core/client.hpp"

#include <algorithm>
#include <charconv>
#include <random>
#include <thread>

#include "core/api.hpp"
#include "core/auth.hpp"
#include "core/client_state.hpp"

namespace ak {

namespace {

const std::vector<std::string> kGenericOptions = {
    "base_url", "timeout_ms", "connect_timeout_ms", "verify_tls", "validate",
    "max_response_bytes", "ca_file", "user_agent", "poll_initial_ms", "poll_max_ms",
    "max_attempts", "retry_base_ms", "retry_max_ms", "retry_time_budget_ms",
    "retry_after_max_ms", "retry_quota", "retry_seed", "requests_per_second", "reads_per_hour",
    "writes_per_hour", "rate_limit_max_wait_ms"};

// Options holding a non-negative integer, with their smallest value.
const std::vector<std::pair<std::string, long>> kIntegerOptions = {
    {"timeout_ms", 1}, {"connect_timeout_ms", 1}, {"poll_initial_ms", 1}, {"poll_max_ms", 1},
    {"max_response_bytes", 1024}, {"max_attempts", 1}, {"retry_base_ms", 0}, {"retry_max_ms", 0},
    {"retry_time_budget_ms", 0}, {"retry_after_max_ms", 0}, {"retry_quota", 0}, {"retry_seed", 0},
    {"reads_per_hour", 0}, {"writes_per_hour", 0}, {"rate_limit_max_wait_ms", 0}};

bool parse_bool(const std::string &name, const std::string &v) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  throw Error(Status::InvalidArgument, "option \"" + name + "\" must be true or false");
}

double parse_rate(const std::string &name, const std::string &v) {
  double n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || !(n >= 0) || n > 1e6)
    throw Error(Status::InvalidArgument, "option \"" + name + "\" must be a number from 0 (no limit) to 1000000");
  return n;
}

long parse_long(const std::string &name, const std::string &v, long min) {
  long n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < min)
    throw Error(Status::InvalidArgument,
                "option \"" + name + "\" must be an integer of at least " + std::to_string(min));
  return n;
}

void append_query(std::string &out, const std::string &key, const Value &v) {
  if (v.is_object()) {
    for (const auto &[k, child] : v.as_object()) append_query(out, key + "[" + k + "]", child);
    return;
  }
  if (v.is_array()) {
    for (const auto &child : v.as_array()) append_query(out, key + "[]", child);
    return;
  }
  if (!out.empty()) out.push_back('&');
  out += url_encode(key);
  out.push_back('=');
  if (v.is_string()) out += url_encode(v.as_string());
  else if (!v.is_null()) out += url_encode(to_json(v));
}

}  // namespace

namespace {

void replace_all(std::string &text, const std::string &needle) {
  if (needle.empty()) return;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 3))
    text.replace(pos, needle.size(), "***");
}

}  // namespace

void scrub_text(std::string &text, const std::vector<std::string> &secrets) {
  for (const auto &s : secrets) {
    if (s.empty()) continue;
    replace_all(text, s);
    // The forms a secret takes on its way: percent-encoded in a query string
    // (a server may echo it with lower-case hex), escaped inside JSON text.
    std::string upper = url_encode(s), lower = upper;
    for (size_t i = 0; i + 2 < lower.size(); ++i)
      if (lower[i] == '%') {
        for (size_t j = i + 1; j <= i + 2; ++j)
          if (lower[j] >= 'A' && lower[j] <= 'F') lower[j] = static_cast<char>(lower[j] - 'A' + 'a');
      }
    std::string json = to_json(Value(s));
    json = json.substr(1, json.size() - 2);
    for (const std::string *form : {&upper, &lower, &json})
      if (*form != s) replace_all(text, *form);
  }
}

std::string encode_query(const Value &fields) {
  std::string out;
  if (fields.is_object())
    for (const auto &[k, v] : fields.as_object()) append_query(out, k, v);
  return out;
}

namespace {

bool has_control_break(const std::string &s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos;
}

}  // namespace

Client::Client(const Vendor &vendor) : vendor_(vendor) {}
Client::~Client() = default;

void Client::set_option(const std::string &name, const std::string &value) {
  bool known = std::find(kGenericOptions.begin(), kGenericOptions.end(), name) != kGenericOptions.end() ||
               std::find(vendor_.credential_options.begin(), vendor_.credential_options.end(), name) !=
                   vendor_.credential_options.end();
  if (!known) {
    std::string names;
    for (const auto &n : kGenericOptions) names += n + ", ";
    for (const auto &n : vendor_.credential_options) names += n + ", ";
    names.resize(names.size() - 2);
    throw Error(Status::InvalidArgument,
                vendor_.name + ": unknown option \"" + name + "\" (known: " + names + ")");
  }
  // Option values end up in headers and URLs (tokens, base_url).
  if (has_control_break(value))
    throw Error(Status::InvalidArgument, "option \"" + name + "\" must not contain CR, LF or NUL");
  // Check typed values now, so a bad value fails where it was set.
  if (name == "verify_tls" || name == "validate") parse_bool(name, value);
  if (name == "requests_per_second") parse_rate(name, value);
  for (const auto &[n, min] : kIntegerOptions)
    if (name == n) parse_long(name, value, min);
  if (name == "verify_tls" && !parse_bool(name, value))
    log(LogLevel::Warning, vendor_.name + ": TLS verification is turned off; use this only against test servers");
  if (name == "base_url" && !value.empty() && url_origin(value).empty())
    throw Error(Status::InvalidArgument, "option \"base_url\" must be an absolute http(s) URL");
  if (name == "base_url" && !value.empty() && !value.starts_with("http://") && !value.starts_with("https://"))
    throw Error(Status::InvalidArgument, "option \"base_url\" must use http or https");
  std::lock_guard lock(mu_);
  options_[name] = value;
  state_.reset();
}

std::shared_ptr<Client::State> Client::state() {
  std::lock_guard lock(mu_);
  if (state_) return state_;
  auto s = std::make_shared<State>();
  const Options &o = options_;
  auto get = [&](const std::string &n) { return find_option(o, n); };
  s->base_url = get("base_url") ? *get("base_url") : vendor_.default_base_url;
  if (s->base_url.empty())
    throw Error(Status::InvalidArgument, vendor_.name + ": option \"base_url\" is required (the vendor has no global host)");
  while (s->base_url.ends_with('/')) s->base_url.pop_back();
  s->validate = get("validate") ? parse_bool("validate", *get("validate")) : true;
  if (get("poll_initial_ms")) s->poll_initial = std::chrono::milliseconds(parse_long("poll_initial_ms", *get("poll_initial_ms"), 1));
  if (get("poll_max_ms")) s->poll_max = std::chrono::milliseconds(parse_long("poll_max_ms", *get("poll_max_ms"), 1));
  auto ms = [&](const char *n, std::chrono::milliseconds fallback) {
    return get(n) ? std::chrono::milliseconds(parse_long(n, *get(n), 0)) : fallback;
  };
  if (get("max_attempts")) s->retry.max_attempts = static_cast<int>(parse_long("max_attempts", *get("max_attempts"), 1));
  s->retry.base = ms("retry_base_ms", s->retry.base);
  s->retry.max = ms("retry_max_ms", s->retry.max);
  s->retry.time_budget = ms("retry_time_budget_ms", s->retry.time_budget);
  s->retry.retry_after_max = ms("retry_after_max_ms", s->retry.retry_after_max);
  s->quota = std::make_unique<RetryQuota>(get("retry_quota") ? parse_long("retry_quota", *get("retry_quota"), 0) : 10);
  s->limiter = std::make_unique<RateLimiter>(
      get("requests_per_second") ? parse_rate("requests_per_second", *get("requests_per_second")) : 0,
      get("reads_per_hour") ? parse_long("reads_per_hour", *get("reads_per_hour"), 0) : vendor_.reads_per_hour,
      get("writes_per_hour") ? parse_long("writes_per_hour", *get("writes_per_hour"), 0) : vendor_.writes_per_hour);
  s->limit_max_wait = ms("rate_limit_max_wait_ms", s->limit_max_wait);
  s->rng.seed(get("retry_seed") ? static_cast<std::uint64_t>(parse_long("retry_seed", *get("retry_seed"), 0))
                                : std::random_device{}());
  TransportOptions t;
  if (get("timeout_ms")) t.timeout_ms = parse_long("timeout_ms", *get("timeout_ms"), 1);
  if (get("connect_timeout_ms")) t.connect_timeout_ms = parse_long("connect_timeout_ms", *get("connect_timeout_ms"), 1);
  if (get("verify_tls")) t.verify_tls = parse_bool("verify_tls", *get("verify_tls"));
  if (get("max_response_bytes")) t.max_response_bytes = parse_long("max_response_bytes", *get("max_response_bytes"), 1024);
  if (get("ca_file")) t.ca_file = *get("ca_file");
  t.user_agent = get("user_agent") ? *get("user_agent") : std::string("accountkit/") + AK_VERSION_STRING;
  // Every exchange, the token requests included, is logged redacted.
  std::weak_ptr<State> weak = s;
  t.logging = [this] { return logs(LogLevel::Debug); };
  t.log = [this, weak](const std::string &line) {
    std::string text = line;
    if (auto st = weak.lock()) scrub_text(text, secrets(*st));
    log(LogLevel::Debug, text);
  };
  s->transport = std::make_unique<Transport>(std::move(t));
  Options with_base = o;
  with_base["base_url"] = s->base_url;
  s->auth = vendor_.authenticator(with_base);
  for (const auto &n : vendor_.secret_options)
    if (get(n)) s->option_secrets.push_back(*get(n));
  state_ = s;
  return s;
}

std::vector<std::string> Client::secrets(const State &s) const {
  auto out = s.option_secrets;
  if (s.auth) {
    auto more = s.auth->secrets();
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

void Client::scrub(State &s, Error &e) const {
  auto all = secrets(s);
  scrub_text(e.message, all);
  scrub_text(e.raw_body, all);
  for (auto &f : e.fields) scrub_text(f.message, all);
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
  logger(level, message);
}

std::shared_ptr<Client::State> Client::state_for(const Operation &op) {
  try {
    return state();
  } catch (Error &e) {
    e.vendor = vendor_.name;
    e.operation = op.name;
    throw;
  }
}

Value Client::prepare(State &s, const Operation &op, const Value &fields) {
  std::vector<FieldError> errors = api::problems(op, fields, s.validate);
  if (!errors.empty()) throw api::validation_error(vendor_, op.name, std::move(errors));
  Value body = fields.is_object() ? fields : Value::object();
  // The natural key lets a lost create be found again: make one if the caller gave none.
  if (op.kind == OpKind::Create && !op.natural_key.empty()) {
    const Value *key = body.find(op.natural_key);
    if (!key || key->is_null()) body.set(op.natural_key, generate_key(s));
  }
  return body;
}

void Client::finalize(State &s, const Operation &op, Error &e) const {
  e.vendor = vendor_.name;
  e.operation = op.name;
  if (!e.message.starts_with(vendor_.name + " ")) e.message = vendor_.name + " " + op.name + ": " + e.message;
  scrub(s, e);
}

void Client::keep_natural_key(const Operation &op, const Value &body, Result &r) {
  if (op.natural_key.empty() || r.data.find(op.natural_key)) return;
  if (const Value *key = body.find(op.natural_key)) r.data.set(op.natural_key, *key);
}

Result Client::call(std::string_view op_name, const Value &fields) {
  const Operation &op = api::operation(vendor_, op_name);
  std::shared_ptr<State> s = state_for(op);
  Value body = prepare(*s, op, fields);
  try {
    Result r = call_with_retries(*s, op, body);
    keep_natural_key(op, body, r);
    return r;
  } catch (Error &e) {
    finalize(*s, op, e);
    throw;
  }
}

std::string Client::generate_key(State &s) const {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string key = "ak";
  std::lock_guard lock(s.rng_mu);
  for (int i = 0; i < 22; ++i) key.push_back(alphabet[s.rng() % 36]);
  return key;
}

namespace {

// The request may have been applied although no success was seen: it left,
// and the answer was lost, garbled, or a server error.
bool ambiguous(const Error &e) {
  return e.maybe_applied || e.status == Status::Timeout || e.status == Status::Decode ||
         (e.status == Status::Vendor && e.http_status >= 500);
}

}  // namespace

bool Client::needs_lookup(const Operation &op, const Error &e) {
  return op.kind == OpKind::Create && !op.natural_key.empty() && ambiguous(e);
}

// Looks a create up by its natural key. Returns the account when the create
// landed, nullopt when it certainly did not; throws OutcomeUnknown otherwise.
std::optional<Result> Client::find_created(const Operation &op, const Value &body, const Error &cause) {
  const std::string key = body.find(op.natural_key)->as_string();
  auto unknown = [&](const std::string &why) {
    Error e(Status::OutcomeUnknown, op.name + " may or may not have been applied (" + cause.message + "), and " +
                                        why + ": look for " + op.natural_key + " \"" + key +
                                        "\" with list_accounts before creating it again");
    e.attempts = cause.attempts;
    e.http_status = cause.http_status;
    return e;
  };
  try {
    Pager pager(shared_from_this(), "list_accounts", Value::object());
    while (auto item = pager.next()) {
      const Value *v = item->data.find(op.natural_key);
      if (v && v->is_string() && v->as_string() == key) {
        log(LogLevel::Info, vendor_.name + " " + op.name + ": the lost answer's account exists (" + op.natural_key +
                                " " + key + "); returning it");
        return item;
      }
    }
    return std::nullopt;
  } catch (const Error &e) {
    throw unknown("looking it up failed: " + e.message);
  }
}

std::variant<Result, std::chrono::milliseconds> Client::after_failure(State &s, const Operation &op,
                                                                      const Value &body, Error &e, Attempts &a) {
  using Clock = std::chrono::steady_clock;
  e.attempts = a.count;
  // Held back by our own rate limit: nothing was sent, and the wait is the caller's call.
  if (e.status == Status::RateLimited && e.http_status == 0) throw e;
  if (op.kind == OpKind::Create && ambiguous(e)) {
    // Never resent blindly: find out whether the first attempt landed.
    if (op.natural_key.empty()) {
      Error u(Status::OutcomeUnknown,
              op.name + " may or may not have been applied (" + e.message + "); " + vendor_.name +
                  " has no key to look the account up by: list accounts (for example by email) "
                  "before creating it again");
      u.attempts = e.attempts;
      u.http_status = e.http_status;
      u.raw_body = e.raw_body;
      throw u;
    }
    if (auto found = find_created(op, body, e)) return std::move(*found);
    e.retriable = true;  // certainly not applied: resending is safe
  }
  // A delete resent after an unanswered attempt finds the account gone: that attempt did it.
  if (op.kind == OpKind::Delete && a.delete_maybe_applied && e.status == Status::NotFound)
    return item_result(op, Value::object());
  if (!e.retriable) throw e;
  if (a.count >= s.retry.max_attempts) {
    e.message += " (gave up after " + std::to_string(a.count) + " attempts)";
    throw e;
  }
  auto delay = backoff(s, a.count);
  if (e.retry_after >= 0) {
    auto asked = std::chrono::milliseconds(static_cast<long>(e.retry_after * 1000));
    if (asked > s.retry.retry_after_max) throw e;  // longer than we may wait: the caller decides
    delay = std::max(delay, asked);
  }
  if (Clock::now() + delay - a.started > s.retry.time_budget) {
    e.message += " (retry time budget exhausted after " + std::to_string(a.count) + " attempts)";
    throw e;
  }
  if (!s.quota->take()) {
    e.message += " (retry quota exhausted: the vendor keeps failing, not retrying)";
    throw e;
  }
  a.delete_maybe_applied = a.delete_maybe_applied || (op.kind == OpKind::Delete && ambiguous(e));
  log(LogLevel::Warning, vendor_.name + " " + op.name + ": attempt " + std::to_string(a.count) + " failed (" +
                             e.message + "); retrying in " + std::to_string(delay.count()) + " ms");
  return delay;
}

Result Client::call_with_retries(State &s, const Operation &op, const Value &body) {
  Attempts a;
  for (;;) {
    try {
      Result r = call_once(s, op, body, a.count);
      s.quota->refill();
      return r;
    } catch (Error &e) {
      auto next = after_failure(s, op, body, e, a);
      if (auto *done = std::get_if<Result>(&next)) return std::move(*done);
      std::this_thread::sleep_for(std::get<std::chrono::milliseconds>(next));
    }
  }
}

// Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(n-1))].
std::chrono::milliseconds Client::backoff(State &s, int attempt) const {
  long ceiling = s.retry.base.count();
  for (int i = 1; i < attempt && ceiling < s.retry.max.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<long>(s.retry.max.count()));
  std::lock_guard lock(s.rng_mu);
  return std::chrono::milliseconds(ceiling ? static_cast<long>(s.rng() % (ceiling + 1)) : 0);
}

HttpRequest Client::build_request(State &s, const Operation &op, const Value &body) const {
  HttpRequest req;
  req.method = op.method;
  // libcurl may resend a request whose reused connection died unanswered;
  // creates and deletes must not be resent behind our back (see after_failure).
  req.resend_safe = op.kind != OpKind::Create && op.kind != OpKind::Delete;
  // expand_path takes the path parameters out: copy the body only if it has some.
  const bool in_path = op.path.find('{') != std::string::npos;
  Value path_stripped = in_path ? body : Value();
  const Value &fields = in_path ? path_stripped : body;
  req.url = s.base_url + expand_path(op, path_stripped);
  if (op.method == Method::Get) {
    std::string q = encode_query(fields);
    if (!q.empty()) req.url += "?" + q;
  } else if (op.method != Method::Delete || !fields.as_object().empty()) {
    req.body = to_json(fields);
  }
  return req;
}

void Client::admit(State &s, const Operation &op) const {
  if (!s.limiter->limits()) return;
  RateLimiter::Refusal refused;
  auto at = s.limiter->reserve(op.method == Method::Get, s.limit_max_wait, &refused);
  if (!at) throw held_back(refused);
  std::this_thread::sleep_until(*at);
}

Error Client::held_back(const RateLimiter::Refusal &refused) {
  double secs = std::chrono::duration<double>(refused.wait).count();
  Error e(Status::RateLimited, "not sent: the client's " + refused.limit + " limit admits it in " +
                                   std::to_string(static_cast<long>(secs + 0.999)) +
                                   " s, more than rate_limit_max_wait_ms");
  e.retriable = true;
  e.retry_after = secs;
  return e;
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

Result Client::call_once(State &s, const Operation &op, const Value &body, int &attempts) {
  const HttpRequest req = build_request(s, op, body);
  for (bool refreshed = false;; refreshed = true) {
    HttpRequest sent = req;
    admit(s, op);
    ++attempts;
    s.auth->apply(sent, *s.transport);  // may fetch a token: an HTTP attempt too
    HttpResponse resp = s.transport->perform(refreshed ? std::move(sent) : sent);  // sent: for invalidate()
    try {
      return decode(op, resp);
    } catch (Error &e) {
      // The vendor said our token is no longer valid (so it did nothing):
      // refresh once and resend.
      if (e.token_rejected && !refreshed && s.auth->invalidate(sent)) continue;
      throw;
    }
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

Result Client::wait(const std::string &id, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const Settling &settling = vendor_.settling;
  if (settling.read_op.empty()) {
    Error e(Status::UnknownOperation, vendor_.name + ": wait: the vendor has no asynchronous operations");
    e.vendor = vendor_.name;
    e.operation = "wait";
    throw e;
  }
  const Operation &read = api::operation(vendor_, settling.read_op);
  Value fields = Value::object();
  fields.set(read.id_field, id);
  auto s = state();
  auto deadline = Clock::now() + timeout;
  auto delay = s->poll_initial;
  auto in = [](const std::vector<std::string> &set, const std::string &v) {
    return std::find(set.begin(), set.end(), v) != set.end();
  };
  std::string last_status = "unknown";
  for (int polls = 1;; ++polls) {
    auto wait_for = delay;
    try {
      Result r = call(read.name, fields);
      if (in(settling.failed, r.status)) {
        Error e(Status::OperationFailed,
                vendor_.name + " wait: account " + id + " settled in status \"" + r.status + "\"");
        e.vendor = vendor_.name;
        e.operation = "wait";
        e.raw_body = to_json(r.data);
        e.attempts = polls;
        throw e;
      }
      if (!in(settling.pending, r.status)) return r;
      last_status = r.status;
    } catch (Error &e) {
      // Rate limits and passing failures are waited out; anything else ends the wait.
      if (e.status == Status::OperationFailed || !(e.status == Status::RateLimited || e.retriable)) throw;
      if (e.retry_after >= 0)
        wait_for = std::max<std::chrono::milliseconds>(wait_for, std::chrono::milliseconds(static_cast<long>(e.retry_after * 1000)));
      last_status = std::string("unknown (") + status_name(e.status) + ")";
    }
    if (Clock::now() + wait_for > deadline) {
      Error e(Status::Timeout, vendor_.name + " wait: account " + id + " still " + last_status + " after " +
                                   std::to_string(polls) + " polls; the wait timed out");
      e.vendor = vendor_.name;
      e.operation = "wait";
      e.attempts = polls;
      e.retriable = true;
      throw e;
    }
    std::this_thread::sleep_for(wait_for);
    delay = std::min(delay * 2, s->poll_max);
  }
}

Pager::Pager(std::shared_ptr<Client> client, std::string_view op, Value filters)
    : client_(std::move(client)), op_(&api::operation(client_->vendor(), op)), filters_(std::move(filters)) {
  if (op_->kind != OpKind::List) {
    Error e(Status::UnknownOperation, client_->vendor().name + ": " + op_->name + " is not a list operation");
    e.vendor = client_->vendor().name;
    e.operation = op_->name;
    throw e;
  }
  if (!filters_.is_object()) filters_ = Value::object();
  const Paging &p = op_->paging;
  if (!p.page_param.empty()) {
    // The caller may start at a later page or choose the page size.
    const Value *page = filters_.find(p.page_param);
    page_ = page && page->is_int() ? page->as_int() : p.first_page;
    const Value *size = filters_.find(p.size_param);
    page_size_ = size && size->is_int() ? size->as_int() : p.page_size;
  }
}

void Pager::fetch_page() {
  const Paging &p = op_->paging;
  Value fields = filters_;
  if (!p.page_param.empty()) {
    fields.set(p.page_param, page_);
    fields.set(p.size_param, page_size_);
  }
  Result page = client_->call(op_->name, fields);
  items_.clear();
  pos_ = 0;
  if (const Value *list = get_path(page.data, op_->list_key); list && list->is_array())
    items_ = std::move(const_cast<Value *>(list)->as_array());  // page.data is ours and discarded
  seen_ += static_cast<std::int64_t>(items_.size());
  if (p.page_param.empty() || items_.empty()) {
    done_ = true;
  } else if (const Value *total = p.total_path.empty() ? nullptr : get_path(page.data, p.total_path);
             total && total->is_int()) {
    done_ = seen_ >= total->as_int();
  } else {
    done_ = static_cast<std::int64_t>(items_.size()) < page_size_;
  }
  ++page_;
}

std::optional<Result> Pager::next() {
  while (pos_ >= items_.size()) {
    if (done_) return std::nullopt;
    fetch_page();
  }
  return client_->item_result(*op_, std::move(items_[pos_++]));
}

}  // namespace ak

#include "core/client.hpp"

#include <algorithm>
#include <charconv>

#include <thread>

#include "core/auth.hpp"

namespace ak {

namespace {

const std::vector<std::string> kGenericOptions = {
    "base_url", "timeout_ms", "connect_timeout_ms", "verify_tls", "validate",
    "max_response_bytes", "ca_file", "user_agent", "poll_initial_ms", "poll_max_ms"};

bool parse_bool(const std::string &name, const std::string &v) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  throw Error(Status::InvalidArgument, "option \"" + name + "\" must be true or false");
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

Error validation_error(const Vendor &vendor, std::string_view op, std::vector<FieldError> errors) {
  std::string msg = vendor.name + " " + std::string(op) + ": " + std::to_string(errors.size()) +
                    (errors.size() == 1 ? " invalid field: " : " invalid fields: ");
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i) msg += "; ";
    msg += (errors[i].path.empty() ? "(fields)" : errors[i].path) + " " + errors[i].message;
  }
  Error e(Status::Validation, msg);
  e.vendor = vendor.name;
  e.operation = op;
  e.fields = std::move(errors);
  return e;
}

const Operation &find_op(const Vendor &vendor, std::string_view op) {
  if (const Operation *o = vendor.find(op)) return *o;
  std::string names;
  for (const auto &o : vendor.operations) names += (names.empty() ? "" : ", ") + o.name;
  Error e(Status::UnknownOperation,
          vendor.name + ": unknown operation \"" + std::string(op) + "\" (known: " + names + ")");
  e.vendor = vendor.name;
  e.operation = op;
  throw e;
}

}  // namespace

void scrub_text(std::string &text, const std::vector<std::string> &secrets) {
  for (const auto &s : secrets) {
    if (s.empty()) continue;
    for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 3))
      text.replace(pos, s.size(), "***");
    // The same secret percent-encoded (as it travels in a query string).
    std::string enc = url_encode(s);
    if (enc != s)
      for (size_t pos = text.find(enc); pos != std::string::npos; pos = text.find(enc, pos + 3))
        text.replace(pos, enc.size(), "***");
  }
}

std::string encode_query(const Value &fields) {
  std::string out;
  if (fields.is_object())
    for (const auto &[k, v] : fields.as_object()) append_query(out, k, v);
  return out;
}

void validate_fields(const Vendor &vendor, std::string_view op, const Value &fields) {
  const Operation &o = find_op(vendor, op);
  std::vector<FieldError> errors;
  validate(o.request, fields, errors);
  if (!errors.empty()) throw validation_error(vendor, op, std::move(errors));
}

struct Client::State {
  std::string base_url;
  bool validate = true;
  std::chrono::milliseconds poll_initial{1000}, poll_max{15000};
  std::unique_ptr<Transport> transport;
  std::unique_ptr<Authenticator> auth;
  std::vector<std::string> option_secrets;
};

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
  // Check typed values now, so a bad value fails where it was set.
  if (name == "verify_tls" || name == "validate") parse_bool(name, value);
  if (name == "timeout_ms" || name == "connect_timeout_ms" || name == "poll_initial_ms" || name == "poll_max_ms")
    parse_long(name, value, 1);
  if (name == "max_response_bytes") parse_long(name, value, 1024);
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
  TransportOptions t;
  if (get("timeout_ms")) t.timeout_ms = parse_long("timeout_ms", *get("timeout_ms"), 1);
  if (get("connect_timeout_ms")) t.connect_timeout_ms = parse_long("connect_timeout_ms", *get("connect_timeout_ms"), 1);
  if (get("verify_tls")) t.verify_tls = parse_bool("verify_tls", *get("verify_tls"));
  if (get("max_response_bytes")) t.max_response_bytes = parse_long("max_response_bytes", *get("max_response_bytes"), 1024);
  if (get("ca_file")) t.ca_file = *get("ca_file");
  t.user_agent = get("user_agent") ? *get("user_agent") : std::string("accountkit/") + AK_VERSION_STRING;
  s->transport = std::make_unique<Transport>(std::move(t));
  Options with_base = o;
  with_base["base_url"] = s->base_url;
  s->auth = vendor_.authenticator(with_base);
  for (const auto &n : vendor_.secret_options)
    if (get(n)) s->option_secrets.push_back(*get(n));
  state_ = s;
  return s;
}

void Client::scrub(State &s, Error &e) const {
  auto secrets = s.option_secrets;
  if (s.auth) {
    auto more = s.auth->secrets();
    secrets.insert(secrets.end(), more.begin(), more.end());
  }
  scrub_text(e.message, secrets);
  scrub_text(e.raw_body, secrets);
  for (auto &f : e.fields) scrub_text(f.message, secrets);
}

Result Client::call(std::string_view op_name, const Value &fields) {
  const Operation &op = find_op(vendor_, op_name);
  std::shared_ptr<State> s;
  try {
    s = state();
  } catch (Error &e) {
    e.vendor = vendor_.name;
    e.operation = op.name;
    throw;
  }
  if (s->validate) {
    std::vector<FieldError> errors;
    validate(op.request, fields, errors);
    if (!errors.empty()) throw validation_error(vendor_, op.name, std::move(errors));
  }
  try {
    return call_once(*s, op, fields);
  } catch (Error &e) {
    e.vendor = vendor_.name;
    e.operation = op.name;
    if (!e.message.starts_with(vendor_.name + " "))
      e.message = vendor_.name + " " + op.name + ": " + e.message;
    scrub(*s, e);
    throw;
  }
}

Result Client::call_once(State &s, const Operation &op, const Value &fields) {
  Value body = fields.is_object() ? fields : Value::object();
  HttpRequest req;
  req.method = op.method;
  req.resend_safe = op.kind != OpKind::Create;
  req.url = s.base_url + expand_path(op, body);
  if (op.method == Method::Get) {
    std::string q = encode_query(body);
    if (!q.empty()) req.url += "?" + q;
  } else if (op.method != Method::Delete || !body.as_object().empty()) {
    req.body = to_json(body);
  }
  for (int attempt = 1;; ++attempt) {
    HttpRequest sent = req;
    HttpResponse resp;
    try {
      s.auth->apply(sent, *s.transport);  // may fetch a token: an HTTP attempt too
      resp = s.transport->perform(sent);
    } catch (Error &e) {
      e.attempts = attempt;
      throw;
    }
    try {
      Result r = item_result(op, vendor_.decode(op, resp));
      r.http_status = resp.status;
      r.request_id = resp.request_id;
      return r;
    } catch (Error &e) {
      e.attempts = attempt;
      if (e.http_status == 0) e.http_status = resp.status;
      if (e.request_id.empty()) e.request_id = resp.request_id;
      // The vendor said our token is no longer valid: refresh once and resend.
      if (e.token_rejected && attempt == 1 && s.auth->invalidate(sent)) continue;
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
  const Operation &read = find_op(vendor_, settling.read_op);
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
    : client_(std::move(client)), op_(&find_op(client_->vendor(), op)), filters_(std::move(filters)) {
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
  if (const Value *list = get_path(page.data, op_->list_key); list && list->is_array()) items_ = list->as_array();
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

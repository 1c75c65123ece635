#include "core/vendor.hpp"

#include <algorithm>

namespace ak {

const ReasonCode *Operation::reason(int code) const {
  for (const auto &r : reasons)
    if (r.code == code) return &r;
  return nullptr;
}

const Operation *Vendor::find(std::string_view op) const {
  for (const auto &o : operations)
    if (o.name == op) return &o;
  return nullptr;
}

const Settling *Vendor::settling_for(std::string_view op) const {
  if (settlings.empty()) return nullptr;
  if (op.empty()) return &settlings.front();
  const Operation *o = find(op);
  if (!o) return nullptr;
  for (const auto &s : settlings)
    if (s.read_op == (o->settles_by.empty() ? settlings.front().read_op : o->settles_by)) return &s;
  return nullptr;
}

namespace {
bool contains(const std::vector<std::string> &set, const std::string &v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}
}  // namespace

bool Settling::is_failed(const std::string &status) const { return contains(failed, status); }

bool Settling::is_pending(const std::string &status) const {
  if (contains(pending, status)) return true;
  return !done.empty() && !contains(done, status) && !contains(failed, status);
}

std::string Vendor::status_of(const Operation &op, const Value &result) const {
  if (op.result_status.empty()) return {};
  const Value *v = result.find(op.result_status);
  if (!v || v->is_null()) return {};
  if (v->is_string()) return v->as_string();
  // A status the vendor writes as a number (99digital's updateAccount: 1, 0)
  // reads as the account view's table says, so both name it alike.
  const std::string text = to_json(*v);
  for (const auto &[theirs, ours] : account_view.statuses)
    if (theirs == text) return ours;
  return text;
}

Result Vendor::parse_webhook(std::string_view) const {
  Error e(Status::UnknownOperation, name + " sends no webhooks that accountkit can read");
  e.vendor = name;
  e.operation = "webhook";
  throw e;
}

const Vendor *find_vendor(std::string_view name) {
  for (const Vendor *v : vendors())
    if (v->name == name) return v;
  return nullptr;
}

Operation operation(std::string name, OpKind kind, Method method, std::string path) {
  Operation op;
  op.name = std::move(name);
  op.kind = kind;
  op.method = method;
  op.path = std::move(path);
  return op;
}

std::string expand_path(const Operation &op, Value &body) {
  std::string out;
  const std::string &p = op.path;
  size_t i = 0;
  while (i < p.size()) {
    size_t open = p.find('{', i);
    if (open == std::string::npos) {
      out.append(p, i, std::string::npos);
      break;
    }
    out.append(p, i, open - i);
    size_t close = p.find('}', open);
    std::string name = p.substr(open + 1, close - open - 1);
    const Value *v = body.find(name);
    if (!v || v->is_null()) {
      Error e(Status::Validation, name + " is required (it is part of the request path)");
      e.fields.push_back({name, "required", "is required"});
      throw e;
    }
    std::string text = v->is_string() ? v->as_string() : to_json(*v);
    if (std::string why = path_segment_problem(text); !why.empty()) {
      Error e(Status::Validation, name + " " + why);
      e.fields.push_back({name, "path_segment", why});
      throw e;
    }
    // Escaped whatever its content, so a value can never change the path.
    out += url_encode(text);
    body.erase(name);
    i = close + 1;
  }
  return out;
}

std::vector<std::string> path_params(const Operation &op) {
  std::vector<std::string> out;
  for (size_t open = op.path.find('{'); open != std::string::npos; open = op.path.find('{', open + 1)) {
    size_t close = op.path.find('}', open);
    if (close == std::string::npos) break;
    out.push_back(op.path.substr(open + 1, close - open - 1));
  }
  return out;
}

std::string path_segment_problem(std::string_view text) {
  if (text.empty()) return "must not be empty (it is a segment of the request path)";
  std::string s(text);
  for (;;) {  // as often as it decodes: each round that changes s shortens it
    std::string d = percent_decode(s);
    if (d == s) break;
    s = std::move(d);
  }
  // The segments a decoding server would see, '/' or '\\' between them.
  for (size_t start = 0; start <= s.size();) {
    size_t end = s.find_first_of("/\\", start);
    if (end == std::string::npos) end = s.size();
    std::string_view seg(s.data() + start, end - start);
    if (seg == "." || seg == "..")
      return "must not be \".\" or \"..\", percent-encoded or not (it is a segment of the request path)";
    start = end + 1;
  }
  return {};
}

Status status_for_http(long s) {
  if (s == 401 || s == 403) return Status::Auth;
  if (s == 404 || s == 410) return Status::NotFound;
  if (s == 400 || s == 422) return Status::Validation;
  if (s == 429) return Status::RateLimited;
  return Status::Vendor;
}

bool is_2xx(long http_status) { return http_status >= 200 && http_status < 300; }

Error decode_failure(std::string message, const HttpResponse &resp) {
  Error e(Status::Decode, std::move(message));
  e.http_status = resp.status;
  e.raw_body = resp.body;
  return e;
}

Error http_error(const HttpResponse &resp, std::string message) {
  Error e(status_for_http(resp.status), std::move(message));
  e.http_status = resp.status;
  e.raw_body = resp.body;
  e.retry_after = resp.retry_after;
  e.request_id = resp.request_id;
  e.retriable = resp.status == 429 || resp.status >= 500;
  return e;
}

Error reason_error(const Operation &op, int code) {
  const ReasonCode *r = op.reason(code);
  Error e(r ? r->status : Status::Vendor,
          r ? r->message + " (reason " + std::to_string(code) + ")"
            : "the vendor failed with undocumented reason " + std::to_string(code));
  e.vendor_code = std::to_string(code);
  if (r) {
    e.retriable = r->retriable;
    e.maybe_applied = r->maybe_applied;
    for (const auto &f : r->fields) e.fields.push_back({f, "vendor", r->message});
  }
  return e;
}

}  // namespace ak

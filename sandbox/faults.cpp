#include "sandbox/faults.hpp"

#include <stdexcept>

namespace ak::sandbox {

namespace {

constexpr std::pair<const char *, FaultKind> kKinds[] = {
    {"status", FaultKind::Status},       {"delay", FaultKind::Delay},
    {"reset", FaultKind::Reset},         {"drop_after_commit", FaultKind::DropAfterCommit},
    {"malformed", FaultKind::Malformed}, {"truncated", FaultKind::Truncated},
    {"slow_body", FaultKind::SlowBody},  {"redirect", FaultKind::Redirect},
    {"answer_after_commit", FaultKind::AnswerAfterCommit},
};

[[noreturn]] void bad(const std::string &what) { throw std::invalid_argument("fault spec: " + what); }

std::string text(const Value &spec, const char *key) {
  const Value *v = spec.find(key);
  if (!v || v->is_null()) return {};
  if (!v->is_string()) bad(std::string(key) + " must be a string");
  return v->as_string();
}

double number(const Value &spec, const char *key, double fallback, double min, double max) {
  const Value *v = spec.find(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_number() || v->as_double() < min || v->as_double() > max)
    bad(std::string(key) + " must be a number from " + std::to_string(min) + " to " + std::to_string(max));
  return v->as_double();
}

Fault parse(const Value &spec) {
  if (!spec.is_object()) bad("each fault must be a JSON object");
  static const char *known[] = {"vendor", "method", "path", "kind", "status", "retry_after",
                                "delay_ms", "count", "probability", "seed", "location", "body"};
  for (const auto &[k, _] : spec.as_object()) {
    bool ok = false;
    for (const char *n : known) ok = ok || k == n;
    if (!ok) bad("unknown key \"" + k + "\"");
  }
  Fault f;
  f.vendor = text(spec, "vendor");
  f.method = text(spec, "method");
  f.path = text(spec, "path");
  std::string kind = text(spec, "kind");
  bool found = false;
  for (const auto &[name, k] : kKinds)
    if (kind == name) f.kind = k, found = true;
  if (!found)
    bad("kind must be one of status, delay, reset, drop_after_commit, malformed, truncated, slow_body, redirect, "
        "answer_after_commit");
  int default_status = f.kind == FaultKind::Redirect ? 302 : f.kind == FaultKind::AnswerAfterCommit ? 200 : 503;
  f.status = static_cast<int>(number(spec, "status", default_status, 100, 599));
  f.location = text(spec, "location");
  if (const Value *body = spec.find("body"); body && !body->is_null()) f.body = *body;
  if (f.kind == FaultKind::AnswerAfterCommit && !f.body) bad("answer_after_commit needs a body");
  if (f.kind == FaultKind::Redirect && f.location.empty()) bad("a redirect needs a location");
  if (const Value *ra = spec.find("retry_after"); ra && ra->is_string()) {
    f.retry_after_text = ra->as_string();
    if (f.retry_after_text.empty() || f.retry_after_text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      bad("retry_after text must be non-empty, without CR, LF or NUL");
  } else {
    f.retry_after = number(spec, "retry_after", -1, -1, 86400);
  }
  f.delay_ms = static_cast<int>(number(spec, "delay_ms", f.kind == FaultKind::SlowBody ? 1000 : 0, 0, 600000));
  f.remaining = static_cast<long>(number(spec, "count", -1, -1, 1e9));
  f.probability = number(spec, "probability", 1.0, 0.0, 1.0);
  f.seed = static_cast<std::uint64_t>(number(spec, "seed", 0, 0, 9.0e15));
  f.rng.seed(f.seed);
  return f;
}

bool path_matches(const std::string &pattern, const std::string &path) {
  if (pattern.empty()) return true;
  if (pattern.back() == '*') return path.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
  return pattern == path;
}

}  // namespace

const char *fault_name(FaultKind k) {
  for (const auto &[name, kind] : kKinds)
    if (kind == k) return name;
  return "?";
}

void Faults::add(const Value &spec) {
  std::vector<Fault> parsed;
  if (spec.is_array()) {
    for (const auto &s : spec.as_array()) parsed.push_back(parse(s));
  } else {
    parsed.push_back(parse(spec));
  }
  std::lock_guard lock(mu_);
  for (auto &f : parsed) faults_.push_back(std::move(f));
}

void Faults::clear() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

Value Faults::to_json() const {
  std::lock_guard lock(mu_);
  Array out;
  for (const auto &f : faults_) {
    out.push_back(Value(Object{{"vendor", f.vendor}, {"method", f.method}, {"path", f.path},
                               {"kind", fault_name(f.kind)}, {"remaining", static_cast<std::int64_t>(f.remaining)},
                               {"probability", f.probability}, {"fired", static_cast<std::int64_t>(f.fired)}}));
  }
  return Value(std::move(out));
}

std::optional<Fault> Faults::take(const std::string &vendor, const std::string &method, const std::string &path) {
  std::lock_guard lock(mu_);
  for (auto &f : faults_) {
    if (f.remaining == 0) continue;
    if (!f.vendor.empty() && f.vendor != vendor) continue;
    if (!f.method.empty() && f.method != method) continue;
    if (!path_matches(f.path, path)) continue;
    // Draw for every matching request, so a seeded run is reproducible.
    if (f.probability < 1.0 && std::uniform_real_distribution<double>(0, 1)(f.rng) >= f.probability) continue;
    if (f.remaining > 0) --f.remaining;
    ++f.fired;
    return f;
  }
  return std::nullopt;
}

}  // namespace ak::sandbox

// Fault injection for the sandbox: per vendor, method and path, by count or
// by seeded probability. Faults are JSON specs so C, Python, the CLI and the
// admin endpoint (POST/GET/DELETE /_admin/faults) share one format:
//   {"vendor": "99digital", "method": "POST", "path": "/api/online/createAccount",
//    "kind": "drop_after_commit", "count": 3, "probability": 0.2, "seed": 7,
//    "status": 503, "retry_after": 1, "delay_ms": 200, "location": "http://...",
//    "body": {"status": "FAIL", "reason": 31}}
// retry_after is seconds (a number), or text sent as the Retry-After header
// verbatim (to test how clients read "1e300", "-5" or an HTTP-date).
// vendor, method and path are optional filters (path may end with '*');
// count (default unlimited) bounds how often the fault fires.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace ak::sandbox {

enum class FaultKind {
  Status,           // answer status (and Retry-After) without applying the request
  Delay,            // wait delay_ms, then answer normally
  Reset,            // close the connection before answering; nothing applied
  DropAfterCommit,  // apply the request, then close the connection without an answer
  Malformed,        // apply, then answer a body that is not valid JSON
  Truncated,        // apply, then send half the body and close
  SlowBody,         // apply, then send the body slowly over delay_ms
  Redirect,         // answer status (default 302) with Location: location; nothing applied
  AnswerAfterCommit,  // apply, then answer status with body instead of the real answer
};

struct Fault {
  std::string vendor, method, path;
  FaultKind kind = FaultKind::Status;
  int status = 503;
  double retry_after = -1;
  std::string retry_after_text;  // retry_after given as text: sent verbatim ("1e300", a date)
  int delay_ms = 0;
  std::string location;
  std::optional<Value> body;  // status, answer_after_commit: the answer's JSON body
  long remaining = -1;  // -1 = unlimited
  double probability = 1.0;
  std::uint64_t seed = 0;
  long fired = 0;
  std::mt19937_64 rng;
};

class Faults {
 public:
  // Adds one spec (an object) or several (an array). Throws std::invalid_argument.
  void add(const Value &spec);
  void clear();
  Value to_json() const;
  // The fault to apply to this request, if any (first match that fires).
  std::optional<Fault> take(const std::string &vendor, const std::string &method, const std::string &path);

 private:
  mutable std::mutex mu_;
  std::vector<Fault> faults_;
};

const char *fault_name(FaultKind k);

}  // namespace ak::sandbox

// The error taxonomy shared by every layer. Status values mirror ak_status in
// the C header one to one and are never renumbered.
#pragma once

#include <exception>
#include <string>
#include <vector>

namespace ak {

enum class Status : int {
  Ok = 0,
  InvalidArgument = 1,   // caller misuse: bad option, malformed path, unknown vendor
  Validation = 2,        // field problems, found locally or reported by the vendor
  Auth = 3,              // credentials missing, wrong, expired or blocked
  NotFound = 4,          // the account (or other object) does not exist
  RateLimited = 5,       // the vendor asked us to slow down
  Vendor = 6,            // the vendor failed or refused for another reason
  Transport = 7,         // connection, TLS, redirect, size cap
  Timeout = 8,           // connect or total timeout
  Decode = 9,            // the response could not be understood
  UnknownOperation = 10, // the vendor has no such operation
  OutcomeUnknown = 11,   // a create may or may not have happened
  NoMemory = 12,
  Internal = 13,
  OperationFailed = 14,  // an asynchronous operation settled in failure
  Cancelled = 15,        // the caller cancelled the operation before it finished
};

// Every status, in numeric order: the table the bindings read through the C API.
inline constexpr int kStatusCount = 16;
// The stable snake_case name of a status ("validation", "no_memory", ...), or
// nullptr for a number that is no status. Names are never reused.
const char *status_name(int code);
inline const char *status_name(Status s) { return status_name(static_cast<int>(s)); }
const char *status_message(Status s);  // one sentence, for ak_strerror
// The broader status s refines, or Ok for none: a timeout is a transport
// error, an undecodable answer a vendor error, an unknown operation an invalid
// argument. Every binding's error hierarchy follows this table.
Status status_parent(Status s);

struct FieldError {
  std::string path;     // "contacts[0].address.city"
  std::string rule;     // "max_length", "required", "vendor", ...
  std::string message;  // never contains a secret value
};

struct Error : std::exception {
  Status status = Status::Internal;
  std::string message;
  std::string vendor;
  std::string operation;
  long http_status = 0;
  std::string vendor_code;  // raw vendor code (99digital reason, Commvault error.code)
  std::string request_id;
  std::string raw_body;     // the vendor's response body, secrets scrubbed
  bool retriable = false;
  int attempts = 0;
  double retry_after = -1;  // seconds, when the vendor said
  bool token_rejected = false;  // internal: the vendor rejected our token (refresh and resend)
  bool maybe_applied = false;   // the request left but no answer came back: it may have been applied
  bool credentials_refused = false;  // internal: a token request's definitive "wrong credentials"
  std::vector<FieldError> fields;
  // OutcomeUnknown after a lookup: the ids of every account that may be this
  // request's (none provably is).
  std::vector<std::string> candidates;

  Error() = default;
  Error(Status s, std::string msg) : status(s), message(std::move(msg)) {}
  const char *what() const noexcept override { return message.c_str(); }
};

}  // namespace ak

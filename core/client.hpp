// Client: one vendor, its options and credentials, a transport and a token
// cache. call() validates, builds the request, authenticates, sends, decodes.
// A Client may be used from many threads at once.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

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

// Validates fields for vendor/op without any network; throws Error.
void validate_fields(const Vendor &vendor, std::string_view op, const Value &fields);

class Client {
 public:
  explicit Client(const Vendor &vendor);
  ~Client();

  // Sets an option by name (generic: base_url, timeout_ms, connect_timeout_ms,
  // verify_tls, validate, max_response_bytes, ca_file, user_agent; plus the
  // vendor's credential names). Takes effect for calls that start afterwards.
  void set_option(const std::string &name, const std::string &value);

  Result call(std::string_view op, const Value &fields);

  const Vendor &vendor() const { return vendor_; }

 private:
  struct State;  // built lazily from the options; replaced when they change
  std::shared_ptr<State> state();
  Result call_once(State &s, const Operation &op, const Value &fields);
  void scrub(State &s, Error &e) const;

  const Vendor &vendor_;
  std::mutex mu_;
  Options options_;
  std::shared_ptr<State> state_;
};

// Replaces every occurrence of each secret in text with "***".
void scrub_text(std::string &text, const std::vector<std::string> &secrets);

// Encodes top-level fields as a query string: scalars as k=v, objects as
// k[sub]=v, arrays as k[]=v, null as k= ; percent-encoded.
std::string encode_query(const Value &fields);

}  // namespace ak

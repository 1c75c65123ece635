// The libcurl transport: a pool of easy handles behind one share handle (DNS
// and TLS sessions are reused across calls and threads; connections live in
// each driver's multi handle, see core/engine/driver.hpp),
// connect and total timeouts, TLS verification on, http/https only, no
// redirect to another host, and a cap on response size.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

typedef void CURL;
typedef void CURLSH;

namespace ak {

enum class Method { Get, Post, Put, Patch, Delete };
const char *method_name(Method m);

struct HttpRequest {
  Method method = Method::Get;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent when non-empty, or always for POST/PUT/PATCH
  // Content-Type of the body and the Accept header (JSON:API vendors:
  // "application/vnd.api+json").
  std::string media_type = "application/json";
  // False for requests that must not be resent blindly (creates, deletes):
  // libcurl then cannot silently resend them when a reused connection dies
  // unanswered, and the caller sees the ambiguity.
  bool resend_safe = true;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
  std::string request_id;     // X-Request-Id, if the vendor sent one
  double retry_after = -1;    // seconds from Retry-After (parse_retry_after), if sent and readable
  std::string location;       // redirect target, if any
};

struct TransportOptions {
  long connect_timeout_ms = 10'000;
  long timeout_ms = 30'000;
  bool verify_tls = true;
  std::size_t max_response_bytes = 16u << 20;
  std::string ca_file;        // empty = system store
  std::string user_agent;
  // Receives one line per exchange: method, URL (the caller redacts), status, time.
  std::function<void(const std::string &)> log;
  // Whether log wants lines now (unset: always); the line is not built otherwise.
  std::function<bool()> logging;
};

class Transport;

// One request set up on an easy handle. It owns everything libcurl reads or
// writes during the transfer, so it must stay put until finish(): create it
// with std::make_unique. The engine's driver (core/engine/driver.hpp) runs it.
class Exchange {
 public:
  // pipewait (for multi handles): wait for a connection being set up to say
  // whether it multiplexes (HTTP/2) rather than open another one.
  Exchange(Transport &t, CURL *h, HttpRequest req, bool pipewait = false);
  ~Exchange();
  Exchange(const Exchange &) = delete;
  Exchange &operator=(const Exchange &) = delete;

  // The response, once libcurl finished the transfer with rc. Throws Error
  // (Transport, Timeout) when no HTTP response was received; logs the exchange.
  HttpResponse finish(int rc);
  // For a redirect response: the URL to follow (same origin, GET, at most 3
  // hops), or nullopt when resp is no redirect. Throws Error for any other.
  std::optional<std::string> redirect(const HttpResponse &resp, int hops) const;

  CURL *handle() const { return h_; }
  const HttpRequest &request() const { return req_; }

 private:
  struct Io;
  Transport &t_;
  CURL *h_;
  HttpRequest req_;
  std::unique_ptr<Io> io_;
};

class Transport {
 public:
  explicit Transport(TransportOptions opts);
  ~Transport();
  Transport(const Transport &) = delete;
  Transport &operator=(const Transport &) = delete;

  const TransportOptions &options() const { return opts_; }

  // The pool of easy handles, configured with the options every exchange
  // shares; any driver's multi may run one (the multi holds the connections).
  CURL *acquire();
  void release(CURL *h);

 private:
  friend class Exchange;
  void configure(CURL *h);

  TransportOptions opts_;
  CURLSH *share_ = nullptr;
  std::mutex share_locks_[8];  // one per curl_lock_data kind we share
  std::mutex pool_mutex_;
  std::vector<CURL *> idle_;
};

// The longest wait a Retry-After may ask for, in seconds (one day): a longer
// one (1e300, a 20-digit number, a date years ahead) reads as this.
inline constexpr double kMaxRetryAfter = 86400;
// The seconds a Retry-After value asks to wait, from 0 to kMaxRetryAfter, or
// -1 when it is no delay (RFC 9110 10.2.3: a negative number, "nan", text
// that is neither a number nor an HTTP-date): the header is then ignored.
// "inf" and anything longer than a day read as kMaxRetryAfter.
double parse_retry_after(std::string_view value);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view s);
// One round of percent-decoding; an invalid escape stays as it is. With
// plus_is_space, '+' reads as a space (form and query encoding).
std::string percent_decode(std::string_view s, bool plus_is_space = false);
// scheme://host[:port] of an absolute URL, lower-cased; empty if not parseable.
std::string url_origin(std::string_view url);

}  // namespace ak

#include "core/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>

#include "core/json.hpp"
#include "core/redact.hpp"

namespace ak {

const char *method_name(Method m) {
  switch (m) {
    case Method::Get: return "GET";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Patch: return "PATCH";
    case Method::Delete: return "DELETE";
  }
  return "GET";
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    int hi = 0, lo = 0;
    if (s[i] == '%' && i + 2 < s.size() && (hi = hex_digit(s[i + 1])) >= 0 && (lo = hex_digit(s[i + 2])) >= 0) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string url_origin(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  auto host_end = url.find_first_of("/?#", scheme_end + 3);
  std::string origin(url.substr(0, host_end == std::string_view::npos ? url.size() : host_end));
  for (auto &c : origin)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return origin;
}

namespace {

struct Sink {
  std::string *body;
  std::size_t cap;
  bool overflow = false;
};

// How long an idle connection may wait to be reused: libcurl's default for
// requests it may resend, less than the shortest common server keep-alive (5 s)
// for those it must not.
constexpr long kReuseIdleSeconds = 118;
constexpr long kReuseIdleSecondsOnceOnly = 4;

// Counts the times libcurl is about to send the request. libcurl resends a
// request by itself when a reused connection dies before any answer; for a
// request that must not be resent blindly the second send is refused, and the
// transfer fails with CURLE_ABORTED_BY_CALLBACK (the caller sees the ambiguity).
struct SendCount {
  int sends = 0;
  bool once_only = false;
};

int before_send(void *user, char *, char *, int, int) {
  auto *count = static_cast<SendCount *>(user);
  ++count->sends;
  return count->once_only && count->sends > 1 ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

size_t on_body(char *data, size_t size, size_t n, void *user) {
  auto *sink = static_cast<Sink *>(user);
  size_t len = size * n;
  if (sink->body->size() + len > sink->cap) {
    sink->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->body->append(data, len);
  return len;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool header_is(std::string_view name, std::string_view want) {
  if (name.size() != want.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char a = name[i], b = want[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

}  // namespace

double parse_retry_after(std::string_view v) {
  if (v.empty()) return -1;
  // "inf" is no delay-seconds, but its meaning is plain: longer than any cap.
  auto lower_is = [&](std::string_view word) {
    return v.size() == word.size() && std::equal(v.begin(), v.end(), word.begin(), [](char a, char b) {
             return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b;
           });
  };
  if (lower_is("inf") || lower_is("infinity")) return kMaxRetryAfter;
  // delay-seconds: digits (a fraction and an exponent tolerated). from_chars
  // would also take "-5", "inf" and "nan": a sign or a letter other than an
  // exponent's is no delay. A number too large for a double is the cap too.
  bool number = (v.front() >= '0' && v.front() <= '9') || v.front() == '.';
  for (char c : v)
    number = number && ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-');
  if (number) {
    double secs = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs, std::chars_format::general);
    if (p != v.data() + v.size()) return -1;
    if (ec == std::errc::result_out_of_range) {
      // Too small to tell from 0 ("1e-400"), or too large ("1e400"): an
      // exponent's sign tells which.
      auto e = v.find_first_of("eE");
      return e != std::string_view::npos && e + 1 < v.size() && v[e + 1] == '-' ? 0 : kMaxRetryAfter;
    }
    if (ec != std::errc() || !(secs >= 0)) return -1;
    return std::min(secs, kMaxRetryAfter);
  }
  // HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"): the time from now, 0 when
  // past. Every HTTP-date form has a time of day; curl_getdate alone would
  // read some other texts ("-5") as dates.
  if (v.find(':') == std::string_view::npos) return -1;
  std::string date(v);
  time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return -1;
  double delta = std::difftime(when, std::time(nullptr));
  if (!(delta >= 0)) return 0;
  return std::min(delta, kMaxRetryAfter);
}

namespace {

size_t on_header(char *data, size_t size, size_t n, void *user) {
  auto *resp = static_cast<HttpResponse *>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {  // a new response (e.g. after 100-continue): start over
    resp->content_type.clear();
    resp->request_id.clear();
    resp->retry_after = -1;
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  auto name = line.substr(0, colon);
  auto value = trim(line.substr(colon + 1));
  if (header_is(name, "content-type")) resp->content_type = value;
  else if (header_is(name, "x-request-id")) resp->request_id = value;
  else if (header_is(name, "retry-after")) resp->retry_after = parse_retry_after(value);
  return size * n;
}

void lock_cb(CURL *, curl_lock_data data, curl_lock_access, void *user) {
  static_cast<std::mutex *>(user)[data & 7].lock();
}
void unlock_cb(CURL *, curl_lock_data data, void *user) { static_cast<std::mutex *>(user)[data & 7].unlock(); }

struct SlistDeleter {
  void operator()(curl_slist *l) const { curl_slist_free_all(l); }
};

}  // namespace

Transport::Transport(TransportOptions opts) : opts_(std::move(opts)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  share_ = curl_share_init();
  if (!share_) throw Error(Status::NoMemory, "could not create a curl share handle");
  curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, lock_cb);
  curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, unlock_cb);
  curl_share_setopt(share_, CURLSHOPT_USERDATA, share_locks_);
  // Not the connection cache: libcurl does not support sharing it between
  // threads (documented in CURLSHOPT_SHARE and libcurl-thread; it corrupted
  // the heap under the threaded soak). Each driver's multi handle keeps its
  // own connections, which the client's pool of drivers reuses call after call.
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

Transport::~Transport() {
  for (CURL *h : idle_) curl_easy_cleanup(h);
  curl_share_cleanup(share_);
}

CURL *Transport::acquire() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      CURL *h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  CURL *h = curl_easy_init();
  if (!h) throw Error(Status::NoMemory, "could not create a curl handle");
  configure(h);
  return h;
}

// What every exchange of this transport shares, set once per handle: an
// Exchange sets only what belongs to its request (re-applying everything on
// each call was a measurable part of the per-call cost).
void Transport::configure(CURL *h) {
  curl_easy_setopt(h, CURLOPT_SHARE, share_);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, opts_.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, opts_.timeout_ms);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, opts_.verify_tls ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, opts_.verify_tls ? 2L : 0L);
  if (!opts_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, opts_.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(opts_.max_response_bytes));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  if (!opts_.user_agent.empty()) curl_easy_setopt(h, CURLOPT_USERAGENT, opts_.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, before_send);
}

void Transport::release(CURL *h) {
  std::lock_guard lock(pool_mutex_);
  idle_.push_back(h);
}

struct Exchange::Io {
  HttpResponse resp;
  Sink sink{&resp.body, 0};
  SendCount sends;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

Exchange::Exchange(Transport &t, CURL *h, HttpRequest req, bool pipewait)
    : t_(t), h_(h), req_(std::move(req)), io_(new Io) {
  const TransportOptions &opts = t_.opts_;
  io_->sink.cap = opts.max_response_bytes;
  auto add_header = [&](const char *line) {
    curl_slist *next = curl_slist_append(io_->headers.get(), line);
    if (!next) throw Error(Status::NoMemory, "out of memory building headers");
    (void)io_->headers.release();
    io_->headers.reset(next);
  };
  std::string line;
  for (const auto &[k, v] : req_.headers) {
    line.assign(k).append(": ").append(v);
    add_header(line.c_str());
  }
  if (!req_.body.empty() || req_.method == Method::Post || req_.method == Method::Put ||
      req_.method == Method::Patch)
    add_header(("Content-Type: " + req_.media_type).c_str());
  add_header(("Accept: " + req_.media_type).c_str());
  add_header("Expect:");  // no 100-continue round trip

  // Everything the previous exchange on this handle set is set again here
  // (the handle keeps its options between exchanges; see Transport::configure).
  curl_easy_setopt(h, CURLOPT_URL, req_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PIPEWAIT, pipewait ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, io_->headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &io_->sink);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &io_->resp);
  io_->sends.once_only = !req_.resend_safe;
  curl_easy_setopt(h, CURLOPT_PREREQDATA, &io_->sends);
  // A request that must not be resent never rides a connection idle long
  // enough for the server to have closed it (servers close idle connections
  // after 5 s and up): cut off there, a create could only end outcome_unknown.
  curl_easy_setopt(h, CURLOPT_MAXAGE_CONN, req_.resend_safe ? kReuseIdleSeconds : kReuseIdleSecondsOnceOnly);

  bool has_body = req_.method != Method::Get && (!req_.body.empty() || req_.method != Method::Delete);
  const char *custom = req_.method == Method::Get || req_.method == Method::Post ? nullptr : method_name(req_.method);
  if (has_body) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req_.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req_.body.c_str());  // also makes it a POST
  } else {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, nullptr);  // no pointer into an earlier exchange's body
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(-1));
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);  // after POSTFIELDS, which sets POST
  }
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, custom);
}

Exchange::~Exchange() = default;

HttpResponse Exchange::finish(int code) {
  auto rc = static_cast<CURLcode>(code);
  const TransportOptions &opts = t_.opts_;
  auto log = [&](const std::string &outcome) {
    if (!opts.log || (opts.logging && !opts.logging())) return;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - io_->started);
    char took[32];
    std::snprintf(took, sizeof took, " (%.1f ms)", static_cast<double>(us.count()) / 1000.0);
    // Never the URL as sent: no user information, no secret query parameter.
    opts.log(std::string(method_name(req_.method)) + " " + redact_url(req_.url) + outcome + took);
  };
  if (rc != CURLE_OK) {
    Error e(Status::Transport, "");
    if (io_->sink.overflow || rc == CURLE_FILESIZE_EXCEEDED) {
      e.message = "the response is larger than max_response_bytes (" + std::to_string(opts.max_response_bytes) +
                  ") and was refused";
    } else {
      // Once any byte of the request left, the vendor may have acted on it.
      curl_off_t sent = 0;
      curl_easy_getinfo(h_, CURLINFO_REQUEST_SIZE, &sent);
      bool resend_refused = rc == CURLE_ABORTED_BY_CALLBACK && io_->sends.sends > 1;
      bool unanswered = resend_refused || rc == CURLE_SEND_FAIL_REWIND || rc == CURLE_GOT_NOTHING;
      if (rc == CURLE_OPERATION_TIMEDOUT) e.status = Status::Timeout;
      e.message = unanswered ? std::string("the connection closed before the server answered")
                             : std::string("HTTP request failed: ") + curl_easy_strerror(rc);
      e.maybe_applied =
          unanswered || (sent > 0 && rc != CURLE_COULDNT_CONNECT && rc != CURLE_COULDNT_RESOLVE_HOST);
      e.retriable = rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
                    rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
                    rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE || rc == CURLE_SEND_FAIL_REWIND ||
                    resend_refused;
    }
    log(" failed: " + e.message);
    throw e;
  }
  HttpResponse resp = std::move(io_->resp);
  resp.body.reserve(resp.body.size() + kJsonPadding);  // decoded in place (parse_json_in_place)
  curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &resp.status);
  if (resp.status >= 300 && resp.status < 400) {
    char *loc = nullptr;
    curl_easy_getinfo(h_, CURLINFO_REDIRECT_URL, &loc);
    if (loc) resp.location = loc;
  }
  log(" -> " + std::to_string(resp.status));
  return resp;
}

std::optional<std::string> Exchange::redirect(const HttpResponse &resp, int hops) const {
  if (resp.status < 300 || resp.status >= 400 || resp.location.empty()) return std::nullopt;
  // Credentials travel with the request, so a redirect to another origin is
  // never followed; same-origin redirects are followed for reads only.
  auto refuse = [&](const char *why) {
    Error e(Status::Transport, why);
    e.http_status = resp.status;
    return e;
  };
  if (url_origin(resp.location) != url_origin(req_.url))
    throw refuse("the server redirected to another host; not followed");
  if (req_.method != Method::Get) throw refuse("the server redirected a write request; not followed");
  if (hops >= 3) throw refuse("too many redirects");
  return resp.location;
}

}  // namespace ak

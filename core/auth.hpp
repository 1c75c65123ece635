// Authenticators shared by vendors: a bearer token that is either given by the
// caller or fetched over HTTP (cached, refreshed before expiry, one fetch at a
// time), and a static token sent as a query parameter.
//
// A fetch is a step of the operation that needs the token, never a blocking
// call: authorize() hands the token request to the first operation that finds
// the token missing or stale, and tells the others to wait until generation()
// moves; the fetching operation reports the answer with fetched() or
// fetch_failed(), which wakes every waiter (on_change). So a batch never blocks
// its thread on a token fetch, and threads and batches sharing a client share
// one fetch.
#pragma once

#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/vendor.hpp"

namespace ak {

struct Token {
  std::string value;
  // Zero = no known expiry (valid until the vendor rejects it).
  std::chrono::system_clock::time_point expires_at{};
};

// How a vendor obtains a bearer token over HTTP: the request to send, and the
// token its answer holds (read throws the Error the answer means).
struct TokenSource {
  std::function<HttpRequest()> request;
  std::function<Token(const HttpResponse &)> read;
};

class BearerAuth : public Authenticator {
 public:
  // A caller-given token: never refreshed.
  explicit BearerAuth(std::string static_token);
  // A fetched token: never retried by itself on failure (the operation's
  // retry policy decides), never fetched again once the vendor refused the
  // credentials; fetch_secrets are scrubbed from every text.
  BearerAuth(TokenSource source, std::vector<std::string> fetch_secrets);

  Step authorize(HttpRequest &req, std::uint64_t waited) override;
  std::optional<Error> fetched(const HttpResponse &resp) override;
  void fetch_failed(const Error &e) override;
  std::uint64_t generation() const override;
  std::shared_ptr<void> on_change(std::function<void()> wake) override;
  bool invalidate(const HttpRequest &req) override;
  std::vector<std::string> secrets() const override;
  bool fetches() const override { return static_cast<bool>(source_.request); }

 private:
  using Clock = std::chrono::system_clock;
  bool fresh(Clock::time_point now) const;  // mu_ held
  // Ends the fetch in flight: records its outcome and wakes every waiter.
  void finish_fetch(std::optional<Token> token, const Error *failure);

  TokenSource source_;
  std::vector<std::string> fetch_secrets_;
  mutable std::mutex mu_;
  Token token_;
  Clock::time_point fetched_at_{};
  bool fetching_ = false;
  std::uint64_t generation_ = 1;
  std::optional<Error> last_failure_;  // of the fetch that ended at generation_
  // The vendor refused these credentials (Error::credentials_refused): every
  // later operation fails with this, sending nothing, until a client with
  // other credentials replaces this authenticator (set_option resets it).
  std::optional<Error> refused_;
  std::list<std::function<void()>> wakers_;
};

class QueryTokenAuth : public Authenticator {
 public:
  QueryTokenAuth(std::string param, std::string token) : param_(std::move(param)), token_(std::move(token)) {}
  Step authorize(HttpRequest &req, std::uint64_t waited) override;
  bool invalidate(const HttpRequest &) override { return false; }
  std::vector<std::string> secrets() const override { return {token_}; }

 private:
  std::string param_, token_;
};

// The value of a required option, or an InvalidArgument error naming it.
const std::string &require_option(const Options &opts, const std::string &name, const std::string &vendor);
const std::string *find_option(const Options &opts, const std::string &name);

}  // namespace ak

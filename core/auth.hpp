// Authenticators shared by vendors: a bearer token that is either given by the
// caller or fetched (and cached, refreshed before expiry, single-flight), and a
// static token sent as a query parameter.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "core/vendor.hpp"

namespace ak {

struct Token {
  std::string value;
  // Zero = no known expiry (valid until the vendor rejects it).
  std::chrono::system_clock::time_point expires_at{};
};

class BearerAuth : public Authenticator {
 public:
  using Fetch = std::function<Token(Transport &)>;
  // A caller-given token: never refreshed.
  explicit BearerAuth(std::string static_token);
  // A fetched token: fetch runs at most once at a time, never retried on failure.
  explicit BearerAuth(Fetch fetch, std::vector<std::string> fetch_secrets);

  void apply(HttpRequest &req, Transport &t) override;
  bool invalidate(const HttpRequest &req) override;
  std::vector<std::string> secrets() const override;

 private:
  bool fresh(std::chrono::system_clock::time_point now) const;  // token_mu_ held
  std::string current(bool &stale) const;

  Fetch fetch_;
  std::vector<std::string> fetch_secrets_;
  std::mutex fetch_mu_;        // one fetch at a time (single flight)
  mutable std::mutex token_mu_;  // guards token_; never held across a fetch
  Token token_;
  std::chrono::system_clock::time_point fetched_at_{};
};

class QueryTokenAuth : public Authenticator {
 public:
  QueryTokenAuth(std::string param, std::string token) : param_(std::move(param)), token_(std::move(token)) {}
  void apply(HttpRequest &req, Transport &t) override;
  bool invalidate(const HttpRequest &) override { return false; }
  std::vector<std::string> secrets() const override { return {token_}; }

 private:
  std::string param_, token_;
};

// The value of a required option, or an InvalidArgument error naming it.
const std::string &require_option(const Options &opts, const std::string &name, const std::string &vendor);
const std::string *find_option(const Options &opts, const std::string &name);

}  // namespace ak

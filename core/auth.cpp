#include "core/auth.hpp"

#include "core/redact.hpp"

namespace ak {

BearerAuth::BearerAuth(std::string static_token) { token_.value = std::move(static_token); }

BearerAuth::BearerAuth(TokenSource source, std::vector<std::string> fetch_secrets)
    : source_(std::move(source)), fetch_secrets_(std::move(fetch_secrets)) {}

bool BearerAuth::fresh(Clock::time_point now) const {
  if (token_.value.empty()) return false;
  if (!source_.request || token_.expires_at == Clock::time_point{}) return true;
  // Refresh ahead of expiry by a quarter of the lifetime, at most a minute,
  // so a call never leaves with a token about to lapse.
  auto lifetime = token_.expires_at - fetched_at_;
  auto margin = std::min<Clock::duration>(std::chrono::seconds(60), lifetime / 4);
  return now + margin < token_.expires_at;
}

Authenticator::Step BearerAuth::authorize(HttpRequest &req, std::uint64_t waited) {
  Step step;
  std::lock_guard lock(mu_);
  if (refused_) {
    step.kind = Step::Failed;
    step.error = *refused_;
    return step;
  }
  // The fetch this caller waited for failed: so does the caller (its retry
  // policy decides what next), instead of every waiter fetching at once.
  if (waited && waited < generation_ && last_failure_ && !fetching_ && !fresh(Clock::now())) {
    step.kind = Step::Failed;
    step.error = *last_failure_;
    return step;
  }
  if (fresh(Clock::now())) {
    req.headers.emplace_back("Authorization", "Bearer " + token_.value);
    return step;
  }
  if (fetching_) {
    step.kind = Step::Wait;
    step.generation = generation_;
    return step;
  }
  fetching_ = true;
  step.kind = Step::Fetch;
  step.fetch = source_.request();
  return step;
}

void BearerAuth::finish_fetch(std::optional<Token> token, const Error *failure) {
  std::list<std::function<void()>> wake;
  {
    std::lock_guard lock(mu_);
    fetching_ = false;
    ++generation_;
    if (token) {
      fetched_at_ = Clock::now();
      token_ = std::move(*token);
      last_failure_.reset();
    } else {
      last_failure_ = *failure;
      if (failure->credentials_refused) {
        refused_ = *failure;
        refused_->message += "; nothing more is sent with these credentials (set new ones to try again)";
        refused_->retriable = false;
      }
    }
    wake = wakers_;  // run outside the lock: a waker may call back in
  }
  for (auto &w : wake) w();
}

std::optional<Error> BearerAuth::fetched(const HttpResponse &resp) {
  try {
    Token token = source_.read(resp);
    finish_fetch(std::move(token), nullptr);
    return std::nullopt;
  } catch (Error &e) {
    // A token answer's body is never kept: a garbled or cut success answer
    // still holds most of a live token, in a shape no key search can be sure to find.
    if (!e.raw_body.empty()) e.raw_body = kWithheldTokenAnswer;
    finish_fetch(std::nullopt, &e);
    return e;
  }
}

void BearerAuth::fetch_failed(const Error &e) { finish_fetch(std::nullopt, &e); }

std::uint64_t BearerAuth::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

std::shared_ptr<void> BearerAuth::on_change(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  auto it = wakers_.insert(wakers_.end(), std::move(wake));
  // The handle unregisters; it may outlive nothing but this authenticator,
  // which the client state keeps alive as long as operations use it.
  return std::shared_ptr<void>(nullptr, [this, it](void *) {
    std::lock_guard lock(mu_);
    wakers_.erase(it);
  });
}

bool BearerAuth::invalidate(const HttpRequest &req) {
  if (!source_.request) return false;
  std::lock_guard lock(mu_);
  // Only drop the token if it is the one that was rejected: another thread
  // may already have replaced it.
  for (const auto &[k, v] : req.headers)
    if (k == "Authorization" && v == "Bearer " + token_.value) token_ = Token{};
  return true;
}

std::vector<std::string> BearerAuth::secrets() const {
  std::lock_guard lock(mu_);
  auto out = fetch_secrets_;
  if (!token_.value.empty()) out.push_back(token_.value);
  return out;
}

Authenticator::Step QueryTokenAuth::authorize(HttpRequest &req, std::uint64_t) {
  req.url += (req.url.find('?') == std::string::npos ? '?' : '&');
  req.url += url_encode(param_) + "=" + url_encode(token_);
  return {};
}

const std::string *find_option(const Options &opts, const std::string &name) {
  auto it = opts.find(name);
  return it == opts.end() || it->second.empty() ? nullptr : &it->second;
}

const std::string &require_option(const Options &opts, const std::string &name, const std::string &vendor) {
  if (const auto *v = find_option(opts, name)) return *v;
  throw Error(Status::InvalidArgument, vendor + ": option \"" + name + "\" is required");
}

}  // namespace ak

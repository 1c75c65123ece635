#include "core/auth.hpp"

namespace ak {

using Clock = std::chrono::system_clock;

BearerAuth::BearerAuth(std::string static_token) { token_.value = std::move(static_token); }

BearerAuth::BearerAuth(Fetch fetch, std::vector<std::string> fetch_secrets)
    : fetch_(std::move(fetch)), fetch_secrets_(std::move(fetch_secrets)) {}

bool BearerAuth::fresh(Clock::time_point now) const {
  if (token_.value.empty()) return false;
  if (token_.expires_at == Clock::time_point{}) return true;
  // Refresh ahead of expiry by a quarter of the lifetime, at most a minute,
  // so a call never leaves with a token about to lapse.
  auto lifetime = token_.expires_at - fetched_at_;
  auto margin = std::min<Clock::duration>(std::chrono::seconds(60), lifetime / 4);
  return now + margin < token_.expires_at;
}

std::string BearerAuth::current(bool &stale) const {
  std::lock_guard lock(token_mu_);
  stale = fetch_ && !fresh(Clock::now());
  return token_.value;
}

void BearerAuth::apply(HttpRequest &req, Transport &t) {
  bool stale = false;
  std::string value = current(stale);
  if (stale) {
    // Holding fetch_mu_ across the fetch makes refresh single-flight: threads
    // that find the token stale wait for the one fetch in progress, then use it.
    std::lock_guard flight(fetch_mu_);
    value = current(stale);
    if (stale) {
      auto started = Clock::now();
      Token fetched = fetch_(t);
      std::lock_guard lock(token_mu_);
      fetched_at_ = started;
      token_ = std::move(fetched);
      value = token_.value;
    }
  }
  req.headers.emplace_back("Authorization", "Bearer " + value);
}

bool BearerAuth::invalidate(const HttpRequest &req) {
  if (!fetch_) return false;
  std::lock_guard lock(token_mu_);
  // Only drop the token if it is the one that was rejected: another thread
  // may already have replaced it.
  for (const auto &[k, v] : req.headers)
    if (k == "Authorization" && v == "Bearer " + token_.value) token_ = Token{};
  return true;
}

std::vector<std::string> BearerAuth::secrets() const {
  std::lock_guard lock(token_mu_);
  auto out = fetch_secrets_;
  if (!token_.value.empty()) out.push_back(token_.value);
  return out;
}

void QueryTokenAuth::apply(HttpRequest &req, Transport &) {
  req.url += (req.url.find('?') == std::string::npos ? '?' : '&');
  req.url += url_encode(param_) + "=" + url_encode(token_);
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

#include "core/state.hpp"

#include <random>

#include "core/auth.hpp"
#include "core/redact.hpp"

namespace ak {


ClientState::ClientState(const Vendor &v, Settings s, std::uint64_t seed)
    : vendor(v),
      settings(std::move(s)),
      quota(settings.retry_quota),
      limiter(settings.requests_per_second, settings.reads_per_hour, settings.writes_per_hour),
      jitter(seed) {}

std::vector<std::string> ClientState::secrets() const {
  auto out = option_secrets;
  if (auth) {
    auto more = auth->secrets();
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

void ClientState::scrub(std::string &text) const {
  mask_by_location(text);
  scrub_text(text, secrets());
}

void ClientState::scrub(Error &e) const {
  auto all = secrets();
  for (std::string *text : {&e.message, &e.raw_body}) {
    mask_by_location(*text);
    scrub_text(*text, all);
  }
  for (auto &f : e.fields) {
    mask_by_location(f.message);
    scrub_text(f.message, all);
  }
}

std::string ClientState::generate_key() {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string key = "ak";
  for (int i = 0; i < 22; ++i) key.push_back(alphabet[jitter.next() % 36]);
  return key;
}

std::shared_ptr<ClientState> build_state(const Vendor &vendor, const Options &options,
                                         std::function<bool()> logging,
                                         std::function<void(const std::string &)> log) {
  Settings settings = parse_settings(vendor, options);
  if (settings.base_url.empty())
    throw Error(Status::InvalidArgument,
                vendor.name + ": option \"base_url\" is required (the vendor has no global host)");
  std::uint64_t seed = settings.retry_seed >= 0 ? static_cast<std::uint64_t>(settings.retry_seed)
                                                : std::random_device{}();
  auto s = std::make_shared<ClientState>(vendor, settings, seed);
  TransportOptions t;
  t.timeout_ms = settings.timeout_ms;
  t.connect_timeout_ms = settings.connect_timeout_ms;
  t.verify_tls = settings.verify_tls;
  t.max_response_bytes = static_cast<std::size_t>(settings.max_response_bytes);
  t.ca_file = settings.ca_file;
  t.user_agent = settings.user_agent;
  // Every exchange, the token requests included, is logged redacted.
  std::weak_ptr<ClientState> weak = s;
  t.logging = std::move(logging);
  t.log = [weak, log = std::move(log)](const std::string &line) {
    std::string text = line;
    if (auto st = weak.lock()) st->scrub(text);
    else mask_by_location(text);
    log(text);
  };
  s->transport = std::make_unique<Transport>(std::move(t));
  Options with_base = options;
  with_base["base_url"] = settings.base_url;
  s->auth = vendor.authenticator(with_base);
  for (const auto &n : vendor.secret_options)
    if (const auto *v = find_option(options, n)) s->option_secrets.push_back(*v);
  return s;
}

}  // namespace ak

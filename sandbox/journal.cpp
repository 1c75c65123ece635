// The request journal: what went over the wire, with every secret masked.
#include "core/api.hpp"
#include "sandbox/sandbox.hpp"

namespace ak::sandbox {

namespace {

// Headers that carry credentials: the authorization schemes keep their
// scheme's name ("Bearer ***"); the others, and any header named like a
// secret key ("api_token" or "api-token"), are masked whole.
Value masked_header(const std::string &name, const std::string &value) {
  if (name == "authorization" || name == "proxy-authorization") {
    auto space = value.find(' ');
    return Value(space == std::string::npos ? "***" : value.substr(0, space) + " ***");
  }
  std::string underscored = name;
  for (auto &c : underscored)
    if (c == '-') c = '_';
  for (const char *n : {"cookie", "set-cookie", "x-api-token", "x-api-key", "api-key", "x-auth-token"})
    if (name == n) return Value("***");
  if (api::is_secret_key(name) || api::is_secret_key(underscored)) return Value("***");
  return Value(value);
}

}  // namespace

void Journal::record(const std::string &vendor, const Request &req, int status, const char *fault) {
  Value query = Value::object();
  for (const auto &[k, v] : req.query) query.set(k, api::is_secret_key(k) ? Value("***") : Value(v));
  Value headers = Value::object();
  for (const auto &[k, v] : req.headers) headers.set(k, masked_header(k, v));
  Value body;
  if (!req.body.empty()) {
    try {
      body = parse_json(req.body);
      api::mask_secrets(body);
    } catch (const JsonError &) {
      // Not JSON: keep the text unless it might hold a secret we cannot locate.
      bool risky = false;
      for (const auto &k : api::secret_keys()) risky = risky || req.body.find(k) != std::string::npos;
      body = Value(risky ? std::string("<non-JSON body withheld: it mentions a secret field>") : req.body);
    }
  }
  Value entry(Object{{"vendor", vendor},
                     {"method", req.method},
                     {"path", req.path},
                     {"query", std::move(query)},
                     {"headers", std::move(headers)},
                     {"body", std::move(body)},
                     {"status", status}});
  if (fault) entry.set("fault", fault);
  std::lock_guard lock(mu_);
  entries_.push_back(std::move(entry));
}

std::string Journal::to_json() const {
  std::lock_guard lock(mu_);
  std::string out = "[";
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i) out += ',';
    write_json(entries_[i], out);
  }
  return out + "]";
}

void Journal::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

size_t Journal::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace ak::sandbox

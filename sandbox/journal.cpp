// The request journal: what went over the wire, with every secret masked.
#include <set>

#include "core/vendor.hpp"
#include "sandbox/sandbox.hpp"

namespace ak::sandbox {

namespace {

// Names that carry secrets on the wire: the vendors' fields marked secret,
// plus the credentials of every auth flow.
const std::set<std::string, std::less<>> &secret_keys() {
  static const std::set<std::string, std::less<>> keys = [] {
    std::set<std::string, std::less<>> k = {"client_secret", "password", "access_token", "authToken",
                                            "api_token", "token"};
    for (const Vendor *v : vendors()) {
      for (const auto &name : v->secret_options) k.insert(name);
      for (const auto &op : v->operations)
        for (const auto &f : op.request.members)
          if (f.secret) k.insert(f.name);
    }
    return k;
  }();
  return keys;
}

void mask(Value &v) {
  if (v.is_object()) {
    for (auto &[k, child] : v.as_object()) {
      if (secret_keys().count(k) && !child.is_null()) child = Value("***");
      else mask(child);
    }
  } else if (v.is_array()) {
    for (auto &child : v.as_array()) mask(child);
  }
}

Value masked_header(const std::string &name, const std::string &value) {
  if (name == "authorization") {
    auto space = value.find(' ');
    return Value(space == std::string::npos ? "***" : value.substr(0, space) + " ***");
  }
  if (name == "x-api-token" || name == "cookie") return Value("***");
  return Value(value);
}

}  // namespace

void Journal::record(const std::string &vendor, const Request &req, int status, const char *fault) {
  Value query = Value::object();
  for (const auto &[k, v] : req.query) query.set(k, secret_keys().count(k) ? Value("***") : Value(v));
  Value headers = Value::object();
  for (const auto &[k, v] : req.headers) headers.set(k, masked_header(k, v));
  Value body;
  if (!req.body.empty()) {
    try {
      body = parse_json(req.body);
      mask(body);
    } catch (const JsonError &) {
      // Not JSON: keep the text unless it might hold a secret we cannot locate.
      bool risky = false;
      for (const auto &k : secret_keys()) risky = risky || req.body.find(k) != std::string::npos;
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

// The sandbox's C API (accountkit/sandbox.h): libaccountkit-sandbox, a tool
// for development and tests outside the ABI promise. Clients are pointed at
// it through the public C API of libaccountkit (ak_client_set_option), and
// its errors are made by ak_error_new, so they are freed like any other.
#include "accountkit/sandbox.h"

#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>

#include "capi/src/guard.hpp"
#include "sandbox/sandbox.hpp"

struct ak_sandbox {
  ak::sandbox::Server server;
  std::mutex mu;
  std::deque<std::string> urls;  // append-only, so returned pointers stay valid
};

namespace {

ak_error *new_error(const ak::Error &e) noexcept {
  return ak_error_new(static_cast<ak_status>(e.status), e.message.c_str());
}

template <class Fn>
ak_status guard(ak_error **err, Fn &&fn) {
  return akc::guard(err, new_error, std::forward<Fn>(fn));
}

using akc::dup_string;
using akc::need;

// Sets a client option through the C API, turning its failure into an exception.
void set_client_option(ak_client *c, const std::string &name, const std::string &value) {
  ak_error *err = nullptr;
  ak_status s = ak_client_set_option(c, name.c_str(), value.c_str(), &err);
  if (s == AK_OK) return;
  ak::Error e(static_cast<ak::Status>(s), err ? ak_error_message(err) : ak_strerror(s));
  ak_error_free(err);
  throw e;
}

}  // namespace

extern "C" {

ak_status ak_sandbox_new(ak_sandbox **out, ak_error **err) {
  return guard(err, [&] {
    need(out, "out");
    *out = new ak_sandbox;
  });
}

void ak_sandbox_free(ak_sandbox *sb) { delete sb; }

ak_status ak_sandbox_set_option(ak_sandbox *sb, const char *name, const char *value, ak_error **err) {
  return guard(err, [&] {
    need(sb, "sandbox");
    need(name, "name");
    need(value, "value");
    sb->server.set_option(name, value);
  });
}

ak_status ak_sandbox_start(ak_sandbox *sb, int port, ak_error **err) {
  return guard(err, [&] {
    need(sb, "sandbox");
    try {
      sb->server.start(port);
    } catch (const std::runtime_error &e) {
      throw ak::Error(ak::Status::Transport, e.what());
    }
  });
}

void ak_sandbox_stop(ak_sandbox *sb) {
  if (!sb) return;
  try {
    sb->server.stop();
  } catch (...) {
  }
}

int ak_sandbox_port(const ak_sandbox *sb) { return sb ? sb->server.port() : 0; }

const char *ak_sandbox_vendor_url(ak_sandbox *sb, const char *vendor) {
  if (!sb || !vendor) return nullptr;
  try {
    std::string url = sb->server.vendor_url(vendor);
    if (url.empty()) return nullptr;
    std::lock_guard lock(sb->mu);
    for (const auto &u : sb->urls)
      if (u == url) return u.c_str();
    return sb->urls.emplace_back(std::move(url)).c_str();
  } catch (...) {
    return nullptr;
  }
}

ak_status ak_sandbox_configure_client(ak_sandbox *sb, ak_client *c, ak_error **err) {
  return guard(err, [&] {
    need(sb, "sandbox");
    need(c, "client");
    const std::string vendor = ak_client_vendor(c);
    std::string url = sb->server.vendor_url(vendor);
    if (url.empty()) throw ak::Error(ak::Status::InvalidArgument, "the sandbox is not running");
    set_client_option(c, "base_url", url);
    ak::Value credentials = sb->server.credentials(vendor);
    for (const auto &[name, value] : credentials.as_object()) set_client_option(c, name, value.as_string());
  });
}

ak_status ak_sandbox_credentials_json(char **out, ak_sandbox *sb, const char *vendor, ak_error **err) {
  return guard(err, [&] {
    need(out, "out");
    *out = nullptr;
    need(sb, "sandbox");
    need(vendor, "vendor");
    *out = dup_string(ak::to_json(sb->server.credentials(vendor)));
  });
}

ak_status ak_sandbox_journal_json(char **out, ak_sandbox *sb, ak_error **err) {
  return guard(err, [&] {
    need(out, "out");
    *out = nullptr;
    need(sb, "sandbox");
    *out = dup_string(sb->server.journal().to_json());
  });
}

void ak_sandbox_journal_clear(ak_sandbox *sb) {
  if (sb) sb->server.journal().clear();
}

void ak_sandbox_expire_tokens(ak_sandbox *sb) {
  if (sb) sb->server.expire_tokens();
}

ak_status ak_sandbox_add_faults(ak_sandbox *sb, const char *json, ak_error **err) {
  return guard(err, [&] {
    need(sb, "sandbox");
    need(json, "json");
    sb->server.faults().add(ak::parse_json(json));
  });
}

void ak_sandbox_clear_faults(ak_sandbox *sb) {
  if (sb) sb->server.faults().clear();
}

}  // extern "C"

// The 99digital emulator's Workflow Builders (createBuilder, getBuilders,
// loginBuilder) and the partner's webhook address (setWebhook, getWebhook)
// with the events POSTed to it. Not thread-safe: the emulator calls it under
// its own lock; events leave through a WebhookSender, never under that lock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "core/json.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/webhooks.hpp"

namespace ak::sandbox {

class Digital99Extras {
 public:
  // hex(prefix): prefix and 32 random hex digits (the emulator's generator).
  explicit Digital99Extras(std::function<std::string(std::string)> hex) : hex_(std::move(hex)) {}

  Reply create_builder(const Value &body);
  Reply list_builders() const;
  Reply login_builder(const Value &body);
  Reply set_webhook(const Value &body);
  Reply get_webhook() const;

  // Sends event (type "partners" or "builder", [ours]) to the partner's
  // webhook URL, when one is set; returns at once.
  void notify(Value event);

 private:
  struct Builder {
    std::string client_name, reference, url;
    std::int64_t create_time = 0;
  };
  std::function<std::string(std::string)> hex_;
  std::map<std::int64_t, Builder> builders_;
  std::int64_t next_builder_ = 1;
  std::string webhook_url_;  // "" until set_webhook
  WebhookSender sender_;     // last: stopped before the rest goes
};

// The 99digital answer envelope, {"status": "OK"|"FAIL", "reason": N}.
Value digital99_envelope(int reason);
std::int64_t digital99_now();

}  // namespace ak::sandbox

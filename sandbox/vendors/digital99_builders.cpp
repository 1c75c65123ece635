// Sandbox choices (docs/vendors/99digital.md, "Sandbox"): builder ids from 1
// up; a builder's url is https://builder.99digital.co.il/<id>/; every
// loginBuilder answers a fresh link (not remembered); getWebhook answers ""
// until a URL is set. Events are POSTed once each, 5 s at most, and nothing
// is retried.
#include "sandbox/vendors/digital99_builders.hpp"

#include <chrono>

namespace ak::sandbox {

Value digital99_envelope(int reason) {
  return Value(Object{{"status", reason == 1 ? "OK" : "FAIL"}, {"reason", reason}});
}

std::int64_t digital99_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

std::string text(const Value &body, const char *key) {
  const Value *v = body.find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

}  // namespace

Reply Digital99Extras::create_builder(const Value &body) {
  std::int64_t id = next_builder_++;
  Builder b{text(body, "client_name"), text(body, "reference"),
            "https://builder.99digital.co.il/" + std::to_string(id) + "/", digital99_now()};
  builders_[id] = b;
  Value v = digital99_envelope(1);
  v.set("builderID", id);
  v.set("client_name", b.client_name);
  v.set("url", b.url);
  notify(Value(Object{{"type", "builder"},
                      {"event", "builder_created"},
                      {"builderID", id},
                      {"client_name", b.client_name},
                      {"reference", b.reference},
                      {"url", b.url},
                      {"time", b.create_time}}));
  return Reply::json(200, v);
}

Reply Digital99Extras::list_builders() const {
  Array items;
  for (const auto &[id, b] : builders_)
    items.push_back(Value(Object{{"create_time", b.create_time},
                                 {"client", b.client_name},
                                 {"builderID", std::to_string(id)},  // documented: a string here
                                 {"url", b.url},
                                 {"reference", b.reference}}));
  Value v = digital99_envelope(1);
  v.set("totalBuilders", static_cast<std::int64_t>(items.size()));
  v.set("list", Value(std::move(items)));
  return Reply::json(200, v);
}

// The docs' sample answer has no "reason"; the sandbox answers the same way.
Reply Digital99Extras::login_builder(const Value &body) {
  const Value *id = body.find("builderID");
  auto it = id && id->is_int() ? builders_.find(id->as_int()) : builders_.end();
  if (it == builders_.end()) return Reply::json(200, digital99_envelope(29));
  return Reply::json(200, Value(Object{{"status", "OK"},
                                       {"builderID", it->first},
                                       {"login", hex_("https://builder.99digital.co.il/sso/")}}));
}

Reply Digital99Extras::set_webhook(const Value &body) {
  webhook_url_ = text(body, "url");
  Value v = digital99_envelope(1);
  v.set("url", webhook_url_);
  return Reply::json(200, v);
}

Reply Digital99Extras::get_webhook() const {
  Value v = digital99_envelope(1);
  v.set("url", webhook_url_);
  return Reply::json(200, v);
}

void Digital99Extras::notify(Value event) {
  if (webhook_url_.empty()) return;
  sender_.send(webhook_url_, to_json(event));
}

}  // namespace ak::sandbox

// 99digital partner settings: the webhook address (docs:
// partners-api/settings/webhook, parts 1 and 2) and the events 99digital
// POSTs to it (part 3), read by parse_webhook.
#include <cstdint>
#include <string>

#include "core/formats.hpp"
#include "core/vendors/digital99/ops.hpp"

namespace ak::digital99_ops {

// setWebhook. An update [ours]: it replaces the partner's one address, and
// sending the same address again changes nothing, so a lost answer may be
// resent. Its reason 13 means the url is invalid, not the wrong method [doc].
Operation set_webhook() {
  Operation op = operation("set_webhook", OpKind::Update, Method::Post, "/api/settings/setWebhook");
  op.request = Field::object("", {
      Field::string("url").max(512).fmt(formats::kHttpUrl).req()
          .describe("where 99digital POSTs its events: an absolute http(s) URL"),
  });
  op.reasons = {
      wrong_credentials(), token_expired(),
      {13, Status::Validation, {"url"}, "url is invalid"},
  };
  return op;
}

// getWebhook: the address set, in "url".
Operation get_webhook() {
  Operation op = operation("get_webhook", OpKind::Read, Method::Get, "/api/settings/getWebhook");
  op.request = Field::object("", {});
  op.reasons = {wrong_credentials(), token_expired(), wrong_method()};
  return op;
}

namespace {

Error malformed(const std::string &problem) {
  Error e(Status::Decode, "99digital webhook: " + problem);
  e.vendor = "99digital";
  e.operation = "webhook";
  return e;
}

// The id at key as text ("" when absent), or throws when it is there but is
// no positive integer (nor a string of digits, which int_id turned into one).
std::string id_at(const Value &v, const char *key) {
  const Value *id = v.find(key);
  if (!id) return {};
  if (!id->is_int() || id->as_int() <= 0) throw malformed(std::string("\"") + key + "\" is not a positive integer");
  return std::to_string(id->as_int());
}

}  // namespace

// Part 3 of the page gives the method (JSON via POST) and the event types
// (whatsapp, builder, partners) [doc]; the rest of the shape is ours
// (docs/vendors/99digital.md, "Webhooks"): "type" is required; a builder
// event names its builder (builderID), a partners event its account
// (account_id or accountID); "event", when sent, is the kind of change.
Result parse_webhook(std::string_view body) {
  Value v;
  try {
    v = parse_json(body);
  } catch (const JsonError &) {
    // The parser's message may quote the body, which may hold a sign-in link.
    throw malformed("the body is not valid JSON");
  }
  if (!v.is_object()) throw malformed("the body is not a JSON object");
  const Value *type = v.find("type");
  if (!type) throw malformed("\"type\" (the event type: whatsapp, builder or partners) is missing");
  if (!type->is_string() || type->as_string().empty()) throw malformed("\"type\" is not a non-empty string");
  if (const Value *event = v.find("event"); event && (!event->is_string() || event->as_string().empty()))
    throw malformed("\"event\" is not a non-empty string");
  normalise_account(v);
  std::string kind = v.find("type")->as_string();
  Result r;
  r.id = id_at(v, "account_id");
  std::string builder = id_at(v, "builderID");
  if (kind == "builder") {
    if (builder.empty()) throw malformed("a builder event without \"builderID\"");
    r.id = builder;
  } else if (kind == "partners" && r.id.empty()) {
    throw malformed("a partners event without \"account_id\"");
  }
  if (const Value *event = v.find("event")) r.status = event->as_string();
  else if (const Value *s = v.find("account_status"); s && s->is_string()) r.status = s->as_string();
  r.data = std::move(v);
  return r;
}

}  // namespace ak::digital99_ops

// ak_webhook_parse: a received webhook body as a result (core/webhook.hpp).
#include <memory>
#include <string_view>

#include "core/webhook.hpp"
#include "guard.hpp"
#include "handles.hpp"

extern "C" {

ak_status ak_webhook_parse(ak_result **out, const char *vendor, const char *body, size_t len, ak_error **err) {
  if (out) *out = nullptr;
  return akc::guard(err, new_error, [&] {
    akc::need(out, "out");
    akc::need(vendor, "vendor");
    if (!body && len) akc::need(body, "body");
    auto r = std::make_unique<ak_result>();
    r->r = ak::parse_webhook(vendor, body ? std::string_view(body, len) : std::string_view());
    *out = r.release();
  });
}

}  // extern "C"

#include "core/webhook.hpp"

#include "core/api.hpp"

namespace ak {

Result parse_webhook(std::string_view vendor, std::string_view body) {
  const Vendor &v = api::vendor(vendor);
  Result r = v.parse_webhook(body);
  r.vendor = v.name;
  r.operation = "webhook";
  return r;
}

}  // namespace ak

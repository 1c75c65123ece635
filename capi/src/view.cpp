// ak_account_view: an account record as the common account view (core/view.hpp).
#include "core/view.hpp"
#include "guard.hpp"
#include "handles.hpp"

extern "C" {

ak_status ak_account_view(char **out_json, const char *vendor, const char *record_json, ak_error **err) {
  if (out_json) *out_json = nullptr;
  return akc::guard(err, new_error, [&] {
    akc::need(out_json, "out_json");
    akc::need(vendor, "vendor");
    akc::need(record_json, "record_json");
    const ak::Vendor &v = ak::api::vendor(vendor);
    *out_json = akc::dup_string(ak::to_json(ak::account_view(v, ak::parse_json(record_json))));
  });
}

}  // extern "C"

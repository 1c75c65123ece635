// The plan rules and the account view through the C API (accountkit/plan.h):
// desired records and accounts as a partner's file and a vendor's listing
// could give them, any bytes.
//
// Input: byte 0: vendor (modulo 4: 99digital, activeplatform,
// activeplatform-v3, commvault); byte 1: bit 0 prune, bit 1 key_attribute
// "partner_id"; the rest: desired_json, then a NUL byte, then current_json
// (no NUL: current_json is "[]").
//
// Properties: ak_plan_with answers AK_OK with a JSON object {"vendor",
// "steps": [...]} whose steps each have a known action, or
// AK_E_INVALID_ARGUMENT with an error and *out NULL; nothing else. A
// 99digital admin_password of a desired record never shows in the plan
// (unless the input gives that text elsewhere too). ak_account_view_with on
// current_json answers AK_OK with an object, or AK_E_INVALID_ARGUMENT.
// ak_plan_changed_since answers AK_OK or AK_E_INVALID_ARGUMENT.
#include <accountkit/accountkit.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "fuzz_check.hpp"

using akfuzz::check;

namespace {

const char *const kVendors[] = {"99digital", "activeplatform", "activeplatform-v3", "commvault"};
const char *const kActions[] = {"create",   "update",   "suspend",        "resume",
                                "no_change", "conflict", "only_at_vendor", "remove"};

// An answer of a plan.h call: AK_OK with text, or AK_E_INVALID_ARGUMENT with
// an error and no text.
void check_answer(const char *what, ak_status s, char *out, ak_error *err) {
  if (s == AK_OK) {
    check(out != nullptr && err == nullptr, "succeeded without its text, or with an error", what);
  } else {
    check(s == AK_E_INVALID_ARGUMENT, "failed with a status other than AK_E_INVALID_ARGUMENT",
          std::string(what) + ": " + ak_strerror(s));
    check(out == nullptr && err != nullptr && *ak_error_message(err), "failed without a message, or with text", what);
  }
  ak_error_free(err);
}

// A 99digital admin_password of the desired records (8 bytes or more, so
// that it cannot occur in a plan by chance), to check that none shows. None
// when the input also gives that text where no secret is (another field's
// value, an account's record): the plan may show it there, as given.
std::string a_password(const char *vendor, const std::string &desired, const std::string &current) {
  if (std::string_view(vendor) != "99digital") return "";
  ak::Value all = ak::parse_json(desired);  // ak_plan_with read it: it parses
  if (!all.is_array()) return "";
  std::string secret;
  for (ak::Value &record : all.as_array()) {
    ak::Value *fields = record.find("fields");
    const ak::Value *password = fields ? fields->find("admin_password") : nullptr;
    if (secret.empty() && password && password->is_string() && password->as_string().size() >= 8)
      secret = password->as_string();
    if (fields) fields->erase("admin_password");  // given once: ak_plan_with refuses a key given twice
  }
  if (secret.empty()) return "";
  const bool elsewhere = ak::to_json(all).find(secret) != std::string::npos ||
                         ak::to_json(ak::parse_json(current)).find(secret) != std::string::npos;
  return elsewhere ? "" : secret;
}

void check_plan(const char *vendor, const std::string &desired, const std::string &current, int flags) {
  ak_plan_options opts = AK_PLAN_OPTIONS_INIT;
  opts.prune = flags & 1;
  opts.key_attribute = (flags & 2) ? "partner_id" : nullptr;
  char *out = nullptr;
  ak_error *err = nullptr;
  ak_status s = ak_plan_with(&out, vendor, desired.c_str(), current.c_str(), &opts, &err);
  std::string text = out ? out : "";
  check_answer("ak_plan_with", s, out, err);
  ak_string_free(out);
  if (s != AK_OK) return;
  ak::Value plan = ak::parse_json(text);
  check(plan.is_object() && plan.find("steps") && plan.find("steps")->is_array(), "a plan without steps", text);
  for (const ak::Value &step : plan.find("steps")->as_array()) {
    const ak::Value *action = step.find("action");
    bool known = false;
    for (const char *a : kActions) known = known || (action && action->is_string() && action->as_string() == a);
    check(known, "a step with an unknown action", ak::to_json(step));
  }
  const std::string secret = a_password(vendor, desired, current);
  check(secret.empty() || text.find(secret) == std::string::npos, "a desired password shows in the plan", secret);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  const char *vendor = kVendors[data[0] % 4];
  const int flags = data[1];
  std::string_view rest(reinterpret_cast<const char *>(data + 2), size - 2);
  const size_t nul = rest.find('\0');
  const std::string desired(rest.substr(0, nul));
  const std::string current = nul == std::string_view::npos ? "[]" : std::string(rest.substr(nul + 1));
  if (current.find('\0') != std::string::npos) return 0;  // C strings end at the first NUL
  check_plan(vendor, desired, current, flags);

  ak_plan_options opts = AK_PLAN_OPTIONS_INIT;
  opts.key_attribute = (flags & 2) ? "partner_id" : nullptr;
  char *view = nullptr;
  ak_error *err = nullptr;
  check_answer("ak_account_view_with", ak_account_view_with(&view, vendor, current.c_str(), &opts, &err), view, err);
  ak_string_free(view);
  char *changed = nullptr;
  err = nullptr;
  check_answer("ak_plan_changed_since", ak_plan_changed_since(&changed, desired.c_str(), current.c_str(), &err),
               changed, err);
  ak_string_free(changed);
  return 0;
}

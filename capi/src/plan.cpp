// accountkit/plan.h: the account view (core/view.hpp) and the plan rules of
// the core (core/plan.hpp; docs/plan.md) over JSON text, for callers that
// read the vendors themselves.
#include "core/plan.hpp"
#include "core/view.hpp"
#include "guard.hpp"
#include "handles.hpp"

namespace {

std::vector<ak::DesiredAccount> desired_from(const ak::Value &all) {
  if (!all.is_array()) throw ak::Error(ak::Status::InvalidArgument, "desired_json must be a JSON array");
  std::vector<ak::DesiredAccount> out;
  std::size_t n = 0;
  for (const ak::Value &item : all.as_array()) {
    ++n;
    const std::string where = "desired_json[" + std::to_string(n - 1) + "]";
    const ak::Value *fields = item.find("fields");
    if (!fields || !fields->is_object())
      throw ak::Error(ak::Status::InvalidArgument, where + ".fields must be an object");
    ak::DesiredAccount d;
    d.fields = *fields;
    const ak::Value *line = item.find("line");
    if (line && !line->is_null() && !(line->is_int() && line->as_int() > 0))
      throw ak::Error(ak::Status::InvalidArgument, where + ".line must be a whole number from 1");
    d.line = line && !line->is_null() ? static_cast<std::size_t>(line->as_int()) : n;
    if (const ak::Value *status = item.find("status"); status && !status->is_null()) {
      if (!status->is_string()) throw ak::Error(ak::Status::InvalidArgument, where + ".status must be text or null");
      d.status = status->as_string();  // which statuses: the core's rule (PlanBuilder::add_desired)
    }
    out.push_back(std::move(d));
  }
  return out;
}

struct PlanOptions {
  bool prune = false;
  std::string key_attribute;
};

PlanOptions options_from(const ak_plan_options *opts) {
  PlanOptions o;
  if (!opts) return o;
  if (opts->version != AK_PLAN_OPTIONS_VERSION)
    throw ak::Error(ak::Status::InvalidArgument, "ak_plan_options.version must be AK_PLAN_OPTIONS_VERSION (" +
                                                     std::to_string(AK_PLAN_OPTIONS_VERSION) + ")");
  o.prune = opts->prune != 0;
  if (opts->key_attribute) o.key_attribute = opts->key_attribute;
  return o;
}

}  // namespace

extern "C" {

ak_status ak_account_view(char **out_json, const char *vendor, const char *record_json, ak_error **err) {
  return ak_account_view_with(out_json, vendor, record_json, nullptr, err);
}

ak_status ak_account_view_with(char **out_json, const char *vendor, const char *record_json,
                               const ak_plan_options *opts, ak_error **err) {
  if (out_json) *out_json = nullptr;
  return akc::guard(err, new_error, [&] {
    akc::need(out_json, "out_json");
    akc::need(vendor, "vendor");
    akc::need(record_json, "record_json");
    const PlanOptions o = options_from(opts);
    const ak::Vendor &v = ak::api::vendor(vendor);
    *out_json = akc::dup_string(ak::to_json(ak::account_view(v, ak::parse_json(record_json), o.key_attribute)));
  });
}

ak_status ak_plan(char **out_json, const char *vendor, const char *desired_json, const char *current_json, int prune,
                  ak_error **err) {
  ak_plan_options opts = AK_PLAN_OPTIONS_INIT;
  opts.prune = prune;
  return ak_plan_with(out_json, vendor, desired_json, current_json, &opts, err);
}

ak_status ak_plan_with(char **out_json, const char *vendor, const char *desired_json, const char *current_json,
                       const ak_plan_options *opts, ak_error **err) {
  if (out_json) *out_json = nullptr;
  return akc::guard(err, new_error, [&] {
    akc::need(out_json, "out_json");
    akc::need(vendor, "vendor");
    akc::need(desired_json, "desired_json");
    akc::need(current_json, "current_json");
    const PlanOptions o = options_from(opts);
    const ak::Vendor &v = ak::api::vendor(vendor);
    ak::Value current = ak::parse_json(current_json);
    ak::Value accounts, in_flight = ak::Value::array();
    if (current.is_object()) {  // {"accounts": [...], "in_flight": [...]}
      if (ak::Value *a = current.find("accounts")) accounts = std::move(*a);
      if (ak::Value *f = current.find("in_flight")) in_flight = std::move(*f);
    } else {
      accounts = std::move(current);
    }
    if (!accounts.is_array() || !in_flight.is_array())
      throw ak::Error(ak::Status::InvalidArgument,
                      "current_json must be a JSON array of account views, or {\"accounts\": [...], \"in_flight\": [...]}");
    std::vector<ak::PlanStep> steps = ak::make_plan(v, desired_from(ak::parse_json(desired_json)),
                                                    accounts.as_array(), o.prune, in_flight.as_array(), o.key_attribute);
    ak::Value out = ak::Value::object();
    out.set("vendor", v.name);
    ak::Value list = ak::Value::array();
    for (const ak::PlanStep &s : steps) list.as_array().push_back(ak::plan_step_json(v, s));
    out.set("steps", std::move(list));
    *out_json = akc::dup_string(ak::to_json(out));
  });
}

ak_status ak_plan_changed_since(char **out_text, const char *expect_json, const char *view_json, ak_error **err) {
  if (out_text) *out_text = nullptr;
  return akc::guard(err, new_error, [&] {
    akc::need(out_text, "out_text");
    akc::need(expect_json, "expect_json");
    akc::need(view_json, "view_json");
    *out_text = akc::dup_string(ak::changed_since(ak::parse_json(expect_json), ak::parse_json(view_json)));
  });
}

}  // extern "C"

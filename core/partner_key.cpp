#include "core/partner_key.hpp"

#include <optional>

namespace ak {

namespace {

// The value of the {"key", "value"} element whose key is attribute, or null.
const Value *attribute_value(const Value *list, const std::string &attribute) {
  if (!list || !list->is_array()) return nullptr;
  for (const Value &e : list->as_array()) {
    const Value *k = e.is_object() ? e.find("key") : nullptr;
    if (k && k->is_string() && k->as_string() == attribute) return e.find("value");
  }
  return nullptr;
}

}  // namespace

std::string key_text(const Value *v) {
  if (!v || v->is_null()) return "";
  if (v->is_string()) return v->as_string();
  return to_json(*v);
}

PartnerKey::PartnerKey(const Vendor &v, std::string attribute)
    : v_(v), field_(v.reconcile.key_field), attribute_(std::move(attribute)) {
  if (attribute_.empty()) return;
  if (!field_.empty())
    throw Error(Status::InvalidArgument, v.name + " keeps your own key in " + field_ +
                                             ": key_attribute is only for vendors whose key is a custom attribute");
  if (v.reconcile.key_list.empty())
    throw Error(Status::InvalidArgument,
                v.name + " has no custom attributes that create_account sets, so key_attribute cannot name one");
}

std::string PartnerKey::missing() const {
  if (known()) return "";
  if (v_.reconcile.key_list.empty()) return v_.name + " cannot be planned: its API documents no field for your own key";
  return v_.name + " cannot be planned without key_attribute: the key of the custom attribute (in " +
         v_.reconcile.key_list + ") that holds your own key for each account (docs/plan.md)";
}

std::string PartnerKey::in_fields(const Value &fields) const {
  if (!field_.empty()) return key_text(get_path(fields, field_));
  return key_text(attribute_value(get_path(fields, v_.reconcile.key_list), attribute_));
}

std::optional<std::string> PartnerKey::in_record(const Value &record) const {
  if (attribute_.empty()) return std::nullopt;
  return key_text(attribute_value(get_path(record, v_.reconcile.key_list), attribute_));
}

std::string PartnerKey::name() const {
  return field_.empty() ? "custom attribute \"" + attribute_ + "\"" : field_;
}

}  // namespace ak

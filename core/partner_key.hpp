// The partner's own key for an account (docs/plan.md, "Your own key"): where
// a vendor keeps it and how it reads as text. Most vendors have a field for
// it (Reconcile::key_field: 99digital "reference", Commvault
// "account.externalId"); ActivePlatform has none, but its accounts carry
// custom attributes the installation defines, and the partner names the one
// that holds its key (the key_attribute setting, Reconcile::key_list).
#pragma once

#include <optional>
#include <string>

#include "core/json.hpp"
#include "core/vendor.hpp"

namespace ak {

class PartnerKey {
 public:
  // attribute: the custom attribute that holds the key, for a vendor whose
  // key is one ("" for the others). Throws Error(InvalidArgument) when an
  // attribute is given to a vendor that keeps the key in a field of its own
  // or has no attributes.
  PartnerKey(const Vendor &v, std::string attribute);

  // Whether accounts can be matched: the vendor has a key field, or the
  // attribute is named.
  bool known() const { return !field_.empty() || !attribute_.empty(); }
  // Why they cannot: "" when known(), else what is missing (for messages).
  std::string missing() const;
  // The key in create_account's fields, "" when they have none.
  std::string in_fields(const Value &fields) const;
  // The key in an account record when it is a custom attribute (nullopt
  // for a vendor whose key is a field: the account view's table reads it).
  std::optional<std::string> in_record(const Value &record) const;
  // How the key is named in messages: "reference", "custom attribute \"partner_id\"".
  std::string name() const;
  // The custom attribute ("" for a key field).
  const std::string &attribute() const { return attribute_; }

 private:
  const Vendor &v_;
  std::string field_, attribute_;
};

// A key as text: a string as it is, a number as its JSON; "" for none (null,
// "", or nothing).
std::string key_text(const Value *v);

}  // namespace ak

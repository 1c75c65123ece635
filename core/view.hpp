// The common view of an account across vendors: the same few fields whatever
// the vendor calls them, read from a vendor's account record by the vendor's
// own table (Vendor::account_view; docs/vendors/<vendor>.md, "Account view").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/vendor.hpp"

namespace ak {

// record (an account as get_account returns it, or an item of
// list_accounts) as the object {"vendor", "id", "name", "status",
// "vendor_status", "email", "country", "key", "created", "updated",
// "record"}:
// - id, name, email, country and key (the partner's own key for the account;
//   for a vendor whose key is a custom attribute, the one key_attribute
//   names: core/partner_key.hpp) are text; a field the vendor lacks, or the record leaves out, null, or
//   "", is null;
// - status is "active", "suspended", "pending", "deleted" or "unknown" (a
//   value the vendor's table does not list), null when the record has none;
//   vendor_status is the vendor's own value as text;
// - created and updated are ISO 8601 UTC ("2026-12-02T13:04:05Z"), read from
//   unix seconds or an ISO 8601 date-time (no offset = UTC); null when the
//   record has none or it cannot be read as a time;
// - record is the vendor's record with the value of every secret key masked.
// Throws Error(InvalidArgument) when record is not an object, or for a
// key_attribute the vendor cannot take (PartnerKey).
Value account_view(const Vendor &v, const Value &record, const std::string &key_attribute = "");
// The same for the vendor named vendor; Error(InvalidArgument) for an unknown one.
Value account_view(std::string_view vendor, const Value &record, const std::string &key_attribute = "");

// A time as ISO 8601 UTC to the second: an integer (or a string of digits)
// is unix seconds; a string "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.frac]]"
// (or with a space for the "T"), then "Z", "+HH:MM", "+HHMM", "+HH" or
// nothing (UTC), is converted to UTC. nullopt for anything else, or a time
// outside the years 0001 to 9999.
std::optional<std::string> utc_time(const Value &time);

}  // namespace ak

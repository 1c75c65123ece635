// What ActivePlatform's API versions share: v1's field rules for the fields
// v3 names and judges the same way, and the reading of a failed answer.
// Defined in activeplatform.cpp; used by core/vendors/activeplatform_v3.
#pragma once

#include <string>
#include <vector>

#include "core/vendor.hpp"

namespace ak::activeplatform_shared {

// The account in the path: a positive integer.
Field account_id();

// The contact person and address in v1's order (primary_name, first_name,
// middle_name, last_name, country, region, city, street, building, office,
// zip, phone, email) with v1's formats; required: all but primary_name and
// middle_name are required.
std::vector<Field> contact(bool required);

// custom_attributes: a list of {key, value}, the value any JSON the
// attribute's definition allows (accounts and users alike).
Field custom_attributes();

// The account view of both versions: the records name the same fields [doc].
// No field or attribute is documented for the partner's own key: key stays
// empty [ours]. Statuses are v1's (v3 documents none) [doc].
AccountView account_view();

// A short one-line text body (not HTML) as the vendor's message, else "".
std::string plain_message(const std::string &body);

// "the vendor rejected 2 fields: email ...; phone ..." from the messages
// read (parts) and the field errors among them; "" when there are none.
std::string rejected_summary(const std::vector<FieldError> &fields, const std::vector<std::string> &parts);

// The error a non-2xx answer means: its category from the HTTP status, the
// vendor's words (said, "" for none) with the status, the field errors.
Error failure(const HttpResponse &resp, const std::string &said, std::vector<FieldError> fields);

}  // namespace ak::activeplatform_shared

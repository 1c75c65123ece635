// Webhooks: calls a vendor makes to the integrator's server when something
// changes (99digital: docs/vendors/99digital.md, "Webhooks"). accountkit does
// not receive them (that is the integrator's HTTP server); it reads what was
// received into the model every operation returns.
#pragma once

#include <string_view>

#include "core/result.hpp"

namespace ak {

// The event in body, a webhook call vendor made: a Result with vendor,
// operation "webhook", id (the account or object the event concerns; "" when
// it names none), status (the event's kind) and data (the event's fields by
// the vendor's names, ids normalised as in results). Throws
// Error(InvalidArgument) for an unknown vendor, Error(UnknownOperation) for a
// vendor that sends no webhooks, and Error(Decode) for a body that is not
// JSON, not an object, or lacks a field the event needs; messages name the
// problem and never quote the body.
//
// The body alone cannot prove who sent it: 99digital documents the address
// its webhook calls come from (34.165.99.212), and only the integrator's
// server, which sees the connection, can check it.
Result parse_webhook(std::string_view vendor, std::string_view body);

}  // namespace ak

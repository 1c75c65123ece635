// What the 99digital folder's files share: the reason codes every endpoint
// has, the answer normalisation, and the operations defined outside
// digital99.cpp (builders.cpp: the Workflow Builder; settings.cpp: the
// partner's webhook address and the events sent to it).
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "core/vendor.hpp"

namespace ak::digital99_ops {

// Reason codes are per endpoint; these are the ones every endpoint shares.
inline ReasonCode wrong_credentials() { return {2, Status::Auth, {}, "wrong credentials"}; }
inline ReasonCode token_expired() { return {3, Status::Auth, {}, "the access token does not exist or has expired"}; }
inline ReasonCode wrong_method() { return {13, Status::Vendor, {}, "the endpoint was called with the wrong HTTP method"}; }

// Ids arrive as numbers or as strings of digits; results always carry
// integers. Leaves anything else as it is.
void int_id(Value &obj, const char *key);
// One spelling per thing: accountID becomes account_id, agentID agent_id;
// account, agent and builder ids given as strings of digits become integers.
void normalise_account(Value &obj);

// builders.cpp
Operation create_builder();
Operation list_builders();
Operation login_builder();

// settings.cpp
Operation set_webhook();
Operation get_webhook();

// settings.cpp: a webhook body 99digital POSTed to the partner's URL, as a
// result (data = the event's fields, id = the account or builder it concerns,
// status = the event's kind). Throws Error(Decode) naming the problem; the
// message never quotes the body.
Result parse_webhook(std::string_view body);

}  // namespace ak::digital99_ops

// An operation's fields as the HTTP request the vendor expects: path
// parameters in the path, the rest in the query string (GET) or a JSON body.
#pragma once

#include <string>

#include "core/http.hpp"
#include "core/vendor.hpp"

namespace ak {

// The request for op with body (validated fields) below base_url, without
// credentials. Creates and deletes are marked not resend-safe.
HttpRequest build_request(const std::string &base_url, const Operation &op, const Value &body);

// Encodes top-level fields as a query string: scalars as k=v, objects as
// k[sub]=v, arrays as k[]=v, null as k= ; percent-encoded.
std::string encode_query(const Value &fields);

}  // namespace ak

// Every vendor, its operations and their field rules as a JSON-ready tree:
// [{name, display_name, default_base_url, credentials, secret_options, secret_keys,
//   asynchronous, operations: [{name, kind, method, path, id_field, fields}]}].
#pragma once

#include "core/vendor.hpp"

namespace ak {
Value describe_vendors();
}  // namespace ak

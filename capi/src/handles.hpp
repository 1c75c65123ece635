// The handles more than one file of the C API fills: an error and a result
// (accountkit.cpp reads them; webhook.cpp makes results too).
#pragma once

#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/result.hpp"

struct ak_error {
  ak::Error e;
};
struct ak_result {
  ak::Result r;
  mutable std::optional<std::string> json;  // made on the first ak_result_json
};

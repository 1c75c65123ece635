// What a successful operation returns.
#pragma once

#include <string>

#include "core/json.hpp"

namespace ak {

struct Result {
  Value data;          // the vendor's response fields by their own names
  std::string id;      // the account id as text, when the response names one
  std::string status;  // normalised account status, when the response has one
  std::string vendor, operation;
  long http_status = 0;
  std::string request_id;
};

}  // namespace ak

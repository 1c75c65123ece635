// What a successful operation returns.
#pragma once

#include <string>
#include <vector>

#include "core/json.hpp"

namespace ak {

struct Result {
  Value data;          // the vendor's response fields by their own names
  std::string id;      // the account id as text, when the response names one
  std::string status;  // normalised account status, when the response has one
  std::string vendor, operation;
  long http_status = 0;
  std::string request_id;
  // A create whose answer was lost and whose account was found again by its
  // natural key: data is what the lookup returned, and unavailable names the
  // fields a normal answer carries that the lookup could not.
  bool recovered = false;
  std::vector<std::string> unavailable;
};

}  // namespace ak

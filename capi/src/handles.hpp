// The handles more than one file of the C API uses (accountkit.cpp,
// webhook.cpp, cancel.cpp).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/batch.hpp"
#include "core/cancel.hpp"
#include "core/client.hpp"
#include "core/error.hpp"
#include "core/pager.hpp"
#include "core/result.hpp"

struct ak_fields {
  ak::Value v = ak::Value::object();
};
struct ak_client {
  std::shared_ptr<ak::Client> client;  // shared with pagers, which may outlive the handle
};
struct ak_pager {
  ak::Pager pager;
};
struct ak_batch {
  ak::Batch batch;
};
struct ak_cancel {
  std::shared_ptr<ak::CancelToken> token;  // shared with the calls that carry it
};

struct ak_error {
  ak::Error e;
};
struct ak_result {
  ak::Result r;
  mutable std::optional<std::string> json;  // made on the first ak_result_json
};

// A new ak_error holding e, or NULL when out of memory (what guard() stores).
inline ak_error *new_error(const ak::Error &e) noexcept {
  try {
    return new ak_error{e};
  } catch (...) {
    return nullptr;
  }
}

// Fault injection for the integration tests: one JSON spec or an array of
// them (docs/sandbox.md), failing the test when the sandbox refuses them.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "support.hpp"

namespace akt {

inline void add_faults(const Sandbox &sb, const std::string &json) {
  ak_error *err = nullptr;
  ak_status s = ak_sandbox_add_faults(sb.get(), json.c_str(), &err);
  ASSERT_EQ(s, AK_OK) << copy_error(s, err).message;
}

}  // namespace akt

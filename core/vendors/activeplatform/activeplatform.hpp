#pragma once
#include "core/vendor.hpp"

namespace ak {
// The activeplatform vendor definition (also used by the sandbox's emulator).
const Vendor &activeplatform();
}  // namespace ak

#pragma once
#include "core/vendor.hpp"

namespace ak {
// The activeplatform-v3 vendor definition (also used by the sandbox's emulator).
const Vendor &activeplatform_v3();
}  // namespace ak

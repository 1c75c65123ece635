#pragma once
#include "core/vendor.hpp"

namespace ak {
// The 99digital vendor definition (also used by the sandbox's emulator).
const Vendor &digital99();
}  // namespace ak

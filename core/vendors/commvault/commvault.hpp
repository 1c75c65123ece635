#pragma once
#include "core/vendor.hpp"

namespace ak {
// The commvault vendor definition (also used by the sandbox's emulator).
const Vendor &commvault();
}  // namespace ak

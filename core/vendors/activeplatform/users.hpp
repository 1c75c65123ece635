// ActivePlatform vendor API v1: users (the people who log in to accounts).
#pragma once

#include <vector>

#include "core/vendor.hpp"

namespace ak {
// create_user, get_user, update_user, list_users, list_account_users.
std::vector<Operation> activeplatform_user_operations();
}  // namespace ak

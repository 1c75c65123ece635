// The ActivePlatform v1 emulator's users (docs/vendors/activeplatform.md,
// "Sandbox"): ids from 800 up, "active"; an account's owner is a user made
// with the account (or the existing owner_id); an email is one user's login,
// so a second user with it is refused (422 on email) [ours]; passwords are
// checked by the library's rules and never kept.
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "core/vendor.hpp"
#include "sandbox/sandbox.hpp"

namespace ak::sandbox {

class ActivePlatformUsers {
 public:
  // The owner of a new account: owner_id as given, or a user made from the
  // new owner's fields, else the contact person's. Returns its id.
  std::int64_t owner_for(const Value &account_fields, std::int64_t account_id);
  bool exists(std::int64_t id) const { return users_.count(id) > 0; }

  // One users operation (create_user, get_user, update_user, list_users,
  // list_account_users) with its validated fields (path ids included).
  Reply handle(const Operation &op, const Value &fields);

 private:
  Value make(const Value &fields);
  Reply create(const Operation &op, const Value &fields);

  std::map<std::int64_t, Value> users_;
  std::map<std::int64_t, std::set<std::int64_t>> accounts_;  // user -> accounts it is linked to
  std::int64_t next_ = 800;
};

}  // namespace ak::sandbox

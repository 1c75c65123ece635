// The one list of vendors. A new vendor adds its folder and one line here.
#include "core/vendors/activeplatform/activeplatform.hpp"
#include "core/vendors/activeplatform_v3/activeplatform_v3.hpp"
#include "core/vendors/commvault/commvault.hpp"
#include "core/vendors/digital99/digital99.hpp"

namespace ak {

const std::vector<const Vendor *> &vendors() {
  static const std::vector<const Vendor *> all = {&digital99(), &activeplatform(), &activeplatform_v3(), &commvault()};
  return all;
}

}  // namespace ak

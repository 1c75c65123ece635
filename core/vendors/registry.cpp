// The one list of vendors. A new vendor adds its folder and one line here.
#include "core/vendor.hpp"

namespace ak {

const Vendor &digital99();  // core/vendors/digital99

const std::vector<const Vendor *> &vendors() {
  static const std::vector<const Vendor *> all = {&digital99()};
  return all;
}

}  // namespace ak

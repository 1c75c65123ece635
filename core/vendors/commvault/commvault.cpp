// Commvault Cloud partner API: being written (issue 3). Registered with no
// operations until then.
#include "core/vendors/commvault/commvault.hpp"

namespace ak {
namespace {
class Commvault final : public Vendor {
 public:
  Commvault() { name = "commvault"; display_name = "Commvault Cloud partner API"; }
  std::unique_ptr<Authenticator> authenticator(const Options &) const override {
    throw Error(Status::InvalidArgument, "commvault: no operations yet");
  }
  Value decode(const Operation &, const HttpResponse &) const override { return Value(); }
};
}  // namespace
const Vendor &commvault() {
  static const Commvault v;
  return v;
}
}  // namespace ak

// ActivePlatform vendor API v1: being written (issue 3). Registered with no
// operations until then.
#include "core/vendors/activeplatform/activeplatform.hpp"

namespace ak {
namespace {
class ActivePlatform final : public Vendor {
 public:
  ActivePlatform() { name = "activeplatform"; display_name = "ActivePlatform vendor API v1"; }
  std::unique_ptr<Authenticator> authenticator(const Options &) const override {
    throw Error(Status::InvalidArgument, "activeplatform: no operations yet");
  }
  Value decode(const Operation &, const HttpResponse &) const override { return Value(); }
};
}  // namespace
const Vendor &activeplatform() {
  static const ActivePlatform v;
  return v;
}
}  // namespace ak

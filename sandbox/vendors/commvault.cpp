// commvault emulator: being written (issue 3).
#include "sandbox/sandbox.hpp"

namespace ak::sandbox {
namespace {
class Emu final : public Emulator {
 public:
  const char *vendor() const override { return "commvault"; }
  Reply handle(const Request &) override { return Reply::json(501, Value(Object{{"error", "not emulated yet"}})); }
  bool set_option(const std::string &, const std::string &) override { return false; }
  Value credentials() const override { return Value::object(); }
};
}  // namespace
std::unique_ptr<Emulator> make_commvault() { return std::make_unique<Emu>(); }
}  // namespace ak::sandbox

// The one list of emulated vendors. A new vendor adds its file and one line here.
#include "sandbox/sandbox.hpp"

namespace ak::sandbox {

std::unique_ptr<Emulator> make_digital99();

std::vector<std::unique_ptr<Emulator>> make_emulators() {
  std::vector<std::unique_ptr<Emulator>> all;
  all.push_back(make_digital99());
  return all;
}

}  // namespace ak::sandbox

// The one list of emulated vendors. A new vendor adds its file and one line here.
#include "sandbox/sandbox.hpp"

namespace ak::sandbox {

std::unique_ptr<Emulator> make_digital99();
std::unique_ptr<Emulator> make_activeplatform();
std::unique_ptr<Emulator> make_activeplatform_v3();
std::unique_ptr<Emulator> make_commvault();

std::vector<std::unique_ptr<Emulator>> make_emulators() {
  std::vector<std::unique_ptr<Emulator>> all;
  all.push_back(make_digital99());
  all.push_back(make_activeplatform());
  all.push_back(make_activeplatform_v3());
  all.push_back(make_commvault());
  return all;
}

}  // namespace ak::sandbox

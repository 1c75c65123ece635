// Secrets out of text: every string the library shows (errors, raw bodies,
// log lines) passes through scrub_text with the secrets it may contain.
#pragma once

#include <string>
#include <vector>

namespace ak {

// Replaces every occurrence of each secret in text with "***", in the forms a
// secret takes on its way: as is, percent-encoded (either hex case), and
// escaped inside JSON text.
void scrub_text(std::string &text, const std::vector<std::string> &secrets);

}  // namespace ak

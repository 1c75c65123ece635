#include "core/redact.hpp"

#include "core/http.hpp"
#include "core/json.hpp"

namespace ak {

namespace {

void replace_all(std::string &text, const std::string &needle) {
  if (needle.empty()) return;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 3))
    text.replace(pos, needle.size(), "***");
}

}  // namespace

void scrub_text(std::string &text, const std::vector<std::string> &secrets) {
  for (const auto &s : secrets) {
    if (s.empty()) continue;
    replace_all(text, s);
    // The forms a secret takes on its way: percent-encoded in a query string
    // (a server may echo it with lower-case hex), escaped inside JSON text.
    std::string upper = url_encode(s), lower = upper;
    for (size_t i = 0; i + 2 < lower.size(); ++i)
      if (lower[i] == '%') {
        for (size_t j = i + 1; j <= i + 2; ++j)
          if (lower[j] >= 'A' && lower[j] <= 'F') lower[j] = static_cast<char>(lower[j] - 'A' + 'a');
      }
    std::string json = to_json(Value(s));
    json = json.substr(1, json.size() - 2);
    for (const std::string *form : {&upper, &lower, &json})
      if (*form != s) replace_all(text, *form);
  }
}

}  // namespace ak

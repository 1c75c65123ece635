// What the schema tests share: run the validator over a value, and
// assertions on the field errors it reports (failures print every error).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/schema.hpp"

namespace schema_test {

using ak::Field;
using ak::FieldError;
using ak::Value;

using Errors = std::vector<FieldError>;

inline std::string describe(const Errors &errors) {
  std::string s = std::to_string(errors.size()) + " error(s):";
  for (const auto &e : errors) s += "\n  [" + e.path + "] " + e.rule + ": " + e.message;
  return s;
}

inline Errors errors_for(const Field &schema, const Value &v) {
  Errors out;
  ak::validate(schema, v, out);
  return out;
}

inline const FieldError *find_error(const Errors &errors, std::string_view path, std::string_view rule) {
  for (const auto &e : errors)
    if (e.path == path && e.rule == rule) return &e;
  return nullptr;
}

inline testing::AssertionResult has_error(const Errors &errors, std::string_view path, std::string_view rule) {
  if (find_error(errors, path, rule)) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "no [" << path << "] " << rule << " in " << describe(errors);
}

// Exactly one error, with this path and rule.
inline testing::AssertionResult only_error(const Errors &errors, std::string_view path, std::string_view rule) {
  if (errors.size() == 1 && errors[0].path == path && errors[0].rule == rule)
    return testing::AssertionSuccess();
  return testing::AssertionFailure() << "want only [" << path << "] " << rule << ", got " << describe(errors);
}

inline testing::AssertionResult no_errors(const Errors &errors) {
  if (errors.empty()) return testing::AssertionSuccess();
  return testing::AssertionFailure() << describe(errors);
}

}  // namespace schema_test

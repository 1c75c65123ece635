// ak_fields_from_json through the C API, then ak_validate for every vendor
// and operation, then the ak_fields_to_json round trip.
//
// Input: the JSON text handed to ak_fields_from_json (any bytes).
//
// Properties: ak_fields_from_json either succeeds or fails with
// AK_E_INVALID_ARGUMENT, an ak_error and *out NULL; ak_validate answers AK_OK
// or AK_E_VALIDATION, and a validation error lists at least one field error,
// each with a rule and a message; ak_fields_to_json writes JSON that the C++
// core reads back to a tree equal to the one it read from the input, and that
// ak_fields_from_json accepts again.
#include <accountkit/accountkit.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/vendor.hpp"
#include "fuzz_check.hpp"

using akfuzz::check;

namespace {

void check_validate(const char *vendor, const char *op, const ak_fields *fields) {
  ak_error *err = nullptr;
  ak_status s = ak_validate(vendor, op, fields, &err);
  std::string where = std::string(vendor) + " " + op;
  if (s == AK_OK) {
    check(err == nullptr, "ak_validate succeeded but filled *err", where);
    return;
  }
  check(s == AK_E_VALIDATION, "ak_validate failed with a status other than AK_E_VALIDATION",
        where + ": " + ak_strerror(s) + (err ? std::string(": ") + ak_error_message(err) : ""));
  check(err != nullptr, "ak_validate failed without an ak_error", where);
  check(ak_error_code(err) == s, "the ak_error's code differs from the status returned", where);
  size_t n = ak_error_field_count(err);
  check(n > 0, "a validation error without field errors", ak_error_message(err));
  for (size_t i = 0; i < n; ++i) {
    check(ak_error_field_path(err, i) != nullptr, "a field error without a path", where);
    check(ak_error_field_rule(err, i) && *ak_error_field_rule(err, i), "a field error without a rule",
          ak_error_field_path(err, i));
    check(ak_error_field_message(err, i) && *ak_error_field_message(err, i), "a field error without a message",
          ak_error_field_path(err, i));
  }
  ak_error_free(err);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *json = reinterpret_cast<const char *>(data);
  ak_fields *fields = nullptr;
  ak_error *err = nullptr;
  ak_status s = ak_fields_from_json(&fields, json, size, &err);
  if (s != AK_OK) {
    check(s == AK_E_INVALID_ARGUMENT, "ak_fields_from_json failed with a status other than AK_E_INVALID_ARGUMENT",
          std::string(ak_strerror(s)) + (err ? std::string(": ") + ak_error_message(err) : ""));
    check(fields == nullptr, "ak_fields_from_json failed but set *out");
    check(err != nullptr && *ak_error_message(err), "ak_fields_from_json failed without a message");
    ak_error_free(err);
    return 0;
  }
  check(fields != nullptr && err == nullptr, "ak_fields_from_json succeeded without fields, or with an error");

  for (const ak::Vendor *v : ak::vendors())
    for (const auto &op : v->operations) check_validate(v->name.c_str(), op.name.c_str(), fields);

  char *out = nullptr;
  s = ak_fields_to_json(&out, fields, &err);
  check(s == AK_OK && out != nullptr, "ak_fields_to_json failed");
  std::string_view written(out);
  ak::Value original, back;
  try {
    original = ak::parse_json(std::string_view(json, size));
  } catch (const ak::JsonError &e) {
    akfuzz::fail("the C++ core refuses JSON that ak_fields_from_json accepted", e.what());
  }
  try {
    back = ak::parse_json(written);
  } catch (const ak::JsonError &e) {
    akfuzz::fail("ak_fields_to_json wrote JSON that does not parse", written);
  }
  if (!(back == original)) {
    std::fprintf(stderr, "round trip changed the fields: %.*s\n", static_cast<int>(written.size()), written.data());
    __builtin_trap();
  }
  ak_fields *again = nullptr;
  s = ak_fields_from_json(&again, out, written.size(), &err);
  check(s == AK_OK, "ak_fields_from_json refuses what ak_fields_to_json wrote", written);
  ak_fields_free(again);
  ak_string_free(out);
  ak_fields_free(fields);
  return 0;
}

// The validator: parse_json, then ak::validate against every operation's
// schema of every vendor (and ak::api::validate, the path the client and
// ak_validate take, which adds the URL checks and builds the Error message).
//
// Input: JSON text (anything that does not parse is skipped).
//
// Properties: nothing throws but validate_fields' ak::Error (Validation);
// every FieldError has a rule and a message, and a path unless the fields are
// not an object at all (or the unknown key is ""); and no message leaks a secret field's value
// (Field::secret, e.g. 99digital's admin_password). The leak check validates a
// second copy of the input whose secret values are changed letter by letter
// and digit by digit (so length, UTF-8 and character classes, all the
// password policy looks at, stay the same): the results must be identical,
// and a secret value of 4 or more bytes may appear in a message no more often
// than in the changed copy's message (where it can only come from fixed text
// or another field, never from the value).
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <typeinfo>
#include <vector>

#include "core/api.hpp"
#include "core/vendor.hpp"
#include "fuzz_check.hpp"

using akfuzz::check;

namespace {

// Calls fn(string) on the value of every secret field in v, following schema
// (every occurrence of a repeated key, as the validator checks each).
template <class Fn>
void for_each_secret(const ak::Field &schema, ak::Value &v, Fn &fn) {
  if (schema.type == ak::Type::Object && v.is_object()) {
    for (auto &[key, child] : v.as_object()) {
      const ak::Field *m = schema.member(key);
      if (!m) continue;
      if (m->secret && child.is_string()) fn(child.as_string());
      else for_each_secret(*m, child, fn);
    }
  } else if (schema.type == ak::Type::Array && schema.element && v.is_array()) {
    for (auto &e : v.as_array()) for_each_secret(*schema.element, e, fn);
  }
}

// The same length, code points and character classes; every letter and digit differs.
std::string shifted(std::string s) {
  for (char &c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>('a' + (c - 'a' + 1) % 26);
    else if (c >= 'A' && c <= 'Z') c = static_cast<char>('A' + (c - 'A' + 1) % 26);
    else if (c >= '0' && c <= '9') c = static_cast<char>('0' + (c - '0' + 1) % 10);
  }
  return s;
}

std::string describe(const ak::FieldError &f) { return f.path + " (" + f.rule + "): " + f.message; }

// paths_named: the fields are an object without a key "" (a key "" is
// reported under its own name, the empty path, whatever the rule).
void check_errors(const std::vector<ak::FieldError> &errors, bool paths_named, const std::string &where) {
  for (const auto &f : errors) {
    check(!f.rule.empty(), "a FieldError without a rule", where + ": " + describe(f));
    check(!f.message.empty(), "a FieldError without a message", where + ": " + describe(f));
    check(!f.path.empty() || !paths_named, "a FieldError without a path on an object", where + ": " + describe(f));
  }
}

// A message of the real input may hold a secret no more often than the same
// message of the shifted copy: any extra occurrence came from the value.
void check_no_leak(const std::string &real, const std::string &shifted_msg, const std::vector<std::string> &secrets,
                   const std::string &where) {
  for (const auto &s : secrets) {
    if (s.size() < 4) continue;
    check(akfuzz::count_of(real, s) <= akfuzz::count_of(shifted_msg, s), "a message contains a secret value",
          where + ": secret \"" + s + "\" in: " + real);
  }
}

void run(const ak::Vendor &vendor, const ak::Operation &op, const ak::Value &value) {
  const std::string where = vendor.name + " " + op.name;
  ak::Value other = value;
  std::vector<std::string> secrets;
  auto shift = [&](std::string &s) {
    secrets.push_back(s);
    s = shifted(s);
  };
  for_each_secret(op.request, other, shift);

  std::vector<ak::FieldError> real, changed;
  ak::validate(op.request, value, real);
  check_errors(real, value.is_object() && !value.find(""), where);
  if (secrets.empty()) return;
  ak::validate(op.request, other, changed);
  check(real.size() == changed.size(), "the validator's verdict depends on a secret's content", where);
  for (size_t i = 0; i < real.size(); ++i) {
    check(real[i].path == changed[i].path && real[i].rule == changed[i].rule,
          "the validator's verdict depends on a secret's content", where + ": " + describe(real[i]));
    check_no_leak(real[i].message, changed[i].message, secrets, where);
    check(real[i].message == changed[i].message, "a message depends on a secret's content",
          where + ": " + describe(real[i]) + " vs " + changed[i].message);
  }
}

// The whole Error as the client and ak_validate build it.
std::string validate_fields_message(const ak::Vendor &vendor, const ak::Operation &op, const ak::Value &value,
                                    std::vector<ak::FieldError> *fields) {
  try {
    ak::api::validate(vendor, op, value);
    return {};
  } catch (const ak::Error &e) {
    check(e.status == ak::Status::Validation, "validate_fields threw an Error that is not Validation", e.message);
    check(!e.fields.empty(), "validate_fields threw without field errors", e.message);
    check_errors(e.fields, value.is_object() && !value.find(""), vendor.name + " " + op.name);
    if (fields) *fields = e.fields;
    return e.message;
  }
}

void run_validate_fields(const ak::Vendor &vendor, const ak::Operation &op, const ak::Value &value) {
  const std::string where = vendor.name + " " + op.name + " (validate_fields)";
  ak::Value other = value;
  std::vector<std::string> secrets;
  auto shift = [&](std::string &s) {
    secrets.push_back(s);
    s = shifted(s);
  };
  for_each_secret(op.request, other, shift);
  std::vector<ak::FieldError> real_fields, changed_fields;
  std::string real = validate_fields_message(vendor, op, value, &real_fields);
  if (secrets.empty()) return;
  std::string changed = validate_fields_message(vendor, op, other, &changed_fields);
  check_no_leak(real, changed, secrets, where);
  check(real_fields.size() == changed_fields.size(), "the verdict depends on a secret's content", where);
  for (size_t i = 0; i < real_fields.size(); ++i)
    check_no_leak(real_fields[i].message, changed_fields[i].message, secrets, where);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ak::Value value;
  try {
    value = ak::parse_json(std::string_view(reinterpret_cast<const char *>(data), size));
  } catch (const ak::JsonError &) {
    return 0;
  }
  try {
    for (const ak::Vendor *v : ak::vendors()) {
      for (const auto &op : v->operations) {
        run(*v, op, value);
        run_validate_fields(*v, op, value);
      }
    }
  } catch (const std::exception &e) {
    akfuzz::fail("the validator threw", std::string(typeid(e).name()) + ": " + e.what());
  }
  return 0;
}

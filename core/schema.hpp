// Field rules as data, and the generic validator that reports every problem
// at once. A schema is a Field of type Object whose members are the fields.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"

namespace ak {

// Any: every JSON value (null only when the field is nullable), for values
// whose type depends on vendor configuration the library cannot see
// (ActivePlatform custom attribute values).
enum class Type { String, Integer, Number, Boolean, Object, Array, Any };

// A text format a string field may require. A value, so a vendor folder can
// define its own (core/vendors/digital99/password.hpp) next to the generic ones
// in core/formats.hpp. Fields and rules keep a pointer to it: define formats as
// constants with static storage duration (constant-initialized, so a vendor
// table built during static initialization may already point at them).
struct Format {
  const char *rule;     // stable rule name in field errors and describe JSON: "email"
  const char *message;  // the sentence for a failure: "must be an email address"
  // "" when s matches, else the problem (the message, or a more precise one);
  // never echoes s. Must not allocate for a match (the validator checks valid
  // fields without allocating; tests/alloc counts).
  std::string (*problem)(std::string_view s);
};

struct Field;
// A rule over several members of one object (the object is passed with the
// path prefix of its members). Appends FieldErrors; never throws.
using CrossRule = std::function<void(const Value &object, const std::string &prefix,
                                     std::vector<FieldError> &out)>;

struct Field {
  std::string name;
  Type type = Type::String;
  bool required = false;
  bool nullable = false;   // explicit null is meaningful (sent as null)
  bool secret = false;     // never echoed; masked in journals
  bool in_path = false;    // bound into the URL path, not the body
  int max_length = 0;      // characters; 0 = no limit
  int min_length = 0;
  int max_digits = 0;      // integers: non-negative with at most N digits
  int max_items = 0;       // arrays: at most N elements; 0 = no limit
  int min_items = 0;       // arrays: at least N elements
  bool positive = false;   // integers: > 0
  const Format *format = nullptr;        // String: the format it must match, if any
  std::vector<Value> one_of;             // allowed values, if any
  std::vector<Field> members;            // Object: its fields
  std::shared_ptr<Field> element;        // Array: the rule for each element
  std::vector<CrossRule> rules;          // Object: rules across members
  bool allow_unknown = false;            // Object: accept members not listed
  std::string doc;                       // one line, for generated docs

  // Fluent construction, so vendor tables read like the vendor's own tables.
  static Field string(std::string n) { return make(std::move(n), Type::String); }
  static Field integer(std::string n) { return make(std::move(n), Type::Integer); }
  static Field number(std::string n) { return make(std::move(n), Type::Number); }
  static Field boolean(std::string n) { return make(std::move(n), Type::Boolean); }
  static Field any(std::string n) { return make(std::move(n), Type::Any); }
  static Field object(std::string n, std::vector<Field> m) {
    Field f = make(std::move(n), Type::Object);
    f.members = std::move(m);
    return f;
  }
  static Field array(std::string n, Field element) {
    Field f = make(std::move(n), Type::Array);
    f.element = std::make_shared<Field>(std::move(element));
    return f;
  }
  Field &&req() && { required = true; return std::move(*this); }
  Field &&null_ok() && { nullable = true; return std::move(*this); }
  Field &&hidden() && { secret = true; return std::move(*this); }
  Field &&path_param() && { in_path = true; return std::move(*this); }
  Field &&max(int n) && { max_length = n; return std::move(*this); }
  Field &&min(int n) && { min_length = n; return std::move(*this); }
  Field &&digits(int n) && { max_digits = n; return std::move(*this); }
  Field &&most(int n) && { max_items = n; return std::move(*this); }
  Field &&least(int n) && { min_items = n; return std::move(*this); }
  Field &&gt0() && { positive = true; return std::move(*this); }
  Field &&fmt(const Format &f) && { format = &f; return std::move(*this); }
  Field &&fmt(const Format &&) && = delete;  // kept by address: a constant, never a temporary
  Field &&values(std::vector<Value> v) && { one_of = std::move(v); return std::move(*this); }
  Field &&cross(CrossRule r) && { rules.push_back(std::move(r)); return std::move(*this); }
  Field &&open() && { allow_unknown = true; return std::move(*this); }
  Field &&describe(std::string d) && { doc = std::move(d); return std::move(*this); }

  const Field *member(std::string_view n) const;

 private:
  static Field make(std::string n, Type t) {
    Field f;
    f.name = std::move(n);
    f.type = t;
    return f;
  }
};

// Validates value against an Object schema; appends one FieldError per
// problem, with full paths ("contacts[0].email"), never a field's value.
// operation names the schema in messages (an unknown field "is not a known
// field of create_account"); empty: "this operation".
void validate(const Field &schema, const Value &value, std::vector<FieldError> &out,
              std::string_view operation = {});

// The unknown_field message for key in object schema (named what): the
// closest known name when one is close enough, then every known name, in
// schema order. Names only, never a value.
std::string unknown_field_message(const Field &schema, std::string_view key, std::string_view what);

// The member of schema whose name is closest to key (edit distance with
// transpositions, case differences counting half), or nullptr when none is
// close enough: at most max(1, length/3) edits, capped at 3, and fewer edits
// than key has characters. Ties go to the earlier member.
const Field *closest_member(const Field &schema, std::string_view key);

// Cross-field rules that vendors share.
// field is required when other is one of values.
CrossRule required_when(std::string field, std::string other, std::vector<Value> values);
// field must match format when other equals value (format is kept by address).
CrossRule format_when(std::string field, std::string other, Value value, const Format &format);
CrossRule format_when(std::string field, std::string other, Value value, const Format &&format) = delete;
// Either all of fields are given (non-null) or none is.
CrossRule all_or_none(std::vector<std::string> fields);
// At least one of fields (booleans) is true; absent, null and false count
// alike. Reported on each of fields (rule "at_least_one_true"), unless one of
// them is given but no boolean: its type error already says what is wrong.
CrossRule at_least_one_true(std::vector<std::string> fields);
// field must be absent when other equals value.
CrossRule forbidden_when(std::string field, std::string other, Value value);

const char *type_name(Type t);

}  // namespace ak

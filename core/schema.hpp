// Field rules as data, and the generic validator that reports every problem
// at once. A schema is a Field of type Object whose members are the fields.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"

namespace ak {

// Scalar: a string, number or boolean, for values whose type depends on
// vendor configuration the library cannot see (custom attribute values).
enum class Type { String, Integer, Number, Boolean, Object, Array, Scalar };

enum class Format {
  None,
  Email,
  HttpUrl,
  IntlPhoneDigits,  // 972501234567 (no '+')
  PhonePlusOr00,    // +375295555555 or 00375295555555
  Country,          // assigned ISO 3166-1 alpha-2
  LettersDigits,
  Uuid,
  Password99,       // 99digital admin_password policy
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
  bool positive = false;   // integers: > 0
  Format format = Format::None;
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
  static Field scalar(std::string n) { return make(std::move(n), Type::Scalar); }
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
  Field &&gt0() && { positive = true; return std::move(*this); }
  Field &&fmt(Format f) && { format = f; return std::move(*this); }
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
void validate(const Field &schema, const Value &value, std::vector<FieldError> &out);

// Cross-field rules that vendors share.
// field is required when other is one of values.
CrossRule required_when(std::string field, std::string other, std::vector<Value> values);
// field must match format when other equals value.
CrossRule format_when(std::string field, std::string other, Value value, Format format);
// Either all of fields are given (non-null) or none is.
CrossRule all_or_none(std::vector<std::string> fields);
// field must be absent when other equals value.
CrossRule forbidden_when(std::string field, std::string other, Value value);

const char *type_name(Type t);
// The rule name and the sentence used for a format failure.
const char *format_rule(Format f);
const char *format_message(Format f);
// "" when s matches f, else the problem (for Password99, the missing class).
std::string format_problem(Format f, std::string_view s);

}  // namespace ak

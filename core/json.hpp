// A small JSON value tree that tells "absent" (key not in the object) from
// "null" (key present with a null value), plus a writer and a simdjson-based
// reader. Objects keep insertion order and may hold duplicate keys as read
// from a vendor; lookups return the first match.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ak {

class Value;
using Array = std::vector<Value>;
using Member = std::pair<std::string, Value>;
using Object = std::vector<Member>;

class Value {
 public:
  enum class Kind : std::uint8_t { Null, Bool, Int, Double, String, Array, Object };

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(std::int64_t{i}) {}
  Value(std::int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  Value(const char *s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Object o) : v_(std::move(o)) {}

  static Value object() { return Value(Object{}); }
  static Value array() { return Value(Array{}); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_int() const { return kind() == Kind::Int; }
  bool is_double() const { return kind() == Kind::Double; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return kind() == Kind::String; }
  bool is_array() const { return kind() == Kind::Array; }
  bool is_object() const { return kind() == Kind::Object; }

  bool as_bool() const { return std::get<bool>(v_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  double as_double() const { return is_int() ? static_cast<double>(as_int()) : std::get<double>(v_); }
  const std::string &as_string() const { return std::get<std::string>(v_); }
  std::string &as_string() { return std::get<std::string>(v_); }
  const Array &as_array() const { return std::get<Array>(v_); }
  Array &as_array() { return std::get<Array>(v_); }
  const Object &as_object() const { return std::get<Object>(v_); }
  Object &as_object() { return std::get<Object>(v_); }

  // Object helpers. find() returns nullptr when absent (or not an object).
  const Value *find(std::string_view key) const;
  Value *find(std::string_view key);
  // Replaces the first member named key, or appends one.
  Value &set(std::string_view key, Value v);
  // Removes every member named key; returns whether one existed.
  bool erase(std::string_view key);

  friend bool operator==(const Value &a, const Value &b) = default;

 private:
  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> v_;
};

const char *kind_name(Value::Kind k);  // "null", "boolean", "integer", ...

// Paths name a place in a tree: "contacts[0].address.city". Keys are
// separated by '.', array indexes are written [N].
struct PathSegment {
  std::string key;    // used when index < 0
  long index = -1;
};
// The limits of a path: so that one put_path nests and allocates a bounded amount.
inline constexpr std::size_t kMaxPathParts = 64;
inline constexpr long kMaxPathIndexSum = 100000;  // the indexes of one path, added up
// Throws std::invalid_argument naming the problem for a malformed path (or
// one that is not UTF-8), a path of more than kMaxPathParts parts, or one whose
// indexes add up to more than kMaxPathIndexSum.
std::vector<PathSegment> parse_path(std::string_view path);

// The value at path, or nullptr when any step is absent.
const Value *get_path(const Value &root, std::string_view path);
// Creates objects/arrays on the way (arrays grow with nulls up to the index).
// Throws std::invalid_argument if the path crosses a value of another kind.
Value &put_path(Value &root, std::string_view path);
// Removes the value at path; returns whether it existed.
bool erase_path(Value &root, std::string_view path);

// Compact JSON text. Strings are written as given (UTF-8), with control
// characters, '"' and '\\' escaped. Doubles use the shortest text that reads
// back to the same double; non-finite doubles are written as null.
void write_json(const Value &v, std::string &out);
std::string to_json(const Value &v);

// Parses JSON text with simdjson. Duplicate keys are kept in order. Integers
// that fit int64 stay integers; others become doubles. Throws JsonError.
struct JsonError : std::exception {
  std::string what_;
  explicit JsonError(std::string w) : what_(std::move(w)) {}
  const char *what() const noexcept override { return what_.c_str(); }
};
Value parse_json(std::string_view text);

// Bytes past a text's end that simdjson may read when it parses the text
// where it lies.
inline constexpr std::size_t kJsonPadding = 64;
// parse_json without its copy of the text when text's spare capacity holds
// kJsonPadding bytes (an HTTP body: the transport reserves them), which at a
// 100k-account page is tens of megabytes; else as parse_json.
Value parse_json_in_place(const std::string &text);

}  // namespace ak

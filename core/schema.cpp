#include "core/schema.hpp"

#include <algorithm>
#include <cmath>

#include "core/formats.hpp"

namespace ak {

const Field *Field::member(std::string_view n) const {
  for (const auto &m : members)
    if (m.name == n) return &m;
  return nullptr;
}

const char *type_name(Type t) {
  switch (t) {
    case Type::String: return "a string";
    case Type::Integer: return "an integer";
    case Type::Number: return "a number";
    case Type::Boolean: return "a boolean";
    case Type::Object: return "an object";
    case Type::Array: return "an array";
    case Type::Any: return "any JSON value";
  }
  return "?";
}

namespace {

std::string join(const std::string &prefix, std::string_view name) {
  if (prefix.empty()) return std::string(name);
  return prefix + "." + std::string(name);
}

std::string list_values(const std::vector<Value> &vals) {
  std::string s;
  for (size_t i = 0; i < vals.size(); ++i) {
    if (i) s += ", ";
    s += vals[i].is_string() ? "\"" + vals[i].as_string() + "\"" : to_json(vals[i]);
  }
  return s;
}

bool type_matches(Type t, const Value &v) {
  switch (t) {
    case Type::String: return v.is_string();
    case Type::Integer: return v.is_int();
    case Type::Number: return v.is_number();
    case Type::Boolean: return v.is_bool();
    case Type::Object: return v.is_object();
    case Type::Array: return v.is_array();
    case Type::Any: return true;
  }
  return false;
}

// What a value is, in the words of a type error. A double where an integer
// belongs is either a fraction or a whole number that arrived as a double
// (written with a decimal point, or beyond the 64-bit range).
std::string type_found(Type want, const Value &v) {
  if (!v.is_double() || want != Type::Integer) return kind_name(v.kind());
  double d = v.as_double();
  return std::isfinite(d) && std::floor(d) == d ? "a number written with a decimal point or beyond the 64-bit range"
                                                 : "a fractional number";
}

int digit_count(std::int64_t n) {
  int d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

// Where a value sits: its path is only spelled out when a problem is
// reported, so checking valid fields allocates nothing.
struct Where {
  const std::string &prefix;
  std::string_view name;
  long index = -1;  // an array element of prefix
  std::string str() const {
    if (index >= 0) return prefix + "[" + std::to_string(index) + "]";
    return join(prefix, name);
  }
};

void check_value(const Field &f, const Value &v, const Where &at, std::vector<FieldError> &out);

// operation names the top-level object in messages; a nested one is named by its path.
void check_object(const Field &schema, const Value &obj, const std::string &prefix,
                  std::vector<FieldError> &out, std::string_view operation = {}) {
  for (const auto &m : schema.members) {
    // Every occurrence: parsed JSON may repeat a key, and the body is sent as is.
    bool present = false;
    for (const auto &[key, v] : obj.as_object()) {
      if (key != m.name) continue;
      present = true;
      check_value(m, v, Where{prefix, m.name}, out);
    }
    if (!present && m.required) out.push_back({join(prefix, m.name), "required", "is required"});
  }
  if (!schema.allow_unknown) {
    for (const auto &[key, _] : obj.as_object())
      if (!schema.member(key))
        out.push_back({join(prefix, key), "unknown_field",
                       unknown_field_message(schema, key, !prefix.empty() ? std::string_view(prefix)
                                                          : !operation.empty() ? operation
                                                                               : "this operation")});
  }
  for (const auto &rule : schema.rules) rule(obj, prefix, out);
}

void check_value(const Field &f, const Value &v, const Where &at, std::vector<FieldError> &out) {
  if (v.is_null()) {
    if (!f.nullable)
      out.push_back({at.str(), f.required ? "required" : "not_null",
                     f.required ? "is required and must not be null" : "must not be null"});
    return;
  }
  if (!type_matches(f.type, v)) {
    out.push_back({at.str(), "type", std::string("must be ") + type_name(f.type) + ", got " + type_found(f.type, v)});
    return;
  }
  switch (f.type) {
    case Type::String: {
      const auto &s = v.as_string();
      long len = formats::utf8_length(s);
      if (len < 0) {
        out.push_back({at.str(), "utf8", "must be valid UTF-8 text"});
        return;
      }
      if (f.max_length && len > f.max_length) {
        out.push_back({at.str(), "max_length", "must be at most " + std::to_string(f.max_length) +
                                                   " characters (has " + std::to_string(len) + ")"});
      }
      if (f.min_length && len < f.min_length) {
        out.push_back({at.str(), "min_length", "must be at least " + std::to_string(f.min_length) +
                                                   " characters (has " + std::to_string(len) + ")"});
      }
      if (f.format) {
        if (auto problem = f.format->problem(s); !problem.empty())
          out.push_back({at.str(), f.format->rule, std::move(problem)});
      }
      break;
    }
    case Type::Integer: {
      auto n = v.as_int();
      if (f.max_digits) {
        if (n < 0) {
          out.push_back({at.str(), "max_digits", "must not be negative"});
        } else if (int d = digit_count(n); d > f.max_digits) {
          out.push_back({at.str(), "max_digits", "must have at most " + std::to_string(f.max_digits) +
                                                     " digits (has " + std::to_string(d) + ")"});
        }
      }
      if (f.positive && n <= 0) out.push_back({at.str(), "positive", "must be a positive integer"});
      break;
    }
    case Type::Object: check_object(f, v, at.str(), out); break;
    case Type::Array:
      if (f.max_items && v.as_array().size() > static_cast<size_t>(f.max_items)) {
        out.push_back({at.str(), "max_items", "must have at most " + std::to_string(f.max_items) +
                                                  (f.max_items == 1 ? " element" : " elements") + " (has " +
                                                  std::to_string(v.as_array().size()) + ")"});
      }
      if (f.min_items && v.as_array().size() < static_cast<size_t>(f.min_items)) {
        out.push_back({at.str(), "min_items", "must have at least " + std::to_string(f.min_items) +
                                                  (f.min_items == 1 ? " element" : " elements") + " (has " +
                                                  std::to_string(v.as_array().size()) + ")"});
      }
      if (f.element) {
        const std::string path = at.str();
        const auto &arr = v.as_array();
        for (size_t i = 0; i < arr.size(); ++i) check_value(*f.element, arr[i], Where{path, {}, static_cast<long>(i)}, out);
      }
      break;
    case Type::Number:
    case Type::Boolean:
    case Type::Any: break;
  }
  if (!f.one_of.empty()) {
    bool found = false;
    for (const auto &allowed : f.one_of) found = found || allowed == v;
    if (!found) out.push_back({at.str(), "enum", "must be one of " + list_values(f.one_of)});
  }
}

bool given(const Value *v) { return v && !v->is_null(); }

}  // namespace

void validate(const Field &schema, const Value &value, std::vector<FieldError> &out, std::string_view operation) {
  if (!value.is_object()) {
    out.push_back({"", "type", "the fields must be an object"});
    return;
  }
  check_object(schema, value, "", out, operation);
}

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The edit distance of a and b in half edits (optimal string alignment: an
// insertion, deletion, substitution or swap of neighbours is 2; a letter
// that differs only in case is 1), giving up above limit (returns limit + 1).
size_t half_edits(std::string_view a, std::string_view b, size_t limit) {
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) * 2 > limit) return limit + 1;
  std::vector<size_t> before(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = 2 * j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = 2 * i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      const size_t sub = a[i - 1] == b[j - 1] ? 0 : lower(a[i - 1]) == lower(b[j - 1]) ? 1 : 2;
      size_t d = std::min({prev[j] + 2, cur[j - 1] + 2, prev[j - 1] + sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = std::min(d, before[j - 2] + 2);
      cur[j] = d;
      row_min = std::min(row_min, d);
    }
    if (row_min > limit) return limit + 1;
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

}  // namespace

const Field *closest_member(const Field &schema, std::string_view key) {
  if (key.empty()) return nullptr;
  // In half edits: max(1, length/3) edits, at most 3, and fewer than the key's length.
  size_t limit = 2 * std::min<size_t>(3, std::max<size_t>(1, key.size() / 3));
  limit = std::min(limit, 2 * key.size() - 1);
  const Field *best = nullptr;
  size_t best_d = limit + 1;
  for (const auto &m : schema.members) {
    const size_t d = half_edits(key, m.name, std::min(limit, best_d - 1));
    if (d < best_d) {
      best = &m;
      best_d = d;
    }
  }
  return best;
}

std::string unknown_field_message(const Field &schema, std::string_view key, std::string_view what) {
  std::string msg = "is not a known field of " + std::string(what);
  if (schema.members.empty()) return msg + ", which takes no fields";
  if (const Field *near = closest_member(schema, key)) msg += ", did you mean `" + near->name + "`?";
  msg += " (fields: ";
  for (size_t i = 0; i < schema.members.size(); ++i) msg += (i ? ", " : "") + schema.members[i].name;
  return msg + ")";
}

CrossRule required_when(std::string field, std::string other, std::vector<Value> values) {
  return [=](const Value &obj, const std::string &prefix, std::vector<FieldError> &out) {
    const Value *o = obj.find(other);
    if (!o) return;
    for (const auto &v : values) {
      if (*o == v && !given(obj.find(field))) {
        out.push_back({join(prefix, field), "required_if",
                       "is required when " + other + " is " + to_json(v)});
        return;
      }
    }
  };
}

CrossRule format_when(std::string field, std::string other, Value value, const Format &format) {
  const Format *fmt = &format;  // a constant with static storage (schema.hpp)
  return [=](const Value &obj, const std::string &prefix, std::vector<FieldError> &out) {
    const Value *o = obj.find(other);
    const Value *f = obj.find(field);
    if (!o || *o != value || !f || !f->is_string()) return;
    if (auto problem = fmt->problem(f->as_string()); !problem.empty())
      out.push_back({join(prefix, field), fmt->rule, problem + " when " + other + " is " + to_json(value)});
  };
}

CrossRule all_or_none(std::vector<std::string> fields) {
  return [=](const Value &obj, const std::string &prefix, std::vector<FieldError> &out) {
    size_t n = 0;
    for (const auto &f : fields) n += given(obj.find(f)) ? 1 : 0;
    if (n == 0 || n == fields.size()) return;
    std::string names;
    for (size_t i = 0; i < fields.size(); ++i) names += (i ? ", " : "") + fields[i];
    for (const auto &f : fields)
      if (!given(obj.find(f)))
        out.push_back({join(prefix, f), "all_or_none", "is required because " + names +
                                                           " must be given together or not at all"});
  };
}

CrossRule at_least_one_true(std::vector<std::string> fields) {
  return [=](const Value &obj, const std::string &prefix, std::vector<FieldError> &out) {
    for (const auto &f : fields) {
      const Value *v = obj.find(f);
      if (given(v) && !v->is_bool()) return;
      if (given(v) && v->as_bool()) return;
    }
    std::string names;
    for (size_t i = 0; i < fields.size(); ++i) names += (i ? ", " : "") + fields[i];
    for (const auto &f : fields)
      out.push_back({join(prefix, f), "at_least_one_true", "must be true: at least one of " + names + " must be"});
  };
}

CrossRule forbidden_when(std::string field, std::string other, Value value) {
  return [=](const Value &obj, const std::string &prefix, std::vector<FieldError> &out) {
    const Value *o = obj.find(other);
    if (o && *o == value && obj.find(field))
      out.push_back({join(prefix, field), "conflict",
                     "must not be given when " + other + " is " + to_json(value)});
  };
}

}  // namespace ak

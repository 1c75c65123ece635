#include "core/json.hpp"

#include "core/formats.hpp"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace ak {

const Value *Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto &[k, v] : as_object())
    if (k == key) return &v;
  return nullptr;
}

Value *Value::find(std::string_view key) {
  return const_cast<Value *>(static_cast<const Value *>(this)->find(key));
}

Value &Value::set(std::string_view key, Value v) {
  if (Value *existing = find(key)) return *existing = std::move(v);
  return as_object().emplace_back(std::string(key), std::move(v)).second;
}

bool Value::erase(std::string_view key) {
  if (!is_object()) return false;
  auto &members = as_object();
  auto n = std::erase_if(members, [&](const Member &m) { return m.first == key; });
  return n > 0;
}

const char *kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::Null: return "null";
    case Value::Kind::Bool: return "boolean";
    case Value::Kind::Int: return "integer";
    case Value::Kind::Double: return "number";
    case Value::Kind::String: return "string";
    case Value::Kind::Array: return "array";
    case Value::Kind::Object: return "object";
  }
  return "unknown";
}

// ---- paths ------------------------------------------------------------------

std::vector<PathSegment> parse_path(std::string_view path) {
  std::vector<PathSegment> out;
  if (path.empty()) throw std::invalid_argument("empty field path");
  // Keys become JSON text, which must be UTF-8.
  if (formats::utf8_length(path) < 0) throw std::invalid_argument("field path is not valid UTF-8");
  size_t i = 0;
  long indexes = 0;  // their sum bounds the nulls one put_path may add
  while (i < path.size()) {
    if (out.size() == kMaxPathParts)
      throw std::invalid_argument("field path has more than " + std::to_string(kMaxPathParts) + " parts");
    if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string_view::npos || close == i + 1)
        throw std::invalid_argument("field path has an unterminated or empty [index]");
      long idx = 0;
      auto digits = path.substr(i + 1, close - i - 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), idx);
      if (ec != std::errc() || p != digits.data() + digits.size() || idx < 0 || idx > kMaxPathIndexSum)
        throw std::invalid_argument("field path index must be a number from 0 to " + std::to_string(kMaxPathIndexSum));
      if ((indexes += idx) > kMaxPathIndexSum)
        throw std::invalid_argument("field path indexes add up to more than " + std::to_string(kMaxPathIndexSum));
      out.push_back({"", idx});
      i = close + 1;
      if (i < path.size() && path[i] == '.') {
        ++i;
        if (i == path.size()) throw std::invalid_argument("field path ends with '.'");
      } else if (i < path.size() && path[i] != '[') {
        throw std::invalid_argument("field path needs '.' or '[' after an [index]");
      }
      continue;
    }
    size_t end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) end = path.size();
    if (end == i) throw std::invalid_argument("field path has an empty key");
    out.push_back({std::string(path.substr(i, end - i)), -1});
    i = end;
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size()) throw std::invalid_argument("field path ends with '.'");
    }
  }
  return out;
}

const Value *get_path(const Value &root, std::string_view path) {
  const Value *cur = &root;
  for (const auto &seg : parse_path(path)) {
    if (seg.index >= 0) {
      if (!cur->is_array() || static_cast<size_t>(seg.index) >= cur->as_array().size()) return nullptr;
      cur = &cur->as_array()[seg.index];
    } else {
      cur = cur->find(seg.key);
      if (!cur) return nullptr;
    }
  }
  return cur;
}

Value &put_path(Value &root, std::string_view path) {
  Value *cur = &root;
  for (const auto &seg : parse_path(path)) {
    if (seg.index >= 0) {
      if (cur->is_null()) *cur = Value::array();
      if (!cur->is_array())
        throw std::invalid_argument("field path indexes into a " + std::string(kind_name(cur->kind())));
      auto &arr = cur->as_array();
      if (static_cast<size_t>(seg.index) >= arr.size()) arr.resize(seg.index + 1);
      cur = &arr[seg.index];
    } else {
      if (cur->is_null()) *cur = Value::object();
      if (!cur->is_object())
        throw std::invalid_argument("field path names a key inside a " + std::string(kind_name(cur->kind())));
      Value *next = cur->find(seg.key);
      cur = next ? next : &cur->set(seg.key, Value());
    }
  }
  return *cur;
}

bool erase_path(Value &root, std::string_view path) {
  auto segs = parse_path(path);
  Value *cur = &root;
  for (size_t i = 0; i + 1 < segs.size(); ++i) {
    const auto &seg = segs[i];
    if (seg.index >= 0) {
      if (!cur->is_array() || static_cast<size_t>(seg.index) >= cur->as_array().size()) return false;
      cur = &cur->as_array()[seg.index];
    } else {
      cur = cur->find(seg.key);
      if (!cur) return false;
    }
  }
  const auto &last = segs.back();
  if (last.index >= 0) {
    if (!cur->is_array() || static_cast<size_t>(last.index) >= cur->as_array().size()) return false;
    cur->as_array().erase(cur->as_array().begin() + last.index);
    return true;
  }
  return cur->erase(last.key);
}

// ---- writer -----------------------------------------------------------------

static void write_string(std::string_view s, std::string &out) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // copy unescaped runs in one go
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void write_json(const Value &v, std::string &out) {
  char buf[32];
  switch (v.kind()) {
    case Value::Kind::Null: out += "null"; break;
    case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; break;
    case Value::Kind::Int: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      break;
    }
    case Value::Kind::Double: {
      double d = v.as_double();
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      std::string_view text(buf, r.ptr - buf);
      out += text;
      // Keep it a JSON number that reads back as a double, not an integer.
      if (text.find_first_of(".eEn") == std::string_view::npos) out += ".0";
      break;
    }
    case Value::Kind::String: write_string(v.as_string(), out); break;
    case Value::Kind::Array: {
      out.push_back('[');
      bool first = true;
      for (const auto &e : v.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        write_json(e, out);
      }
      out.push_back(']');
      break;
    }
    case Value::Kind::Object: {
      out.push_back('{');
      bool first = true;
      for (const auto &[k, e] : v.as_object()) {
        if (!first) out.push_back(',');
        first = false;
        write_string(k, out);
        out.push_back(':');
        write_json(e, out);
      }
      out.push_back('}');
      break;
    }
  }
}

std::string to_json(const Value &v) {
  std::string out;
  write_json(v, out);
  return out;
}

// ---- reader -----------------------------------------------------------------

static Value from_element(simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE: return Value();
    case T::BOOL: return Value(bool(e.get_bool().value_unsafe()));
    case T::INT64: return Value(std::int64_t(e.get_int64().value_unsafe()));
    case T::UINT64: return Value(double(e.get_uint64().value_unsafe()));
    case T::DOUBLE: return Value(double(e.get_double().value_unsafe()));
    case T::STRING: return Value(std::string(e.get_string().value_unsafe()));
    case T::ARRAY: {
      simdjson::dom::array src;
      if (e.get(src)) return Value();
      Array arr;
      arr.reserve(src.size());
      for (simdjson::dom::element child : src) arr.push_back(from_element(child));
      return Value(std::move(arr));
    }
    case T::OBJECT: {
      simdjson::dom::object src;
      if (e.get(src)) return Value();
      Object obj;
      obj.reserve(src.size());
      for (const simdjson::dom::key_value_pair &field : src)
        obj.emplace_back(std::string(field.key), from_element(field.value));
      return Value(std::move(obj));
    }
  }
  return Value();
}

namespace {

Value parse(std::string_view text, bool copy) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  // An empty view may have no data at all: simdjson copies from it, so give it a real (empty) buffer.
  if (text.data() == nullptr) text = std::string_view("", 0);
  auto err = parser.parse(text.data(), text.size(), copy).get(root);
  if (err) throw JsonError(std::string("invalid JSON: ") + simdjson::error_message(err));
  return from_element(root);
}

}  // namespace

Value parse_json(std::string_view text) { return parse(text, true); }

Value parse_json_in_place(const std::string &text) {
  static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);
  return parse(text, text.capacity() - text.size() < kJsonPadding);
}

}  // namespace ak

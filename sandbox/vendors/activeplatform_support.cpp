#include "sandbox/vendors/activeplatform_support.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace ak::sandbox::activeplatform_support {

namespace {

// A query value typed as the operation's schema expects it, so the library's
// validator judges "per_page=abc" as it would judge a JSON body.
Value typed(const Field *f, const std::string &text) {
  if (f && f->type == Type::Integer)
    if (auto n = parse_int(text)) return Value(*n);
  if (f && f->type == Type::Boolean && (text == "true" || text == "false")) return Value(text == "true");
  return Value(text);
}

// Orders numbers by value, strings by text; null first, then by kind.
bool less(const Value &a, const Value &b) {
  if (a.is_number() && b.is_number()) return a.as_double() < b.as_double();
  if (a.kind() != b.kind()) return a.kind() < b.kind();
  if (a.is_string()) return a.as_string() < b.as_string();
  if (a.is_bool()) return a.as_bool() < b.as_bool();
  return false;
}

// status and email match exactly; created_at and updated_at match a prefix
// ("2024-05-01" is that day, UTC).
bool matches(const Value &filters, const Value &item) {
  for (const auto &[key, want] : filters.as_object()) {
    if (!want.is_string()) continue;
    std::string have = text(item, key.c_str());
    bool prefix = key == "created_at" || key == "updated_at";
    if (prefix ? !have.starts_with(want.as_string()) : have != want.as_string()) return false;
  }
  return true;
}

}  // namespace

Reply error(int status, std::string message) { return Reply::json(status, Value(Object{{"error", std::move(message)}})); }

// 422 {"errors": {"path": ["message", ...]}}: every problem, grouped by field.
Reply field_errors(const std::vector<FieldError> &errors) {
  Value by_field = Value::object();
  for (const auto &e : errors) {
    std::string key = e.path.empty() ? "base" : e.path;
    Value *list = by_field.find(key);
    if (!list) list = &by_field.set(key, Value::array());
    list->as_array().push_back(e.message);
  }
  return Reply::json(422, Value(Object{{"errors", std::move(by_field)}}));
}

std::string now_iso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03d", static_cast<int>(ms));
  return std::string(date) + millis + "+00:00";  // the vendor writes an offset, e.g. +03:00
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return n;
}

// Matches path against an operation path such as "/accounts/{account_id}.json",
// capturing the placeholder's text (one path segment).
bool route_matches(const std::string &pattern, const std::string &path, std::string &param) {
  size_t open = pattern.find('{');
  if (open == std::string::npos) return pattern == path;
  std::string_view head(pattern.data(), open);
  std::string_view tail = std::string_view(pattern).substr(pattern.find('}', open) + 1);
  if (path.size() <= head.size() + tail.size() || !path.starts_with(head) || !path.ends_with(tail)) return false;
  param = path.substr(head.size(), path.size() - head.size() - tail.size());
  return param.find('/') == std::string::npos;
}


// "page=2&sorting[field]=id" as {"page": 2, "sorting": {"field": "id"}}.
Value query_fields(const Field &schema, const Pairs &query) {
  Value out = Value::object();
  for (const auto &[k, v] : query) {
    if (k == "api_token") continue;
    size_t bracket = k.find('[');
    if (bracket == std::string::npos || !k.ends_with(']')) {
      out.set(k, typed(schema.member(k), v));
      continue;
    }
    std::string key = k.substr(0, bracket), sub = k.substr(bracket + 1, k.size() - bracket - 2);
    const Field *f = schema.member(key);
    Value *obj = out.find(key);
    if (!obj || !obj->is_object()) obj = &out.set(key, Value::object());
    obj->set(sub, typed(f ? f->member(sub) : nullptr, v));
  }
  return out;
}


std::string text(const Value &account, const char *key) {
  const Value *v = account.find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

// Merges attributes by key: a given key replaces that attribute's value,
// a new key is appended, attributes not mentioned are kept.
void merge_attributes(Value &have, const Value &given) {
  if (!have.is_array()) have = Value::array();
  for (const auto &attr : given.as_array()) {
    const Value *key = attr.find("key");
    auto &list = have.as_array();
    auto same = std::find_if(list.begin(), list.end(), [&](const Value &a) { return key && a.find("key") && *a.find("key") == *key; });
    if (same != list.end()) *same = attr;
    else list.push_back(attr);
  }
}

Reply listing(std::vector<const Value *> items, const Value &fields, std::int64_t default_per_page) {
  auto int_or = [&](const char *key, std::int64_t fallback) {
    const Value *v = fields.find(key);
    return v && v->is_int() ? v->as_int() : fallback;
  };
  std::int64_t page = int_or("page", 1), per_page = int_or("per_page", default_per_page);
  std::vector<const Value *> hits;
  const Value *filters = fields.find("filters");
  for (const Value *item : items)
    if (!filters || !filters->is_object() || matches(*filters, *item)) hits.push_back(item);
  if (const Value *sorting = fields.find("sorting")) {
    std::string key = text(*sorting, "field");
    const Value *reversed = sorting->find("reversed");
    bool desc = reversed && reversed->is_bool() && reversed->as_bool();
    // Stable over the given order, so equal keys keep it in either direction.
    std::stable_sort(hits.begin(), hits.end(), [&](const Value *a, const Value *b) {
      static const Value none;
      const Value *x = a->find(key), *y = b->find(key);
      return desc ? less(y ? *y : none, x ? *x : none) : less(x ? *x : none, y ? *y : none);
    });
  }
  Array page_items;
  // page and per_page are positive (validated); a page past the end is empty.
  auto skip = static_cast<std::uint64_t>(page - 1);
  auto size = static_cast<std::uint64_t>(per_page);
  if (skip < hits.size() / size + 1)
    for (std::uint64_t i = skip * size; i < hits.size() && page_items.size() < size; ++i) page_items.push_back(*hits[i]);
  return Reply::json(200, Value(std::move(page_items)));
}

}  // namespace ak::sandbox::activeplatform_support

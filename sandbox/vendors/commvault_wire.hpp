// What the Commvault emulator's parts share: the vendor's envelopes, our
// error codes and its zone-less UTC timestamps.
#pragma once

#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/schema.hpp"
#include "core/vendor.hpp"
#include "sandbox/sandbox.hpp"

namespace ak::sandbox::commvault_wire {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// {"error": {"code": N, "message": "..."}} codes: 1006 is the vendor's, the rest ours.
enum Code : int {
  kMalformed = 1000,       // 400: the body is not a JSON object
  kInvalid = 1001,         // 400: a field breaks a rule (the message names the first)
  kBadToken = 1002,        // 401: no bearer token, or not one we issued
  kBadCredentials = 1003,  // 401: wrong username or password
  kNoEndpoint = 1004,      // 404 / 405: no such path or method
  kNotFound = 1006,        // 404: "Record not found" [doc]
  kDuplicate = 1009,       // 400: a fulfillment with this externalId exists ("unique in Metallic" [doc])
  kTooMany = 1029,         // 429: past the read or write budget
};

inline Reply error(int http, int code, std::string message) {
  return Reply::json(http, Value(Object{{"error", Value(Object{{"code", code}, {"message", std::move(message)}})}}));
}

inline Reply data(Value v) { return Reply::json(200, Value(Object{{"data", std::move(v)}})); }

inline std::string lower(std::string s) {
  for (auto &c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// "2021-06-07T21:16:48": the vendor's timestamps carry no zone; they are UTC.
inline std::string utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

inline std::string now_utc() { return utc(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())); }

// A random (version 4) UUID, lower-case, as the vendor's ids look.
template <class Rng>
std::string random_uuid(Rng &rng) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    unsigned nibble = static_cast<unsigned>(rng() & 15);
    if (i == 12) nibble = 4;
    if (i == 16) nibble = 8 | (nibble & 3);
    if (i == 8 || i == 12 || i == 16 || i == 20) id.push_back('-');
    id.push_back(hex[nibble]);
  }
  return id;
}

// The request body as op's fields, or the refusal: 400 kMalformed when it is
// no JSON object, 400 kInvalid at the library's first rule it breaks (one
// place per rule). id, when not empty, is the path's id, validated like the
// rest; unknown fields are the vendor's to ignore.
inline std::optional<Reply> refuse_body(const Operation &op, const std::string &id, const std::string &text,
                                        Value &body) {
  try {
    body = parse_json(text);
  } catch (const JsonError &) {
    body = Value();
  }
  if (!body.is_object()) return error(400, kMalformed, "the body must be a JSON object");
  Value checked = body;
  if (!id.empty()) checked.set("id", id);
  std::vector<FieldError> errors;
  validate(op.request, checked, errors);
  for (const auto &e : errors)
    if (e.rule != "unknown_field") return error(400, kInvalid, e.path + " " + e.message);
  return std::nullopt;
}

// A list request's query: filter text, sort "asc:<field>" / "desc:<field>"
// (default desc:updateTs), zero-based pageNumber and pageSize (default 25, at most 100).
struct ListQuery {
  std::string filter, dir = "desc", key = "updateTs";
  long page = 0, size = 25;

  // The query of req, or the 400 it deserves.
  static std::optional<Reply> parse(const Request &req, ListQuery &q) {
    std::string sort = "desc:updateTs";
    for (const auto &[k, v] : req.query) {
      if (k == "filter") q.filter = v;
      else if (k == "sort") sort = v;
      else if (k == "pageNumber" || k == "pageSize") {
        long min = k == "pageNumber" ? 0 : 1, max = k == "pageNumber" ? 1'000'000'000 : 100;
        long n = -1;
        size_t used = 0;
        try {
          n = std::stol(v, &used);
        } catch (const std::exception &) {
        }
        if (used != v.size() || n < min || n > max)
          return error(400, kInvalid, k + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
        (k == "pageNumber" ? q.page : q.size) = n;
      }
    }
    auto colon = sort.find(':');
    q.dir = sort.substr(0, colon);
    q.key = colon == std::string::npos ? "" : sort.substr(colon + 1);
    if ((q.dir != "asc" && q.dir != "desc") || q.key.empty())
      return error(400, kInvalid, "sort must be asc:<field> or desc:<field>");
    return std::nullopt;
  }

  // One page of hits, sorted, in the vendor's list envelope.
  Reply page_of(std::vector<const Value *> hits) const {
    auto sort_key = [&](const Value *a) {
      const Value *v = a->find(key);
      return !v || v->is_null() ? std::string() : v->is_string() ? v->as_string() : to_json(*v);
    };
    // Ties keep the given order, so pages never overlap.
    std::stable_sort(hits.begin(), hits.end(), [&](const Value *a, const Value *b) {
      return dir == "asc" ? sort_key(a) < sort_key(b) : sort_key(b) < sort_key(a);
    });
    Array items;
    auto first = static_cast<size_t>(page) * static_cast<size_t>(size);
    for (size_t i = first; i < hits.size() && i < first + static_cast<size_t>(size); ++i) items.push_back(*hits[i]);
    Value pagination(Object{{"pageNumber", static_cast<std::int64_t>(page)},
                            {"pageSize", static_cast<std::int64_t>(size)},
                            {"totalRecords", static_cast<std::int64_t>(hits.size())}});
    return Reply::json(200, Value(Object{{"data", Value(std::move(items))},
                                         {"metadata", Value(Object{{"pagination", std::move(pagination)}})}}));
  }
};

}  // namespace ak::sandbox::commvault_wire

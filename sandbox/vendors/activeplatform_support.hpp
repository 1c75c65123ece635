// What the ActivePlatform v1 emulator's parts (accounts, users) share: the
// vendor's error bodies, routes like "/accounts/{account_id}.json", query
// fields typed by the operation's schema, and one page of a filtered,
// sorted list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/schema.hpp"
#include "sandbox/sandbox.hpp"

namespace ak::sandbox::activeplatform_support {

// {"error": message}
Reply error(int status, std::string message);
// 422 {"errors": {"path": ["message", ...]}}: every problem, grouped by field.
Reply field_errors(const std::vector<FieldError> &errors);
// Now as the vendor writes times ("2024-05-01T12:00:00.123+00:00").
std::string now_iso();
std::optional<std::int64_t> parse_int(std::string_view s);
// Matches path against an operation path such as "/accounts/{account_id}.json",
// capturing the placeholder's text (one path segment).
bool route_matches(const std::string &pattern, const std::string &path, std::string &param);
// "page=2&sorting[field]=id" as {"page": 2, "sorting": {"field": "id"}}, typed
// as schema says, so the library's validator judges a query as a body.
Value query_fields(const Field &schema, const Pairs &query);
// The text of item's member key, or "".
std::string text(const Value &item, const char *key);
// Merges custom attributes by key: a given key replaces that attribute's
// value, a new key is appended, attributes not mentioned are kept.
void merge_attributes(Value &have, const Value &given);
// The page of items that fields ask for (page, per_page, default per_page;
// filters: status and email exact, created_at and updated_at a prefix;
// sorting: field, reversed), as the vendor's bare JSON array.
Reply listing(std::vector<const Value *> items, const Value &fields, std::int64_t default_per_page);

}  // namespace ak::sandbox::activeplatform_support

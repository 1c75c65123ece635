// The one front door. Every front end (the C API in capi/, the Python module
// in python/src/, and through the C API Go, Rust and the CLI) asks the core
// here for everything that is not converting values or handling its own
// runtime (the GIL, cgo): vendor and operation lookup, validation (all of it),
// binding a positional account id, the limits on fields and paths, the secret
// keys, and the error a failure becomes. A front end that needs a rule calls
// it from here instead of writing its own copy.
#pragma once

#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/vendor.hpp"

namespace ak::api {

// ---- lookup -------------------------------------------------------------------

// The vendor named name; throws Error(InvalidArgument) naming the known ones.
const Vendor &vendor(std::string_view name);
// The vendor's operation named name; throws Error(UnknownOperation) naming the known ones.
const Operation &operation(const Vendor &v, std::string_view name);

// ---- limits -------------------------------------------------------------------

// Fields nest at most this deep: the path of their deepest value has at most
// kMaxDepth parts ("contacts[0].email" has 3), the same bound a field path has.
inline constexpr std::size_t kMaxDepth = kMaxPathParts;

// The number of parts in the path of v's deepest value (0 for a scalar or an
// empty container).
std::size_t depth(const Value &v);
// The error for fields that nest deeper than kMaxDepth below the top-level
// field named field.
Error too_deep(std::string_view field);

// ---- fields -------------------------------------------------------------------

// Parses a value for a request from JSON text, refusing a key given twice in
// one object (vendors disagree on which copy wins): Error(InvalidArgument).
Value value_from_json(std::string_view text);
// The error for fields that are not an object (got: what they are).
Error fields_not_object(std::string_view got);
// The same for a request's fields: an object, at most kMaxDepth deep.
Value fields_from_json(std::string_view text);
// Sets the value at path in fields (creating objects and arrays on the way);
// throws Error(InvalidArgument) for a malformed path, one that crosses a
// value of another kind, or a result deeper than kMaxDepth.
void set_path(Value &fields, std::string_view path, Value v);

// ---- validation ---------------------------------------------------------------

// Every problem of fields for op, in a stable order: first what would break
// the request itself (CR, LF or NUL in anything sent in the URL; a path
// parameter that is empty or a dot segment, rule "path_segment"), checked
// whatever the "validate" option says; then, when rules is true, the vendor's
// field rules.
std::vector<FieldError> problems(const Operation &op, const Value &fields, bool rules);
// The Validation error listing errors, its message naming vendor and operation.
Error validation_error(const Vendor &v, std::string_view op, std::vector<FieldError> errors);
// Throws validation_error(...) when problems(op, fields, true) finds any.
void validate(const Vendor &v, const Operation &op, const Value &fields);

// ---- positional account id ----------------------------------------------------

// Puts id into op's id field (op.id_field), first among fields. The id is text
// or an integer and takes the field's type: "1000" becomes 1000 for an integer
// field (text that is not a number is left for validation to report), 1000
// becomes "1000" for a text field. Throws Error(InvalidArgument) when op takes
// no account id, when fields already hold the id field (the id is given twice;
// even as null), or when id is neither text nor an integer.
void bind_id(const Vendor &v, const Operation &op, Value &fields, Value id);
// The error for an id that is neither text nor an integer (got: what it is).
Error id_type_error(const Vendor &v, const Operation &op, std::string_view got);

// ---- secrets ------------------------------------------------------------------

// Every key whose value is a secret, sorted: each vendor's secret options, its
// request fields marked secret and the secret keys of its wire format (token
// answers). Read from the vendor tables; the journal, repr and logs mask these.
const std::vector<std::string> &secret_keys();
// The same for one vendor.
std::vector<std::string> secret_keys(const Vendor &v);
bool is_secret_key(std::string_view key);
// Replaces the value of every secret key in v, at any depth, with "***"
// (a null stays null: it reveals nothing).
void mask_secrets(Value &v);

// ---- errors -------------------------------------------------------------------

// The error for the exception being handled; call it inside a catch block.
// Error as thrown; JsonError and std::invalid_argument as InvalidArgument;
// std::bad_alloc as NoMemory; anything else Internal.
Error current_error();

}  // namespace ak::api

// What the extension's classes share (module.cpp, async_engine.cpp): the
// conversion of fields to the core's values (with the core's validation), of
// results to Python tuples, and of ak::Error to accountkit.errors exceptions.
// Everything here needs the GIL.
#pragma once

#include <pybind11/pybind11.h>

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "core/vendor.hpp"

namespace akpy {

namespace py = pybind11;

// The accountkit.errors exception for e, as an object.
py::object python_error(const ak::Error &e);
// Sets the Python error for e.
void set_python_error(const ak::Error &e);

ak::Error error_with(ak::Status s, std::string message, const std::string &vendor = "",
                     const std::string &operation = "");

// Every problem of fields for op (with id bound into them, unless None):
// values Python cannot express in JSON first, then the core's checks over what
// did convert; the vendor's rules only when rules is true. out: the fields.
std::vector<ak::FieldError> problems(const ak::Vendor &v, const ak::Operation &op, py::handle fields, py::handle id,
                                     ak::Value &out, bool rules);

// fields (with id bound) as a value tree for op, or the validation error to
// report instead (see module.cpp's conventions).
std::optional<ak::Error> convert(const ak::Vendor &v, const ak::Operation &op, py::handle fields, py::handle id,
                                 bool validate, ak::Value &out);

// (data, id, status, http_status, request_id, unavailable): texts and
// http_status None when empty or 0; unavailable None unless the result was
// recovered by a lookup (then a tuple of the field names it lacks).
py::tuple result_to_python(const ak::Result &r);

}  // namespace akpy

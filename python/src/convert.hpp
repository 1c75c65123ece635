// Python objects <-> ak::Value. Python values map to JSON: None is an explicit
// null, a key left out of a dict is absent. Anything that has no JSON meaning
// becomes a FieldError (rule "type") naming the field; fields that are not a
// mapping, or nest deeper than the core allows, raise the core's
// InvalidArgument error (ak::api::fields_not_object, ak::api::too_deep).
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"

namespace akpy {

namespace py = pybind11;

// Where a value sits in the fields, kept as a chain of the callers' stack
// frames: the text ("contacts[0].email") is built only when a problem is
// reported, so converting valid fields allocates no paths.
struct Path {
  const Path *parent = nullptr;  // nullptr: the root, whose text is key
  std::string_view key;          // this step's key (when index < 0)
  long index = -1;               // or this step's array index
  std::string text() const;
};

// Converts a Python mapping of fields (None: no fields) into an object Value.
// Every value that cannot be converted is reported in errors (path, "type",
// message) and left out of the result. Needs the GIL.
ak::Value fields_to_value(py::handle fields, std::vector<ak::FieldError> &errors);

// Converts any Python value (see fields_to_value); path names it in errors.
ak::Value to_value(py::handle obj, const std::string &path, std::vector<ak::FieldError> &errors, int depth = 0);

// ak::Value -> dict / list / str / int / float / bool / None. Needs the GIL.
py::object to_python(const ak::Value &v);

}  // namespace akpy

#include "bridge.hpp"

#include <pybind11/stl.h>

#include <algorithm>

#include "convert.hpp"
#include "core/api.hpp"
#include "core/schema.hpp"

namespace akpy {

namespace {

py::dict error_info(const ak::Error &e) {
  py::list fields;
  for (const auto &f : e.fields) fields.append(py::make_tuple(f.path, f.rule, f.message));
  py::dict d;
  d["code"] = static_cast<int>(e.status);
  d["category"] = ak::status_name(e.status);
  d["message"] = e.message;
  d["vendor"] = e.vendor;
  d["operation"] = e.operation;
  d["http_status"] = e.http_status;
  d["vendor_code"] = e.vendor_code;
  d["request_id"] = e.request_id;
  d["raw_body"] = py::reinterpret_steal<py::object>(
      PyUnicode_DecodeUTF8(e.raw_body.data(), static_cast<Py_ssize_t>(e.raw_body.size()), "replace"));
  d["retriable"] = e.retriable;
  d["attempts"] = e.attempts;
  d["retry_after"] = e.retry_after;
  d["fields"] = fields;
  py::list candidates;
  for (const auto &c : e.candidates) candidates.append(c);
  d["candidates"] = candidates;
  return d;
}

// accountkit.errors._from_core, looked up once and kept for the process.
py::handle error_factory() {
  static PyObject *factory = nullptr;
  if (!factory) factory = py::object(py::module_::import("accountkit.errors").attr("_from_core")).release().ptr();
  return factory;
}

}  // namespace

// The accountkit.errors exception for e, as an object (needs the GIL).
py::object python_error(const ak::Error &e) { return error_factory()(error_info(e)); }

// Sets the Python error for e (needs the GIL).
void set_python_error(const ak::Error &e) {
  try {
    py::object exc = python_error(e);
    PyErr_SetObject(reinterpret_cast<PyObject *>(Py_TYPE(exc.ptr())), exc.ptr());
  } catch (py::error_already_set &failure) {
    failure.restore();  // accountkit.errors could not be imported: say so
  }
}

ak::Error error_with(ak::Status s, std::string message, const std::string &vendor, const std::string &operation) {
  ak::Error e(s, std::move(message));
  e.vendor = vendor;
  e.operation = operation;
  return e;
}

namespace {

bool under(const std::string &path, const std::string &prefix) {
  if (prefix == "(fields)") return true;
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

// A positional id as a value: text or an integer as given (bind_id says what
// else is wrong with it).
ak::Value id_value(const ak::Vendor &v, const ak::Operation &op, py::handle id) {
  std::vector<ak::FieldError> errors;
  ak::Value value = akpy::to_value(id, "id", errors);
  if (!errors.empty()) throw ak::api::id_type_error(v, op, Py_TYPE(id.ptr())->tp_name);
  return value;
}

// Every problem of fields for op (with id bound into them, unless None):
// values Python cannot express in JSON first, then the core's checks over what
// did convert (minus errors about the places the unconvertible values left
}  // namespace

// empty); the vendor's rules only when rules is true.
std::vector<ak::FieldError> problems(const ak::Vendor &v, const ak::Operation &op, py::handle fields, py::handle id,
                                     ak::Value &out, bool rules) {
  std::vector<ak::FieldError> errors;
  out = akpy::fields_to_value(fields, errors);
  if (!id.is_none()) ak::api::bind_id(v, op, out, id_value(v, op, id));
  std::vector<ak::FieldError> schema = ak::api::problems(op, out, rules);
  if (errors.empty()) return schema;
  const size_t type_errors = errors.size();
  for (auto &s : schema) {
    bool shadowed = std::any_of(errors.begin(), errors.begin() + static_cast<std::ptrdiff_t>(type_errors),
                                [&](const ak::FieldError &t) { return under(s.path, t.path); });
    if (!shadowed) errors.push_back(std::move(s));
  }
  return errors;
}

// fields (with id bound) as a value tree for op, or the validation error to
// report instead. What cannot be sent fails whatever "validate" says (values
// Python cannot express, CR/LF/NUL in the URL); with validate on, the error
// lists the vendor's rules' problems too. The client checks again when it
// sends, as it does for every front end.
std::optional<ak::Error> convert(const ak::Vendor &v, const ak::Operation &op, py::handle fields, py::handle id,
                                 bool validate, ak::Value &out) {
  std::vector<ak::FieldError> errors = problems(v, op, fields, id, out, false);
  if (errors.empty()) return std::nullopt;
  if (validate) errors = problems(v, op, fields, id, out, true);
  return ak::api::validation_error(v, op.name, std::move(errors));
}

namespace {

// Text as str; None when empty.
py::object text_or_none(const std::string &s) {
  if (s.empty()) return py::none();
  PyObject *o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(o);
}

}  // namespace

// (data, id, status, http_status, request_id, unavailable): texts and
// http_status None when empty or 0; unavailable None unless the result was
// recovered by a lookup (then a tuple of the field names it lacks).
py::tuple result_to_python(const ak::Result &r) {
  py::object data = akpy::to_python(r.data);
  py::object http_status = r.http_status ? py::reinterpret_steal<py::object>(PyLong_FromLong(r.http_status)) : py::none();
  py::object unavailable = py::none();
  if (r.recovered) {
    py::tuple names(r.unavailable.size());
    for (size_t i = 0; i < r.unavailable.size(); ++i) names[i] = py::str(r.unavailable[i]);
    unavailable = std::move(names);
  }
  return py::make_tuple(std::move(data), text_or_none(r.id), text_or_none(r.status), std::move(http_status),
                        text_or_none(r.request_id), std::move(unavailable));
}


}  // namespace akpy

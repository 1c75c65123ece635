#include "convert.hpp"

#include <cmath>

#include "core/api.hpp"

namespace akpy {

namespace {

std::string type_name(py::handle obj) { return Py_TYPE(obj.ptr())->tp_name; }

void problem(std::vector<ak::FieldError> &errors, const Path &path, std::string message) {
  std::string where = path.text();
  errors.push_back({where.empty() ? std::string("(fields)") : std::move(where), "type", std::move(message)});
}

// UTF-8 text of a str (the str's own cached copy, no allocation for ASCII);
// false (and no Python error left set) for lone surrogates.
bool utf8(PyObject *s, std::string_view &out) {
  Py_ssize_t size = 0;
  const char *data = PyUnicode_AsUTF8AndSize(s, &size);
  if (!data) {
    PyErr_Clear();
    return false;
  }
  out = std::string_view(data, static_cast<size_t>(size));
  return true;
}

PyObject *mapping_class() {
  static PyObject *mapping = nullptr;  // collections.abc.Mapping, kept for the process
  if (!mapping) {
    py::object abc = py::module_::import("collections.abc");
    py::object cls = abc.attr("Mapping");
    mapping = cls.release().ptr();
  }
  return mapping;
}

bool is_mapping(py::handle obj) {
  if (PyDict_Check(obj.ptr())) return true;
  int r = PyObject_IsInstance(obj.ptr(), mapping_class());
  if (r < 0) throw py::error_already_set();
  return r == 1;
}

ak::Value convert(PyObject *o, const Path &path, std::vector<ak::FieldError> &errors, int depth);

ak::Value mapping_to_value(PyObject *obj, const Path &path, std::vector<ak::FieldError> &errors, int depth) {
  // A Mapping that is not a dict is copied into one first (its items, once).
  py::object dict = PyDict_Check(obj) ? py::reinterpret_borrow<py::object>(obj)
                                      : py::object(py::dict(py::reinterpret_borrow<py::object>(obj)));
  ak::Object members;
  members.reserve(static_cast<size_t>(PyDict_GET_SIZE(dict.ptr())));
  Py_ssize_t pos = 0;
  PyObject *key = nullptr, *value = nullptr;
  while (PyDict_Next(dict.ptr(), &pos, &key, &value)) {
    if (!PyUnicode_Check(key)) {
      problem(errors, path, "has a key that is not a string (" + type_name(key) + "): field names are strings");
      continue;
    }
    std::string_view name;
    if (!utf8(key, name)) {
      problem(errors, path, "has a key that is not valid Unicode");
      continue;
    }
    // Held while converting: converting may run Python code (isinstance).
    py::object key_ref = py::reinterpret_borrow<py::object>(key), value_ref = py::reinterpret_borrow<py::object>(value);
    Path child{&path, name};
    size_t before = errors.size();
    ak::Value v = convert(value, child, errors, depth + 1);
    if (errors.size() == before) members.emplace_back(std::string(name), std::move(v));
  }
  return ak::Value(std::move(members));
}

// The top-level field a path is under (what the core's depth error names).
std::string_view top_level(const Path &path) {
  const Path *p = &path;
  while (p->parent && p->parent->parent) p = p->parent;
  return p->key;
}

ak::Value convert(PyObject *o, const Path &path, std::vector<ak::FieldError> &errors, int depth) {
  // The core's limit, with the core's error: fields nest at most kMaxDepth levels.
  if (depth > static_cast<int>(ak::api::kMaxDepth)) throw ak::api::too_deep(top_level(path));
  if (o == Py_None) return {};
  if (PyUnicode_Check(o)) {
    std::string_view s;
    if (!utf8(o, s)) {
      problem(errors, path, "is not valid Unicode text (it holds a lone surrogate)");
      return {};
    }
    return ak::Value(std::string(s));
  }
  // bool before int: True is an int in Python but a JSON boolean here.
  if (PyBool_Check(o)) return ak::Value(o == Py_True);
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long n = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) {
      problem(errors, path, "is an integer outside the 64-bit range");
      return {};
    }
    if (n == -1 && PyErr_Occurred()) throw py::error_already_set();
    return ak::Value(static_cast<std::int64_t>(n));
  }
  if (PyFloat_Check(o)) {
    double d = PyFloat_AsDouble(o);
    if (!std::isfinite(d)) {
      problem(errors, path, "must be a finite number (got " + std::string(std::isnan(d) ? "nan" : "inf") + ")");
      return {};
    }
    return ak::Value(d);
  }
  if (PyDict_Check(o)) return mapping_to_value(o, path, errors, depth);
  if (PyList_Check(o) || PyTuple_Check(o)) {
    ak::Array items;
    bool list = PyList_Check(o);
    Py_ssize_t n = list ? PyList_GET_SIZE(o) : PyTuple_GET_SIZE(o);
    items.reserve(static_cast<size_t>(n));
    // The size is read again each step: converting may run Python code that changes a list.
    for (Py_ssize_t i = 0; i < (list ? PyList_GET_SIZE(o) : n); ++i) {
      py::object item = py::reinterpret_borrow<py::object>(list ? PyList_GET_ITEM(o, i) : PyTuple_GET_ITEM(o, i));
      Path child{&path, {}, static_cast<long>(i)};
      items.push_back(convert(item.ptr(), child, errors, depth + 1));
    }
    return ak::Value(std::move(items));
  }
  if (is_mapping(o)) return mapping_to_value(o, path, errors, depth);
  problem(errors, path, "must be a string, number, boolean, None, dict or list (got " + type_name(o) + ")");
  return {};
}

}  // namespace

std::string Path::text() const {
  if (!parent) return std::string(key);
  std::string out = parent->text();
  if (index >= 0) return out + "[" + std::to_string(index) + "]";
  if (out.empty()) return std::string(key);
  out += '.';
  out += key;
  return out;
}

ak::Value to_value(py::handle obj, const std::string &path, std::vector<ak::FieldError> &errors, int depth) {
  Path root{nullptr, path};
  return convert(obj.ptr(), root, errors, depth);
}

ak::Value fields_to_value(py::handle fields, std::vector<ak::FieldError> &errors) {
  if (fields.is_none()) return ak::Value::object();
  if (!is_mapping(fields)) throw ak::api::fields_not_object(type_name(fields));
  Path root;
  return mapping_to_value(fields.ptr(), root, errors, 0);
}

namespace {

PyObject *new_text(const std::string &s) {
  PyObject *o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (!o) throw py::error_already_set();
  return o;
}

// A new reference to v as a Python object.
PyObject *to_python_ref(const ak::Value &v) {
  PyObject *out = nullptr;
  switch (v.kind()) {
    case ak::Value::Kind::Null: Py_RETURN_NONE;
    case ak::Value::Kind::Bool:
      if (v.as_bool()) Py_RETURN_TRUE;
      Py_RETURN_FALSE;
    case ak::Value::Kind::Int: out = PyLong_FromLongLong(v.as_int()); break;
    case ak::Value::Kind::Double: out = PyFloat_FromDouble(v.as_double()); break;
    case ak::Value::Kind::String: return new_text(v.as_string());
    case ak::Value::Kind::Array: {
      const ak::Array &items = v.as_array();
      py::object list = py::reinterpret_steal<py::object>(PyList_New(static_cast<Py_ssize_t>(items.size())));
      if (!list) throw py::error_already_set();
      for (size_t i = 0; i < items.size(); ++i)
        PyList_SET_ITEM(list.ptr(), static_cast<Py_ssize_t>(i), to_python_ref(items[i]));  // steals
      return list.release().ptr();
    }
    case ak::Value::Kind::Object: {
      py::object dict = py::reinterpret_steal<py::object>(PyDict_New());
      if (!dict) throw py::error_already_set();
      // Vendors may repeat a key; lookups in the core take the first, so do we.
      for (const auto &[k, child] : v.as_object()) {
        py::object key = py::reinterpret_steal<py::object>(new_text(k));
        int has = PyDict_Contains(dict.ptr(), key.ptr());
        if (has < 0) throw py::error_already_set();
        if (has) continue;
        py::object value = py::reinterpret_steal<py::object>(to_python_ref(child));
        if (PyDict_SetItem(dict.ptr(), key.ptr(), value.ptr()) < 0) throw py::error_already_set();
      }
      return dict.release().ptr();
    }
  }
  if (!out) throw py::error_already_set();
  return out;
}

}  // namespace

py::object to_python(const ak::Value &v) { return py::reinterpret_steal<py::object>(to_python_ref(v)); }

}  // namespace akpy

#include "convert.hpp"

#include <cmath>

namespace akpy {

namespace {

constexpr int kMaxDepth = 64;

std::string child_key(const std::string &path, const std::string &key) {
  return path.empty() ? key : path + "." + key;
}

std::string child_index(const std::string &path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string type_name(py::handle obj) { return Py_TYPE(obj.ptr())->tp_name; }

void problem(std::vector<ak::FieldError> &errors, const std::string &path, std::string message) {
  errors.push_back({path.empty() ? std::string("(fields)") : path, "type", std::move(message)});
}

// UTF-8 text of a str; false (and no Python error left set) for lone surrogates.
bool utf8(py::handle s, std::string &out) {
  Py_ssize_t size = 0;
  const char *data = PyUnicode_AsUTF8AndSize(s.ptr(), &size);
  if (!data) {
    PyErr_Clear();
    return false;
  }
  out.assign(data, static_cast<size_t>(size));
  return true;
}

bool is_mapping(py::handle obj) {
  if (PyDict_Check(obj.ptr())) return true;
  static PyObject *mapping = nullptr;  // collections.abc.Mapping, kept for the process
  if (!mapping) {
    py::object abc = py::module_::import("collections.abc");
    py::object cls = abc.attr("Mapping");
    mapping = cls.release().ptr();
  }
  int r = PyObject_IsInstance(obj.ptr(), mapping);
  if (r < 0) throw py::error_already_set();
  return r == 1;
}

ak::Value mapping_to_value(py::handle obj, const std::string &path, std::vector<ak::FieldError> &errors, int depth) {
  ak::Object members;
  py::object items = PyDict_Check(obj.ptr()) ? py::reinterpret_borrow<py::object>(obj) : py::dict(py::reinterpret_borrow<py::object>(obj));
  for (auto item : py::reinterpret_borrow<py::dict>(items)) {
    std::string key;
    if (!PyUnicode_Check(item.first.ptr())) {
      problem(errors, path, "has a key that is not a string (" + type_name(item.first) + "): field names are strings");
      continue;
    }
    if (!utf8(item.first, key)) {
      problem(errors, path, "has a key that is not valid Unicode");
      continue;
    }
    std::string child = child_key(path, key);
    size_t before = errors.size();
    ak::Value v = to_value(item.second, child, errors, depth + 1);
    if (errors.size() == before) members.emplace_back(std::move(key), std::move(v));
  }
  return ak::Value(std::move(members));
}

}  // namespace

ak::Value to_value(py::handle obj, const std::string &path, std::vector<ak::FieldError> &errors, int depth) {
  if (depth > kMaxDepth) {
    problem(errors, path, "is nested more than " + std::to_string(kMaxDepth) + " levels deep");
    return {};
  }
  PyObject *o = obj.ptr();
  if (o == Py_None) return {};
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
  if (PyUnicode_Check(o)) {
    std::string s;
    if (!utf8(obj, s)) {
      problem(errors, path, "is not valid Unicode text (it holds a lone surrogate)");
      return {};
    }
    return ak::Value(std::move(s));
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    ak::Array items;
    py::sequence seq = py::reinterpret_borrow<py::sequence>(obj);
    size_t n = static_cast<size_t>(py::len(seq));
    items.reserve(n);
    for (size_t i = 0; i < n; ++i) items.push_back(to_value(seq[i], child_index(path, i), errors, depth + 1));
    return ak::Value(std::move(items));
  }
  if (is_mapping(obj)) return mapping_to_value(obj, path, errors, depth);
  problem(errors, path,
          "must be a string, number, boolean, None, dict or list (got " + type_name(obj) + ")");
  return {};
}

ak::Value fields_to_value(py::handle fields, std::vector<ak::FieldError> &errors) {
  if (fields.is_none()) return ak::Value::object();
  if (!is_mapping(fields)) {
    errors.push_back({"(fields)", "type", "fields must be a dict of field names to values (got " + type_name(fields) + ")"});
    return ak::Value::object();
  }
  return mapping_to_value(fields, "", errors, 0);
}

py::object to_python(const ak::Value &v) {
  switch (v.kind()) {
    case ak::Value::Kind::Null: return py::none();
    case ak::Value::Kind::Bool: return py::bool_(v.as_bool());
    case ak::Value::Kind::Int: return py::int_(v.as_int());
    case ak::Value::Kind::Double: return py::float_(v.as_double());
    case ak::Value::Kind::String:
      return py::reinterpret_steal<py::object>(
          PyUnicode_DecodeUTF8(v.as_string().data(), static_cast<Py_ssize_t>(v.as_string().size()), "replace"));
    case ak::Value::Kind::Array: {
      py::list out(v.as_array().size());
      for (size_t i = 0; i < v.as_array().size(); ++i) out[i] = to_python(v.as_array()[i]);
      return out;
    }
    case ak::Value::Kind::Object: {
      py::dict out;
      // Vendors may repeat a key; lookups in the core take the first, so do we.
      for (const auto &[k, child] : v.as_object()) {
        py::str key = py::reinterpret_steal<py::str>(PyUnicode_DecodeUTF8(k.data(), static_cast<Py_ssize_t>(k.size()), "replace"));
        if (!out.contains(key)) out[key] = to_python(child);
      }
      return out;
    }
  }
  return py::none();
}

}  // namespace akpy

// accountkit._core: the C++ core for Python. Private: the public API is the
// accountkit package, which wraps these classes. Conventions:
//  - Python fields are converted to ak::Value before the GIL is released, and
//    results converted back after it is taken again: network I/O (Client.call,
//    Client.wait, Pager.next) runs without the GIL, so other threads go on.
//  - ak::Error becomes the matching accountkit.errors exception, built by
//    accountkit.errors._from_core from a dict of the error's attributes.
//  - One Client may be used from many threads at once (ak::Client is
//    thread-safe); a Pager serialises its own callers.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "convert.hpp"
#include "core/client.hpp"
#include "core/describe.hpp"
#include "core/schema.hpp"
#include "sandbox/sandbox.hpp"

namespace py = pybind11;

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
  return d;
}

// Sets the Python error for e (needs the GIL).
void set_python_error(const ak::Error &e) {
  try {
    py::object factory = py::module_::import("accountkit.errors").attr("_from_core");
    py::object exc = factory(error_info(e));
    PyErr_SetObject(reinterpret_cast<PyObject *>(Py_TYPE(exc.ptr())), exc.ptr());
  } catch (py::error_already_set &failure) {
    failure.restore();  // accountkit.errors could not be imported: say so
  }
}

ak::Error error_with(ak::Status s, std::string message, const std::string &vendor = "",
                     const std::string &operation = "") {
  ak::Error e(s, std::move(message));
  e.vendor = vendor;
  e.operation = operation;
  return e;
}

const ak::Vendor &vendor_named(const std::string &name) {
  if (const ak::Vendor *v = ak::find_vendor(name)) return *v;
  std::string names;
  for (const auto *known : ak::vendors()) names += (names.empty() ? "" : ", ") + known->name;
  throw error_with(ak::Status::InvalidArgument, "unknown vendor \"" + name + "\" (known: " + names + ")");
}

const ak::Operation &operation_named(const ak::Vendor &v, const std::string &op) {
  if (const ak::Operation *o = v.find(op)) return *o;
  std::string names;
  for (const auto &o : v.operations) names += (names.empty() ? "" : ", ") + o.name;
  throw error_with(ak::Status::UnknownOperation,
                   v.name + ": unknown operation \"" + op + "\" (known: " + names + ")", v.name, op);
}

bool under(const std::string &path, const std::string &prefix) {
  if (prefix == "(fields)") return true;
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

// Every problem of fields for op: values Python cannot express in JSON first,
// then the vendor's rules over what did convert (minus errors about the places
// the unconvertible values left empty).
std::vector<ak::FieldError> problems(const ak::Operation &op, py::handle fields, ak::Value &out, bool rules) {
  std::vector<ak::FieldError> errors;
  out = akpy::fields_to_value(fields, errors);
  if (!rules) return errors;
  std::vector<ak::FieldError> type_errors = errors, schema;
  ak::validate(op.request, out, schema);
  for (auto &s : schema) {
    bool shadowed = std::any_of(type_errors.begin(), type_errors.end(),
                                [&](const ak::FieldError &t) { return under(s.path, t.path); });
    if (!shadowed) errors.push_back(std::move(s));
  }
  return errors;
}

// The same sentence shape as the core's local validation errors.
ak::Error validation_error(const ak::Vendor &v, const std::string &op, std::vector<ak::FieldError> errors) {
  std::string msg = v.name + " " + op + ": " + std::to_string(errors.size()) +
                    (errors.size() == 1 ? " invalid field: " : " invalid fields: ");
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i) msg += "; ";
    msg += (errors[i].path.empty() ? "(fields)" : errors[i].path) + " " + errors[i].message;
  }
  ak::Error e = error_with(ak::Status::Validation, msg, v.name, op);
  e.fields = std::move(errors);
  return e;
}

py::object text(const std::string &s) {
  return py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace"));
}

py::dict result_to_python(const ak::Result &r) {
  py::dict d;
  d["data"] = akpy::to_python(r.data);
  d["id"] = text(r.id);
  d["status"] = text(r.status);
  d["http_status"] = r.http_status;
  d["request_id"] = text(r.request_id);
  return d;
}

bool truthy_option(const std::string &v) { return v == "1" || v == "true" || v == "yes" || v == "on"; }

class Pager {
 public:
  Pager(std::shared_ptr<ak::Client> client, const std::string &op, ak::Value filters)
      : pager_(std::move(client), op, std::move(filters)) {}

  py::object next() {
    std::optional<ak::Result> item;
    {
      py::gil_scoped_release release;
      std::lock_guard lock(mu_);  // taken without the GIL: no lock-order inversion
      item = pager_.next();
    }
    if (!item) return py::none();
    return result_to_python(*item);
  }

 private:
  std::mutex mu_;
  ak::Pager pager_;
};

class Client {
 public:
  explicit Client(const std::string &vendor) : client_(std::make_shared<ak::Client>(vendor_named(vendor))) {}

  std::string vendor() const { return client_->vendor().name; }

  void set_option(const std::string &name, const std::string &value) {
    {
      // Without the GIL: the core may log (and so take the GIL) while holding
      // the lock this call waits for.
      py::gil_scoped_release release;
      client_->set_option(name, value);  // checks the name and the value
    }
    if (name == "validate") validate_ = truthy_option(value);
  }

  // Sends the core's log lines at min_level and above to the Python logger
  // named logger (logging.getLogger(logger).log(level, line)); None: no logging.
  // The callback runs on the thread making the call and takes the GIL for the
  // line; it holds no Python object, so it may be copied and dropped anywhere.
  void set_log(std::optional<std::string> logger, int min_level) {
    py::gil_scoped_release release;
    if (!logger) {
      client_->set_logger(nullptr, ak::LogLevel::Error);
      return;
    }
    client_->set_logger(
        [name = *logger](ak::LogLevel level, const std::string &message) {
          if (!Py_IsInitialized()) return;
          py::gil_scoped_acquire gil;
          try {
            py::module_::import("logging").attr("getLogger")(name).attr("log")(static_cast<int>(level), message);
          } catch (py::error_already_set &e) {
            e.discard_as_unraisable("accountkit log callback");
          }
        },
        static_cast<ak::LogLevel>(min_level));
  }

  py::dict call(const std::string &op_name, py::handle fields) {
    const ak::Vendor &v = client_->vendor();
    const ak::Operation &op = operation_named(v, op_name);
    ak::Value value;
    // Values Python cannot express fail here whatever "validate" says: they cannot be sent.
    std::vector<ak::FieldError> errors = problems(op, fields, value, false);
    if (!errors.empty()) {
      if (validate_) errors = problems(op, fields, value, true);
      throw validation_error(v, op.name, std::move(errors));
    }
    ak::Result r;
    {
      py::gil_scoped_release release;
      r = client_->call(op.name, value);
    }
    return result_to_python(r);
  }

  py::dict wait(const std::string &id, double timeout_s) {
    if (!(timeout_s > 0) || timeout_s > 86400)
      throw error_with(ak::Status::InvalidArgument, vendor() + " wait: timeout must be between 0 and 86400 seconds",
                       vendor(), "wait");
    ak::Result r;
    {
      py::gil_scoped_release release;
      r = client_->wait(id, std::chrono::milliseconds(static_cast<long>(timeout_s * 1000)));
    }
    return result_to_python(r);
  }

  std::unique_ptr<Pager> list(const std::string &op_name, py::handle filters) {
    const ak::Vendor &v = client_->vendor();
    const ak::Operation &op = operation_named(v, op_name);
    ak::Value value;
    std::vector<ak::FieldError> errors = problems(op, filters, value, validate_);
    if (!errors.empty()) throw validation_error(v, op.name, std::move(errors));
    return std::make_unique<Pager>(client_, op.name, std::move(value));  // checks it is a list operation
  }

 private:
  std::shared_ptr<ak::Client> client_;
  bool validate_ = true;
};

py::list check(const std::string &vendor, const std::string &op_name, py::handle fields) {
  const ak::Vendor &v = vendor_named(vendor);
  const ak::Operation &op = operation_named(v, op_name);
  ak::Value value;
  py::list out;
  for (const auto &f : problems(op, fields, value, true)) out.append(py::make_tuple(f.path, f.rule, f.message));
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "accountkit's C++ core (private: use the accountkit package)";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ak::Error &e) {
      set_python_error(e);
    } catch (const ak::JsonError &e) {
      set_python_error(ak::Error(ak::Status::InvalidArgument, e.what()));
    } catch (const std::invalid_argument &e) {
      set_python_error(ak::Error(ak::Status::InvalidArgument, e.what()));
    }
  });

  m.def("version", [] { return std::string(AK_VERSION_STRING); }, "The core's version, \"MAJOR.MINOR.PATCH\".");
  m.def("vendor_names", [] {
    std::vector<std::string> names;
    for (const auto *v : ak::vendors()) names.push_back(v->name);
    return names;
  }, "Every vendor's name, in the library's order.");
  m.def("vendors", [] { return akpy::to_python(ak::describe_vendors()); },
        "Every vendor, its operations and their field rules (a new list of dicts).");
  m.def("check", &check, py::arg("vendor"), py::arg("operation"), py::arg("fields"),
        "Every field problem as (path, rule, message) tuples, without network.");

  py::class_<Pager>(m, "Pager")
      .def("next", &Pager::next, "The next item as a result dict, or None after the last one.");

  py::class_<Client>(m, "Client")
      .def(py::init<const std::string &>(), py::arg("vendor"))
      .def_property_readonly("vendor", &Client::vendor)
      .def("set_option", &Client::set_option, py::arg("name"), py::arg("value"))
      .def("set_log", &Client::set_log, py::arg("logger"), py::arg("min_level"))
      .def("call", &Client::call, py::arg("operation"), py::arg("fields"))
      .def("wait", &Client::wait, py::arg("id"), py::arg("timeout"))
      .def("list", &Client::list, py::arg("operation"), py::arg("filters"));

  py::class_<ak::sandbox::Server>(m, "Sandbox")
      .def(py::init<>())
      .def("start", [](ak::sandbox::Server &s, int port) {
        try {
          py::gil_scoped_release release;
          s.start(port);
        } catch (const std::runtime_error &e) {
          throw ak::Error(ak::Status::Transport, e.what());
        }
      }, py::arg("port"))
      .def("stop", [](ak::sandbox::Server &s) {
        py::gil_scoped_release release;
        s.stop();
      })
      .def_property_readonly("port", &ak::sandbox::Server::port)
      .def("vendor_url", &ak::sandbox::Server::vendor_url, py::arg("vendor"))
      .def("set_option", &ak::sandbox::Server::set_option, py::arg("name"), py::arg("value"))
      .def("credentials", [](const ak::sandbox::Server &s, const std::string &vendor) {
        return akpy::to_python(s.credentials(vendor));
      }, py::arg("vendor"))
      .def("expire_tokens", &ak::sandbox::Server::expire_tokens)
      .def("journal", [](ak::sandbox::Server &s) {
        std::string json = s.journal().to_json();
        return akpy::to_python(ak::parse_json(json));
      })
      .def("clear_journal", [](ak::sandbox::Server &s) { s.journal().clear(); })
      .def("add_faults", [](ak::sandbox::Server &s, py::handle spec) {
        std::vector<ak::FieldError> errors;
        ak::Value v = akpy::to_value(spec, "fault", errors);
        if (!errors.empty()) throw std::invalid_argument("fault spec: " + errors.front().path + " " + errors.front().message);
        s.faults().add(v);
      }, py::arg("spec"))
      .def("clear_faults", [](ak::sandbox::Server &s) { s.faults().clear(); })
      .def("faults", [](ak::sandbox::Server &s) { return akpy::to_python(s.faults().to_json()); });
}

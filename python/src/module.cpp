// accountkit._core: the C++ core for Python. Private: the public API is the
// accountkit package, which wraps these classes. Conventions:
//  - Python fields are converted to ak::Value before the GIL is released, and
//    results converted back after it is taken again: network I/O (Client.call,
//    Client.wait, Pager.next) runs without the GIL, so other threads go on.
//  - ak::Error becomes the matching accountkit.errors exception, built by
//    accountkit.errors._from_core from a dict of the error's attributes.
//  - Every rule (lookup, validation, id binding, limits, paths, secret keys,
//    status names) is the core's, through core/api.hpp: this file converts
//    values and handles the GIL, nothing more.
//  - One Client may be used from many threads at once (ak::Client is
//    thread-safe); a Pager and a Batch serialise their own callers.
//  - Results cross as tuples (data, id, status, http_status, request_id,
//    unavailable), each text None when empty: the cheapest shape to build and
//    to unpack.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "async_engine.hpp"
#include "bridge.hpp"
#include "convert.hpp"
#include "plan.hpp"
#include "core/api.hpp"
#include "core/batch.hpp"
#include "core/client.hpp"
#include "core/pager.hpp"
#include "core/describe.hpp"
#include "core/schema.hpp"
#include "core/view.hpp"
#include "core/webhook.hpp"
#include "sandbox/sandbox.hpp"

namespace py = pybind11;

namespace {

using akpy::convert;
using akpy::error_with;
using akpy::problems;
using akpy::python_error;
using akpy::result_to_python;
using akpy::set_python_error;

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


// Many operations of one client in flight at once (ak::Batch, for
// Client.run_many). submit() converts the fields with the GIL, as call() does;
// fields Python cannot express never reach the core but complete as validation
// errors, which next() returns first. next() drives the transfers without the
// GIL. Callers are serialised: the core's batch belongs to one thread at a time.
class Batch {
 public:
  Batch(std::shared_ptr<ak::Client> client, std::size_t max_in_flight, bool validate)
      : client_(client), validate_(validate) {
    py::gil_scoped_release release;
    batch_ = std::make_unique<ak::Batch>(std::move(client), max_in_flight);
  }

  void submit(const std::string &op_name, py::handle fields, std::uint64_t tag) {
    const ak::Vendor &v = client_->vendor();
    const ak::Operation &op = ak::api::operation(v, op_name);
    ak::Value value;
    if (auto e = convert(v, op, fields, py::none(), validate_, value)) {
      std::lock_guard lock(local_mu_);  // never held while taking the GIL
      if (closed_) throw closed();
      local_.push_back({tag, std::move(*e)});
      ++pending_;
      return;
    }
    // mu_ is taken with the GIL only when it is free at once (the usual case:
    // one thread); otherwise without it, as next() on another thread may hold
    // mu_ while the core logs (which takes the GIL).
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock) {
      py::gil_scoped_release release;
      lock.lock();
    }
    if (!batch_) throw closed();
    batch_->submit(op.name, value, tag);  // throws for an unknown operation or unusable options
    ++pending_;
  }

  std::size_t pending() const { return pending_; }

  // None when timeout_ms passes first (negative: wait as long as it takes) or
  // nothing is pending; else (tag, result, None) or (tag, None, exception).
  py::object next(int timeout_ms) {
    std::optional<std::pair<std::uint64_t, ak::Error>> local;
    {
      std::lock_guard lock(local_mu_);
      if (!local_.empty()) {
        local.emplace(std::move(local_.front()));
        local_.pop_front();
        --pending_;
      }
    }
    if (local) return py::make_tuple(local->first, py::none(), python_error(local->second));
    std::optional<ak::Batch::Completion> c;
    {
      py::gil_scoped_release release;
      std::lock_guard lock(mu_);
      if (batch_) c = batch_->next(std::chrono::milliseconds(timeout_ms));
      if (c) --pending_;
    }
    if (!c) {
      // Runs Python signal handlers now (Ctrl-C raises KeyboardInterrupt here).
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      return py::none();
    }
    if (c->result) return py::make_tuple(c->tag, result_to_python(*c->result), py::none());
    if (c->error) return py::make_tuple(c->tag, py::none(), python_error(*c->error));
    return py::make_tuple(c->tag, py::none(), python_error(ak::Error(ak::Status::Internal, "no outcome")));
  }

  // Frees the batch: operations still in flight are abandoned (a create or a
  // delete among them may or may not have been applied). Idempotent.
  void close() {
    std::unique_ptr<ak::Batch> gone;
    {
      py::gil_scoped_release release;
      std::lock_guard lock(mu_);
      gone = std::move(batch_);
      gone.reset();  // the core may log while abandoning: without the GIL
    }
    std::lock_guard lock(local_mu_);
    closed_ = true;
    local_.clear();
    pending_ = 0;
  }

 private:
  ak::Error closed() const {
    return error_with(ak::Status::InvalidArgument, client_->vendor().name + ": the batch is closed",
                      client_->vendor().name);
  }

  std::shared_ptr<ak::Client> client_;
  bool validate_;
  std::mutex mu_;  // guards batch_; taken without the GIL
  std::unique_ptr<ak::Batch> batch_;
  std::mutex local_mu_;  // guards local_ and closed_; never held while taking the GIL
  std::deque<std::pair<std::uint64_t, ak::Error>> local_;
  bool closed_ = false;
  std::atomic<std::size_t> pending_{0};
};

class Client {
 public:
  explicit Client(const std::string &vendor) : client_(std::make_shared<ak::Client>(ak::api::vendor(vendor))) {}

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

  py::tuple call(const std::string &op_name, py::handle fields, py::handle id) {
    const ak::Vendor &v = client_->vendor();
    const ak::Operation &op = ak::api::operation(v, op_name);
    ak::Value value;
    if (auto e = convert(v, op, fields, id, validate_, value)) throw *e;
    ak::Result r;
    {
      py::gil_scoped_release release;
      r = client_->call(op.name, value);
    }
    return result_to_python(r);
  }

  py::tuple wait(const std::string &id, double timeout_s, const std::string &after) {
    ak::Result r;
    {
      py::gil_scoped_release release;
      r = client_->wait(id, timeout_s, after);
    }
    return result_to_python(r);
  }

  bool check_credentials() {
    py::gil_scoped_release release;
    return client_->check_credentials();
  }

  std::unique_ptr<Pager> list(const std::string &op_name, py::handle filters) {
    const ak::Vendor &v = client_->vendor();
    const ak::Operation &op = ak::api::operation(v, op_name);
    ak::Value value;
    // Every problem now, not at the first next(): the walk is lazy.
    std::vector<ak::FieldError> errors = problems(v, op, filters, py::none(), value, validate_);
    if (!errors.empty()) throw ak::api::validation_error(v, op.name, std::move(errors));
    return std::make_unique<Pager>(client_, op.name, std::move(value));  // checks it is a list operation
  }

  std::unique_ptr<Batch> batch(std::size_t max_in_flight) {
    return std::make_unique<Batch>(client_, max_in_flight, validate_);
  }

  // The engine of an AsyncClient built on this client's options (async_engine.cpp).
  py::object async_engine(std::size_t max_in_flight) {
    return akpy::make_async_engine(client_, max_in_flight, validate_);
  }

 private:
  std::shared_ptr<ak::Client> client_;
  bool validate_ = true;
};

py::list check(const std::string &vendor, const std::string &op_name, py::handle fields, py::handle id) {
  const ak::Vendor &v = ak::api::vendor(vendor);
  const ak::Operation &op = ak::api::operation(v, op_name);
  ak::Value value;
  py::list out;
  for (const auto &f : problems(v, op, fields, id, value, true)) out.append(py::make_tuple(f.path, f.rule, f.message));
  return out;
}

// check() over many records: one list of FieldErrors (made by field_error,
// the FieldError class) per record, empty when the record is valid.
py::list check_many(const std::string &vendor, const std::string &op_name, py::handle records, py::handle field_error) {
  const ak::Vendor &v = ak::api::vendor(vendor);
  const ak::Operation &op = ak::api::operation(v, op_name);
  py::object it = py::reinterpret_steal<py::object>(PyObject_GetIter(records.ptr()));
  if (!it) throw py::error_already_set();
  py::list out;
  ak::Value value;
  while (PyObject *item = PyIter_Next(it.ptr())) {
    py::object record = py::reinterpret_steal<py::object>(item);
    std::vector<ak::FieldError> errors = problems(v, op, record, py::none(), value, true);
    py::object found = py::reinterpret_steal<py::object>(PyList_New(static_cast<Py_ssize_t>(errors.size())));
    if (!found) throw py::error_already_set();
    for (size_t i = 0; i < errors.size(); ++i) {
      py::object f = field_error(errors[i].path, errors[i].rule, errors[i].message);
      PyList_SET_ITEM(found.ptr(), static_cast<Py_ssize_t>(i), f.release().ptr());
    }
    if (PyList_Append(out.ptr(), found.ptr()) < 0) throw py::error_already_set();
  }
  if (PyErr_Occurred()) throw py::error_already_set();
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "accountkit's C++ core (private: use the accountkit package)";

  // The core's errors (and what it maps to errors: JSON, invalid arguments)
  // become accountkit exceptions; pybind11's own and Python's pass through.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ak::Error &) {
      set_python_error(ak::api::current_error());
    } catch (const ak::JsonError &) {
      set_python_error(ak::api::current_error());
    } catch (const std::invalid_argument &) {
      set_python_error(ak::api::current_error());
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
  m.def("check", &check, py::arg("vendor"), py::arg("operation"), py::arg("fields"), py::arg("id") = py::none(),
        "Every field problem as (path, rule, message) tuples, without network (id: a positional account id).");
  m.def("status_name", [](int code) -> std::optional<std::string> {
    const char *name = ak::status_name(code);
    return name ? std::optional<std::string>(name) : std::nullopt;
  }, py::arg("code"), "The stable name of a status code, or None for a number that is no status.");
  m.def("status_parent", [](int code) { return static_cast<int>(ak::status_name(code) ? ak::status_parent(static_cast<ak::Status>(code)) : ak::Status::Ok); },
        py::arg("code"), "The status code this one refines (0: none).");
  m.def("status_count", [] { return ak::kStatusCount; }, "Status codes run from 0 to status_count() - 1.");
  m.def("secret_keys", [] { return ak::api::secret_keys(); },
        "Every key whose value is a secret (vendors' secret options, secret fields, token answers), sorted.");
  m.def("parse_path", [](const std::string &path) {
    std::vector<ak::PathSegment> segments;
    try {
      segments = ak::parse_path(path);
    } catch (const std::invalid_argument &e) {
      throw ak::Error(ak::Status::InvalidArgument, e.what());
    }
    py::list out;
    for (const auto &s : segments) {
      if (s.index >= 0) out.append(py::int_(s.index));
      else out.append(py::str(s.key));
    }
    return out;
  }, py::arg("path"), "A field path as its keys (str) and indexes (int), within the core's limits; raises InvalidArgumentError.");
  m.def("parse_webhook", [](const std::string &vendor, const std::string &body) {
    return result_to_python(ak::parse_webhook(vendor, body));
  }, py::arg("vendor"), py::arg("body"),
        "A received webhook body (bytes or str) as a raw result; raises DecodeError for a malformed one.");
  m.def("account_view", [](const std::string &vendor, py::handle record, const std::string &key_attribute) {
    std::vector<ak::FieldError> errors;
    ak::Value v = akpy::to_value(record, "record", errors);
    if (!errors.empty()) throw ak::Error(ak::Status::InvalidArgument, errors.front().path + ": " + errors.front().message);
    return akpy::to_python(ak::account_view(vendor, v, key_attribute));
  }, py::arg("vendor"), py::arg("record"), py::arg("key_attribute") = "",
        "An account record (a dict) as the common account view (a new dict); raises InvalidArgumentError.");
  m.attr("MAX_DEPTH") = ak::api::kMaxDepth;
  m.attr("MAX_IN_FLIGHT") = ak::Batch::kMaxInFlight;
  m.def("check_many", &check_many, py::arg("vendor"), py::arg("operation"), py::arg("records"),
        py::arg("field_error"),
        "check() over an iterable of field mappings: one list of field_error(path, rule, message) per record.");

  py::class_<Pager>(m, "Pager")
      .def("next", &Pager::next, "The next item as a result tuple, or None after the last one.");

  py::class_<Batch>(m, "Batch")
      .def("submit", &Batch::submit, py::arg("operation"), py::arg("fields"), py::arg("tag"),
           "Queues an operation under tag; fields that cannot be converted complete as validation errors.")
      .def("pending", &Batch::pending, "Operations submitted and not yet returned by next().")
      .def("next", &Batch::next, py::arg("timeout_ms"),
           "The next completion as (tag, result, None) or (tag, None, exception); None on timeout or when "
           "nothing is pending.")
      .def("close", &Batch::close, "Frees the batch; operations in flight are abandoned.");

  py::class_<Client>(m, "Client")
      .def(py::init<const std::string &>(), py::arg("vendor"))
      .def_property_readonly("vendor", &Client::vendor)
      .def("set_option", &Client::set_option, py::arg("name"), py::arg("value"))
      .def("set_log", &Client::set_log, py::arg("logger"), py::arg("min_level"))
      .def("call", &Client::call, py::arg("operation"), py::arg("fields"), py::arg("id") = py::none())
      .def("wait", &Client::wait, py::arg("id"), py::arg("timeout"), py::arg("after"))
      .def("check_credentials", &Client::check_credentials)
      .def("list", &Client::list, py::arg("operation"), py::arg("filters"))
      .def("batch", &Client::batch, py::arg("max_in_flight"))
      .def("async_engine", &Client::async_engine, py::arg("max_in_flight"));

  akpy::register_async(m);
  akpy::register_plan(m);

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

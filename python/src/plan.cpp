// The plan rules of the core (core/plan.hpp) for accountkit.plan: one plan
// per vendor from desired records and account records, and the staleness check
// apply runs before each step. Plain data in and out (dicts and lists).
#include "plan.hpp"

#include <pybind11/stl.h>

#include <optional>

#include "convert.hpp"
#include "core/plan.hpp"
#include "core/view.hpp"

namespace py = pybind11;

namespace akpy {

namespace {

ak::Value value_of(py::handle obj, const char *what) {
  std::vector<ak::FieldError> errors;
  ak::Value v = to_value(obj, what, errors);
  if (!errors.empty()) throw ak::Error(ak::Status::InvalidArgument, errors.front().path + ": " + errors.front().message);
  return v;
}

// A plan made as the records come (ak::PlanBuilder): desired records first,
// then the vendor's accounts (their raw records: the view is made here), then
// the steps, converted to Python one at a time as the iterator advances (a
// list of them all would hold the whole plan twice).
class Builder {
 public:
  Builder(const std::string &vendor, bool prune, const std::string &key_attribute)
      : vendor_(vendor_of(vendor)), builder_(vendor_, prune, key_attribute), key_attribute_(key_attribute) {}

  void add_desired(std::size_t line, py::handle fields, py::handle status) {
    ak::DesiredAccount d;
    d.line = line;
    d.fields = value_of(fields, "fields");
    if (!status.is_none()) d.status = status.cast<std::string>();
    builder_.add_desired(std::move(d));
  }

  // An account record as list_accounts gives it.
  void add_record(py::handle record) {
    builder_.add_account(ak::account_view(vendor_, value_of(record, "record"), key_attribute_));
  }

  bool wants_in_flight() const { return builder_.wants_in_flight(); }
  void add_in_flight(py::handle item) { builder_.add_in_flight(value_of(item, "item")); }
  const std::string &in_flight_op() const { return vendor_.reconcile.in_flight_op; }

  py::object next_step() {
    std::optional<ak::PlanStep> step;
    {
      py::gil_scoped_release release;
      step = builder_.next();
    }
    if (!step) throw py::stop_iteration();
    return entry(vendor_, *step);
  }

  static py::tuple entry(const ak::Vendor &v, const ak::PlanStep &s) {
    return py::make_tuple(to_python(ak::plan_step_json(v, s)), to_python(s.fields));
  }

 private:
  static const ak::Vendor &vendor_of(const std::string &name) {
    const ak::Vendor *v = ak::find_vendor(name);
    if (!v) throw ak::Error(ak::Status::InvalidArgument, "unknown vendor \"" + name + "\"");
    return *v;
  }
  const ak::Vendor &vendor_;
  ak::PlanBuilder builder_;
  std::string key_attribute_;
};

}  // namespace

void register_plan(py::module_ &m) {
  py::class_<Builder>(m, "PlanBuilder")
      .def(py::init<const std::string &, bool, const std::string &>(), py::arg("vendor"), py::arg("prune"),
           py::arg("key_attribute") = "")
      .def("add_desired", &Builder::add_desired, py::arg("line"), py::arg("fields"), py::arg("status"))
      .def("add_record", &Builder::add_record, py::arg("record"))
      .def_property_readonly("in_flight_op", &Builder::in_flight_op)
      .def("wants_in_flight", &Builder::wants_in_flight)
      .def("add_in_flight", &Builder::add_in_flight, py::arg("item"))
      .def("__iter__", [](Builder &b) -> Builder & { return b; }, py::return_value_policy::reference_internal)
      .def("__next__", &Builder::next_step);
  m.def("changed_since", [](py::handle expect, py::handle view) {
    return ak::changed_since(value_of(expect, "expect"), value_of(view, "view"));
  }, py::arg("expect"), py::arg("view"), "What changed since the plan read the account (\"\" when nothing).");
}

}  // namespace akpy

// The plan rules of the core (core/plan.hpp) for accountkit.plan: one plan
// per vendor from desired records and account views, and the staleness check
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

// desired: dicts {"line": int, "fields": dict, "status": str | None};
// current: account views. Returns the steps as plan-file dicts (secrets
// masked) and, beside each, what applying sends (secrets included).
py::list make_plan(const std::string &vendor, py::iterable desired, py::iterable current, bool prune) {
  const ak::Vendor *v = ak::find_vendor(vendor);
  if (!v) throw ak::Error(ak::Status::InvalidArgument, "unknown vendor \"" + vendor + "\"");
  std::vector<ak::DesiredAccount> want;
  for (py::handle d : desired) {
    py::dict item = py::reinterpret_borrow<py::dict>(d);
    ak::DesiredAccount a;
    a.line = item["line"].cast<std::size_t>();
    a.fields = value_of(item["fields"], "fields");
    if (item.contains("status") && !item["status"].is_none()) a.status = item["status"].cast<std::string>();
    want.push_back(std::move(a));
  }
  std::vector<ak::Value> have;
  for (py::handle view : current) have.push_back(value_of(view, "view"));
  std::vector<ak::PlanStep> steps;
  {
    py::gil_scoped_release release;
    steps = ak::make_plan(*v, want, have, prune);
  }
  py::list out;
  for (const ak::PlanStep &s : steps)
    out.append(py::make_tuple(to_python(ak::plan_step_json(*v, s)), to_python(s.fields)));
  return out;
}

// A plan made as the records come (ak::PlanBuilder): desired records first,
// then the vendor's accounts (their raw records: the view is made here), then
// finish(). Steps are returned as make_plan's are.
class Builder {
 public:
  Builder(const std::string &vendor, bool prune) : vendor_(vendor_of(vendor)), builder_(vendor_, prune) {}

  void add_desired(std::size_t line, py::handle fields, py::handle status) {
    ak::DesiredAccount d;
    d.line = line;
    d.fields = value_of(fields, "fields");
    if (!status.is_none()) d.status = status.cast<std::string>();
    builder_.add_desired(std::move(d));
  }

  // An account record as list_accounts gives it; its step when it is only at the vendor.
  py::object add_record(py::handle record) {
    std::optional<ak::PlanStep> step = builder_.add_account(ak::account_view(vendor_, value_of(record, "record")));
    if (!step) return py::none();
    return entry(vendor_, *step);
  }

  // The desired records' steps, converted to Python one at a time as the
  // iterator advances (a list of them all would double the plan's memory).
  struct Steps {
    const ak::Vendor *vendor;
    std::vector<ak::PlanStep> steps;
    std::size_t next = 0;
  };
  Steps finish() {
    py::gil_scoped_release release;
    return Steps{&vendor_, builder_.finish()};
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
};

}  // namespace

void register_plan(py::module_ &m) {
  py::class_<Builder>(m, "PlanBuilder")
      .def(py::init<const std::string &, bool>(), py::arg("vendor"), py::arg("prune"))
      .def("add_desired", &Builder::add_desired, py::arg("line"), py::arg("fields"), py::arg("status"))
      .def("add_record", &Builder::add_record, py::arg("record"))
      .def("finish", &Builder::finish);
  py::class_<Builder::Steps>(m, "PlanSteps")
      .def("__iter__", [](Builder::Steps &s) -> Builder::Steps & { return s; }, py::return_value_policy::reference_internal)
      .def("__next__", [](Builder::Steps &s) {
        if (s.next == s.steps.size()) throw py::stop_iteration();
        ak::PlanStep step = std::move(s.steps[s.next++]);
        return Builder::entry(*s.vendor, step);
      });
  m.def("make_plan", &make_plan, py::arg("vendor"), py::arg("desired"), py::arg("current"), py::arg("prune"),
        "The plan's steps as (step dict with secrets masked, the fields applying sends).");
  m.def("changed_since", [](py::handle expect, py::handle view) {
    return ak::changed_since(value_of(expect, "expect"), value_of(view, "view"));
  }, py::arg("expect"), py::arg("view"), "What changed since the plan read the account (\"\" when nothing).");
}

}  // namespace akpy

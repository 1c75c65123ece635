// The plan rules of the core (core/plan.hpp) for accountkit.plan: one plan
// per vendor from desired records and account views, and the staleness check
// apply runs before each step. Plain data in and out (dicts and lists).
#include "plan.hpp"

#include <pybind11/stl.h>

#include "convert.hpp"
#include "core/plan.hpp"

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

}  // namespace

void register_plan(py::module_ &m) {
  m.def("make_plan", &make_plan, py::arg("vendor"), py::arg("desired"), py::arg("current"), py::arg("prune"),
        "The plan's steps as (step dict with secrets masked, the fields applying sends).");
  m.def("changed_since", [](py::handle expect, py::handle view) {
    return ak::changed_since(value_of(expect, "expect"), value_of(view, "view"));
  }, py::arg("expect"), py::arg("view"), "What changed since the plan read the account (\"\" when nothing).");
}

}  // namespace akpy

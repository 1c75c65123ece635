// accountkit.plan's core half (plan.cpp).
#pragma once

#include <pybind11/pybind11.h>

namespace akpy {

void register_plan(pybind11::module_ &m);

}  // namespace akpy

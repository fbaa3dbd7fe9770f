#pragma once

// The parts of the Python module `echolab`, one function per area, each
// defining its classes and functions in the module (module.cpp calls them in
// dependency order: errors, physics, inputs, simulate, circuits, learning, hssm).

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <vector>

#include "physics/phase_state.h"

namespace echolab::python {

namespace py = pybind11;

/// A row-major matrix: the layout NumPy arrays have by default, so that
/// states returned as (time × dof) arrays need no transposition.
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Stacks one half of states (&PhaseState::q or &PhaseState::p) into rows:
/// one row per state.
RowMatrix StackHalves(const std::vector<PhaseState>& states, Vector PhaseState::*half);

void BindErrors(py::module_& m);
void BindPhysics(py::module_& m);
void BindInputs(py::module_& m);
void BindSimulate(py::module_& m);
void BindCircuits(py::module_& m);
void BindLearning(py::module_& m);
void BindHssm(py::module_& m);

}  // namespace echolab::python

#include <fmt/format.h>

#include <string>

#include "common/error.h"

namespace echolab::python {

/// A T built from keyword arguments, each setting the attribute of that name
/// (so that the bound fields are the one list of valid names): unknown names
/// raise InputError naming the type and the field.
template <typename T>
T FromKeywords(const py::kwargs& keywords, const char* type_name) {
  T value{};
  py::object view = py::cast(&value, py::return_value_policy::reference);
  for (const auto& [key, item] : keywords) {
    const auto field = py::cast<std::string>(key);
    if (field.empty() || field[0] == '_' || !py::hasattr(view, field.c_str())) {
      throw InputError(fmt::format("{}: unknown field '{}'", type_name, field));
    }
    view.attr(field.c_str()) = item;
  }
  return value;
}

/// A read-only NumPy view of a std::vector<double> owned by `owner` (no copy).
inline py::array_t<double> ArrayView(const std::vector<double>& values, py::handle owner) {
  py::array_t<double> array(static_cast<py::ssize_t>(values.size()), values.data(), owner);
  py::detail::array_proxy(array.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return array;
}

}  // namespace echolab::python

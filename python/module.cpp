// The compiled part of the Python package `echolab` (echolab/__init__.py
// re-exports it).

#include "python/bindings.h"

namespace echolab::python {

RowMatrix StackHalves(const std::vector<PhaseState>& states, Vector PhaseState::*half) {
  const Eigen::Index n = states.empty() ? 0 : (states.front().*half).size();
  RowMatrix rows(static_cast<Eigen::Index>(states.size()), n);
  for (size_t k = 0; k < states.size(); ++k) {
    rows.row(static_cast<Eigen::Index>(k)) = states[k].*half;
  }
  return rows;
}

}  // namespace echolab::python

PYBIND11_MODULE(_echolab, m) {
  namespace ep = echolab::python;
  m.doc() =
      "echolab: Hamiltonian substrates, their integrators and their gradients by Hamiltonian "
      "echo learning, the continuous adjoint, BPTT and finite differences";
  ep::BindErrors(m);
  ep::BindPhysics(m);
  ep::BindInputs(m);
  ep::BindSimulate(m);
  ep::BindCircuits(m);
  ep::BindLearning(m);
  ep::BindHssm(m);
}

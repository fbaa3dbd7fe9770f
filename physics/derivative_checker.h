#pragma once

#include <string>
#include <vector>

#include "physics/hamiltonian_system.h"
#include "physics/phase_state.h"

namespace echolab {

/// Checks every analytic derivative of a HamiltonianSystem at one point
/// against central finite differences of the function it differentiates (in
/// the spirit of Ceres' GradientChecker), and the fused kernels against the
/// plain derivatives they combine. For whoever adds a model: run it at a few
/// generic points (nonzero, unequal entries) before using the model.
///
/// Entry by entry the error is
///   e_j = |a_j - f_j| / max(|a_j|, |f_j|, floor × max_k max(|a_k|, |f_k|)),
/// a the analytic and f the numerical value; a derivative passes when its
/// worst e_j is below the tolerance. The entries of a gradient are compared as
/// the changes h_j ∂f/∂x_j along their steps, all in the units of f, so that
/// the floor keeps finite-difference noise on entries far below the largest
/// from counting whatever the units of the x_j (θ mixes masses and stiffnesses,
/// capacitances and inductances).
struct DerivativeCheckOptions {
  /// Step of entry j: relative_step × |x_j|, or × max_k |x_k| when x_j = 0
  /// (1 when x = 0). Truncation O(h²), rounding O(ε / h): with the floor, a
  /// function of order one is checked to about ε / (relative_step × floor) ≈ 1e-8.
  double relative_step = 1e-5;
  double tolerance = 1e-6;
  double floor = 1e-3;
};

/// The outcome for one derivative, e.g. "dV/dq" or "(d_theta grad_p T)^T v".
struct DerivativeCheck {
  std::string derivative;
  double worst_error = 0.0;
  int worst_entry = -1;  // -1 when every entry is zero
  bool passed = false;
};

struct DerivativeReport {
  std::vector<DerivativeCheck> checks;

  bool passed() const;
  /// One line per derivative: name, worst error, worst entry, PASS/FAIL.
  std::string Table() const;
};

/// Checks the derivatives at the state x, parameters θ and input u; v_q and
/// v_p are the directions of the Hessian and mixed products (length num_dof).
/// Throws InputError on wrong sizes (HamiltonianSystem's own checks).
DerivativeReport CheckDerivatives(const HamiltonianSystem& system, const PhaseState& x,
                                  const Vector& theta, const Vector& u, const PhaseState& v,
                                  const DerivativeCheckOptions& options = {});

}  // namespace echolab

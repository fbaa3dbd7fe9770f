#pragma once

#include <string>

#include "learning/gradient_method.h"

namespace echolab {

/// The continuous adjoint (theory.md section 2), the reference gradient,
/// through SUNDIALS CVODES with checkpointing. The forward pass
///
///   dx/dt = f(t, x) = (∂T/∂p, -∂V/∂q - G ⊙ ∂T/∂p - γ p),   x(t0) = x0,
///
/// runs with the running loss ∫ l dt as a quadrature under error control and
/// stores checkpoints; the backward pass integrates
///
///   λ(T) = ∇l_T(x(T)),   dλ/dt = -(∂f/∂x)ᵀ λ - ∇x l,
///
/// with the forward state recomputed from the checkpoints and interpolated
/// (never reconstructed backwards, which is unstable on dissipative passes),
/// and the parameter gradient as a backward quadrature:
///
///   dL/dθ = ∫ [λᵀ ∂f/∂θ + ∂l/∂θ] dt + ∂l_T/∂θ,   dL/dx0 = λ(t0),
///   dL/du(t) = λ(t)ᵀ ∂f/∂u.
///
/// Both passes use variable-order Adams-Moulton formulas with fixed-point
/// iteration, at the rtol of GradientProblem::integrator for the state, the
/// adjoint and both quadratures, and at the absolute tolerances of
/// AbsoluteTolerancesOf (integrator.atol, relative to GradientProblem::scales
/// when they are set). The forward pass advances one internal step at a time
/// under the StabilityGuard, within integrator.max_steps steps and the
/// checkpoints that integrator.adjoint_memory_MiB holds; each backward solver
/// call is bounded by integrator.max_steps. A callback that returns a
/// non-finite value ends the solve for good (kNonFiniteState, with the
/// callback and the time named). integrator.scheme is ignored, and
/// integrator.step_s only sets the report grid: with N = ceil(T / step_s)
/// (N = 1000 when step_s is 0) and h = T / N, dL/du is reported at the kick
/// times t0 + (k + ½) h, k = 0..N-1, of the fixed-step schemes, and λ (when
/// recorded) at t0 + k h, k = 0..N. Times are absolute, like the pass's.
/// Deterministic, undriven passes only: thermal noise or an ExternalDrive
/// (whose Jacobian is not known) throws InputError.
class AdjointGradient final : public GradientMethod {
 public:
  std::string name() const override { return "adjoint"; }

 private:
  GradientResult DoCompute(const GradientProblem& problem) const override;
};

}  // namespace echolab

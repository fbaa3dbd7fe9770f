#pragma once

#include "learning/gradient_method.h"

namespace echolab {

/// Central finite differences of the discrete loss L_h (the quadrature of
/// DiscreteAdjointGradient on the fixed step grid) with the step sequence
/// frozen: every perturbed pass runs the same symmetric composition scheme on
/// the same grid, so the differences see a smooth function of θ and x0.
///
///   dL/dθ_i ≈ [L(θ + ε_i e_i) - L(θ - ε_i e_i)] / (2 ε_i),
///   ε_i = relative_step × |θ_i| (relative_step when θ_i = 0), so that
///   element values in SI units (pF, nH) are perturbed in proportion;
///   for x0: ε = relative_step × max(|x0_i|, s_i), s_i the component's scale
///   (GradientProblem::scales; 1 when they are not set)
///
/// On the stochastic scheme baoab (thermal noise), every perturbed pass uses
/// the problem's noise seed and so the same realisation, and the loss is the
/// Simpson sum of the continuous echo: the differences are the pathwise
/// gradient of that realisation, the reference that separates the echo's
/// own noise from the effect of noise on the substrate.
///
/// Costs 2 (P + 2n) forward passes; an independent truth for the other
/// methods, not a method for large substrates. It gives no input gradient.
class FiniteDifferenceGradient final : public GradientMethod {
 public:
  /// `with_initial_state = false` differentiates θ only (2 P passes) and
  /// leaves dL/dx0 empty.
  explicit FiniteDifferenceGradient(double relative_step = 1e-5, bool with_initial_state = true);
  std::string name() const override { return "fd"; }

 private:
  GradientResult DoCompute(const GradientProblem& problem) const override;

  double relative_step_;
  bool with_initial_state_;
};

}  // namespace echolab

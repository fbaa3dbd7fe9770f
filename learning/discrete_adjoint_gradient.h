#pragma once

#include "learning/gradient_method.h"

namespace echolab {

/// The exact gradient of the discrete map: backpropagation through time of a
/// symmetric composition scheme (CompositionSchemeNames()) on its fixed step grid,
/// for the discrete loss L_h = Σ_k c_k l(x_k, t_k) + l_T(x_N) (fourth-order
/// Gregory weights, detail/discrete_pass.h). Stores the N + 1 states of the forward pass (memory
/// O(N n)) and pulls the adjoint back through every drift, kick and damping sub-step with the
/// system's Hessian-vector and mixed products:
///
///   λ_N = c_N ∇l(x_N) + ∇l_T(x_N),   λ_k = (∂M/∂x)ᵀ λ_(k+1) + c_k ∇l(x_k),
///   dL/dθ = Σ_k (∂M/∂θ)ᵀ λ_(k+1) + Σ_k c_k ∂l/∂θ + ∂l_T/∂θ,   dL/dx0 = λ_0.
///
/// It separates the echo's own error (finite β, dissipation, noise) from the
/// time-discretisation error. Damping must be mass-proportional (γ) only;
/// per-degree-of-freedom friction makes the damping factors depend on the
/// masses and is refused (use the adjoint method).
class DiscreteAdjointGradient final : public GradientMethod {
 public:
  std::string name() const override { return "discrete_adjoint"; }

  bool SupportsScheme(const SchemeTraits& traits) const override;

 private:
  void DoCheckSupport(const GradientProblem& problem) const override;
  GradientResult DoCompute(const GradientProblem& problem) const override;
};

}  // namespace echolab

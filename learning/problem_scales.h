#pragma once

#include "physics/phase_state.h"

namespace echolab {

struct GradientProblem;

/// The magnitudes of a gradient problem's quantities, by which tolerances and
/// finite-difference steps are made relative. In SI units a circuit's charges
/// are ~1e-18 C and its loss ~1e-19 V² s, an oscillator's positions ~1 m: an
/// absolute tolerance or step that suits one swamps or misses the other, and a
/// linear problem's relative error would change with its amplitude.
struct ProblemScales {
  /// max_t |x_i(t)| over the forward pass; components that stay at zero get
  /// 1e-6 × the largest of their half (q or p), or 1 when the whole half rests.
  PhaseState state;
  /// max(L, L_rest): the pass's loss, or that of a state at rest (x = 0) when
  /// larger (a good fit has a small L but not a small gradient); 1 when both
  /// are zero.
  double loss = 0.0;
  /// |θ_j|, or 1 where θ_j = 0.
  Vector parameters;

  bool empty() const { return parameters.size() == 0; }
};

/// |θ_j|, or 1 where θ_j = 0: the scale of each parameter, by which a
/// gradient dL/dθ_j × |θ_j| = dL/d log θ_j becomes scale-free.
Vector ParameterScales(const Vector& theta);

/// Measures the scales on one forward pass of problem.integrator (the loss by
/// the trapezoidal rule over its samples). Throws SolverError when the pass
/// fails.
ProblemScales MeasureProblemScales(const GradientProblem& problem);

/// The absolute tolerances of the continuous adjoint's four solves. With
/// scales (GradientProblem::scales), a = integrator.atol is relative to them:
///
///   state x_i:   a s_i,       running loss ∫ l dt:   a L*,
///   adjoint λ_i: a L* / s_i,  dL/dθ_j quadrature:   a L* / |θ_j|,
///
/// (λ_i = ∂L/∂x_i and dL/dθ_j carry the units of L over those of x_i and θ_j),
/// so that a problem scaled by any factor is solved on the same steps. Without
/// scales every entry is integrator.atol.
struct AbsoluteTolerances {
  Vector state;               // [q; p]
  Vector running_loss;        // one entry
  Vector adjoint;             // [λ_q; λ_p]
  Vector parameter_gradient;  // one per parameter
};

AbsoluteTolerances AbsoluteTolerancesOf(const GradientProblem& problem);

}  // namespace echolab

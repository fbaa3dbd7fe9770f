#pragma once

#include "physics/phase_state.h"

namespace echolab {

class EchoKernels;

/// The momenta entering and leaving a kick and the velocities ∂T/∂p at both,
/// which the drifts around the kick compute anyway: what the kinetic kernels
/// read (a model takes ∂T/∂θ from whichever is cheaper; a circuit's from the
/// node voltages, without a solve).
struct KickMomenta {
  Vector p_before, p_after;
  Vector velocity_before, velocity_after;
};

/// The sweeps of a gradient method that sums ∂θH_half = ∂θ[V(q_kick) +
/// ½ (T(p_before) + T(p_after))] along a pass (theory.md section 4), fused
/// into one pass over the model where it can do so cheaply. Optional: a
/// HamiltonianSystem that fuses them implements this interface besides its
/// own; every other model gets the same sums from its plain derivatives
/// (EchoKernels, which is also the only caller and checks the sizes first).
///
/// The four kernels, with a weight w (a signed step τ) and sums of length
/// num_params that each kernel adds to:
///   potential sum:         ∂V/∂q(q),                    sum += w ∂V/∂θ(q)
///   potential pair:        ∂V/∂q(q_a), ∂V/∂q(q_b),      sum += w [∂V/∂θ(q_a) - ∂V/∂θ(q_b)]
///   kinetic half step:     sum += w ½ [∂T/∂θ(p_before) + ∂T/∂θ(p_after)]
///   kinetic difference:    sum += w ½ [∂T/∂θ(p_before,a) + ∂T/∂θ(p_after,a)
///                                      - ∂T/∂θ(p_before,b) - ∂T/∂θ(p_after,b)]
/// (the kinetic ones across a kick, KickMomenta).
/// The differences are of two nearly equal echoes: a model computes them in
/// factored forms so that they are not lost to cancellation.
class FusedEchoKernels {
 public:
  virtual ~FusedEchoKernels() = default;

 protected:
  FusedEchoKernels() = default;
  FusedEchoKernels(const FusedEchoKernels&) = default;
  FusedEchoKernels& operator=(const FusedEchoKernels&) = default;

 private:
  friend class EchoKernels;
  // Called with checked sizes; grad_q, grad_a and grad_b sized num_dof.
  virtual void DoPotentialGradientWithParameterSum(const Vector& q, const Vector& theta,
                                                   const Vector& u, double weight, Vector* grad_q,
                                                   Vector* parameter_sum) const = 0;
  virtual void DoPotentialGradientPairWithParameterDifference(const Vector& q_a, const Vector& q_b,
                                                              const Vector& theta, const Vector& u,
                                                              double weight, Vector* grad_a,
                                                              Vector* grad_b,
                                                              Vector* difference_sum) const = 0;
  virtual void DoAddHalfStepKineticParameterGradient(const KickMomenta& kick, const Vector& theta,
                                                     double weight,
                                                     Vector* parameter_sum) const = 0;
  virtual void DoAddHalfStepKineticParameterDifference(const KickMomenta& a, const KickMomenta& b,
                                                       const Vector& theta, double weight,
                                                       Vector* difference_sum) const = 0;
};

}  // namespace echolab

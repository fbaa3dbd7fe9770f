#pragma once

#include "physics/fused_echo_kernels.h"
#include "physics/hamiltonian_system.h"

namespace echolab {

/// The kernels of FusedEchoKernels for one model, as the gradient methods
/// call them: the model's own when it implements FusedEchoKernels, otherwise
/// built from its plain derivatives (∂V/∂q, ∂V/∂θ, ∂T/∂θ). Every method
/// checks the sizes of its arguments (InputError naming the argument), then
/// adds to the sums as FusedEchoKernels describes. Holds a reference: the
/// model must outlive it.
class EchoKernels {
 public:
  explicit EchoKernels(const HamiltonianSystem& system);

  /// Whether the model fuses the kernels (implements FusedEchoKernels).
  bool fused() const { return fused_ != nullptr; }

  /// ∂V/∂q into *grad_q and weight × ∂V/∂θ added to *parameter_sum, in the
  /// same sweep where the model fuses them: what a gradient method that sums
  /// ∂θH along a pass needs at each kick, at about the cost of the gradient.
  void PotentialGradientWithParameterSum(const Vector& q, const Vector& theta, const Vector& u,
                                         double weight, Vector* grad_q,
                                         Vector* parameter_sum) const;
  /// The kicks of two states at once (the two echoes of the centred
  /// estimate): ∂V/∂q at q_a and q_b into *grad_a and *grad_b, and
  ///   weight × [∂V/∂θ(q_a) - ∂V/∂θ(q_b)]
  /// added to *difference_sum.
  void PotentialGradientPairWithParameterDifference(const Vector& q_a, const Vector& q_b,
                                                    const Vector& theta, const Vector& u,
                                                    double weight, Vector* grad_a, Vector* grad_b,
                                                    Vector* difference_sum) const;
  /// weight × ½ [∂T/∂θ(p_before) + ∂T/∂θ(p_after)] added to *parameter_sum:
  /// the kinetic half of ∂θH_half across a kick.
  void AddHalfStepKineticParameterGradient(const KickMomenta& kick, const Vector& theta,
                                           double weight, Vector* parameter_sum) const;
  /// The same for two states a and b across the same kick, their difference
  /// added: weight × ½ [∂T/∂θ(p_before,a) + ∂T/∂θ(p_after,a)
  ///                    - ∂T/∂θ(p_before,b) - ∂T/∂θ(p_after,b)].
  void AddHalfStepKineticParameterDifference(const KickMomenta& a, const KickMomenta& b,
                                             const Vector& theta, double weight,
                                             Vector* difference_sum) const;

 private:
  // The kernels from the plain derivatives, for a model without fused ones.
  void UnfusedPotentialSum(const Vector& q, const Vector& theta, const Vector& u, double weight,
                           Vector* grad_q, Vector* parameter_sum) const;
  void UnfusedKineticSum(const Vector& p_before, const Vector& p_after, const Vector& theta,
                         double weight, Vector* parameter_sum) const;
  void CheckDof(const Vector& v, const char* what) const;
  void CheckKick(const KickMomenta& kick, const char* state) const;
  void CheckSum(const Vector& theta, const Vector& sum, const char* what) const;

  const HamiltonianSystem& system_;
  const FusedEchoKernels* fused_;  // the model's own kernels; null without
};

}  // namespace echolab

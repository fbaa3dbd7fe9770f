#include "physics/echo_kernels.h"

#include <fmt/format.h>

#include "common/error.h"

namespace echolab {

EchoKernels::EchoKernels(const HamiltonianSystem& system)
    : system_(system), fused_(dynamic_cast<const FusedEchoKernels*>(&system)) {}

void EchoKernels::CheckDof(const Vector& v, const char* what) const {
  if (v.size() != system_.num_dof()) {
    throw InputError(fmt::format("{} has {} entries, expected {} for this substrate", what,
                                 v.size(), system_.num_dof()));
  }
}

void EchoKernels::CheckSum(const Vector& theta, const Vector& sum, const char* what) const {
  for (const auto& [vector, name] : {std::pair{&theta, "parameter vector theta"}, {&sum, what}}) {
    if (vector->size() != system_.num_params()) {
      throw InputError(fmt::format("{} has {} entries, expected {} for this substrate", name,
                                   vector->size(), system_.num_params()));
    }
  }
}

void EchoKernels::PotentialGradientWithParameterSum(const Vector& q, const Vector& theta,
                                                    const Vector& u, double weight, Vector* grad_q,
                                                    Vector* parameter_sum) const {
  CheckDof(q, "positions q");
  CheckSum(theta, *parameter_sum, "parameter sum");
  system_.CheckInput(u);
  grad_q->resize(system_.num_dof());
  if (fused_ == nullptr) {
    UnfusedPotentialSum(q, theta, u, weight, grad_q, parameter_sum);
    return;
  }
  fused_->DoPotentialGradientWithParameterSum(q, theta, u, weight, grad_q, parameter_sum);
}

void EchoKernels::PotentialGradientPairWithParameterDifference(const Vector& q_a, const Vector& q_b,
                                                               const Vector& theta, const Vector& u,
                                                               double weight, Vector* grad_a,
                                                               Vector* grad_b,
                                                               Vector* difference_sum) const {
  CheckDof(q_a, "positions q_a");
  CheckDof(q_b, "positions q_b");
  CheckSum(theta, *difference_sum, "parameter difference sum");
  system_.CheckInput(u);
  grad_a->resize(system_.num_dof());
  grad_b->resize(system_.num_dof());
  if (fused_ == nullptr) {
    UnfusedPotentialSum(q_a, theta, u, weight, grad_a, difference_sum);
    UnfusedPotentialSum(q_b, theta, u, -weight, grad_b, difference_sum);
    return;
  }
  fused_->DoPotentialGradientPairWithParameterDifference(q_a, q_b, theta, u, weight, grad_a, grad_b,
                                                         difference_sum);
}

void EchoKernels::CheckKick(const KickMomenta& kick, const char* state) const {
  const std::pair<const Vector*, const char*> entries[] = {
      {&kick.p_before, "momenta p_before"},
      {&kick.p_after, "momenta p_after"},
      {&kick.velocity_before, "velocities before the kick"},
      {&kick.velocity_after, "velocities after the kick"}};
  for (const auto& [vector, name] : entries) {
    CheckDof(*vector, fmt::format("{}{}", name, state).c_str());
  }
}

void EchoKernels::AddHalfStepKineticParameterGradient(const KickMomenta& kick, const Vector& theta,
                                                      double weight, Vector* parameter_sum) const {
  CheckKick(kick, "");
  CheckSum(theta, *parameter_sum, "parameter sum");
  if (fused_ == nullptr) {
    UnfusedKineticSum(kick.p_before, kick.p_after, theta, weight, parameter_sum);
    return;
  }
  fused_->DoAddHalfStepKineticParameterGradient(kick, theta, weight, parameter_sum);
}

void EchoKernels::AddHalfStepKineticParameterDifference(const KickMomenta& a, const KickMomenta& b,
                                                        const Vector& theta, double weight,
                                                        Vector* difference_sum) const {
  CheckKick(a, " of state a");
  CheckKick(b, " of state b");
  CheckSum(theta, *difference_sum, "parameter difference sum");
  if (fused_ == nullptr) {
    UnfusedKineticSum(a.p_before, a.p_after, theta, weight, difference_sum);
    UnfusedKineticSum(b.p_before, b.p_after, theta, -weight, difference_sum);
    return;
  }
  fused_->DoAddHalfStepKineticParameterDifference(a, b, theta, weight, difference_sum);
}

// ∂V/∂q, and sum += w ∂V/∂θ from a separate call.
void EchoKernels::UnfusedPotentialSum(const Vector& q, const Vector& theta, const Vector& u,
                                      double weight, Vector* grad_q, Vector* parameter_sum) const {
  system_.PotentialGradient(q, theta, u, grad_q);
  Vector gradient;
  system_.PotentialParameterGradient(q, theta, u, &gradient);
  *parameter_sum += weight * gradient;
}

// sum += w ½ [∂T/∂θ(p_before) + ∂T/∂θ(p_after)]
void EchoKernels::UnfusedKineticSum(const Vector& p_before, const Vector& p_after,
                                    const Vector& theta, double weight,
                                    Vector* parameter_sum) const {
  Vector before, after;
  system_.KineticParameterGradient(p_before, theta, &before);
  system_.KineticParameterGradient(p_after, theta, &after);
  *parameter_sum += (0.5 * weight) * (before + after);
}

}  // namespace echolab

#include "learning/readout.h"

#include <fmt/format.h>

#include "common/error.h"

namespace echolab {
namespace {

void CheckIndices(const std::vector<int>& indices, int num_dof) {
  if (indices.empty()) throw InputError("read-out: expected at least one degree of freedom");
  for (int i : indices) {
    if (i < 0 || i >= num_dof) {
      throw InputError(
          fmt::format("read-out: degree of freedom {} is outside 1..{}", i + 1, num_dof));
    }
  }
}

}  // namespace

PositionReadout::PositionReadout(int num_dof, int num_params, std::vector<int> indices)
    : num_dof_(num_dof), num_params_(num_params), indices_(std::move(indices)) {
  CheckIndices(indices_, num_dof_);
}

void PositionReadout::Evaluate(const PhaseState& x, const Vector&, Vector* r) const {
  r->resize(size());
  for (int k = 0; k < size(); ++k) (*r)[k] = x.q[indices_[k]];
}

// ∂r_k/∂q = e_(i_k), ∂r_k/∂p = 0.
void PositionReadout::JacobianTransposeProduct(const PhaseState&, const Vector&, const Vector& w,
                                               PhaseState* out) const {
  out->q = Vector::Zero(num_dof_);
  out->p = Vector::Zero(num_dof_);
  for (int k = 0; k < size(); ++k) out->q[indices_[k]] += w[k];
}

void PositionReadout::ParameterJacobianTransposeProduct(const PhaseState&, const Vector&,
                                                        const Vector&, Vector* out) const {
  *out = Vector::Zero(num_params_);
}

VelocityReadout::VelocityReadout(std::shared_ptr<const HamiltonianSystem> system,
                                 std::vector<int> indices)
    : system_(std::move(system)), indices_(std::move(indices)) {
  CheckIndices(indices_, system_->num_dof());
}

Vector VelocityReadout::Scatter(const Vector& w) const {
  Vector scattered = Vector::Zero(system_->num_dof());
  for (int k = 0; k < size(); ++k) scattered[indices_[k]] += w[k];
  return scattered;
}

void VelocityReadout::Evaluate(const PhaseState& x, const Vector& theta, Vector* r) const {
  Vector velocity;
  system_->KineticGradient(x.p, theta, &velocity);
  r->resize(size());
  for (int k = 0; k < size(); ++k) (*r)[k] = velocity[indices_[k]];
}

// ∂r/∂p = rows of ∂²T/∂p² (symmetric), so (∂r/∂p)ᵀ w = ∂²T/∂p² Σ_k w_k e_(i_k).
void VelocityReadout::JacobianTransposeProduct(const PhaseState& x, const Vector& theta,
                                               const Vector& w, PhaseState* out) const {
  out->q = Vector::Zero(system_->num_dof());
  system_->KineticHessianProduct(x.p, theta, Scatter(w), &out->p);
}

// (∂r/∂θ)ᵀ w = (∂θ ∇p T)ᵀ Σ_k w_k e_(i_k).
void VelocityReadout::ParameterJacobianTransposeProduct(const PhaseState& x, const Vector& theta,
                                                        const Vector& w, Vector* out) const {
  system_->KineticMixedProduct(x.p, theta, Scatter(w), out);
}

}  // namespace echolab

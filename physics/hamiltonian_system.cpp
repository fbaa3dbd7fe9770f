#include "physics/hamiltonian_system.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"

namespace echolab {

HamiltonianSystem::HamiltonianSystem(int num_dof, int num_inputs,
                                     std::vector<std::string> parameter_names)
    : num_dof_(num_dof), num_inputs_(num_inputs), parameter_names_(std::move(parameter_names)) {
  if (num_dof <= 0) {
    throw InputError(
        fmt::format("a substrate needs at least one degree of freedom, got {}", num_dof));
  }
  if (num_inputs < 0) throw InputError("the number of inputs cannot be negative");
}

void HamiltonianSystem::CheckSize(const Vector& v, int expected, const char* what) const {
  if (v.size() != expected) {
    throw InputError(
        fmt::format("{} has {} entries, expected {} for this substrate", what, v.size(), expected));
  }
}

void HamiltonianSystem::CheckParams(const Vector& theta) const {
  CheckSize(theta, num_params(), "parameter vector theta");
}

void HamiltonianSystem::CheckState(const PhaseState& x, const char* what) const {
  CheckSize(x.q, num_dof_, fmt::format("{}: positions q", what).c_str());
  CheckSize(x.p, num_dof_, fmt::format("{}: momenta p", what).c_str());
}

void HamiltonianSystem::CheckInput(const Vector& u) const {
  CheckSize(u, num_inputs_, "input vector u");
}

void HamiltonianSystem::ValidateParameters(const Vector& theta) const {
  CheckParams(theta);
  for (int i = 0; i < theta.size(); ++i) {
    if (!std::isfinite(theta[i])) {
      throw InputError(fmt::format("parameter {} is {}, expected a finite number",
                                   parameter_names_[i], theta[i]));
    }
  }
  DoValidateParameters(theta);
}

void HamiltonianSystem::DoValidateParameters(const Vector&) const {}

std::optional<Vector> HamiltonianSystem::DoDiagonalMasses(const Vector&) const {
  return std::nullopt;
}

double HamiltonianSystem::KineticEnergy(const Vector& p, const Vector& theta) const {
  CheckSize(p, num_dof_, "momenta p");
  CheckParams(theta);
  return DoKineticEnergy(p, theta);
}

double HamiltonianSystem::PotentialEnergy(const Vector& q, const Vector& theta,
                                          const Vector& u) const {
  CheckSize(q, num_dof_, "positions q");
  CheckParams(theta);
  CheckInput(u);
  return DoPotentialEnergy(q, theta, u);
}

double HamiltonianSystem::Energy(const PhaseState& x, const Vector& theta, const Vector& u) const {
  return KineticEnergy(x.p, theta) + PotentialEnergy(x.q, theta, u);
}

void HamiltonianSystem::KineticGradient(const Vector& p, const Vector& theta,
                                        Vector* grad_p) const {
  CheckSize(p, num_dof_, "momenta p");
  CheckParams(theta);
  grad_p->resize(num_dof_);
  DoKineticGradient(p, theta, grad_p);
}

void HamiltonianSystem::PotentialGradient(const Vector& q, const Vector& theta, const Vector& u,
                                          Vector* grad_q) const {
  CheckSize(q, num_dof_, "positions q");
  CheckParams(theta);
  CheckInput(u);
  grad_q->resize(num_dof_);
  DoPotentialGradient(q, theta, u, grad_q);
}

void HamiltonianSystem::KineticHessianProduct(const Vector& p, const Vector& theta, const Vector& v,
                                              Vector* out) const {
  CheckSize(p, num_dof_, "momenta p");
  CheckSize(v, num_dof_, "direction v");
  CheckParams(theta);
  out->resize(num_dof_);
  DoKineticHessianProduct(p, theta, v, out);
}

void HamiltonianSystem::PotentialHessianProduct(const Vector& q, const Vector& theta,
                                                const Vector& u, const Vector& v,
                                                Vector* out) const {
  CheckSize(q, num_dof_, "positions q");
  CheckSize(v, num_dof_, "direction v");
  CheckParams(theta);
  CheckInput(u);
  out->resize(num_dof_);
  DoPotentialHessianProduct(q, theta, u, v, out);
}

void HamiltonianSystem::KineticParameterGradient(const Vector& p, const Vector& theta,
                                                 Vector* out) const {
  CheckSize(p, num_dof_, "momenta p");
  CheckParams(theta);
  out->setZero(num_params());
  DoKineticParameterGradient(p, theta, out);
}

void HamiltonianSystem::PotentialParameterGradient(const Vector& q, const Vector& theta,
                                                   const Vector& u, Vector* out) const {
  CheckSize(q, num_dof_, "positions q");
  CheckParams(theta);
  CheckInput(u);
  out->setZero(num_params());
  DoPotentialParameterGradient(q, theta, u, out);
}

void HamiltonianSystem::KineticMixedProduct(const Vector& p, const Vector& theta, const Vector& v,
                                            Vector* out) const {
  CheckSize(p, num_dof_, "momenta p");
  CheckSize(v, num_dof_, "direction v");
  CheckParams(theta);
  out->setZero(num_params());
  DoKineticMixedProduct(p, theta, v, out);
}

void HamiltonianSystem::PotentialMixedProduct(const Vector& q, const Vector& theta, const Vector& u,
                                              const Vector& v, Vector* out) const {
  CheckSize(q, num_dof_, "positions q");
  CheckSize(v, num_dof_, "direction v");
  CheckParams(theta);
  CheckInput(u);
  out->setZero(num_params());
  DoPotentialMixedProduct(q, theta, u, v, out);
}

void HamiltonianSystem::InputGradient(const Vector& q, const Vector& theta, const Vector& u,
                                      Vector* out) const {
  CheckSize(q, num_dof_, "positions q");
  CheckParams(theta);
  CheckInput(u);
  out->setZero(num_inputs_);
  DoInputGradient(q, theta, u, out);
}

void HamiltonianSystem::InputMixedProduct(const Vector& q, const Vector& theta, const Vector& u,
                                          const Vector& v, Vector* out) const {
  CheckSize(q, num_dof_, "positions q");
  CheckSize(v, num_dof_, "direction v");
  CheckParams(theta);
  CheckInput(u);
  out->setZero(num_inputs_);
  DoInputMixedProduct(q, theta, u, v, out);
}

PhaseState HamiltonianSystem::Gradient(const PhaseState& x, const Vector& theta,
                                       const Vector& u) const {
  PhaseState grad;
  PotentialGradient(x.q, theta, u, &grad.q);
  KineticGradient(x.p, theta, &grad.p);
  return grad;
}

PhaseState HamiltonianSystem::HessianProduct(const PhaseState& x, const Vector& theta,
                                             const Vector& u, const PhaseState& v) const {
  // H is separable, so ∇²H = diag(∂²V/∂q², ∂²T/∂p²).
  PhaseState out;
  PotentialHessianProduct(x.q, theta, u, v.q, &out.q);
  KineticHessianProduct(x.p, theta, v.p, &out.p);
  return out;
}

Vector HamiltonianSystem::ParameterGradient(const PhaseState& x, const Vector& theta,
                                            const Vector& u) const {
  Vector kinetic, potential;
  KineticParameterGradient(x.p, theta, &kinetic);
  PotentialParameterGradient(x.q, theta, u, &potential);
  return kinetic + potential;
}

Vector HamiltonianSystem::MixedProduct(const PhaseState& x, const Vector& theta, const Vector& u,
                                       const PhaseState& v) const {
  Vector kinetic, potential;
  KineticMixedProduct(x.p, theta, v.p, &kinetic);
  PotentialMixedProduct(x.q, theta, u, v.q, &potential);
  return kinetic + potential;
}

std::optional<Vector> HamiltonianSystem::DiagonalMasses(const Vector& theta) const {
  CheckParams(theta);
  return DoDiagonalMasses(theta);
}

}  // namespace echolab

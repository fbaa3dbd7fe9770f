#include "physics/integrators/friction_flow.h"

#include <algorithm>
#include <cmath>
#include <unsupported/Eigen/MatrixFunctions>

namespace echolab {
namespace {

// The friction G = friction_matrix + diag(friction vector), dense on its support S.
Eigen::MatrixXd SupportBlock(const Dissipation& damping, const std::vector<Eigen::Index>& support,
                             Eigen::Index num_dof) {
  std::vector<Eigen::Index> position(static_cast<size_t>(num_dof), -1);
  for (size_t i = 0; i < support.size(); ++i) position[support[i]] = static_cast<Eigen::Index>(i);
  const auto s = static_cast<Eigen::Index>(support.size());
  Eigen::MatrixXd block = Eigen::MatrixXd::Zero(s, s);
  const Eigen::SparseMatrix<double>& g = damping.friction_matrix;
  for (int column = 0; column < g.outerSize(); ++column) {
    for (Eigen::SparseMatrix<double>::InnerIterator it(g, column); it; ++it) {
      block(position[it.row()], position[it.col()]) += it.value();
    }
  }
  if (damping.friction_N_s_per_m.size() > 0) {
    for (Eigen::Index i = 0; i < s; ++i) block(i, i) += damping.friction_N_s_per_m[support[i]];
  }
  return block;
}

// S: the degrees of freedom with a non-zero row of G.
std::vector<Eigen::Index> FrictionSupport(const Dissipation& damping, Eigen::Index num_dof) {
  std::vector<bool> touched(static_cast<size_t>(num_dof), false);
  const Eigen::SparseMatrix<double>& g = damping.friction_matrix;
  for (int column = 0; column < g.outerSize(); ++column) {
    for (Eigen::SparseMatrix<double>::InnerIterator it(g, column); it; ++it) {
      if (it.value() != 0.0) touched[it.row()] = touched[it.col()] = true;
    }
  }
  for (Eigen::Index i = 0; i < damping.friction_N_s_per_m.size(); ++i) {
    if (damping.friction_N_s_per_m[i] != 0.0) touched[i] = true;
  }
  std::vector<Eigen::Index> support;
  for (Eigen::Index i = 0; i < num_dof; ++i) {
    if (touched[i]) support.push_back(i);
  }
  return support;
}

}  // namespace

FrictionFlow::FrictionFlow(const SimulationProblem& problem) : problem_(problem) {
  const Eigen::Index n = problem.system->num_dof();
  support_ = FrictionSupport(problem.dissipation, n);
  friction_support_ = SupportBlock(problem.dissipation, support_, n);
  const auto s = static_cast<Eigen::Index>(support_.size());
  kinetic_support_.resize(s, s);
  // K_SS column j = (K e_(S_j)) restricted to S
  for (Eigen::Index j = 0; j < s; ++j) {
    problem.system->KineticHessianProduct(Vector::Zero(n), problem.theta,
                                          Vector::Unit(n, support_[j]), &kinetic_product_);
    for (Eigen::Index i = 0; i < s; ++i) kinetic_support_(i, j) = kinetic_product_[support_[i]];
  }
}

// G_SS F = -τ G_SS φ1(-τ K_SS G_SS), φ1 from exp([[X, I], [0, 0]]) = [[e^X, φ1(X)], [0, I]]
const Eigen::MatrixXd& FrictionFlow::GainFor(double tau_s) {
  const auto cached = std::find_if(gains_.begin(), gains_.end(),
                                   [tau_s](const auto& entry) { return entry.first == tau_s; });
  if (cached != gains_.end()) return cached->second;
  const Eigen::Index s = friction_support_.rows();
  Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(2 * s, 2 * s);
  augmented.topLeftCorner(s, s) = -tau_s * kinetic_support_ * friction_support_;
  augmented.topRightCorner(s, s).setIdentity();
  const Eigen::MatrixXd phi1 = Eigen::MatrixXd(augmented.exp()).topRightCorner(s, s);
  gains_.emplace_back(tau_s, -tau_s * friction_support_ * phi1);
  return gains_.back().second;
}

// p = e^(-γτ) [p + P_S (G_SS F) (K p)_S]
void FrictionFlow::Apply(double tau_s, Vector* p) {
  const Eigen::MatrixXd& gain = GainFor(tau_s);
  problem_.system->KineticHessianProduct(*p, problem_.theta, *p, &kinetic_product_);
  const auto s = static_cast<Eigen::Index>(support_.size());
  restricted_.resize(s);
  for (Eigen::Index i = 0; i < s; ++i) restricted_[i] = kinetic_product_[support_[i]];
  const Vector change = gain * restricted_;
  for (Eigen::Index i = 0; i < s; ++i) (*p)[support_[i]] += change[i];
  const double decay_rate_per_s = problem_.dissipation.momentum_decay_rate_per_s;
  if (decay_rate_per_s != 0.0) *p *= std::exp(-decay_rate_per_s * tau_s);
}

}  // namespace echolab

#include "physics/overdamped_dofs.h"

#include <fmt/format.h>

#include <algorithm>
#include <unsupported/Eigen/MatrixFunctions>

#include "common/error.h"

namespace echolab {

OverdampedDofs::OverdampedDofs(const SimulationProblem& problem)
    : indices_(problem.dissipation.overdamped_dofs) {
  const Eigen::Index n = problem.system->num_dof();
  const auto a = static_cast<Eigen::Index>(indices_.size());
  std::vector<bool> in_set(static_cast<size_t>(n), false);
  for (const Eigen::Index i : indices_) {
    if (i < 0 || i >= n) {
      throw InputError(fmt::format(
          "dissipation.overdamped_dofs: index {} is out of range, expected 0 to {}", i, n - 1));
    }
    in_set[static_cast<size_t>(i)] = true;
  }
  Eigen::MatrixXd friction(a, a);
  hessian_.resize(a, a);
  const Vector u0 = problem.input.Value(problem.start_time_s);
  Vector column;
  for (Eigen::Index j = 0; j < a; ++j) {
    // G e_j must vanish outside A (G_AF = 0)
    column = problem.dissipation.FrictionTimes(Vector::Unit(n, indices_[j]));
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!in_set[static_cast<size_t>(i)] && column[i] != 0.0) {
        throw InputError(fmt::format(
            "dissipation.overdamped_dofs: friction couples the degree of freedom {} without "
            "inertia to {}, which has inertia; expected friction only among those without",
            indices_[j], i));
      }
    }
    for (Eigen::Index i = 0; i < a; ++i) friction(i, j) = column[indices_[i]];
    problem.system->PotentialHessianProduct(problem.initial_state.q, problem.theta, u0,
                                            Vector::Unit(n, indices_[j]), &column);
    for (Eigen::Index i = 0; i < a; ++i) hessian_(i, j) = column[indices_[i]];
  }
  friction_.compute(friction);
  if (friction_.info() != Eigen::Success) {
    throw InputError(
        "dissipation.overdamped_dofs: the friction among the degrees of freedom without inertia "
        "is not positive definite; each needs a path of friction to a fixed reference");
  }
}

Vector OverdampedDofs::Restricted(const Vector& v) const {
  Vector restricted(static_cast<Eigen::Index>(indices_.size()));
  for (size_t i = 0; i < indices_.size(); ++i) {
    restricted[static_cast<Eigen::Index>(i)] = v[indices_[i]];
  }
  return restricted;
}

// dq_A/dt = -G_AA⁻¹ g_A
void OverdampedDofs::SetRates(const Vector& potential_gradient, Vector* rate) const {
  const Vector rates = -friction_.solve(Restricted(potential_gradient));
  for (size_t i = 0; i < indices_.size(); ++i) {
    (*rate)[indices_[i]] = rates[static_cast<Eigen::Index>(i)];
  }
}

// E(τ) = τ φ1(-τ K) G_AA⁻¹, K = G_AA⁻¹ W_AA, φ1 from exp([[X, I], [0, 0]]) = [[e^X, φ1(X)], [0, I]]
const Eigen::MatrixXd& OverdampedDofs::FlowMatrixFor(double tau_s) {
  const auto cached = std::find_if(flows_.begin(), flows_.end(),
                                   [tau_s](const auto& entry) { return entry.first == tau_s; });
  if (cached != flows_.end()) return cached->second;
  const auto a = static_cast<Eigen::Index>(indices_.size());
  const Eigen::MatrixXd inverse_friction = friction_.solve(Eigen::MatrixXd::Identity(a, a));
  Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(2 * a, 2 * a);
  augmented.topLeftCorner(a, a) = -tau_s * inverse_friction * hessian_;
  augmented.topRightCorner(a, a).setIdentity();
  const Eigen::MatrixXd phi1 = Eigen::MatrixXd(augmented.exp()).topRightCorner(a, a);
  flows_.emplace_back(tau_s, tau_s * phi1 * inverse_friction);
  return flows_.back().second;
}

// q_A -= E(τ) g_A, p_A = 0
void OverdampedDofs::Flow(double tau_s, const Vector& potential_gradient, PhaseState* x) {
  const Vector step = FlowMatrixFor(tau_s) * Restricted(potential_gradient);
  for (size_t i = 0; i < indices_.size(); ++i) {
    x->q[indices_[i]] -= step[static_cast<Eigen::Index>(i)];
  }
  ZeroEntries(&x->p);
}

Vector OverdampedDofs::EffectiveMomentumAdjoint(const PhaseState& lambda) const {
  Vector effective = lambda.p;
  const Vector scaled = friction_.solve(Restricted(lambda.q));
  for (size_t i = 0; i < indices_.size(); ++i) {
    effective[indices_[i]] = scaled[static_cast<Eigen::Index>(i)];
  }
  return effective;
}

double OverdampedDofs::FastestRate() const {
  if (indices_.empty()) return 0.0;
  const Eigen::MatrixXd lower = friction_.matrixL();
  const Eigen::MatrixXd left = lower.triangularView<Eigen::Lower>().solve(hessian_);
  Eigen::MatrixXd reduced =
      lower.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd(left.transpose()));
  reduced = 0.5 * (reduced + reduced.transpose()).eval();  // symmetric up to round-off
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> rates(reduced, Eigen::EigenvaluesOnly);
  return std::max(rates.eigenvalues().cwiseAbs().maxCoeff(), 0.0);
}

void OverdampedDofs::ZeroEntries(Vector* v) const {
  for (const Eigen::Index i : indices_) (*v)[i] = 0.0;
}

}  // namespace echolab

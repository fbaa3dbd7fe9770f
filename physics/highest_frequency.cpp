#include "physics/highest_frequency.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "physics/integrators/fixed_step_integrator.h"
#include "physics/overdamped_dofs.h"

namespace echolab {
namespace {

// Beyond this many degrees of freedom the O(n³) eigenproblem is skipped.
constexpr int kMaxDof = 1000;

// W = ∂²V/∂q² at (q, u), column by column from Hessian-vector products.
Eigen::MatrixXd PotentialHessianMatrix(const SimulationProblem& problem, const Vector& q,
                                       const Vector& u) {
  const int n = problem.system->num_dof();
  Eigen::MatrixXd hessian(n, n);
  Vector column;
  for (int j = 0; j < n; ++j) {
    problem.system->PotentialHessianProduct(q, problem.theta, u, Vector::Unit(n, j), &column);
    hessian.col(j) = column;
  }
  return hessian;
}

}  // namespace

std::optional<double> HighestAngularFrequency(const SimulationProblem& problem, const Vector& q,
                                              const Vector& u) {
  const HamiltonianSystem& system = *problem.system;
  if (system.num_dof() > kMaxDof || !system.HasQuadraticKineticEnergy()) return std::nullopt;
  const Eigen::LLT<Eigen::MatrixXd> kinetic(KineticHessianMatrix(problem));
  if (kinetic.info() != Eigen::Success) return std::nullopt;
  const Eigen::MatrixXd lower = kinetic.matrixL();
  const Eigen::MatrixXd stiffness = PotentialHessianMatrix(problem, q, u);
  // Lᵀ W L, symmetrised against round-off.
  Eigen::MatrixXd reduced = lower.transpose() * stiffness * lower;
  reduced = 0.5 * (reduced + reduced.transpose()).eval();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> modes(reduced, Eigen::EigenvaluesOnly);
  if (modes.info() != Eigen::Success) return std::nullopt;
  return std::sqrt(std::max(modes.eigenvalues().maxCoeff(), 0.0));
}

std::optional<double> FastestDampingRate(const SimulationProblem& problem) {
  const HamiltonianSystem& system = *problem.system;
  if (!problem.dissipation.has_friction_matrix()) return 0.0;
  const double overdamped_rate = problem.dissipation.has_overdamped_dofs()
                                     ? OverdampedDofs(problem).FastestRate()
                                     : 0.0;
  if (system.num_dof() > kMaxDof || !system.HasQuadraticKineticEnergy()) return std::nullopt;
  const Eigen::LLT<Eigen::MatrixXd> kinetic(KineticHessianMatrix(problem));
  if (kinetic.info() != Eigen::Success) return std::nullopt;
  const Eigen::MatrixXd lower = kinetic.matrixL();
  // Lᵀ G L, symmetrised against round-off.
  Eigen::MatrixXd reduced = lower.transpose() * problem.dissipation.friction_matrix * lower;
  reduced = 0.5 * (reduced + reduced.transpose()).eval();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> rates(reduced, Eigen::EigenvaluesOnly);
  if (rates.info() != Eigen::Success) return std::nullopt;
  return std::max({rates.eigenvalues().maxCoeff(), overdamped_rate, 0.0});
}

}  // namespace echolab

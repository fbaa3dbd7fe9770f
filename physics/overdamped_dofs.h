#pragma once

#include <Eigen/Dense>
#include <utility>
#include <vector>

#include "physics/simulation_problem.h"

namespace echolab {

/// The degrees of freedom without inertia of a pass (Dissipation::overdamped_dofs,
/// the set A). The limit m_A → 0 of dp_A/dt = -∂V/∂q_A - (G ∂H/∂p)_A, with no
/// friction between A and the other degrees of freedom (G_AF = 0), leaves the
/// first-order law
///
///   dq_A/dt = -G_AA⁻¹ ∂V/∂q_A(q, u),   p_A = 0
///
/// (for a circuit node without capacitance: Kirchhoff's current law with the
/// resistors' currents G_AA v_A balancing the inductors' and the sources').
/// V must be quadratic in q_A (its Hessian block W_AA constant, taken once
/// at the initial state). A sub-step that holds the other positions, the
/// momenta and the input fixed then moves q_A by the exact affine flow
///
///   q_A(τ) = q_A - E(τ) g_A,   E(τ) = τ φ1(-τ G_AA⁻¹ W_AA) G_AA⁻¹,
///
/// with g_A = ∂V/∂q_A at the start of the sub-step (δ' = b - K δ with
/// K = G_AA⁻¹ W_AA and b = -G_AA⁻¹ g_A gives δ(τ) = τ φ1(-τ K) b, φ1 as in
/// FrictionFlow). It is exact for τ < 0 as well, the inner sub-step of a
/// Yoshida composition, as long as τ λ_max(K) stays of order one.
///
/// In the adjoint, f_qA = -G_AA⁻¹ ∇_A V enters exactly as the momenta's
/// f_p = -∇V does: every product (∂·∇V)ᵀ λ_p takes λ_p with its A entries
/// replaced by G_AA⁻¹ λ_qA (EffectiveMomentumAdjoint), and λ_pA stays 0.
class OverdampedDofs {
 public:
  /// Throws InputError when friction couples A to other degrees of freedom
  /// or G_AA is not positive definite.
  explicit OverdampedDofs(const SimulationProblem& problem);

  /// dq_A/dt = -G_AA⁻¹ g_A into the A entries of *rate.
  void SetRates(const Vector& potential_gradient, Vector* rate) const;
  /// q_A -= E(τ) g_A and p_A = 0, with g = ∂V/∂q at x->q.
  void Flow(double tau_s, const Vector& potential_gradient, PhaseState* x);
  /// λ_p with its A entries replaced by G_AA⁻¹ λ_qA.
  Vector EffectiveMomentumAdjoint(const PhaseState& lambda) const;
  /// v_A = 0.
  void ZeroEntries(Vector* v) const;
  const std::vector<Eigen::Index>& indices() const { return indices_; }
  /// The fastest relaxation rate of the law (1/s), λ_max(G_AA⁻¹ W_AA) =
  /// λ_max(L⁻¹ W_AA L⁻ᵀ) with G_AA = L Lᵀ: a step h of the splitting keeps
  /// its order while h times this stays of order one.
  double FastestRate() const;

 private:
  const Eigen::MatrixXd& FlowMatrixFor(double tau_s);
  Vector Restricted(const Vector& v) const;

  std::vector<Eigen::Index> indices_;                     // A
  Eigen::LLT<Eigen::MatrixXd> friction_;                  // G_AA
  Eigen::MatrixXd hessian_;                               // W_AA
  std::vector<std::pair<double, Eigen::MatrixXd>> flows_;  // E(τ) by τ
};

}  // namespace echolab

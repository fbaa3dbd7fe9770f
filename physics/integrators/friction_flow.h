#pragma once

#include <utility>
#include <vector>

#include "physics/simulation_problem.h"

namespace echolab {

/// The exact damping flow of a friction matrix, dp/dt = -A p with
/// A = G K + γ I (G the pass's friction matrix plus diag of its friction
/// vector, K = ∂²T/∂p² constant, γ the momentum decay rate), applied in
/// O(nnz) per step. With S the s degrees of freedom that G touches and P_S
/// the columns of the identity on them, G = P_S G_SS P_Sᵀ, and the series of
/// exp(-τ U W) with U = P_S G_SS, W = P_Sᵀ K (so W U = K_SS G_SS) gives
///
///   exp(-A τ) = e^(-γτ) [I + P_S G_SS F P_Sᵀ K],   F = -τ φ1(-τ K_SS G_SS),
///   φ1(X) = Σ_k X^k / (k+1)!  (the top-right block of exp([[X, I], [0, 0]])).
///
/// Each application costs one product K p (for a circuit, a solve with the
/// factored capacitance matrix) and O(s²); K_SS takes s products once per
/// pass and G_SS F is computed once per distinct τ. A circuit's resistors
/// touch a few nodes (a source and a load resistor: s = 2), so the flow stays
/// exact at the cost of the conservative step.
class FrictionFlow {
 public:
  /// Needs a friction matrix and a kinetic energy quadratic in p.
  explicit FrictionFlow(const SimulationProblem& problem);
  /// p = exp(-A τ) p.
  void Apply(double tau_s, Vector* p);
  /// s, the number of degrees of freedom the friction touches.
  int support_size() const { return static_cast<int>(support_.size()); }

 private:
  const Eigen::MatrixXd& GainFor(double tau_s);

  const SimulationProblem& problem_;
  std::vector<Eigen::Index> support_;                 // S
  Eigen::MatrixXd friction_support_;                  // G_SS
  Eigen::MatrixXd kinetic_support_;                   // K_SS
  std::vector<std::pair<double, Eigen::MatrixXd>> gains_;  // G_SS F by τ
  Vector kinetic_product_, restricted_;
};

}  // namespace echolab

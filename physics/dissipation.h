#pragma once

#include <Eigen/SparseCore>
#include <cstdint>
#include <vector>

#include "physics/phase_state.h"

namespace echolab {

/// Damping on the momenta, an option of a simulation pass (not of the model),
/// so that a forward pass and an echo pass can differ as real hardware does:
///
///   dq/dt = ∂H/∂p,   dp/dt = -∂H/∂q - G ∂H/∂p - γ p,
///
/// i.e. dx/dt = (J - R) ∇H with R = diag(0, G + γ M) for T = pᵀ M⁻¹ p / 2.
/// G (friction_N_s_per_m, one entry per degree of freedom, or empty for none)
/// acts on the velocities; γ (momentum_decay_rate_per_s, "mass-proportional"
/// damping) acts on the momenta. A negative value is a gain: the echo variants
/// for dissipative hardware run the echo with gain.
///
/// friction_matrix (sparse, symmetric, n × n, or empty) is friction that
/// couples degrees of freedom and adds to G: a circuit's resistors give the
/// conductance matrix Σ_R a_R a_Rᵀ / R (S) acting on the node voltages ∂H/∂Q.
///
/// overdamped_dofs (sorted indices, or empty) are degrees of freedom without
/// inertia, in the limit m → 0 of the law above: their momenta stay 0 and
/// their positions follow G_AA dq_A/dt = -∂V/∂q_A (OverdampedDofs), e.g. a
/// circuit node that resistors and inductors touch but no capacitor.
struct Dissipation {
  Vector friction_N_s_per_m;
  double momentum_decay_rate_per_s = 0.0;
  Eigen::SparseMatrix<double> friction_matrix;
  std::vector<Eigen::Index> overdamped_dofs;

  bool has_friction_vector() const {
    return friction_N_s_per_m.size() > 0 && !friction_N_s_per_m.isZero(0.0);
  }
  bool has_friction_matrix() const {
    return friction_matrix.nonZeros() > 0 && friction_matrix.coeffs().cwiseAbs().maxCoeff() > 0.0;
  }
  bool is_zero() const {
    return momentum_decay_rate_per_s == 0.0 && !has_friction_vector() && !has_friction_matrix();
  }
  bool has_overdamped_dofs() const { return !overdamped_dofs.empty(); }
  /// G v = friction_N_s_per_m ⊙ v + friction_matrix v, for velocities v.
  Vector FrictionTimes(const Vector& v) const;
};

/// Thermal (Langevin) forcing with the fluctuation-dissipation intensity,
///
///   dp = (-∂H/∂q - G_tot ∂H/∂p) dt + sqrt(2 G_tot kB T) dW,
///
/// where G_tot is the total friction of the pass's Dissipation. The noise
/// needs a stochastic scheme ("baoab") and a quadratic kinetic energy.
struct ThermalNoise {
  /// kB T in J; 0 means no noise. For SI hardware, kB T = 1.380649e-23 J/K × T.
  double thermal_energy_J = 0.0;
  /// Seed of the pass's random stream: the same seed, the same path, bit for bit.
  std::uint64_t seed = 0;

  bool is_zero() const { return thermal_energy_J == 0.0; }
};

/// Boltzmann's constant, J/K.
inline constexpr double kBoltzmann_J_per_K = 1.380649e-23;

}  // namespace echolab

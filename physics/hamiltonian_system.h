#pragma once

#include <optional>
#include <string>
#include <vector>

#include "physics/phase_state.h"

namespace echolab {

/// A separable, time-reversal-invariant Hamiltonian substrate
///
///   H(q, p, θ, u) = T(p, θ) + V(q, θ, u),      T(-p, θ) = T(p, θ),
///
/// with n degrees of freedom (positions q, momenta p), parameters θ and
/// inputs u. The model is a const object: state, parameters and inputs are
/// passed in and never stored. Public methods check sizes and then call the
/// private Do... methods that a model implements (derivatives of T with
/// respect to p, of V with respect to q, θ and u).
///
/// Time-reversal invariance, H(q, -p, θ, P u) = H(q, p, θ, u), holds with the
/// parities P of the input channels (InputSignal): the echo replays P u(T - s).
///
/// The fused sweeps that the echo sums ∂θH with are a separate, optional
/// interface (FusedEchoKernels, physics/fused_echo_kernels.h); the gradient
/// methods reach them, or their defaults, through EchoKernels.
class HamiltonianSystem {
 public:
  virtual ~HamiltonianSystem() = default;
  HamiltonianSystem(const HamiltonianSystem&) = delete;
  HamiltonianSystem& operator=(const HamiltonianSystem&) = delete;

  int num_dof() const { return num_dof_; }
  int num_params() const { return static_cast<int>(parameter_names_.size()); }
  int num_inputs() const { return num_inputs_; }
  /// Names of the entries of θ, e.g. "m_1", "k_12" (same order as θ).
  const std::vector<std::string>& parameter_names() const { return parameter_names_; }

  /// Throws InputError naming the first entry of θ that is out of the model's
  /// domain (non-finite, or a non-positive mass).
  void ValidateParameters(const Vector& theta) const;

  // Energies (J).
  double KineticEnergy(const Vector& p, const Vector& theta) const;
  double PotentialEnergy(const Vector& q, const Vector& theta, const Vector& u) const;
  double Energy(const PhaseState& x, const Vector& theta, const Vector& u) const;

  /// Whether T = ½ pᵀ K(θ) p. The exact damping sub-steps of the fixed-step
  /// schemes with a friction matrix and the Langevin step need it.
  bool HasQuadraticKineticEnergy() const { return DoHasQuadraticKineticEnergy(); }

  /// ∂T/∂p (the velocities dq/dt).
  void KineticGradient(const Vector& p, const Vector& theta, Vector* grad_p) const;
  /// ∂V/∂q (minus the forces).
  void PotentialGradient(const Vector& q, const Vector& theta, const Vector& u,
                         Vector* grad_q) const;
  /// ∂²T/∂p² v.
  void KineticHessianProduct(const Vector& p, const Vector& theta, const Vector& v,
                             Vector* out) const;
  /// ∂²V/∂q² v.
  void PotentialHessianProduct(const Vector& q, const Vector& theta, const Vector& u,
                               const Vector& v, Vector* out) const;
  /// ∂T/∂θ (length num_params).
  void KineticParameterGradient(const Vector& p, const Vector& theta, Vector* out) const;
  /// ∂V/∂θ (length num_params).
  void PotentialParameterGradient(const Vector& q, const Vector& theta, const Vector& u,
                                  Vector* out) const;
  /// (∂θ ∇p T)ᵀ v (length num_params), v of length num_dof.
  void KineticMixedProduct(const Vector& p, const Vector& theta, const Vector& v,
                           Vector* out) const;
  /// (∂θ ∇q V)ᵀ v (length num_params), v of length num_dof.
  void PotentialMixedProduct(const Vector& q, const Vector& theta, const Vector& u, const Vector& v,
                             Vector* out) const;
  /// ∂V/∂u (length num_inputs): the input coupling d_u H.
  void InputGradient(const Vector& q, const Vector& theta, const Vector& u, Vector* out) const;
  /// (∂u ∇q V)ᵀ v (length num_inputs), v of length num_dof.
  void InputMixedProduct(const Vector& q, const Vector& theta, const Vector& u, const Vector& v,
                         Vector* out) const;

  // Whole-state conveniences built on the methods above.
  /// ∇x H = (∂H/∂q, ∂H/∂p).
  PhaseState Gradient(const PhaseState& x, const Vector& theta, const Vector& u) const;
  /// ∇²x H v for v = (v_q, v_p).
  PhaseState HessianProduct(const PhaseState& x, const Vector& theta, const Vector& u,
                            const PhaseState& v) const;
  /// ∂H/∂θ.
  Vector ParameterGradient(const PhaseState& x, const Vector& theta, const Vector& u) const;
  /// (∂θ ∇x H)ᵀ v.
  Vector MixedProduct(const PhaseState& x, const Vector& theta, const Vector& u,
                      const PhaseState& v) const;

  /// The masses m (kg) when T = Σ p_i² / (2 m_i); empty otherwise. Thermal
  /// noise and the exact damping sub-steps of the fixed-step schemes need them.
  std::optional<Vector> DiagonalMasses(const Vector& theta) const;

  /// Throws InputError unless x has num_dof positions and momenta.
  void CheckState(const PhaseState& x, const char* what) const;
  /// Throws InputError unless u has num_inputs entries.
  void CheckInput(const Vector& u) const;

 protected:
  HamiltonianSystem(int num_dof, int num_inputs, std::vector<std::string> parameter_names);

 private:
  virtual void DoValidateParameters(const Vector& theta) const;
  virtual double DoKineticEnergy(const Vector& p, const Vector& theta) const = 0;
  virtual double DoPotentialEnergy(const Vector& q, const Vector& theta, const Vector& u) const = 0;
  virtual void DoKineticGradient(const Vector& p, const Vector& theta, Vector* out) const = 0;
  virtual void DoPotentialGradient(const Vector& q, const Vector& theta, const Vector& u,
                                   Vector* out) const = 0;
  virtual void DoKineticHessianProduct(const Vector& p, const Vector& theta, const Vector& v,
                                       Vector* out) const = 0;
  virtual void DoPotentialHessianProduct(const Vector& q, const Vector& theta, const Vector& u,
                                         const Vector& v, Vector* out) const = 0;
  virtual void DoKineticParameterGradient(const Vector& p, const Vector& theta,
                                          Vector* out) const = 0;
  virtual void DoPotentialParameterGradient(const Vector& q, const Vector& theta, const Vector& u,
                                            Vector* out) const = 0;
  virtual void DoKineticMixedProduct(const Vector& p, const Vector& theta, const Vector& v,
                                     Vector* out) const = 0;
  virtual void DoPotentialMixedProduct(const Vector& q, const Vector& theta, const Vector& u,
                                       const Vector& v, Vector* out) const = 0;
  virtual void DoInputGradient(const Vector& q, const Vector& theta, const Vector& u,
                               Vector* out) const = 0;
  virtual void DoInputMixedProduct(const Vector& q, const Vector& theta, const Vector& u,
                                   const Vector& v, Vector* out) const = 0;
  virtual std::optional<Vector> DoDiagonalMasses(const Vector& theta) const;
  virtual bool DoHasQuadraticKineticEnergy() const { return true; }

  void CheckSize(const Vector& v, int expected, const char* what) const;
  void CheckParams(const Vector& theta) const;

  int num_dof_;
  int num_inputs_;
  std::vector<std::string> parameter_names_;
};

}  // namespace echolab

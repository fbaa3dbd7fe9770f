#pragma once

#include <memory>
#include <vector>

#include "physics/hamiltonian_system.h"

namespace echolab {

/// What a read-out of the state depends on. Losses built on read-outs that
/// each depend on positions only or on momenta only stay separable, which the
/// symmetric fixed-step echo needs.
enum class ReadoutDependence { kPositions, kMomenta };

/// Measured quantities r(x, θ) in R^m of a substrate's state.
class Readout {
 public:
  virtual ~Readout() = default;
  virtual int size() const = 0;
  virtual ReadoutDependence dependence() const = 0;
  /// False when r does not depend on θ (its parameter Jacobian is zero).
  virtual bool depends_on_parameters() const = 0;
  /// r(x, θ).
  virtual void Evaluate(const PhaseState& x, const Vector& theta, Vector* r) const = 0;
  /// (∂r/∂x)ᵀ w, w in R^m.
  virtual void JacobianTransposeProduct(const PhaseState& x, const Vector& theta, const Vector& w,
                                        PhaseState* out) const = 0;
  /// (∂r/∂θ)ᵀ w: the direct dependence of the read-out on the parameters.
  virtual void ParameterJacobianTransposeProduct(const PhaseState& x, const Vector& theta,
                                                 const Vector& w, Vector* out) const = 0;
  /// The degrees of freedom that r reads, when they are few: r depends on x
  /// only through their positions or momenta (as dependence() says), so that
  /// ∂r/∂x vanishes elsewhere and other entries of x are never read. Empty
  /// when r may read every entry.
  virtual std::vector<int> ReadDofs() const { return {}; }
};

/// r_k = q_(i_k): positions of chosen degrees of freedom (0-based indices).
class PositionReadout final : public Readout {
 public:
  PositionReadout(int num_dof, int num_params, std::vector<int> indices);
  int size() const override { return static_cast<int>(indices_.size()); }
  ReadoutDependence dependence() const override { return ReadoutDependence::kPositions; }
  bool depends_on_parameters() const override { return false; }
  std::vector<int> ReadDofs() const override { return indices_; }
  void Evaluate(const PhaseState& x, const Vector& theta, Vector* r) const override;
  void JacobianTransposeProduct(const PhaseState& x, const Vector& theta, const Vector& w,
                                PhaseState* out) const override;
  void ParameterJacobianTransposeProduct(const PhaseState& x, const Vector& theta, const Vector& w,
                                         Vector* out) const override;

 private:
  int num_dof_;
  int num_params_;
  std::vector<int> indices_;
};

/// r_k = ∂H/∂p_(i_k) = dq_(i_k)/dt: velocities of chosen degrees of freedom.
/// In a node-flux circuit (q = flux, p = charge) this is a node voltage. It is
/// odd under the momentum flip, and depends on θ through T (masses,
/// capacitances), which gives the loss a direct parameter term.
class VelocityReadout final : public Readout {
 public:
  VelocityReadout(std::shared_ptr<const HamiltonianSystem> system, std::vector<int> indices);
  int size() const override { return static_cast<int>(indices_.size()); }
  ReadoutDependence dependence() const override { return ReadoutDependence::kMomenta; }
  bool depends_on_parameters() const override { return true; }
  void Evaluate(const PhaseState& x, const Vector& theta, Vector* r) const override;
  void JacobianTransposeProduct(const PhaseState& x, const Vector& theta, const Vector& w,
                                PhaseState* out) const override;
  void ParameterJacobianTransposeProduct(const PhaseState& x, const Vector& theta, const Vector& w,
                                         Vector* out) const override;

 private:
  // Σ_k w_k e_(i_k) in R^n.
  Vector Scatter(const Vector& w) const;

  std::shared_ptr<const HamiltonianSystem> system_;
  std::vector<int> indices_;
};

}  // namespace echolab

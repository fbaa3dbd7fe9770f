#pragma once

#include <Eigen/Core>

#include "physics/hamiltonian_system.h"

namespace echolab {

/// The nonlinear Hamiltonian recurrent unit of Pourcel & Ernoult (2025):
///
///   H = Σ_i p_i² / 2 + (α/2) Σ_i q_i² + Σ_i log cosh(z_i) / a_i,
///   z_i = a_i q_i + (B u)_i + b_i,
///
/// n units with unit masses and m inputs entering through the n × m matrix B.
/// The force on unit i, -α q_i - tanh(z_i), is a restoring spring plus a
/// saturating nonlinearity. All quantities are dimensionless (a learning unit,
/// not a physical device).
///
/// Parameter vector θ (names 1-based):
///   alpha, then a_1..a_n (nonzero slopes), then b_1..b_n (biases), then the
///   entries of B row by row, B_i_c for unit i and input channel c.
class LogCoshNetwork final : public HamiltonianSystem {
 public:
  LogCoshNetwork(int num_units, int num_inputs);

  /// Assembles θ from α, the slopes a (n), the biases b (n) and the input
  /// matrix B (n × m). Throws InputError on wrong sizes.
  Vector MakeParameters(double alpha, const Vector& slopes, const Vector& biases,
                        const Eigen::MatrixXd& input_matrix) const;

 private:
  void DoValidateParameters(const Vector& theta) const override;
  double DoKineticEnergy(const Vector& p, const Vector& theta) const override;
  double DoPotentialEnergy(const Vector& q, const Vector& theta, const Vector& u) const override;
  void DoKineticGradient(const Vector& p, const Vector& theta, Vector* out) const override;
  void DoPotentialGradient(const Vector& q, const Vector& theta, const Vector& u,
                           Vector* out) const override;
  void DoKineticHessianProduct(const Vector& p, const Vector& theta, const Vector& v,
                               Vector* out) const override;
  void DoPotentialHessianProduct(const Vector& q, const Vector& theta, const Vector& u,
                                 const Vector& v, Vector* out) const override;
  void DoKineticParameterGradient(const Vector& p, const Vector& theta, Vector* out) const override;
  void DoPotentialParameterGradient(const Vector& q, const Vector& theta, const Vector& u,
                                    Vector* out) const override;
  void DoKineticMixedProduct(const Vector& p, const Vector& theta, const Vector& v,
                             Vector* out) const override;
  void DoPotentialMixedProduct(const Vector& q, const Vector& theta, const Vector& u,
                               const Vector& v, Vector* out) const override;
  void DoInputGradient(const Vector& q, const Vector& theta, const Vector& u,
                       Vector* out) const override;
  void DoInputMixedProduct(const Vector& q, const Vector& theta, const Vector& u, const Vector& v,
                           Vector* out) const override;
  std::optional<Vector> DoDiagonalMasses(const Vector& theta) const override;

  using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  // Views of the slopes a, the biases b and the input matrix B inside θ.
  Eigen::Map<const Vector> Slopes(const Vector& theta) const;
  Eigen::Map<const Vector> Biases(const Vector& theta) const;
  Eigen::Map<const RowMajorMatrix> InputMatrix(const Vector& theta) const;
  // The preactivations z = a ⊙ q + B u + b.
  Vector Preactivations(const Vector& q, const Vector& theta, const Vector& u) const;

  int slope_offset_;         // index in θ of a_1
  int bias_offset_;          // index in θ of b_1
  int input_matrix_offset_;  // index in θ of B_1_1
};

}  // namespace echolab

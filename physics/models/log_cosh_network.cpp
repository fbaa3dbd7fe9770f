#include "physics/models/log_cosh_network.h"

#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "common/error.h"

namespace echolab {
namespace {

std::vector<std::string> LogCoshParameterNames(int num_units, int num_inputs) {
  std::vector<std::string> names = {"alpha"};
  for (int i = 0; i < num_units; ++i) names.push_back(fmt::format("a_{}", i + 1));
  for (int i = 0; i < num_units; ++i) names.push_back(fmt::format("b_{}", i + 1));
  for (int i = 0; i < num_units; ++i) {
    for (int c = 0; c < num_inputs; ++c) names.push_back(fmt::format("B_{}_{}", i + 1, c + 1));
  }
  return names;
}

// log cosh z = |z| + log(1 + e^(-2|z|)) - log 2, free of overflow for large |z|.
double LogCosh(double z) {
  const double abs_z = std::abs(z);
  return abs_z + std::log1p(std::exp(-2.0 * abs_z)) - std::numbers::ln2;
}

// sech² z = 4 e^(-2|z|) / (1 + e^(-2|z|))², accurate to the last digit even where
// 1 - tanh² z cancels to zero (|z| > 19).
double SechSquared(double z) {
  const double decay = std::exp(-2.0 * std::abs(z));
  return 4.0 * decay / ((1.0 + decay) * (1.0 + decay));
}

Vector ElementwiseTanh(const Vector& z) { return z.array().tanh(); }

Vector ElementwiseSechSquared(const Vector& z) {
  return z.unaryExpr([](double value) { return SechSquared(value); });
}

}  // namespace

LogCoshNetwork::LogCoshNetwork(int num_units, int num_inputs)
    : HamiltonianSystem(num_units, num_inputs, LogCoshParameterNames(num_units, num_inputs)),
      slope_offset_(1),
      bias_offset_(1 + num_units),
      input_matrix_offset_(1 + 2 * num_units) {}

Vector LogCoshNetwork::MakeParameters(double alpha, const Vector& slopes, const Vector& biases,
                                      const Eigen::MatrixXd& input_matrix) const {
  const int n = num_dof();
  if (slopes.size() != n) {
    throw InputError(
        fmt::format("log-cosh network: {} slopes a given, expected {}", slopes.size(), n));
  }
  if (biases.size() != n) {
    throw InputError(
        fmt::format("log-cosh network: {} biases b given, expected {}", biases.size(), n));
  }
  if (input_matrix.rows() != n || input_matrix.cols() != num_inputs()) {
    throw InputError(fmt::format("log-cosh network: input matrix B is {}x{}, expected {}x{}",
                                 input_matrix.rows(), input_matrix.cols(), n, num_inputs()));
  }
  Vector theta(num_params());
  theta[0] = alpha;
  theta.segment(slope_offset_, n) = slopes;
  theta.segment(bias_offset_, n) = biases;
  Eigen::Map<RowMajorMatrix>(theta.data() + input_matrix_offset_, n, num_inputs()) = input_matrix;
  return theta;
}

void LogCoshNetwork::DoValidateParameters(const Vector& theta) const {
  const auto slopes = Slopes(theta);
  for (int i = 0; i < num_dof(); ++i) {
    if (slopes[i] == 0.0) {
      throw InputError(fmt::format(
          "parameter a_{} (slope) is 0, expected a nonzero slope (log cosh is divided by it)",
          i + 1));
    }
  }
}

Eigen::Map<const Vector> LogCoshNetwork::Slopes(const Vector& theta) const {
  return Eigen::Map<const Vector>(theta.data() + slope_offset_, num_dof());
}

Eigen::Map<const Vector> LogCoshNetwork::Biases(const Vector& theta) const {
  return Eigen::Map<const Vector>(theta.data() + bias_offset_, num_dof());
}

Eigen::Map<const LogCoshNetwork::RowMajorMatrix> LogCoshNetwork::InputMatrix(
    const Vector& theta) const {
  return Eigen::Map<const RowMajorMatrix>(theta.data() + input_matrix_offset_, num_dof(),
                                          num_inputs());
}

// z = a ⊙ q + B u + b
Vector LogCoshNetwork::Preactivations(const Vector& q, const Vector& theta, const Vector& u) const {
  return Slopes(theta).cwiseProduct(q) + InputMatrix(theta) * u + Biases(theta);
}

// T = |p|² / 2
double LogCoshNetwork::DoKineticEnergy(const Vector& p, const Vector&) const {
  return 0.5 * p.squaredNorm();
}

// V = (α/2) |q|² + Σ_i log cosh(z_i) / a_i
double LogCoshNetwork::DoPotentialEnergy(const Vector& q, const Vector& theta,
                                         const Vector& u) const {
  const Vector z = Preactivations(q, theta, u);
  const auto slopes = Slopes(theta);
  double energy = 0.5 * theta[0] * q.squaredNorm();
  for (int i = 0; i < num_dof(); ++i) energy += LogCosh(z[i]) / slopes[i];
  return energy;
}

// ∂T/∂p = p
void LogCoshNetwork::DoKineticGradient(const Vector& p, const Vector&, Vector* out) const {
  *out = p;
}

// ∂V/∂q_i = α q_i + tanh z_i
void LogCoshNetwork::DoPotentialGradient(const Vector& q, const Vector& theta, const Vector& u,
                                         Vector* out) const {
  *out = theta[0] * q + ElementwiseTanh(Preactivations(q, theta, u));
}

// ∂²T/∂p² v = v
void LogCoshNetwork::DoKineticHessianProduct(const Vector&, const Vector&, const Vector& v,
                                             Vector* out) const {
  *out = v;
}

// ∂²V/∂q² v = (α + a ⊙ sech² z) ⊙ v
void LogCoshNetwork::DoPotentialHessianProduct(const Vector& q, const Vector& theta,
                                               const Vector& u, const Vector& v,
                                               Vector* out) const {
  const Vector sech_squared = ElementwiseSechSquared(Preactivations(q, theta, u));
  *out = ((theta[0] + Slopes(theta).array() * sech_squared.array()) * v.array()).matrix();
}

// ∂T/∂θ = 0: T has no parameters (*out arrives zeroed).
void LogCoshNetwork::DoKineticParameterGradient(const Vector&, const Vector&, Vector*) const {}

// ∂V/∂α = |q|²/2,  ∂V/∂a_i = tanh(z_i) q_i / a_i - log cosh(z_i) / a_i²,
// ∂V/∂b_i = tanh(z_i) / a_i,  ∂V/∂B_ic = tanh(z_i) u_c / a_i
void LogCoshNetwork::DoPotentialParameterGradient(const Vector& q, const Vector& theta,
                                                  const Vector& u, Vector* out) const {
  const int n = num_dof();
  const Vector z = Preactivations(q, theta, u);
  const auto slopes = Slopes(theta);
  const Vector tanh_over_slope = ElementwiseTanh(z).cwiseQuotient(slopes);
  (*out)[0] = 0.5 * q.squaredNorm();
  for (int i = 0; i < n; ++i) {
    (*out)[slope_offset_ + i] = tanh_over_slope[i] * q[i] - LogCosh(z[i]) / (slopes[i] * slopes[i]);
  }
  out->segment(bias_offset_, n) = tanh_over_slope;
  Eigen::Map<RowMajorMatrix>(out->data() + input_matrix_offset_, n, num_inputs()) =
      tanh_over_slope * u.transpose();
}

// (∂θ ∇p T)ᵀ v = 0: T has no parameters (*out arrives zeroed).
void LogCoshNetwork::DoKineticMixedProduct(const Vector&, const Vector&, const Vector&,
                                           Vector*) const {}

// (∂θ ∇q V)ᵀ v: α -> qᵀ v,  a_i -> sech²(z_i) q_i v_i,  b_i -> sech²(z_i) v_i,
// B_ic -> sech²(z_i) u_c v_i
void LogCoshNetwork::DoPotentialMixedProduct(const Vector& q, const Vector& theta, const Vector& u,
                                             const Vector& v, Vector* out) const {
  const int n = num_dof();
  const Vector weighted_v = ElementwiseSechSquared(Preactivations(q, theta, u)).cwiseProduct(v);
  (*out)[0] = q.dot(v);
  out->segment(slope_offset_, n) = weighted_v.cwiseProduct(q);
  out->segment(bias_offset_, n) = weighted_v;
  Eigen::Map<RowMajorMatrix>(out->data() + input_matrix_offset_, n, num_inputs()) =
      weighted_v * u.transpose();
}

// ∂V/∂u_c = Σ_i tanh(z_i) B_ic / a_i
void LogCoshNetwork::DoInputGradient(const Vector& q, const Vector& theta, const Vector& u,
                                     Vector* out) const {
  const Vector tanh_over_slope =
      ElementwiseTanh(Preactivations(q, theta, u)).cwiseQuotient(Slopes(theta));
  *out = InputMatrix(theta).transpose() * tanh_over_slope;
}

// (∂u ∇q V)ᵀ v = Σ_i v_i sech²(z_i) B_ic
void LogCoshNetwork::DoInputMixedProduct(const Vector& q, const Vector& theta, const Vector& u,
                                         const Vector& v, Vector* out) const {
  const Vector weighted_v = ElementwiseSechSquared(Preactivations(q, theta, u)).cwiseProduct(v);
  *out = InputMatrix(theta).transpose() * weighted_v;
}

std::optional<Vector> LogCoshNetwork::DoDiagonalMasses(const Vector&) const {
  return Vector(Vector::Ones(num_dof()));
}

}  // namespace echolab

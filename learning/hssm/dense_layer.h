#pragma once

#include <Eigen/Dense>
#include <random>
#include <string>
#include <vector>

namespace echolab {

/// y = W x + b on every column (one column per time step and sequence). Its parameters live
/// in the model's flat vector from `offset`: W (outputs × inputs, column-major), then b.
class DenseLayer {
 public:
  DenseLayer(int offset, int inputs, int outputs);

  int inputs() const { return inputs_; }
  int outputs() const { return outputs_; }
  int ParameterCount() const { return outputs_ * (inputs_ + 1); }
  /// "prefix.W[i,j]" and "prefix.b[i]".
  void AppendParameterNames(const std::string& prefix, std::vector<std::string>& names) const;
  /// W and b ~ U[−1/√inputs, 1/√inputs].
  void Initialise(Eigen::VectorXd& theta, std::mt19937_64& rng) const;

  void Forward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& x, Eigen::MatrixXd& y) const;
  /// grad += (dL/dW = dy xᵀ, dL/db = Σ dy); dx = Wᵀ dy when asked for.
  void Backward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& x, const Eigen::MatrixXd& dy,
                Eigen::MatrixXd* dx, Eigen::VectorXd& grad) const;

 private:
  int offset_;
  int inputs_;
  int outputs_;
};

}  // namespace echolab

#pragma once

// A sequence model with a closed-form loss and gradient, for testing training
// apart from any substrate: the prediction is θᵀ m, m the time-mean of the
// inputs, fitted to the single target row by squared error.

#include <fmt/format.h>

#include <random>

#include "common/error.h"
#include "learning/training/sequence_model.h"

namespace echolab::testing {

class ToySequenceModel final : public SequenceModel {
 public:
  /// gradient_sign = -1 reports the negated gradient, so that training ascends.
  explicit ToySequenceModel(int channels, double gradient_sign = 1.0)
      : theta_(Eigen::VectorXd::Zero(channels)), gradient_sign_(gradient_sign) {}

  const Eigen::VectorXd& Parameters() const override { return theta_; }
  void SetParameters(const Eigen::VectorXd& theta) override {
    if (theta.size() != theta_.size()) throw InputError("toy model: wrong size");
    theta_ = theta;
  }
  std::vector<std::string> ParameterNames() const override {
    std::vector<std::string> names;
    for (Eigen::Index i = 0; i < theta_.size(); ++i) names.push_back(fmt::format("w{}", i));
    return names;
  }
  // L = mean over the batch of (θᵀ m - y)², dL/dθ = mean of 2 (θᵀ m - y) m.
  SequenceEvaluation Evaluate(const std::vector<const SequenceExample*>& batch,
                              const SequenceEvaluationOptions& options) const override {
    SequenceEvaluation result{.examples = static_cast<int>(batch.size()),
                              .gradient = Eigen::VectorXd::Zero(theta_.size())};
    for (const SequenceExample* example : batch) {
      const Eigen::VectorXd mean = example->inputs.colwise().mean().transpose();
      const double residual = theta_.dot(mean) - example->targets(0, 0);
      result.loss += residual * residual / result.examples;
      if (options.compute_gradient) {
        result.gradient += gradient_sign_ * 2.0 * residual * mean / result.examples;
      }
    }
    result.metric = result.loss;
    return result;
  }

 private:
  Eigen::VectorXd theta_;
  double gradient_sign_;
};

/// Sequences of 8 steps on two channels with target y = 0.7 m_1 - 0.3 m_2.
inline SequenceDataset ToyRegressionDataset(int sequences, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  SequenceDataset dataset{.name = "toy",
                          .kind = SequenceTaskKind::kRegression,
                          .input_channels = 2,
                          .output_channels = 1};
  for (int k = 0; k < sequences; ++k) {
    SequenceExample example{.inputs = Eigen::MatrixXd(8, 2), .targets = Eigen::MatrixXd(1, 1)};
    for (Eigen::Index i = 0; i < example.inputs.size(); ++i)
      example.inputs.data()[i] = normal(random);
    const Eigen::VectorXd mean = example.inputs.colwise().mean().transpose();
    example.targets(0, 0) = 0.7 * mean[0] - 0.3 * mean[1];
    dataset.examples.push_back(std::move(example));
  }
  return dataset;
}

}  // namespace echolab::testing

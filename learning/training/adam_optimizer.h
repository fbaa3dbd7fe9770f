#pragma once

#include <Eigen/Dense>

namespace echolab {

/// Settings of Adam (Kingma and Ba, 2015).
struct AdamOptions {
  double learning_rate = 1e-3;
  double beta1 = 0.9;    // decay of the first-moment average
  double beta2 = 0.999;  // decay of the second-moment average
  double epsilon = 1e-8;

  /// Throws InputError naming the first invalid field and what was expected.
  void Validate() const;
};

/// What Adam carries from step to step: the moment averages and the number of
/// steps taken (for the bias correction).
struct AdamMoments {
  Eigen::VectorXd first;
  Eigen::VectorXd second;
  long steps = 0;
};

/// Adam on a flat parameter vector.
class AdamOptimizer {
 public:
  AdamOptimizer(AdamOptions options, Eigen::Index size);

  /// Parameters with a learning rate of their own (the others keep
  /// options.learning_rate); throws InputError for an index outside θ or a
  /// rate that is not positive.
  void SetLearningRate(const std::vector<int>& indices, double learning_rate);

  /// One step against the gradient g, updating *theta in place.
  void Step(const Eigen::VectorXd& gradient, Eigen::VectorXd* theta);

  const AdamMoments& moments() const { return moments_; }
  /// Continues from saved moments; throws InputError when their size differs.
  void Restore(AdamMoments moments);

 private:
  AdamOptions options_;
  Eigen::VectorXd learning_rates_;  // η per parameter
  AdamMoments moments_;
};

}  // namespace echolab

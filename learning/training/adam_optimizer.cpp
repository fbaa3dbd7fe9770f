#include "learning/training/adam_optimizer.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"

namespace echolab {

void AdamOptions::Validate() const {
  const auto check = [](bool ok, const char* field, const char* expected, double value) {
    if (!ok) throw InputError(fmt::format("adam.{}: expected {}, got {}", field, expected, value));
  };
  check(learning_rate > 0.0 && std::isfinite(learning_rate), "learning_rate", "a positive number",
        learning_rate);
  check(beta1 >= 0.0 && beta1 < 1.0, "beta1", "a number in [0, 1)", beta1);
  check(beta2 >= 0.0 && beta2 < 1.0, "beta2", "a number in [0, 1)", beta2);
  check(epsilon > 0.0 && std::isfinite(epsilon), "epsilon", "a positive number", epsilon);
}

AdamOptimizer::AdamOptimizer(AdamOptions options, Eigen::Index size) : options_(options) {
  options_.Validate();
  learning_rates_ = Eigen::VectorXd::Constant(size, options_.learning_rate);
  moments_.first = Eigen::VectorXd::Zero(size);
  moments_.second = Eigen::VectorXd::Zero(size);
}

void AdamOptimizer::SetLearningRate(const std::vector<int>& indices, double learning_rate) {
  if (!(learning_rate > 0.0) || !std::isfinite(learning_rate)) {
    throw InputError(fmt::format("adam: expected a positive learning rate, got {}", learning_rate));
  }
  for (int index : indices) {
    if (index < 0 || index >= learning_rates_.size()) {
      throw InputError(fmt::format("adam: parameter index {} is outside 0..{}", index,
                                   learning_rates_.size() - 1));
    }
    learning_rates_[index] = learning_rate;
  }
}

void AdamOptimizer::Step(const Eigen::VectorXd& gradient, Eigen::VectorXd* theta) {
  if (gradient.size() != moments_.first.size() || theta->size() != moments_.first.size()) {
    throw InputError(
        fmt::format("Adam step: expected a gradient and parameters of size {}, got {} "
                    "and {}",
                    moments_.first.size(), gradient.size(), theta->size()));
  }
  const AdamOptions& o = options_;
  ++moments_.steps;
  // m ← β1 m + (1 - β1) g,   v ← β2 v + (1 - β2) g²
  moments_.first = o.beta1 * moments_.first + (1.0 - o.beta1) * gradient;
  moments_.second = o.beta2 * moments_.second + (1.0 - o.beta2) * gradient.cwiseAbs2();
  // θ ← θ - η ⊙ m̂ / (√v̂ + ε),   m̂ = m / (1 - β1^t),   v̂ = v / (1 - β2^t)
  const double t = static_cast<double>(moments_.steps);
  const double first_correction = 1.0 - std::pow(o.beta1, t);
  const double second_correction = 1.0 - std::pow(o.beta2, t);
  const Eigen::VectorXd first_unbiased = moments_.first / first_correction;
  const Eigen::VectorXd second_unbiased = moments_.second / second_correction;
  theta->array() -= learning_rates_.array() * first_unbiased.array() /
                    (second_unbiased.array().sqrt() + o.epsilon);
}

void AdamOptimizer::Restore(AdamMoments moments) {
  const Eigen::Index size = moments_.first.size();
  if (moments.first.size() != size || moments.second.size() != size || moments.steps < 0) {
    throw InputError(fmt::format(
        "Adam moments: expected {} first and second moments and a non-negative step count, got "
        "{}, {} and {}",
        size, moments.first.size(), moments.second.size(), moments.steps));
  }
  moments_ = std::move(moments);
}

}  // namespace echolab

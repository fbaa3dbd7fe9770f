#include "learning/finite_difference_gradient.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "learning/detail/discrete_pass.h"
#include "physics/error.h"

namespace echolab {
namespace {

// Runs the forward pass of a perturbed copy of the problem.
class DiscreteLossEvaluator {
 public:
  DiscreteLossEvaluator(const GradientProblem& problem, std::vector<double> weights)
      : problem_(problem), weights_(std::move(weights)), grid_(detail::MakeStepGrid(problem)) {}

  double Loss(const GradientProblem& perturbed) {
    const detail::DiscreteForwardPass pass =
        detail::RunDiscreteForward(perturbed, grid_, weights_, {});
    ++passes_;
    steps_ += pass.steps;
    if (pass.status != SolveStatus::kSuccess) {
      throw SolverError(fmt::format("a perturbed pass failed: {}", pass.message));
    }
    return pass.loss;
  }

  // [L(v + ε e_i) - L(v - ε e_i)] / (2ε) for the entry *value of a copy.
  template <typename Perturb>
  double CentralDifference(double epsilon, const Perturb& perturb) {
    GradientProblem plus = problem_, minus = problem_;
    perturb(&plus, +epsilon);
    perturb(&minus, -epsilon);
    return (Loss(plus) - Loss(minus)) / (2.0 * epsilon);
  }

  const detail::StepGrid& grid() const { return grid_; }
  int passes() const { return passes_; }
  long steps() const { return steps_; }

 private:
  const GradientProblem& problem_;
  std::vector<double> weights_;
  detail::StepGrid grid_;
  int passes_ = 0;
  long steps_ = 0;
};

}  // namespace

FiniteDifferenceGradient::FiniteDifferenceGradient(double relative_step)
    : relative_step_(relative_step) {
  if (!(relative_step > 0.0)) {
    throw InputError(
        fmt::format("finite differences: the relative step must be > 0, got {}", relative_step));
  }
}

GradientResult FiniteDifferenceGradient::DoCompute(const GradientProblem& problem) const {
  if (!problem.forward.noise.is_zero()) {
    throw InputError("noise: finite differences need a deterministic pass");
  }
  DiscreteLossEvaluator evaluator(problem,
                                  detail::CompositionWeightsOf(problem.integrator.scheme, name()));
  GradientResult result;
  try {
    result.loss = evaluator.Loss(problem);
    const Vector& theta = problem.forward.theta;
    result.dL_dtheta.resize(theta.size());
    for (Eigen::Index i = 0; i < theta.size(); ++i) {
      const double epsilon = relative_step_ * (theta[i] != 0.0 ? std::abs(theta[i]) : 1.0);
      result.dL_dtheta[i] = evaluator.CentralDifference(
          epsilon, [i](GradientProblem* copy, double e) { copy->forward.theta[i] += e; });
    }
    const PhaseState& x0 = problem.forward.initial_state;
    result.dL_dx0 = {Vector(x0.q.size()), Vector(x0.p.size())};
    for (Eigen::Index i = 0; i < x0.q.size(); ++i) {
      const double eq = relative_step_ * std::max(std::abs(x0.q[i]), 1.0);
      result.dL_dx0.q[i] = evaluator.CentralDifference(
          eq, [i](GradientProblem* copy, double e) { copy->forward.initial_state.q[i] += e; });
      const double ep = relative_step_ * std::max(std::abs(x0.p[i]), 1.0);
      result.dL_dx0.p[i] = evaluator.CentralDifference(
          ep, [i](GradientProblem* copy, double e) { copy->forward.initial_state.p[i] += e; });
    }
  } catch (const SolverError& error) {
    result.status = SolveStatus::kNonFiniteState;
    result.message = error.what();
  }
  result.passes = evaluator.passes();
  result.steps = evaluator.steps();
  return result;
}

}  // namespace echolab

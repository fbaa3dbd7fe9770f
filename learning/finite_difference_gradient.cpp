#include "learning/finite_difference_gradient.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "learning/detail/discrete_pass.h"
#include "learning/detail/sampled_pass_loss.h"
#include "physics/integrator.h"

namespace echolab {
namespace {

// Runs the forward pass of a perturbed copy of the problem: the discrete loss
// of a symmetric composition scheme, or, on baoab, the sampled loss of the
// pass with the problem's noise seed (common random numbers, so that the
// differences are the pathwise derivative of that realisation).
class DiscreteLossEvaluator {
 public:
  DiscreteLossEvaluator(const GradientProblem& problem, const std::string& method)
      : problem_(problem),
        stochastic_(MakeIntegrator(problem.integrator.scheme)->traits().stochastic) {
    if (!stochastic_) {
      weights_ = detail::CompositionWeightsOf(problem.integrator.scheme, method);
      grid_ = detail::MakeStepGrid(problem);
    }
  }

  double Loss(const GradientProblem& perturbed) {
    ++passes_;
    if (stochastic_) return detail::SampledPassLoss(perturbed, &steps_);
    const detail::DiscreteForwardPass pass = detail::RunDiscreteForward(
        perturbed, grid_, weights_, {.measure_energy = problem_.measure_device_energy});
    steps_ += pass.steps;
    energy_ += pass.energy;
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

  int passes() const { return passes_; }
  long steps() const { return steps_; }
  // Every perturbed pass runs on the device after a reset; the energy is
  // measured on the fixed-step grid only.
  HardwareCost Cost() const {
    HardwareCost cost;
    cost.hardware_passes = passes_;
    cost.resets = passes_;
    cost.has_energy = problem_.measure_device_energy && !stochastic_;
    if (cost.has_energy) cost.energy = energy_;
    return cost;
  }

 private:
  const GradientProblem& problem_;
  bool stochastic_;
  std::vector<double> weights_;
  detail::StepGrid grid_;
  int passes_ = 0;
  long steps_ = 0;
  DeviceEnergy energy_;
};

// dL/dx0 by central differences, ε = relative_step × max(|x0_i|, s_i), with
// s_i the component's scale (GradientProblem::scales), or 1 without scales.
void DifferentiateInitialState(const GradientProblem& problem, double relative_step,
                               DiscreteLossEvaluator* evaluator, GradientResult* result) {
  const PhaseState& x0 = problem.forward.initial_state;
  const bool scaled = !problem.scales.empty();
  const auto scale = [&](const Vector& of_half, Eigen::Index i) {
    return scaled ? of_half[i] : 1.0;
  };
  result->dL_dx0 = {Vector(x0.q.size()), Vector(x0.p.size())};
  for (Eigen::Index i = 0; i < x0.q.size(); ++i) {
    const double eq = relative_step * std::max(std::abs(x0.q[i]), scale(problem.scales.state.q, i));
    result->dL_dx0.q[i] = evaluator->CentralDifference(
        eq, [i](GradientProblem* copy, double e) { copy->forward.initial_state.q[i] += e; });
    const double ep = relative_step * std::max(std::abs(x0.p[i]), scale(problem.scales.state.p, i));
    result->dL_dx0.p[i] = evaluator->CentralDifference(
        ep, [i](GradientProblem* copy, double e) { copy->forward.initial_state.p[i] += e; });
  }
}

}  // namespace

FiniteDifferenceGradient::FiniteDifferenceGradient(double relative_step, bool with_initial_state)
    : relative_step_(relative_step), with_initial_state_(with_initial_state) {
  if (!(relative_step > 0.0)) {
    throw InputError(
        fmt::format("finite differences: the relative step must be > 0, got {}", relative_step));
  }
}

// A symmetric composition (the derivative of the discrete loss) or a
// stochastic scheme, whose perturbed passes keep the noise realisation
// (baoab draws the same normal numbers from the same seed whatever θ and x0
// are): the pathwise derivative.
bool FiniteDifferenceGradient::SupportsScheme(const SchemeTraits& traits) const {
  return !traits.composition_weights.empty() || traits.stochastic;
}

void FiniteDifferenceGradient::DoCheckSupport(const GradientProblem& problem) const {
  if (!problem.forward.noise.is_zero() &&
      !MakeIntegrator(problem.integrator.scheme)->traits().stochastic) {
    throw InputError(fmt::format(
        "noise: finite differences with thermal noise run a stochastic scheme ({}: the "
        "pathwise derivative of one realisation), not '{}'",
        fmt::join(SchemeNamesWhere([](const SchemeTraits& t) { return t.stochastic; }), ", "),
        problem.integrator.scheme));
  }
}

GradientResult FiniteDifferenceGradient::DoCompute(const GradientProblem& problem) const {
  DiscreteLossEvaluator evaluator(problem, name());
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
    if (with_initial_state_) {
      DifferentiateInitialState(problem, relative_step_, &evaluator, &result);
    }
  } catch (const SolverError& error) {
    result.status = SolveStatus::kNonFiniteState;
    result.message = error.what();
  }
  result.passes = evaluator.passes();
  result.steps = evaluator.steps();
  result.cost = evaluator.Cost();
  return result;
}

}  // namespace echolab

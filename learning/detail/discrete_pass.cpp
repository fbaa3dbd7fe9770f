#include "learning/detail/discrete_pass.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "common/error.h"
#include "learning/detail/parameter_readout.h"
#include "physics/integrator.h"
#include "physics/stability_guard.h"

namespace echolab::detail {

double StepGrid::Weight(long k) const {
  const long from_end = std::min(k, num_steps - k);
  if (num_steps < 6) return from_end == 0 ? 0.5 * step_s : step_s;
  static constexpr double kGregoryEnds[] = {3.0 / 8.0, 7.0 / 6.0, 23.0 / 24.0};
  return from_end < 3 ? kGregoryEnds[from_end] * step_s : step_s;
}

StepGrid MakeStepGrid(const GradientProblem& problem) {
  if (!(problem.integrator.step_s > 0.0)) {
    throw InputError(fmt::format("integrator.step_s must be > 0 for a fixed-step gradient, got {}",
                                 problem.integrator.step_s));
  }
  StepGrid grid;
  grid.num_steps = FixedStepIntegrator::NumSteps(
      problem.forward.duration_s, problem.integrator.step_s, problem.integrator.max_steps);
  grid.step_s = problem.forward.duration_s / static_cast<double>(grid.num_steps);
  return grid;
}

IntegratorOptions GridOptions(const GradientProblem& problem, const StepGrid& grid) {
  IntegratorOptions options = problem.integrator;
  options.step_s = grid.step_s;
  return options;
}

namespace {

std::vector<double> WeightsOf(const std::string& scheme) {
  return MakeIntegrator(scheme)->traits().composition_weights;
}

}  // namespace

bool IsCompositionScheme(const std::string& scheme) { return !WeightsOf(scheme).empty(); }

std::vector<double> CompositionWeightsOf(const std::string& scheme, const std::string& method) {
  std::vector<double> weights = WeightsOf(scheme);
  if (weights.empty()) {
    throw InputError(fmt::format(
        "integrator.scheme: the {} method replays a symmetric composition scheme step by step; "
        "'{}' is not one: use one of {}",
        method, scheme, fmt::join(CompositionSchemeNames(), ", ")));
  }
  return weights;
}

namespace {

// Adds c l(x, t) to the loss and c ∂l/∂θ(x, t) to the direct term.
void AccumulateRunningLoss(const Loss& loss, const PhaseState& x, double t_s, double weight,
                           const Vector& theta, DiscreteForwardPass* pass) {
  pass->loss += weight * loss.Running(x, t_s, theta);
  if (!loss.has_direct_parameter_term()) return;
  Vector direct;
  loss.RunningParameterGradient(x, t_s, theta, &direct);
  pass->direct_parameter_gradient += weight * direct;
}

}  // namespace

DiscreteForwardPass RunDiscreteForward(const GradientProblem& problem, const StepGrid& grid,
                                       const std::vector<double>& weights,
                                       const DiscreteForwardOptions& options) {
  const SimulationProblem& forward = problem.forward;
  const Loss& loss = *problem.loss;
  DiscreteForwardPass pass;
  pass.direct_parameter_gradient = Vector::Zero(forward.system->num_params());
  pass.half_step_energy_gradient = Vector::Zero(forward.system->num_params());

  CompositionStepper stepper(forward, weights);
  if (options.accumulate_half_step_energy) {
    stepper.AccumulateHalfStepParameterGradient(&pass.half_step_energy_gradient);
  }
  Vector gradient, scratch;
  const bool track = options.record_parameter_gradient_range || options.measure_energy;
  double total_weight_s = 0.0;  // Σ |τ_k|
  const auto track_range = [&](const SymmetricSplitting::Record& record) {
    HalfStepParameterGradient(forward, record, &gradient, &scratch);
    pass.parameter_gradient_range = pass.parameter_gradient_range.cwiseMax(gradient.cwiseAbs());
    // The smallest nonzero magnitude: an exact zero needs no resolution.
    const auto magnitude = gradient.array().abs();
    pass.parameter_gradient_floor =
        pass.parameter_gradient_floor.array().min((magnitude > 0.0).select(magnitude, HUGE_VAL));
    // Σ |τ_k| |∂θH_half|, divided by Σ |τ_k| at the end: the mean magnitude.
    pass.parameter_gradient_mean_abs += std::abs(record.tau_s) * gradient.cwiseAbs();
    total_weight_s += std::abs(record.tau_s);
  };
  if (track) {
    const int num_params = forward.system->num_params();
    pass.parameter_gradient_range = Vector::Zero(num_params);
    pass.parameter_gradient_floor = Vector::Constant(num_params, HUGE_VAL);
    pass.parameter_gradient_mean_abs = Vector::Zero(num_params);
  }
  std::optional<PassEnergyLedger> ledger;
  if (options.measure_energy) {
    ledger.emplace(forward, grid.step_s);
    ledger->Start(forward.start_time_s, forward.initial_state);
  }
  StabilityGuard guard(forward, GridOptions(problem, grid));
  PhaseState x = forward.initial_state;
  if (options.store_states) pass.states.reserve(static_cast<size_t>(grid.num_steps) + 1);
  for (long k = 0;; ++k) {
    if (!IsFinite(x)) {
      pass.status = SolveStatus::kNonFiniteState;
      pass.message = fmt::format(
          "the forward pass became non-finite by t = {:.6g} s; the substrate is unstable or the "
          "step too large",
          grid.Time(k));
      return pass;
    }
    if ((k % kGuardCheckSteps == 0 || k == grid.num_steps) &&
        !guard.Check(forward.start_time_s + grid.Time(k), x)) {
      pass.status = SolveStatus::kEnergyGrowth;
      pass.message = "the forward pass stopped: " + guard.message();
      return pass;
    }
    if (options.store_states) pass.states.push_back(x);
    AccumulateRunningLoss(loss, x, grid.Time(k), grid.Weight(k), forward.theta, &pass);
    if (ledger) ledger->AddGridPoint(grid.Weight(k), forward.start_time_s + grid.Time(k), x);
    if (k == grid.num_steps) break;
    if (track) {
      stepper.Step(forward.start_time_s + grid.Time(k), grid.step_s, &x, track_range);
    } else {
      stepper.Step(forward.start_time_s + grid.Time(k), grid.step_s, &x);
    }
    ++pass.steps;
  }
  Vector terminal;
  pass.loss += loss.Terminal(x, forward.theta);
  loss.TerminalParameterGradient(x, forward.theta, &terminal);
  pass.direct_parameter_gradient += terminal;
  if (ledger) ledger->Finish(forward.end_time_s(), x, &pass.energy);
  if (track) {
    // A parameter whose integrand was zero at every kick: floor 0.
    pass.parameter_gradient_floor =
        pass.parameter_gradient_floor.cwiseMin(pass.parameter_gradient_range);
    if (total_weight_s > 0.0) pass.parameter_gradient_mean_abs /= total_weight_s;
  }
  pass.final_state = std::move(x);
  return pass;
}

PhaseState Swap(const PhaseState& x) { return PhaseState{x.p, x.q}; }

}  // namespace echolab::detail

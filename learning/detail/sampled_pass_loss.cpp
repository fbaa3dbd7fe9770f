#include "learning/detail/sampled_pass_loss.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.h"
#include "physics/integrator.h"
#include "physics/step_count.h"

namespace echolab::detail {

// Composite Simpson weights on M + 1 (M even) samples of spacing Δ:
//   Δ/3 × (1, 4, 2, 4, ..., 2, 4, 1).
double SimpsonWeight(long j, long intervals, double spacing_s) {
  if (j == 0 || j == intervals) return spacing_s / 3.0;
  return (j % 2 == 1 ? 4.0 : 2.0) * spacing_s / 3.0;
}

// An even number of sample intervals of spacing ≈ step_s over T.
long SampleIntervals(double duration_s, double step_s, long max_steps) {
  if (!(step_s > 0.0)) {
    throw InputError(fmt::format(
        "integrator.step_s must be > 0 for an echo on an adaptive scheme (it sets the spacing of "
        "the samples of the sums), got {}",
        step_s));
  }
  const long intervals = CountIntervals(duration_s, step_s, max_steps, "integrator.step_s");
  return std::max(2L, intervals + intervals % 2);
}

double SampledPassLoss(const GradientProblem& problem, long* steps) {
  const SimulationProblem& pass = problem.forward;
  const Loss& loss = *problem.loss;
  const long intervals =
      SampleIntervals(pass.duration_s, problem.integrator.step_s, problem.integrator.max_steps);
  const double spacing_s = pass.duration_s / static_cast<double>(intervals);
  IntegratorOptions sampled = problem.integrator;
  sampled.output_interval_s = spacing_s;
  sampled.record_states = false;
  double running_loss = 0.0;
  long j = 0;
  const Observer observe = [&](double, const PhaseState& x) {
    const double t = static_cast<double>(j) * spacing_s;
    running_loss += SimpsonWeight(j, intervals, spacing_s) * loss.Running(x, t, pass.theta);
    ++j;
  };
  const Trajectory trajectory = Simulate(pass, sampled, observe);
  *steps += trajectory.stats.steps;
  if (!trajectory.ok()) throw SolverError("a perturbed pass failed: " + trajectory.message);
  return running_loss + loss.Terminal(trajectory.final_state, pass.theta);
}

}  // namespace echolab::detail

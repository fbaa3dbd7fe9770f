#include "physics/integrator.h"

#include <fmt/format.h>

#include <chrono>

#include "common/error.h"

namespace echolab {

Integrator::OutputSink::OutputSink(const SimulationProblem& problem,
                                   const IntegratorOptions& options, Trajectory* trajectory,
                                   const Observer& observer)
    : trajectory_(trajectory),
      observer_(observer),
      record_(options.record_states),
      guard_(problem, options) {}

bool Integrator::OutputSink::Emit(double t_s, const PhaseState& x) {
  if (!IsFinite(x)) {
    trajectory_->status = SolveStatus::kNonFiniteState;
    trajectory_->message = fmt::format(
        "the state became non-finite by t = {:.6g} s; this is typically an indication that the "
        "substrate is unstable (negative stiffness, gain in the damping) or that the step is too "
        "large for its fastest mode",
        t_s);
    return false;
  }
  if (!guard_.Check(t_s, x)) {
    trajectory_->status = SolveStatus::kEnergyGrowth;
    trajectory_->message = guard_.message();
    return false;
  }
  if (record_) {
    trajectory_->times_s.push_back(t_s);
    trajectory_->states.push_back(x);
  }
  if (observer_) observer_(t_s, x);
  return true;
}

void Integrator::DoCheckSupport(const SimulationProblem& problem) const {
  if (!problem.noise.is_zero() && !traits().stochastic) {
    throw InputError(fmt::format(
        "integrator.scheme: '{}' is deterministic and cannot add thermal noise; use 'baoab'",
        name()));
  }
}

Trajectory Integrator::Integrate(const SimulationProblem& problem, const IntegratorOptions& options,
                                 const Observer& observer) const {
  options.Validate();
  problem.Validate();
  DoCheckSupport(problem);

  Trajectory trajectory;
  trajectory.options_requested = options;
  trajectory.options_used = DoResolveOptions(problem, options);
  trajectory.options_used.scheme = name();

  const auto start = std::chrono::steady_clock::now();
  OutputSink sink(problem, trajectory.options_used, &trajectory, observer);
  DoIntegrate(problem, trajectory.options_used, &sink, &trajectory);
  trajectory.stats.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return trajectory;
}

Trajectory Simulate(const SimulationProblem& problem, const IntegratorOptions& options,
                    const Observer& observer) {
  return MakeIntegrator(options.scheme)->Integrate(problem, options, observer);
}

}  // namespace echolab

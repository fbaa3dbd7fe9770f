#include "physics/sundials/solve.h"

#include <fmt/format.h>

#include <vector>

namespace echolab::sundials {
namespace {

// Sets the per-call step limit to what is left of options.max_steps, then
// advances to t_out. Returns the solver's flag, or too_much_work_flag when
// the budget is spent and t_out lies beyond the solver's current time.
int AdvanceWithinBudget(const SundialsRun& run, double t_out_s, long max_steps,
                        double* t_reached_s) {
  const SundialsApi& api = run.api;
  long steps = 0;
  CheckSetupFlag(api.get_num_steps(run.memory, &steps), "GetNumSteps", api.return_flag_name);
  long steps_left = max_steps - steps;
  if (steps_left <= 0) {
    // No step is left, but an output time that the last step passed is still
    // an interpolation; a limit of 1 lets it through (0 would mean "default").
    double t_now_s = 0.0;
    CheckSetupFlag(api.get_current_time(run.memory, &t_now_s), "GetCurrentTime",
                   api.return_flag_name);
    if (t_now_s < t_out_s) return api.too_much_work_flag;
    steps_left = 1;
  }
  CheckSetupFlag(api.set_max_num_steps(run.memory, steps_left), "SetMaxNumSteps",
                 api.return_flag_name);
  return api.evolve(run.memory, t_out_s, run.y, t_reached_s, api.normal_task);
}

// The status and readable message of a solve that returned flag < 0.
void ReportFailure(const SundialsRun& run, int flag, double t_reached_s,
                   const SimulationProblem& problem, const IntegratorOptions& options,
                   Trajectory* trajectory) {
  const SundialsApi& api = run.api;
  if (run.rhs->non_finite_at_s) {
    trajectory->status = SolveStatus::kNonFiniteState;
    trajectory->message = detail::NonFiniteFieldMessage(api.library, *run.rhs->non_finite_at_s);
    return;
  }
  const std::string flag_name = ReturnFlagName(api.return_flag_name, flag);
  const std::string solver_message =
      run.log->last_error().empty() ? "" : fmt::format(" ({})", run.log->last_error());
  if (flag == api.too_much_work_flag) {
    trajectory->status = SolveStatus::kTooManySteps;
    trajectory->message = fmt::format(
        "{} stopped with {} at t = {:.6g} s of a pass ending at {:.6g} s: the step budget "
        "integrator.max_steps = {} is spent{}; {}",
        api.library, flag_name, t_reached_s, problem.end_time_s(), options.max_steps,
        solver_message, detail::kStepBudgetCauses);
  } else {
    trajectory->status = SolveStatus::kSolverFailure;
    trajectory->message = fmt::format(
        "{} failed with {} at t = {:.6g} s of a pass ending at {:.6g} s{}; {}", api.library,
        flag_name, t_reached_s, problem.end_time_s(), solver_message, detail::kUnstableOrTooTight);
  }
}

}  // namespace

int EvaluateRhs(double t_s, N_Vector y, N_Vector ydot, void* user_data) {
  auto* rhs = static_cast<RhsData*>(user_data);
  // Failures are sticky: CVODES's fixed-point iteration takes a failed
  // evaluation for a convergence failure and retries with a smaller step, so
  // it would otherwise creep up to the failure in ever smaller steps.
  if (rhs->error || rhs->non_finite_at_s) return -1;
  try {
    rhs->field.Evaluate(t_s, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
    if (detail::AllFinite(N_VGetArrayPointer(ydot), N_VGetLength(ydot))) return 0;
    rhs->non_finite_at_s = t_s;
    return -1;
  } catch (...) {
    rhs->error = std::current_exception();
    return -1;
  }
}

void SolverErrorLog::Record(int error_code, const char* module, const char* function, char* message,
                            void* user_data) {
  if (error_code >= 0) return;
  auto* log = static_cast<SolverErrorLog*>(user_data);
  try {
    log->last_error_ = fmt::format("{}: {}: {}", module, function, message);
  } catch (...) {
    // Out of memory while keeping a message: the flag still reports the failure.
    log->last_error_.clear();
  }
}

void SolveAtOutputTimes(const SundialsRun& run, const SimulationProblem& problem,
                        const IntegratorOptions& options, const detail::EmitFunction& emit,
                        Trajectory* trajectory) {
  const std::vector<double> times_s =
      UniformOutputTimes(problem.start_time_s, problem.duration_s, options.output_interval_s);
  double t_reached_s = problem.start_time_s;
  bool running = emit(t_reached_s, problem.initial_state);
  for (size_t k = 1; running && k < times_s.size(); ++k) {
    const int flag = AdvanceWithinBudget(run, times_s[k], options.max_steps, &t_reached_s);
    if (run.rhs->error) std::rethrow_exception(run.rhs->error);
    if (flag < 0) {
      ReportFailure(run, flag, t_reached_s, problem, options, trajectory);
      break;
    }
    running = emit(times_s[k], StateOf(run.y));
  }
  trajectory->final_time_s = t_reached_s;
  trajectory->final_state = StateOf(run.y);
}

}  // namespace echolab::sundials

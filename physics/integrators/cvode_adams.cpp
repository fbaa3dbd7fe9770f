#include "physics/integrators/cvode_adams.h"

#include <cvodes/cvodes.h>

#include "physics/integrators/detail/adaptive_support.h"
#include "physics/sundials/cvodes_adams_session.h"

namespace echolab {
namespace {

const sundials::SundialsApi kCvodesApi = {
    .library = "CVODES",
    .evolve = CVode,
    .normal_task = CV_NORMAL,
    .set_max_num_steps = CVodeSetMaxNumSteps,
    .get_num_steps = CVodeGetNumSteps,
    .get_current_time = CVodeGetCurrentTime,
    .return_flag_name = CVodeGetReturnFlagName,
    .too_much_work_flag = CV_TOO_MUCH_WORK,
};

}  // namespace

SchemeTraits CvodeAdamsIntegrator::traits() const {
  // The order varies from step to step (1 to 12); 12 is its ceiling.
  return SchemeTraits{.fixed_step = false,
                      .symplectic = false,
                      .symmetric = false,
                      .order = sundials::kMaxAdamsOrder};
}

IntegratorOptions CvodeAdamsIntegrator::DoResolveOptions(const SimulationProblem& problem,
                                                         const IntegratorOptions& requested) const {
  return detail::ResolveAdaptiveOptions(problem, requested);
}

void CvodeAdamsIntegrator::DoIntegrate(const SimulationProblem& problem,
                                       const IntegratorOptions& options, OutputSink* sink,
                                       Trajectory* trajectory) const {
  sundials::RhsData rhs(problem);
  const sundials::CvodesAdamsSession session(Flatten(problem.initial_state),
                                             {.rhs = sundials::EvaluateRhs,
                                              .user_data = &rhs,
                                              .start_time_s = problem.start_time_s,
                                              .stop_time_s = problem.end_time_s(),
                                              .rtol = options.rtol,
                                              .atol = options.atol,
                                              .initial_step_s = options.step_s});
  const sundials::SundialsRun run{kCvodesApi, session.memory(), session.state(), &rhs,
                                  &session.log()};
  sundials::SolveAtOutputTimes(
      run, problem, options, [sink](double t_s, const PhaseState& x) { return sink->Emit(t_s, x); },
      trajectory);
  trajectory->stats = session.Statistics();
}

}  // namespace echolab

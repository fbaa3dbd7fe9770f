#include "physics/integrators/cvode_adams.h"

#include <cvodes/cvodes.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include "physics/error.h"
#include "physics/integrators/detail/adaptive_support.h"
#include "physics/integrators/detail/sundials_handles.h"
#include "physics/integrators/detail/sundials_solve.h"

namespace echolab {
namespace {

using CvodeMemory = detail::SolverMemoryHandle<CVodeFree>;

// The largest Adams-Moulton order, CVODE's default for CV_ADAMS.
constexpr int kMaxAdamsOrder = 12;

void Check(int flag, const char* call) {
  detail::CheckSetupFlag(flag, call, CVodeGetReturnFlagName);
}

const detail::SundialsApi kCvodesApi = {
    .library = "CVODES",
    .evolve = CVode,
    .normal_task = CV_NORMAL,
    .set_max_num_steps = CVodeSetMaxNumSteps,
    .get_num_steps = CVodeGetNumSteps,
    .get_current_time = CVodeGetCurrentTime,
    .return_flag_name = CVodeGetReturnFlagName,
    .too_much_work_flag = CV_TOO_MUCH_WORK,
};

// CVODES memory for dx/dt = f(t, x), x(t0) = y, with Adams-Moulton formulas,
// scalar tolerances, the initial step of the options (0: CVODE estimates it)
// and the end of the pass as stop time.
CvodeMemory MakeCvode(const SimulationProblem& problem, const IntegratorOptions& options,
                      N_Vector y, detail::RhsData* rhs, detail::SolverErrorLog* log,
                      SUNContext context) {
  CvodeMemory memory(CVodeCreate(CV_ADAMS, context));
  if (memory == nullptr) throw SolverError("CVodeCreate could not allocate the solver memory");
  Check(CVodeSetErrHandlerFn(memory.get(), detail::SolverErrorLog::Record, log),
        "CVodeSetErrHandlerFn");
  Check(CVodeInit(memory.get(), detail::EvaluateRhs, problem.start_time_s, y), "CVodeInit");
  Check(CVodeSetUserData(memory.get(), rhs), "CVodeSetUserData");
  Check(CVodeSStolerances(memory.get(), options.rtol, options.atol), "CVodeSStolerances");
  Check(CVodeSetMaxOrd(memory.get(), kMaxAdamsOrder), "CVodeSetMaxOrd");
  Check(CVodeSetInitStep(memory.get(), options.step_s), "CVodeSetInitStep");
  Check(CVodeSetStopTime(memory.get(), problem.end_time_s()), "CVodeSetStopTime");
  return memory;
}

// Steps, rejected steps (error-test and nonlinear-solver failures) and
// right-hand side evaluations of the solve so far.
SolverStatistics CvodeStatistics(void* memory) {
  long steps = 0, error_test_failures = 0, solve_failures = 0, evaluations = 0;
  Check(CVodeGetNumSteps(memory, &steps), "CVodeGetNumSteps");
  Check(CVodeGetNumErrTestFails(memory, &error_test_failures), "CVodeGetNumErrTestFails");
  Check(CVodeGetNumStepSolveFails(memory, &solve_failures), "CVodeGetNumStepSolveFails");
  Check(CVodeGetNumRhsEvals(memory, &evaluations), "CVodeGetNumRhsEvals");
  return SolverStatistics{.steps = steps,
                          .rejected_steps = error_test_failures + solve_failures,
                          .rhs_evaluations = evaluations};
}

}  // namespace

SchemeTraits CvodeAdamsIntegrator::traits() const {
  // The order varies from step to step (1 to 12); 12 is its ceiling.
  return SchemeTraits{
      .fixed_step = false, .symplectic = false, .symmetric = false, .order = kMaxAdamsOrder};
}

IntegratorOptions CvodeAdamsIntegrator::DoResolveOptions(const SimulationProblem& problem,
                                                         const IntegratorOptions& requested) const {
  return detail::ResolveAdaptiveOptions(problem, requested);
}

void CvodeAdamsIntegrator::DoIntegrate(const SimulationProblem& problem,
                                       const IntegratorOptions& options, OutputSink* sink,
                                       Trajectory* trajectory) const {
  detail::RhsData rhs(problem);
  detail::SolverErrorLog log;
  const detail::SunContextHandle context = detail::MakeContext();
  const detail::NVectorHandle y =
      detail::MakeSerialVector(Flatten(problem.initial_state), context.get());
  // Fixed-point iteration without Anderson acceleration (m = 0): the
  // functional iteration for non-stiff problems.
  const detail::NonlinearSolverHandle fixed_point(
      SUNNonlinSol_FixedPoint(y.get(), 0, context.get()));
  if (fixed_point == nullptr) throw SolverError("SUNNonlinSol_FixedPoint failed");
  const CvodeMemory memory = MakeCvode(problem, options, y.get(), &rhs, &log, context.get());
  Check(CVodeSetNonlinearSolver(memory.get(), fixed_point.get()), "CVodeSetNonlinearSolver");

  const detail::SundialsRun run{kCvodesApi, memory.get(), y.get(), &rhs, &log};
  detail::SolveAtOutputTimes(
      run, problem, options, [sink](double t_s, const PhaseState& x) { return sink->Emit(t_s, x); },
      trajectory);
  trajectory->stats = CvodeStatistics(memory.get());
}

}  // namespace echolab

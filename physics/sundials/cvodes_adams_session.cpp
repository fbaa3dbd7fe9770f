#include "physics/sundials/cvodes_adams_session.h"

#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include "common/error.h"

namespace echolab::sundials {

void CheckCvodes(int flag, const char* call) { CheckSetupFlag(flag, call, CVodeGetReturnFlagName); }

CvodesAdamsSession::CvodesAdamsSession(const Vector& initial_state, const CvodesAdamsSetup& setup)
    : context_(MakeContext()), state_(MakeSerialVector(initial_state, context_.get())) {
  fixed_point_.reset(SUNNonlinSol_FixedPoint(state_.get(), 0, context_.get()));
  if (fixed_point_ == nullptr) throw SolverError("SUNNonlinSol_FixedPoint failed");
  memory_.reset(CVodeCreate(CV_ADAMS, context_.get()));
  if (memory_ == nullptr) throw SolverError("CVodeCreate could not allocate the solver memory");
  void* memory = memory_.get();
  CheckCvodes(CVodeSetErrHandlerFn(memory, SolverErrorLog::Record, &log_), "CVodeSetErrHandlerFn");
  CheckCvodes(CVodeInit(memory, setup.rhs, setup.start_time_s, state_.get()), "CVodeInit");
  CheckCvodes(CVodeSetUserData(memory, setup.user_data), "CVodeSetUserData");
  if (setup.atol_per_entry.size() > 0) {
    atol_ = MakeSerialVector(setup.atol_per_entry, context_.get());
    CheckCvodes(CVodeSVtolerances(memory, setup.rtol, atol_.get()), "CVodeSVtolerances");
  } else {
    CheckCvodes(CVodeSStolerances(memory, setup.rtol, setup.atol), "CVodeSStolerances");
  }
  CheckCvodes(CVodeSetMaxOrd(memory, kMaxAdamsOrder), "CVodeSetMaxOrd");
  CheckCvodes(CVodeSetInitStep(memory, setup.initial_step_s), "CVodeSetInitStep");
  CheckCvodes(CVodeSetStopTime(memory, setup.stop_time_s), "CVodeSetStopTime");
  if (setup.max_steps > 0) {
    CheckCvodes(CVodeSetMaxNumSteps(memory, setup.max_steps), "CVodeSetMaxNumSteps");
  }
  CheckCvodes(CVodeSetNonlinearSolver(memory, fixed_point_.get()), "CVodeSetNonlinearSolver");
}

SolverStatistics CvodesAdamsSession::Statistics() const {
  long steps = 0, error_test_failures = 0, solve_failures = 0, evaluations = 0;
  void* memory = memory_.get();
  CheckCvodes(CVodeGetNumSteps(memory, &steps), "CVodeGetNumSteps");
  CheckCvodes(CVodeGetNumErrTestFails(memory, &error_test_failures), "CVodeGetNumErrTestFails");
  CheckCvodes(CVodeGetNumStepSolveFails(memory, &solve_failures), "CVodeGetNumStepSolveFails");
  CheckCvodes(CVodeGetNumRhsEvals(memory, &evaluations), "CVodeGetNumRhsEvals");
  return SolverStatistics{.steps = steps,
                          .rejected_steps = error_test_failures + solve_failures,
                          .rhs_evaluations = evaluations};
}

}  // namespace echolab::sundials

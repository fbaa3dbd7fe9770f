#pragma once

#include <cvodes/cvodes.h>

#include "physics/phase_state.h"
#include "physics/sundials/handles.h"
#include "physics/sundials/solve.h"
#include "physics/trajectory.h"

namespace echolab::sundials {

/// The largest Adams-Moulton order, CVODE's default for CV_ADAMS.
inline constexpr int kMaxAdamsOrder = 12;

/// The set-up of a CVODES solver with Adams-Moulton formulas (orders 1 to 12)
/// and fixed-point iteration without Anderson acceleration: the functional
/// iteration of non-stiff problems, which needs no Jacobian. The integrator
/// cvode_adams and the adjoint's forward pass both use it.
struct CvodesAdamsSetup {
  CVRhsFn rhs = nullptr;
  void* user_data = nullptr;
  double start_time_s = 0.0;
  /// The end of the pass: CVODES never steps past it.
  double stop_time_s = 0.0;
  double rtol = 0.0;
  /// The absolute tolerance of each entry of the state (CVodeSVtolerances),
  /// or, when empty, atol for all of them (CVodeSStolerances).
  Vector atol_per_entry;
  double atol = 0.0;
  double initial_step_s = 0.0;  // 0: CVODES estimates it
  long max_steps = 0;           // 0: CVODES's default per call
};

/// One CVODES solver and what it owns: the context, the state vector, the
/// tolerances, the nonlinear solver and the solver memory, whose errors go to
/// log() instead of stderr. The members are declared so that the memory is
/// freed first and the context last. Throws SolverError when a set-up call
/// fails.
class CvodesAdamsSession {
 public:
  CvodesAdamsSession(const Vector& initial_state, const CvodesAdamsSetup& setup);

  SUNContext context() const { return context_.get(); }
  void* memory() const { return memory_.get(); }
  N_Vector state() const { return state_.get(); }
  const SolverErrorLog& log() const { return log_; }
  /// Steps, rejected steps (error-test and nonlinear-solver failures) and
  /// right-hand side evaluations so far.
  SolverStatistics Statistics() const;

 private:
  SunContextHandle context_;
  NVectorHandle state_;
  NVectorHandle atol_;
  NonlinearSolverHandle fixed_point_;
  SolverErrorLog log_;
  SolverMemoryHandle<CVodeFree> memory_;
};

/// Throws SolverError naming `call` and the CVODES flag when flag < 0.
void CheckCvodes(int flag, const char* call);

}  // namespace echolab::sundials

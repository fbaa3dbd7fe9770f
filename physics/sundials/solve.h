#pragma once

#include <sundials/sundials_nvector.h>

#include <exception>
#include <optional>
#include <string>

#include "physics/integrators/detail/adaptive_support.h"
#include "physics/integrators/hamiltonian_vector_field.h"
#include "physics/sundials/handles.h"
#include "physics/trajectory.h"

namespace echolab::sundials {

/// The user data of a SUNDIALS right-hand side: the vector field, the
/// exception it threw, if any (C code must not be unwound through), and the
/// time at which it became non-finite, if it did.
struct RhsData {
  explicit RhsData(const SimulationProblem& problem) : field(problem) {}
  HamiltonianVectorField field;
  std::exception_ptr error;
  std::optional<double> non_finite_at_s;
};

/// A CVRhsFn / ARKRhsFn: ydot = f(t, y) from the RhsData in user_data. An
/// exception (kept in RhsData::error) or a non-finite ydot (time kept in
/// RhsData::non_finite_at_s) is an unrecoverable failure (-1), and every
/// later evaluation fails too, so that the solve ends promptly.
int EvaluateRhs(double t_s, N_Vector y, N_Vector ydot, void* user_data);

/// Keeps the last error message of a solver instead of printing it.
class SolverErrorLog {
 public:
  /// A CVErrHandlerFn / ARKErrHandlerFn; user_data is the SolverErrorLog.
  /// Warnings (error_code >= 0) are dropped: a failure that follows them is
  /// reported with its own message.
  static void Record(int error_code, const char* module, const char* function, char* message,
                     void* user_data);
  const std::string& last_error() const { return last_error_; }

 private:
  std::string last_error_;
};

/// The entry points of one SUNDIALS integrator (CVODES, or ARKODE's ERKStep)
/// that the shared output loop calls; their signatures coincide.
struct SundialsApi {
  const char* library;  // for messages: "CVODES", "ARKODE"
  int (*evolve)(void* memory, double t_out_s, N_Vector y, double* t_reached_s, int task);
  int normal_task;  // CV_NORMAL, ARK_NORMAL
  int (*set_max_num_steps)(void* memory, long max_steps);
  int (*get_num_steps)(void* memory, long* steps);
  int (*get_current_time)(void* memory, double* t_s);
  FlagNameFunction return_flag_name;
  int too_much_work_flag;  // CV_TOO_MUCH_WORK, ARK_TOO_MUCH_WORK
};

/// A set-up solver: its memory (initial state, tolerances and stop time at
/// the end of the pass already set), its state vector, and its callbacks' data.
struct SundialsRun {
  const SundialsApi& api;
  void* memory;
  N_Vector y;
  RhsData* rhs;
  const SolverErrorLog* log;
};

/// Emits the initial state, then advances the solver to each output time of
/// UniformOutputTimes(start, duration, options.output_interval_s) in normal
/// mode and emits the state there, keeping the total number of internal steps
/// within options.max_steps. Stops at the first failed solve (setting the
/// trajectory's status and message; kNonFiniteState when the vector field
/// became non-finite) or refused sample; sets final_state and final_time_s.
/// Rethrows an exception of the right-hand side.
void SolveAtOutputTimes(const SundialsRun& run, const SimulationProblem& problem,
                        const IntegratorOptions& options, const detail::EmitFunction& emit,
                        Trajectory* trajectory);

}  // namespace echolab::sundials

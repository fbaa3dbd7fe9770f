#pragma once

#include <functional>
#include <string>
#include <vector>

#include "physics/integrator_options.h"
#include "physics/phase_state.h"

namespace echolab {

enum class SolveStatus {
  kSuccess,
  kNonFiniteState,  // the state became NaN or infinite
  kSolverFailure,   // the solver reported an error (step size underflow, ...)
  kTooManySteps,    // IntegratorOptions::max_steps was reached
  kEnergyGrowth,    // the energy grew beyond the stability guard (StabilityGuard)
};

const char* ToString(SolveStatus status);

struct SolverStatistics {
  long steps = 0;
  long rejected_steps = 0;
  long rhs_evaluations = 0;
  double wall_time_s = 0.0;
};

/// Called with every output sample (t in s, state) as the solve goes, so that
/// long runs can stream instead of storing.
using Observer = std::function<void(double t_s, const PhaseState& x)>;

/// The one result type of every integrator: samples, final state, status,
/// statistics, and the options asked for beside the options used.
struct Trajectory {
  std::vector<double> times_s;     // output sample times; empty if record_states was false
  std::vector<PhaseState> states;  // one per time; empty if record_states was false
  double final_time_s = 0.0;       // last time reached (the end time on success)
  PhaseState final_state;

  SolveStatus status = SolveStatus::kSuccess;
  std::string message;  // readable cause when status is not kSuccess

  SolverStatistics stats;
  IntegratorOptions options_requested;
  IntegratorOptions options_used;  // e.g. the step shortened to divide the duration

  bool ok() const { return status == SolveStatus::kSuccess; }
  /// One line: scheme, status, steps, evaluations, wall time.
  std::string BriefReport() const;
};

}  // namespace echolab

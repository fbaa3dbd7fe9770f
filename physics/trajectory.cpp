#include "physics/trajectory.h"

#include <fmt/format.h>

namespace echolab {

const char* ToString(SolveStatus status) {
  switch (status) {
    case SolveStatus::kSuccess:
      return "success";
    case SolveStatus::kNonFiniteState:
      return "non-finite state";
    case SolveStatus::kSolverFailure:
      return "solver failure";
    case SolveStatus::kTooManySteps:
      return "too many steps";
    case SolveStatus::kEnergyGrowth:
      return "energy growth";
  }
  return "unknown";
}

std::string Trajectory::BriefReport() const {
  std::string report =
      fmt::format("{}: {} at t = {:.6g} s; {} steps ({} rejected), {} evaluations, {:.3g} s wall",
                  options_used.scheme, ToString(status), final_time_s, stats.steps,
                  stats.rejected_steps, stats.rhs_evaluations, stats.wall_time_s);
  if (!message.empty()) report += fmt::format(" ({})", message);
  return report;
}

}  // namespace echolab

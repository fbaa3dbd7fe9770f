#include "physics/integrators/detail/adaptive_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "physics/step_count.h"

namespace echolab::detail {

IntegratorOptions ResolveAdaptiveOptions(const SimulationProblem& problem,
                                         const IntegratorOptions& requested) {
  IntegratorOptions used = requested;
  if (requested.output_interval_s > 0.0) {
    used.output_interval_s = requested.output_interval_s;
  } else if (requested.step_s > 0.0) {
    used.output_interval_s = requested.step_s;
  } else {
    used.output_interval_s = problem.duration_s / 1000.0;
  }
  used.output_interval_s = std::min(used.output_interval_s, problem.duration_s);
  // The number of samples is checked before it becomes an integer in
  // UniformOutputTimes.
  CountIntervals(
      problem.duration_s, used.output_interval_s, kMaxOutputSamples,
      requested.output_interval_s > 0.0 ? "integrator.output_interval_s" : "integrator.step_s",
      "the most output samples of a pass");
  used.step_s = std::min(requested.step_s, problem.duration_s);
  return used;
}

std::string NonFiniteFieldMessage(const char* solver, double t_s) {
  return fmt::format(
      "{} stopped: the vector field became non-finite at t = {:.6g} s; this is typically an "
      "indication that the substrate is unstable (negative stiffness, gain in the damping)",
      solver, t_s);
}

bool AllFinite(const double* v, long n) {
  return std::all_of(v, v + n, [](double entry) { return std::isfinite(entry); });
}

}  // namespace echolab::detail

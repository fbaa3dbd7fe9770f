#include "learning/echo_gradient.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/error.h"
#include "learning/detail/continuous_echo.h"
#include "learning/detail/discrete_echo.h"
#include "learning/detail/discrete_pass.h"
#include "physics/integrator.h"

namespace echolab {
namespace {

// What the discrete echo refuses: noise, and what the estimators or the
// reweighting cannot do.
void CheckDiscreteEcho(const GradientProblem& problem, const EchoOptions& options) {
  const bool centred = options.estimator == EchoEstimator::kCentred;
  if (!problem.forward.noise.is_zero()) {
    throw InputError(
        fmt::format("noise: the discrete echo of the composition schemes ({}) is deterministic; "
                    "use the scheme 'baoab' to run the echo with thermal noise",
                    fmt::join(CompositionSchemeNames(), ", ")));
  }
  if (options.hardware.has_readout_model() && !centred) {
    throw InputError("echo.hardware: read-out noise and quantisation need the centred estimator");
  }
  if (options.damping != EchoDamping::kNaive && problem.forward.dissipation.has_overdamped_dofs()) {
    throw InputError(
        "echo.damping: the gain echoes need inertia on every degree of freedom (a circuit node "
        "without capacitance has none; the naive echo runs it)");
  }
  if (options.damping != EchoDamping::kGainReweighted) return;
  if (!centred) {
    throw InputError("echo.damping: the reweighted gain echo needs the centred estimator");
  }
  const SimulationProblem& forward = problem.forward;
  if (forward.dissipation.has_friction_matrix()) {
    throw InputError("echo.damping: the reweighted gain echo does not support a friction matrix");
  }
  if (forward.dissipation.has_friction_vector() && !forward.system->DiagonalMasses(forward.theta)) {
    throw InputError("echo.damping: reweighting per-dof friction needs diagonal masses");
  }
}

// What the continuous echo (any other scheme) cannot model.
void CheckContinuousEcho(const GradientProblem& problem, const EchoOptions& options) {
  if (options.nudge == NudgeReference::kLinearized) {
    throw InputError(fmt::format(
        "echo.nudge: a linearized nudge needs the echoes in lockstep on a symmetric composition "
        "scheme; with '{}' use the physical nudge",
        problem.integrator.scheme));
  }
  if (!options.hardware.is_ideal()) {
    throw InputError(fmt::format(
        "echo.hardware: imperfect flips, drift and input offsets are modelled on symmetric "
        "composition schemes ({}), not on '{}'",
        fmt::join(CompositionSchemeNames(), ", "), problem.integrator.scheme));
  }
  if (options.damping != EchoDamping::kNaive) {
    throw InputError(
        fmt::format("echo.damping: the gain echoes run on symmetric composition schemes ({}), "
                    "not on '{}'",
                    fmt::join(CompositionSchemeNames(), ", "), problem.integrator.scheme));
  }
}

}  // namespace

EchoGradient::EchoGradient(EchoOptions options) : options_(options) { options_.Validate(); }

std::string EchoGradient::name() const {
  return options_.estimator == EchoEstimator::kCentred ? "echo" : "echo_one_sided";
}

void EchoGradient::DoCheckSupport(const GradientProblem& problem) const {
  if (detail::IsCompositionScheme(problem.integrator.scheme)) {
    CheckDiscreteEcho(problem, options_);
  } else {
    CheckContinuousEcho(problem, options_);
  }
}

// The mean of `repeats` independent experiments; the costs add up.
GradientResult EchoGradient::DoCompute(const GradientProblem& problem) const {
  GradientResult mean = ComputeOnce(problem, options_);
  for (int r = 1; r < options_.repeats && mean.ok(); ++r) {
    GradientProblem repeated = problem;
    repeated.forward.noise.seed += 3 * static_cast<std::uint64_t>(r);
    EchoOptions options = options_;
    options.hardware.seed += 3 * static_cast<std::uint64_t>(r);
    const GradientResult run = ComputeOnce(repeated, options);
    if (!run.ok()) return run;
    mean.dL_dtheta += run.dL_dtheta;
    mean.dL_dx0.q += run.dL_dx0.q;
    mean.dL_dx0.p += run.dL_dx0.p;
    if (mean.dL_du.size() == run.dL_du.size()) mean.dL_du += run.dL_du;
    mean.loss += run.loss;
    mean.passes += run.passes;
    mean.steps += run.steps;
    mean.cost += run.cost;
  }
  const double repeats = static_cast<double>(options_.repeats);
  mean.dL_dtheta /= repeats;
  mean.dL_dx0.q /= repeats;
  mean.dL_dx0.p /= repeats;
  mean.dL_du /= repeats;
  mean.loss /= repeats;
  return mean;
}

GradientResult EchoGradient::ComputeOnce(const GradientProblem& problem,
                                         const EchoOptions& options) {
  if (detail::IsCompositionScheme(problem.integrator.scheme))
    return detail::DiscreteEcho(problem, options);
  return detail::ContinuousEcho(problem, options);
}

}  // namespace echolab

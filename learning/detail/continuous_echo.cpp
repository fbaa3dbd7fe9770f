#include "learning/detail/continuous_echo.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "learning/detail/discrete_pass.h"
#include "physics/error.h"
#include "physics/integrator.h"
#include "physics/step_count.h"

namespace echolab::detail {
namespace {

// The continuous nudge β Sx ∇l(Sz x, T - s) of an echo at echo time s:
//   dq/dt += β ∂l/∂p(q, -p),   dp/dt += β ∂l/∂q(q, -p).
// The loss depends on positions or on momenta only, so each part needs only
// its own half of the state.
class NudgeDrive final : public ExternalDrive {
 public:
  NudgeDrive(const Loss& loss, const Vector& theta, double duration_s, double signed_beta)
      : loss_(loss), theta_(theta), duration_s_(duration_s), beta_(signed_beta) {}

  void AddVelocity(const Vector& p, double s_s, Vector* dq_dt) const override {
    if (loss_.dependence() != ReadoutDependence::kMomenta) return;
    PhaseState grad;
    loss_.RunningGradient(PhaseState{Vector::Zero(p.size()), -p}, duration_s_ - s_s, theta_, &grad);
    *dq_dt += beta_ * grad.p;
  }

  void AddForce(const Vector& q, double s_s, Vector* dp_dt) const override {
    if (loss_.dependence() != ReadoutDependence::kPositions) return;
    PhaseState grad;
    loss_.RunningGradient(PhaseState{q, Vector::Zero(q.size())}, duration_s_ - s_s, theta_, &grad);
    *dp_dt += beta_ * grad.q;
  }

 private:
  const Loss& loss_;
  const Vector& theta_;
  double duration_s_;
  double beta_;
};

// Composite Simpson weights on M + 1 (M even) samples of spacing Δ.
double SimpsonWeight(long j, long intervals, double spacing_s) {
  if (j == 0 || j == intervals) return spacing_s / 3.0;
  return (j % 2 == 1 ? 4.0 : 2.0) * spacing_s / 3.0;
}

// An even number of sample intervals of spacing ≈ step_s over T.
long SampleIntervals(double duration_s, double step_s, long max_steps) {
  if (!(step_s > 0.0)) {
    throw InputError(fmt::format(
        "integrator.step_s must be > 0 for an echo on an adaptive scheme (it sets the spacing of "
        "the samples of the sums), got {}",
        step_s));
  }
  const long intervals = CountIntervals(duration_s, step_s, max_steps, "integrator.step_s");
  return std::max(2L, intervals + intervals % 2);
}

struct PassSums {
  Trajectory trajectory;
  Vector energy_gradient;           // ∫ ∂θH ds
  std::vector<Vector> input_terms;  // ∂uH at each sample
  std::vector<PhaseState> states;   // samples (when kept)
};

// Runs one pass with Simpson sums of ∂θH and samples of ∂uH.
PassSums RunPass(const SimulationProblem& pass, const IntegratorOptions& options, long intervals,
                 bool keep_states, const std::function<void(long, const PhaseState&)>& extra) {
  PassSums sums;
  sums.energy_gradient = Vector::Zero(pass.system->num_params());
  const double spacing_s = pass.duration_s / static_cast<double>(intervals);
  long j = 0;
  Vector u, input_gradient;
  const Observer observe = [&](double t_s, const PhaseState& x) {
    pass.input.Evaluate(t_s, &u);
    sums.energy_gradient +=
        SimpsonWeight(j, intervals, spacing_s) * pass.system->ParameterGradient(x, pass.theta, u);
    pass.system->InputGradient(x.q, pass.theta, u, &input_gradient);
    sums.input_terms.push_back(input_gradient);
    if (keep_states) sums.states.push_back(x);
    if (extra) extra(j, x);
    ++j;
  };
  sums.trajectory = Simulate(pass, options, observe);
  return sums;
}

}  // namespace

double SampledPassLoss(const GradientProblem& problem, long* steps) {
  const SimulationProblem& pass = problem.forward;
  const Loss& loss = *problem.loss;
  const long intervals =
      SampleIntervals(pass.duration_s, problem.integrator.step_s, problem.integrator.max_steps);
  const double spacing_s = pass.duration_s / static_cast<double>(intervals);
  IntegratorOptions sampled = problem.integrator;
  sampled.output_interval_s = spacing_s;
  sampled.record_states = false;
  double running_loss = 0.0;
  long j = 0;
  const Observer observe = [&](double, const PhaseState& x) {
    const double t = static_cast<double>(j) * spacing_s;
    running_loss += SimpsonWeight(j, intervals, spacing_s) * loss.Running(x, t, pass.theta);
    ++j;
  };
  const Trajectory trajectory = Simulate(pass, sampled, observe);
  *steps += trajectory.stats.steps;
  if (!trajectory.ok()) throw SolverError("a perturbed pass failed: " + trajectory.message);
  return running_loss + loss.Terminal(trajectory.final_state, pass.theta);
}

GradientResult ContinuousEcho(const GradientProblem& problem, const EchoOptions& options) {
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
  const SimulationProblem& forward = problem.forward;
  const Loss& loss = *problem.loss;
  const Vector& theta = forward.theta;
  const double duration_s = forward.duration_s;
  const bool centred = options.estimator == EchoEstimator::kCentred;
  const long intervals =
      SampleIntervals(duration_s, problem.integrator.step_s, problem.integrator.max_steps);
  const double spacing_s = duration_s / static_cast<double>(intervals);
  IntegratorOptions sampled = problem.integrator;
  sampled.output_interval_s = spacing_s;
  sampled.record_states = false;
  GradientResult result;

  // Forward pass: the loss and its direct term by Simpson's rule.
  Vector direct = Vector::Zero(forward.system->num_params()), direct_term;
  double running_loss = 0.0;
  const PassSums forward_sums =
      RunPass(forward, sampled, intervals, false, [&](long j, const PhaseState& x) {
        const double t = static_cast<double>(j) * spacing_s;
        const double weight = SimpsonWeight(j, intervals, spacing_s);
        running_loss += weight * loss.Running(x, t, theta);
        loss.RunningParameterGradient(x, t, theta, &direct_term);
        direct += weight * direct_term;
      });
  result.passes = 1;
  result.steps = forward_sums.trajectory.stats.steps;
  if (!forward_sums.trajectory.ok()) {
    result.status = forward_sums.trajectory.status;
    result.message = "forward pass: " + forward_sums.trajectory.message;
    return result;
  }
  const PhaseState& x_final = forward_sums.trajectory.final_state;
  result.loss = running_loss + loss.Terminal(x_final, theta);
  loss.TerminalParameterGradient(x_final, theta, &direct_term);
  direct += direct_term;

  // Echoes: x_e(0) = Sz x(T) ± β Sx ∇l_T(x(T)), inputs replayed backwards.
  PhaseState terminal_gradient;
  loss.TerminalGradient(x_final, theta, &terminal_gradient);
  // Each echo pass gets its own realisation of any thermal noise: seeds
  // seed + 1 (+β) and seed + 2 (-β) after the forward pass's seed.
  const auto run_echo = [&](double signed_beta) {
    SimulationProblem echo = forward;
    echo.noise.seed = forward.noise.seed + (signed_beta > 0.0 ? 1 : 2);
    echo.input = forward.input.ReversedReplay(forward.start_time_s + duration_s);
    echo.start_time_s = 0.0;
    echo.initial_state = MomentumFlip(x_final);
    echo.initial_state.q += signed_beta * terminal_gradient.p;
    echo.initial_state.p += signed_beta * terminal_gradient.q;
    echo.drive = std::make_shared<NudgeDrive>(loss, theta, duration_s, signed_beta);
    return RunPass(echo, sampled, intervals, problem.record_adjoint, {});
  };
  const double beta = options.beta;
  const PassSums plus = run_echo(beta);
  // One-sided: on an undamped pass the forward pass is the unnudged
  // reference (its ∫ ∂θH equals that of the unnudged echo by time-reversal
  // invariance); a damped pass's echo does not retrace it, and an unnudged
  // echo is run as the reference instead.
  const bool reference_echo = centred || !forward.dissipation.is_zero();
  const PassSums minus = reference_echo ? run_echo(centred ? -beta : 0.0) : PassSums{};
  result.passes += reference_echo ? 2 : 1;
  // One forward pass after a reset and each echo after a flip; the adaptive
  // passes are not on a grid, and their energy is not measured.
  result.cost.hardware_passes = result.passes;
  result.cost.resets = 1;
  result.cost.flips = result.passes - 1;
  result.steps += plus.trajectory.stats.steps + minus.trajectory.stats.steps;
  for (const PassSums* echo : {&plus, &minus}) {
    if (echo == &minus && !reference_echo) continue;
    if (!echo->trajectory.ok()) {
      result.status = echo->trajectory.status;
      result.message = "echo pass: " + echo->trajectory.message;
      return result;
    }
  }
  const double scale = centred ? 1.0 / (2.0 * beta) : 1.0 / beta;
  const PassSums& reference = reference_echo ? minus : forward_sums;
  result.dL_dtheta = -scale * (plus.energy_gradient - reference.energy_gradient) + direct;
  const PhaseState reference_end =
      reference_echo ? minus.trajectory.final_state : MomentumFlip(forward.initial_state);
  result.dL_dx0 = Swap(PhaseState{scale * (plus.trajectory.final_state.q - reference_end.q),
                                  scale * (plus.trajectory.final_state.p - reference_end.p)});

  // Sample j of an echo is forward time T - j Δ; the forward pass's sample
  // at that time is its own sample intervals - j.
  const long samples = intervals + 1;
  result.dL_du.resize(forward.system->num_inputs(), samples);
  for (long i = 0; i < samples; ++i) {
    const long j = intervals - i;  // echo sample at forward time i Δ
    const Vector& ref = reference_echo ? reference.input_terms[static_cast<size_t>(j)]
                                       : reference.input_terms[static_cast<size_t>(i)];
    result.input_times_s.push_back(forward.start_time_s + static_cast<double>(i) * spacing_s);
    result.dL_du.col(i) = -scale * (plus.input_terms[static_cast<size_t>(j)] - ref);
  }
  if (problem.record_adjoint && centred) {
    for (long i = 0; i < samples; ++i) {
      const size_t j = static_cast<size_t>(intervals - i);
      result.adjoint_times_s.push_back(forward.start_time_s + static_cast<double>(i) * spacing_s);
      result.adjoint.push_back(Swap(PhaseState{scale * (plus.states[j].q - minus.states[j].q),
                                               scale * (plus.states[j].p - minus.states[j].p)}));
    }
  }
  return result;
}

}  // namespace echolab::detail

#include "learning/detail/continuous_echo.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "common/error.h"
#include "learning/detail/discrete_pass.h"
#include "learning/detail/sampled_pass_loss.h"
#include "learning/device_energy.h"
#include "learning/hardware_cost.h"
#include "physics/integrator.h"

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

struct PassSums {
  Trajectory trajectory;
  Vector energy_gradient;           // ∫ ∂θH ds
  std::vector<Vector> input_terms;  // ∂uH at each sample
  std::vector<PhaseState> states;   // samples (when kept)
  ReadoutCost readout;              // the range of ∂θH over the samples (when measured)
};

// What one pass measures beyond its sums (GradientProblem::measure_device_energy):
// the device's energy, by a ledger started by the caller, and the range of ∂θH.
struct PassMeasurement {
  PassEnergyLedger* ledger = nullptr;
  bool readout_range = false;
};

// max |∂θH|, the smallest nonzero |∂θH| and Σ_j w_j |∂θH| over the samples.
void TrackReadoutRange(const Vector& gradient, double weight_s, ReadoutCost* readout) {
  const auto magnitude = gradient.array().abs();
  readout->max_abs_integrand = readout->max_abs_integrand.cwiseMax(magnitude.matrix());
  readout->min_abs_integrand = readout->min_abs_integrand.array().min(
      (magnitude > 0.0).select(magnitude, HUGE_VAL));
  readout->mean_abs_integrand += weight_s * magnitude.matrix();
}

// Runs one pass with Simpson sums of ∂θH and samples of ∂uH; with a ledger,
// its powers at every sample (Simpson's weights).
PassSums RunPass(const SimulationProblem& pass, const IntegratorOptions& options, long intervals,
                 bool keep_states, const std::function<void(long, const PhaseState&)>& extra,
                 const PassMeasurement& measurement = {}) {
  PassSums sums;
  const int num_params = pass.system->num_params();
  sums.energy_gradient = Vector::Zero(num_params);
  if (measurement.readout_range) {
    sums.readout.max_abs_integrand = Vector::Zero(num_params);
    sums.readout.min_abs_integrand = Vector::Constant(num_params, HUGE_VAL);
    sums.readout.mean_abs_integrand = Vector::Zero(num_params);
  }
  const double spacing_s = pass.duration_s / static_cast<double>(intervals);
  long j = 0;
  Vector u, input_gradient;
  const Observer observe = [&](double t_s, const PhaseState& x) {
    const double weight_s = SimpsonWeight(j, intervals, spacing_s);
    pass.input.Evaluate(t_s, &u);
    const Vector gradient = pass.system->ParameterGradient(x, pass.theta, u);
    sums.energy_gradient += weight_s * gradient;
    if (measurement.readout_range) TrackReadoutRange(gradient, weight_s, &sums.readout);
    if (measurement.ledger) measurement.ledger->AddGridPoint(weight_s, t_s, x);
    pass.system->InputGradient(x.q, pass.theta, u, &input_gradient);
    sums.input_terms.push_back(input_gradient);
    if (keep_states) sums.states.push_back(x);
    if (extra) extra(j, x);
    ++j;
  };
  sums.trajectory = Simulate(pass, options, observe);
  if (measurement.readout_range) {
    // A parameter whose integrand was zero at every sample: floor 0.
    sums.readout.min_abs_integrand =
        sums.readout.min_abs_integrand.cwiseMin(sums.readout.max_abs_integrand);
    sums.readout.mean_abs_integrand /= pass.duration_s;
  }
  return sums;
}

// The forward pass with the loss and its direct term by Simpson's rule:
//   L = Σ_j w_j l(x_j, t_j) + l_T(x(T)),   direct = Σ_j w_j ∂l/∂θ + ∂l_T/∂θ.
struct ForwardSums {
  PassSums pass;
  double loss = 0.0;
  Vector direct;
};

// With `energy`, the device's energy over the pass is added to it, and the
// range of ∂θH measured.
ForwardSums RunForwardPass(const GradientProblem& problem, const IntegratorOptions& sampled,
                           long intervals, DeviceEnergy* energy) {
  const SimulationProblem& forward = problem.forward;
  const Loss& loss = *problem.loss;
  const Vector& theta = forward.theta;
  const double spacing_s = forward.duration_s / static_cast<double>(intervals);
  ForwardSums sums;
  sums.direct = Vector::Zero(forward.system->num_params());
  Vector direct_term;
  std::optional<PassEnergyLedger> ledger;
  if (energy != nullptr) {
    ledger.emplace(forward, spacing_s);
    ledger->Start(forward.start_time_s, forward.initial_state);
  }
  const auto add_loss = [&](long j, const PhaseState& x) {
    const double t = static_cast<double>(j) * spacing_s;
    const double weight = SimpsonWeight(j, intervals, spacing_s);
    sums.loss += weight * loss.Running(x, t, theta);
    loss.RunningParameterGradient(x, t, theta, &direct_term);
    sums.direct += weight * direct_term;
  };
  sums.pass = RunPass(forward, sampled, intervals, false, add_loss,
                      {.ledger = ledger ? &*ledger : nullptr, .readout_range = energy != nullptr});
  if (!sums.pass.trajectory.ok()) return sums;
  const PhaseState& x_final = sums.pass.trajectory.final_state;
  if (ledger) ledger->Finish(forward.end_time_s(), x_final, energy);
  sums.loss += loss.Terminal(x_final, theta);
  loss.TerminalParameterGradient(x_final, theta, &direct_term);
  sums.direct += direct_term;
  return sums;
}

// One echo: x_e(0) = Sz x(T) + signed_beta Sx ∇l_T(x(T)), inputs replayed
// backwards, the continuous nudge. Each echo pass gets its own realisation of
// any thermal noise: seeds seed + 1 (+β) and seed + 2 (-β or the unnudged
// reference) after the forward pass's seed. With `energy`, the echo's energy
// is added to it: from E of the flipped state, the initial nudge as an
// impulse, the continuous nudge as the drive's work.
PassSums RunEcho(const GradientProblem& problem, const PhaseState& x_final,
                 const IntegratorOptions& sampled, long intervals, double signed_beta,
                 bool nudged_up, DeviceEnergy* energy) {
  const SimulationProblem& forward = problem.forward;
  const Loss& loss = *problem.loss;
  PhaseState terminal_gradient;
  loss.TerminalGradient(x_final, forward.theta, &terminal_gradient);
  SimulationProblem echo = forward;
  echo.noise.seed = forward.noise.seed + (nudged_up ? 1 : 2);
  echo.input = forward.input.ReversedReplay(forward.start_time_s + forward.duration_s);
  echo.start_time_s = 0.0;
  const PhaseState flipped = MomentumFlip(x_final);
  echo.initial_state = flipped;
  echo.initial_state.q += signed_beta * terminal_gradient.p;
  echo.initial_state.p += signed_beta * terminal_gradient.q;
  echo.drive = std::make_shared<NudgeDrive>(loss, forward.theta, forward.duration_s, signed_beta);
  std::optional<PassEnergyLedger> ledger;
  if (energy != nullptr) {
    energy->flip_energy_J += FlipEnergy_J(echo, x_final, flipped);
    ledger.emplace(echo, sampled.output_interval_s);
    ledger->Start(0.0, flipped);
    ledger->AddImpulse(0.0, flipped, echo.initial_state);
  }
  PassSums sums = RunPass(echo, sampled, intervals, problem.record_adjoint, {},
                          {.ledger = ledger ? &*ledger : nullptr});
  if (ledger && sums.trajectory.ok()) {
    ledger->Finish(echo.duration_s, sums.trajectory.final_state, energy);
  }
  return sums;
}

// dL/du and λ from the echoes' samples, `scale` × their difference. Sample j
// of an echo is forward time T - j Δ; the forward pass's sample at that time
// (the reference without a reference echo) is its own sample intervals - j.
void StoreSampledEstimates(const GradientProblem& problem, const PassSums& plus,
                           const PassSums& reference, bool reference_is_echo, bool centred,
                           double scale, long intervals, GradientResult* result) {
  const SimulationProblem& forward = problem.forward;
  const double spacing_s = forward.duration_s / static_cast<double>(intervals);
  const long samples = intervals + 1;
  result->dL_du.resize(forward.system->num_inputs(), samples);
  for (long i = 0; i < samples; ++i) {
    const long j = intervals - i;  // echo sample at forward time i Δ
    const Vector& ref = reference.input_terms[static_cast<size_t>(reference_is_echo ? j : i)];
    result->input_times_s.push_back(forward.start_time_s + static_cast<double>(i) * spacing_s);
    result->dL_du.col(i) = -scale * (plus.input_terms[static_cast<size_t>(j)] - ref);
  }
  if (!problem.record_adjoint || !centred) return;
  for (long i = 0; i < samples; ++i) {
    const size_t j = static_cast<size_t>(intervals - i);
    result->adjoint_times_s.push_back(forward.start_time_s + static_cast<double>(i) * spacing_s);
    result->adjoint.push_back(Swap(PhaseState{scale * (plus.states[j].q - reference.states[j].q),
                                              scale * (plus.states[j].p - reference.states[j].p)}));
  }
}

}  // namespace

GradientResult ContinuousEcho(const GradientProblem& problem, const EchoOptions& options) {
  const SimulationProblem& forward = problem.forward;
  const bool centred = options.estimator == EchoEstimator::kCentred;
  const long intervals =
      SampleIntervals(forward.duration_s, problem.integrator.step_s, problem.integrator.max_steps);
  IntegratorOptions sampled = problem.integrator;
  sampled.output_interval_s = forward.duration_s / static_cast<double>(intervals);
  sampled.record_states = false;
  GradientResult result;
  DeviceEnergy* energy = problem.measure_device_energy ? &result.cost.energy : nullptr;

  const ForwardSums forward_sums = RunForwardPass(problem, sampled, intervals, energy);
  result.passes = 1;
  result.steps = forward_sums.pass.trajectory.stats.steps;
  if (!forward_sums.pass.trajectory.ok()) {
    result.status = forward_sums.pass.trajectory.status;
    result.message = "forward pass: " + forward_sums.pass.trajectory.message;
    return result;
  }
  const PhaseState& x_final = forward_sums.pass.trajectory.final_state;
  result.loss = forward_sums.loss;

  const double beta = options.beta;
  const PassSums plus = RunEcho(problem, x_final, sampled, intervals, beta, true, energy);
  // One-sided: on an undamped pass the forward pass is the unnudged
  // reference (its ∫ ∂θH equals that of the unnudged echo by time-reversal
  // invariance); a damped pass's echo does not retrace it, and an unnudged
  // echo is run as the reference instead.
  const bool reference_echo = centred || !forward.dissipation.is_zero();
  const PassSums minus =
      reference_echo
          ? RunEcho(problem, x_final, sampled, intervals, centred ? -beta : 0.0, false, energy)
          : PassSums{};
  result.passes += reference_echo ? 2 : 1;
  // One forward pass after a reset and each echo after a flip; each echo's
  // accumulators take one sample per output time. The range of the
  // integrand is the forward pass's, which the echoes retrace to O(β).
  result.cost.hardware_passes = result.passes;
  result.cost.resets = 1;
  result.cost.flips = result.passes - 1;
  result.cost.has_energy = problem.measure_device_energy;
  result.cost.readout = forward_sums.pass.readout;
  result.cost.readout.samples_per_parameter = (result.passes - 1) * (intervals + 1);
  result.steps += plus.trajectory.stats.steps + minus.trajectory.stats.steps;
  for (const PassSums* echo : {&plus, &minus}) {
    if (echo == &minus && !reference_echo) continue;
    if (!echo->trajectory.ok()) {
      result.status = echo->trajectory.status;
      result.message = "echo pass: " + echo->trajectory.message;
      return result;
    }
  }
  // dL/dθ ≈ -scale [∫ ∂θH(+β) - ∫ ∂θH(ref)] + direct,  dL/dx0 ≈ scale Sx (x_e(+β) - x_ref)
  const double scale = centred ? 1.0 / (2.0 * beta) : 1.0 / beta;
  const PassSums& reference = reference_echo ? minus : forward_sums.pass;
  result.dL_dtheta =
      -scale * (plus.energy_gradient - reference.energy_gradient) + forward_sums.direct;
  const PhaseState reference_end =
      reference_echo ? minus.trajectory.final_state : MomentumFlip(forward.initial_state);
  result.dL_dx0 = Swap(PhaseState{scale * (plus.trajectory.final_state.q - reference_end.q),
                                  scale * (plus.trajectory.final_state.p - reference_end.p)});
  StoreSampledEstimates(problem, plus, reference, reference_echo, centred, scale, intervals,
                        &result);
  return result;
}

}  // namespace echolab::detail

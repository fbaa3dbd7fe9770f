#include "learning/echo_gradient.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

#include "learning/detail/continuous_echo.h"
#include "learning/detail/discrete_pass.h"
#include "learning/detail/parameter_readout.h"
#include "learning/detail/recorded_adjoint.h"
#include "learning/device_energy.h"
#include "physics/error.h"
#include "physics/integrator.h"
#include "physics/stability_guard.h"

namespace echolab {
namespace {

constexpr long kFiniteCheckSteps = 64;
// Full scale of a ∂θH instrument over the largest |∂θH_half| of the forward pass.
constexpr double kReadoutHeadroom = 2.0;

// The decay rate γ of the reweighting: the mass-proportional rate plus the
// mean rate G_i / m_i of per-dof friction (exact when all rates are equal).
double ReweightingRate(const SimulationProblem& forward) {
  const Dissipation& damping = forward.dissipation;
  if (damping.has_friction_matrix()) {
    throw InputError("echo.damping: the reweighted gain echo does not support a friction matrix");
  }
  double rate = damping.momentum_decay_rate_per_s;
  if (damping.has_friction_vector()) {
    const auto masses = forward.system->DiagonalMasses(forward.theta);
    if (!masses) {
      throw InputError("echo.damping: reweighting per-dof friction needs diagonal masses");
    }
    rate += damping.friction_N_s_per_m.cwiseQuotient(*masses).mean();
  }
  return rate;
}

// The flip as the hardware does it: p → -(1 + g) p + σ p_rms ξ.
PhaseState ImperfectFlip(const PhaseState& x, const EchoHardware& hardware,
                         std::mt19937_64* random) {
  PhaseState flipped = MomentumFlip(x);
  flipped.p *= 1.0 + hardware.flip_gain_error;
  if (hardware.flip_noise_relative > 0.0) {
    const double rms = std::sqrt(x.p.squaredNorm() / static_cast<double>(x.p.size()));
    std::normal_distribution<double> noise(0.0, hardware.flip_noise_relative * rms);
    for (Eigen::Index i = 0; i < flipped.p.size(); ++i) flipped.p[i] += noise(*random);
  }
  return flipped;
}

// One echo: its state and what it records on the way.
struct EchoPass {
  PhaseState state;
  std::vector<double> input_terms;   // ∂uH at each kick (m values each), in echo order
  std::vector<double> kick_times_s;  // forward time of each kick
  Vector input_gradient;             // scratch
};

// The echo pass problem: same substrate and dissipation, inputs replayed
// backwards, u_e(s) = P u(t0 + T - s), echo time from 0.
// `step_s`: the grid's step, over which the jitter of the replay is redrawn.
SimulationProblem MakeEchoProblem(const SimulationProblem& forward, EchoDamping damping,
                                  const EchoHardware& hardware, double step_s,
                                  std::mt19937_64* random) {
  SimulationProblem echo = forward;
  echo.input = forward.input.ReversedReplay(forward.start_time_s + forward.duration_s -
                                            hardware.input_time_offset_s);
  if (hardware.parameter_drift_relative > 0.0) {
    // θ_i (1 + δ_i): the echoes run on slightly different hardware.
    std::normal_distribution<double> drift(0.0, hardware.parameter_drift_relative);
    for (Eigen::Index i = 0; i < echo.theta.size(); ++i) echo.theta[i] *= 1.0 + drift(*random);
  }
  if (hardware.input_time_jitter_s > 0.0) {
    echo.input = echo.input.WithTimeJitter(hardware.input_time_jitter_s, step_s, (*random)());
  }
  echo.start_time_s = 0.0;
  if (damping != EchoDamping::kNaive) {
    // Damping turned into equal gain.
    echo.dissipation.momentum_decay_rate_per_s = -forward.dissipation.momentum_decay_rate_per_s;
    echo.dissipation.friction_N_s_per_m = -forward.dissipation.friction_N_s_per_m;
    echo.dissipation.friction_matrix = -forward.dissipation.friction_matrix;
  }
  return echo;
}

// Records ∂uH at the kick of a sub-step of an echo.
void RecordKick(const SimulationProblem& echo_problem, const SimulationProblem& forward,
                const SymmetricSplitting::Record& record, EchoPass* pass) {
  echo_problem.system->InputGradient(record.q_kick, echo_problem.theta, record.u_kick,
                                     &pass->input_gradient);
  pass->input_terms.insert(pass->input_terms.end(), pass->input_gradient.begin(),
                           pass->input_gradient.end());
  pass->kick_times_s.push_back(forward.start_time_s + forward.duration_s - record.t_kick_s);
}

// The instruments that read ∂θH_half in each of the two centred echoes, and
// the sum Σ τ [m(+β) - m(-β)] of their readings.
class MeasuredEchoes {
 public:
  MeasuredEchoes(const SimulationProblem& echo_problem, const Vector& full_scale,
                 const EchoHardware& hardware, std::mt19937_64* random)
      : echo_problem_(echo_problem),
        plus_(full_scale, hardware.readout_noise_relative, hardware.readout_bits, (*random)()),
        minus_(full_scale, hardware.readout_noise_relative, hardware.readout_bits, (*random)()) {}

  void Add(const SymmetricSplitting::Record& plus, const SymmetricSplitting::Record& minus,
           Vector* sum) {
    detail::HalfStepParameterGradient(echo_problem_, plus, &gradient_, &scratch_);
    plus_.Measure(gradient_, &measured_plus_);
    detail::HalfStepParameterGradient(echo_problem_, minus, &gradient_, &scratch_);
    minus_.Measure(gradient_, &measured_minus_);
    *sum += plus.tau_s * (measured_plus_ - measured_minus_);
  }

 private:
  const SimulationProblem& echo_problem_;
  detail::ParameterReadout plus_, minus_;
  Vector gradient_, scratch_, measured_plus_, measured_minus_;
};

// The steppers of the echoes. Centred: both echoes in one paired stepper that
// sums Σ τ [∂θH_half(+β) - ∂θH_half(-β)] into *energy_sum, so that each pass
// over the substrate serves both, or, with `measured`, the sum of what the
// instruments read instead. One-sided: the nudged echo sums
// Σ τ ∂θH_half(+β) into *energy_sum and the unnudged reference echo, if
// any, Σ τ ∂θH_half(0) into *reference_sum (without one, the forward pass
// has that sum).
class EchoSteppers {
 public:
  EchoSteppers(const SimulationProblem& echo_problem, const SimulationProblem& forward,
               const std::vector<double>& weights, bool centred, bool has_other,
               MeasuredEchoes* measured, Vector* energy_sum, Vector* reference_sum)
      : echo_problem_(echo_problem),
        forward_(forward),
        first_(echo_problem, weights),
        measured_(measured),
        energy_sum_(energy_sum) {
    if (centred) {
      paired_ = true;
      if (measured == nullptr) first_.AccumulateHalfStepParameterDifference(energy_sum);
    } else {
      first_.AccumulateHalfStepParameterGradient(energy_sum);
      if (has_other) {
        second_.emplace(echo_problem, weights);
        second_->AccumulateHalfStepParameterGradient(reference_sum);
      }
    }
  }

  // Advances the echoes by a step of the grid, recording ∂uH at each kick
  // when asked.
  void Step(double s_s, double h_s, bool record_inputs, EchoPass* plus, EchoPass* other) {
    if (paired_) {
      if (!record_inputs && measured_ == nullptr) {
        first_.StepPair(s_s, h_s, &plus->state, &other->state);
        return;
      }
      first_.StepPair(
          s_s, h_s, &plus->state, &other->state,
          [&](const SymmetricSplitting::Record& a, const SymmetricSplitting::Record& b) {
            if (measured_ != nullptr) measured_->Add(a, b, energy_sum_);
            if (!record_inputs) return;
            RecordKick(echo_problem_, forward_, a, plus);
            RecordKick(echo_problem_, forward_, b, other);
          });
      return;
    }
    StepOne(&first_, s_s, h_s, record_inputs, plus);
    if (second_) StepOne(&*second_, s_s, h_s, record_inputs, other);
  }

 private:
  void StepOne(CompositionStepper* stepper, double s_s, double h_s, bool record_inputs,
               EchoPass* pass) {
    if (!record_inputs) {
      stepper->Step(s_s, h_s, &pass->state);
      return;
    }
    stepper->Step(s_s, h_s, &pass->state, [&](const SymmetricSplitting::Record& record) {
      RecordKick(echo_problem_, forward_, record, pass);
    });
  }

  const SimulationProblem& echo_problem_;
  const SimulationProblem& forward_;
  bool paired_ = false;
  CompositionStepper first_;
  std::optional<CompositionStepper> second_;
  MeasuredEchoes* measured_;
  Vector* energy_sum_;
};

// Adds sign × β Sx g to an echo state: q += sign β g_p, p += sign β g_q.
// The loss depends on positions or on momenta only, so only one half of Sx g
// is nonzero; with `read` (the dofs the loss reads, Loss::ReadDofs) only
// those entries of it are.
void Nudge(const PhaseState& g, double signed_beta, ReadoutDependence dependence,
           const std::vector<int>& read, PhaseState* x) {
  const bool positions = dependence == ReadoutDependence::kPositions;
  Vector& target = positions ? x->p : x->q;
  const Vector& source = positions ? g.q : g.p;
  if (read.empty()) {
    target += signed_beta * source;
    return;
  }
  for (int i : read) target[i] += signed_beta * source[i];
}

// c ∇l(x, t) of the loss at the forward-time state x.
// Buffers of the nudge, reused at every step.
struct NudgeScratch {
  PhaseState reference;  // the forward-time state where ∇l is evaluated
  PhaseState gradient;   // ∇l there
};

// Sets *reference = Sz (a + b) / 2, the forward-time state midway between two
// echoes: every entry, or only the read ones (the others are left as they
// are, and the loss does not look at them).
void FlippedMean(const PhaseState& a, const PhaseState& b, const std::vector<int>& read,
                 PhaseState* reference) {
  if (read.empty()) {
    reference->q = 0.5 * (a.q + b.q);
    reference->p = -0.5 * (a.p + b.p);
    return;
  }
  reference->q.resize(a.q.size());
  reference->p.resize(a.p.size());
  for (int i : read) {
    reference->q[i] = 0.5 * (a.q[i] + b.q[i]);
    reference->p[i] = -0.5 * (a.p[i] + b.p[i]);
  }
}

// Sets *reference = Sz x.
void Flipped(const PhaseState& x, PhaseState* reference) {
  reference->q = x.q;
  reference->p = -x.p;
}

PhaseState Difference(const PhaseState& a, const PhaseState& b, double scale) {
  return PhaseState{scale * (a.q - b.q), scale * (a.p - b.p)};
}

bool AllFinite(const EchoPass& a, const std::optional<EchoPass>& b) {
  return IsFinite(a.state) && (!b || IsFinite(b->state));
}

// The stability guard of the echoes. The nudges put energy into each echo
// that no input accounts for (β ∂l/∂p can be large in SI units), so the
// guard watches their unnudged part: the mean of the two echoes (centred;
// exactly the unnudged echo when the substrate is linear) or the reference
// echo (one-sided). A one-sided echo without a reference has no unnudged
// part; it relies on the guard of its forward pass.
class EchoGuard {
 public:
  EchoGuard(const SimulationProblem& echo_problem, const IntegratorOptions& options,
            const EchoPass& plus, const std::optional<EchoPass>& other, bool centred)
      : centred_(centred) {
    if (!other) return;
    start_ = echo_problem;
    start_.initial_state = Unnudged(plus, *other);
    guard_.emplace(start_, options);
  }

  // False (status and message set) when the echoes' energy ran away at echo time s.
  bool Check(double s_s, const EchoPass& plus, const std::optional<EchoPass>& other,
             GradientResult* result) {
    if (!guard_ || guard_->Check(s_s, Unnudged(plus, *other))) return true;
    result->status = SolveStatus::kEnergyGrowth;
    result->message = fmt::format("the echo stopped (t counts echo time): {}", guard_->message());
    return false;
  }

 private:
  // (x_e(+β) + x_e(-β)) / 2, or the reference echo.
  PhaseState Unnudged(const EchoPass& plus, const EchoPass& other) const {
    if (!centred_) return other.state;
    return PhaseState{0.5 * (plus.state.q + other.state.q), 0.5 * (plus.state.p + other.state.p)};
  }

  bool centred_;
  SimulationProblem start_;
  std::optional<StabilityGuard> guard_;
};

// `gamma`: the reweighting rate; a kick at echo time s is weighted exp(-γ s).
void StoreInputDensity(const EchoPass& plus, const std::vector<double>& reference_terms,
                       double scale, double gamma, double end_time_s, int num_inputs,
                       GradientResult* result) {
  // Kicks come in echo order, i.e. backwards in forward time.
  const size_t kicks = plus.kick_times_s.size();
  std::vector<size_t> order(kicks);
  for (size_t j = 0; j < kicks; ++j) order[j] = j;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return plus.kick_times_s[a] < plus.kick_times_s[b]; });
  result->dL_du.resize(num_inputs, static_cast<Eigen::Index>(kicks));
  for (size_t j = 0; j < kicks; ++j) {
    const size_t kick = order[j];
    result->input_times_s.push_back(plus.kick_times_s[kick]);
    const auto offset = static_cast<ptrdiff_t>(kick) * num_inputs;
    const double weight = std::exp(-gamma * (end_time_s - plus.kick_times_s[kick]));
    result->dL_du.col(static_cast<Eigen::Index>(j)) =
        -scale * weight *
        (Eigen::Map<const Vector>(plus.input_terms.data() + offset, num_inputs) -
         Eigen::Map<const Vector>(reference_terms.data() + offset, num_inputs));
  }
}

// The device's energy over the echoes (GradientProblem::measure_device_energy):
// a ledger per echo, each starting from the flipped state, with the nudges as
// impulses and the powers sampled at each grid time before its nudge (at
// s = 0 after it: the flow starts from the nudged state).
class EchoEnergy {
 public:
  EchoEnergy(const SimulationProblem& echo_problem, double step_s, bool two_echoes)
      : plus_(echo_problem, step_s) {
    if (two_echoes) other_.emplace(echo_problem, step_s);
  }

  // Both echoes start from the flipped state, before their first nudge.
  void Start(const PhaseState& flipped) {
    plus_.Start(0.0, flipped);
    plus_before_ = flipped;
    if (!other_) return;
    other_->Start(0.0, flipped);
    other_before_ = flipped;
  }
  void BeforeNudge(const EchoPass& plus, const std::optional<EchoPass>& other) {
    plus_before_ = plus.state;
    if (other_) other_before_ = other->state;
  }
  void AfterNudge(double s_s, const EchoPass& plus, const std::optional<EchoPass>& other) {
    plus_.AddImpulse(s_s, plus_before_, plus.state);
    if (other_) other_->AddImpulse(s_s, other_before_, other->state);
  }
  void AddGridPoint(double weight_s, double s_s, const EchoPass& plus,
                    const std::optional<EchoPass>& other) {
    plus_.AddGridPoint(weight_s, s_s, plus.state);
    if (other_) other_->AddGridPoint(weight_s, s_s, other->state);
  }
  void Finish(double s_s, const EchoPass& plus, const std::optional<EchoPass>& other,
              DeviceEnergy* total) {
    plus_.Finish(s_s, plus.state, total);
    if (other_) other_->Finish(s_s, other->state, total);
  }

 private:
  PassEnergyLedger plus_;
  std::optional<PassEnergyLedger> other_;
  PhaseState plus_before_, other_before_;
};

// The counts of an echo experiment: one forward pass after a reset, and
// each echo after a flip; the read-out range is the forward pass's.
HardwareCost EchoHardwareCost(const detail::DiscreteForwardPass& pass, int echoes,
                              long samples_per_parameter) {
  HardwareCost cost;
  cost.hardware_passes = 1 + echoes;
  cost.resets = 1;
  cost.flips = echoes;
  cost.readout.samples_per_parameter = samples_per_parameter;
  cost.readout.max_abs_integrand = pass.parameter_gradient_range;
  cost.readout.min_abs_integrand = pass.parameter_gradient_floor;
  return cost;
}

}  // namespace

void EchoOptions::Validate() const {
  const EchoHardware& h = hardware;
  if (!std::isfinite(h.flip_gain_error) || !(h.flip_noise_relative >= 0.0) ||
      !(h.parameter_drift_relative >= 0.0) || !std::isfinite(h.input_time_offset_s) ||
      !(h.input_time_jitter_s >= 0.0) || !std::isfinite(h.input_time_jitter_s) ||
      !(h.readout_noise_relative >= 0.0) || !std::isfinite(h.readout_noise_relative)) {
    throw InputError(
        "echo.hardware: expected a finite flip gain error and time offset, and noise, drift "
        "and jitter levels >= 0");
  }
  if (h.readout_bits < 0 || h.readout_bits > 52) {
    throw InputError(
        fmt::format("echo.hardware.readout_bits: expected 0 (no quantisation) to 52 bits, got {}",
                    h.readout_bits));
  }
  if (repeats < 1) throw InputError(fmt::format("echo.repeats must be >= 1, got {}", repeats));
  if (!(beta > 0.0) || !std::isfinite(beta)) {
    throw InputError(fmt::format("echo.beta must be a positive number, got {}", beta));
  }
}

EchoGradient::EchoGradient(EchoOptions options) : options_(options) { options_.Validate(); }

std::string EchoGradient::name() const {
  return options_.estimator == EchoEstimator::kCentred ? "echo" : "echo_one_sided";
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
                                         const EchoOptions& options) const {
  if (!detail::IsCompositionScheme(problem.integrator.scheme)) {
    return detail::ContinuousEcho(problem, options);
  }
  if (!problem.forward.noise.is_zero()) {
    throw InputError(
        fmt::format("noise: the discrete echo of the composition schemes ({}) is deterministic; "
                    "use the scheme 'baoab' to run the echo with thermal noise",
                    fmt::join(CompositionSchemeNames(), ", ")));
  }
  const std::vector<double> weights =
      detail::CompositionWeightsOf(problem.integrator.scheme, name());
  const detail::StepGrid grid = detail::MakeStepGrid(problem);
  const SimulationProblem& forward = problem.forward;
  const Loss& loss = *problem.loss;
  const Vector& theta = forward.theta;
  const double beta = options.beta;
  const bool centred = options.estimator == EchoEstimator::kCentred;
  const bool linearized = options.nudge == NudgeReference::kLinearized;
  const bool measured = options.hardware.has_readout_model();
  if (measured && !centred) {
    throw InputError("echo.hardware: read-out noise and quantisation need the centred estimator");
  }
  GradientResult result;

  // The one-sided estimate needs an unnudged reference echo for a linearized
  // nudge, a recorded adjoint, or when the echo does not retrace the forward
  // pass (the naive echo of a damped pass); otherwise the forward pass's own
  // sum Σ τ ∂θH_half and Sz x0 are that echo's, exactly.
  const bool retraces = options.damping != EchoDamping::kNaive || forward.dissipation.is_zero();
  const bool one_sided_reference = !centred && (linearized || problem.record_adjoint || !retraces);
  // Forward pass: the loss, the direct term and, for the one-sided estimate
  // without a reference echo, the reference sum Σ τ ∂θH_half.
  const detail::DiscreteForwardPass pass =
      detail::RunDiscreteForward(problem, grid, weights,
                                 {.accumulate_half_step_energy = !centred && !one_sided_reference,
                                  .record_parameter_gradient_range = measured,
                                  .measure_energy = problem.measure_device_energy});
  result.passes = 1;
  result.steps = pass.steps;
  result.loss = pass.loss;
  if (pass.status != SolveStatus::kSuccess) {
    result.status = pass.status;
    result.message = pass.message;
    return result;
  }

  // Echo start: x_e,0 = Sz x_N ± β Sx [∇l_T(x_N) + c_N ∇l(x_N)].
  const long n = grid.num_steps;
  std::mt19937_64 random(options.hardware.seed);
  const SimulationProblem echo_problem =
      MakeEchoProblem(forward, options.damping, options.hardware, grid.step_s, &random);
  // Reweighting: the nudge at echo time s × exp(+γ s), the parameter
  // integrand and the read-out of λ × exp(-γ s).
  const bool reweighted = options.damping == EchoDamping::kGainReweighted;
  const double gamma = reweighted ? ReweightingRate(forward) : 0.0;
  if (reweighted && !centred) {
    throw InputError("echo.damping: the reweighted gain echo needs the centred estimator");
  }
  PhaseState terminal_gradient;
  loss.TerminalGradient(pass.final_state, theta, &terminal_gradient);
  const PhaseState flipped = ImperfectFlip(pass.final_state, options.hardware, &random);

  EchoPass plus{.state = flipped};
  Nudge(terminal_gradient, beta, loss.dependence(), {}, &plus.state);
  // The second echo: -β (centred), or the unnudged reference (one-sided).
  std::optional<EchoPass> other;
  if (centred) {
    other.emplace(EchoPass{.state = flipped});
    Nudge(terminal_gradient, -beta, loss.dependence(), {}, &other->state);
  } else if (one_sided_reference) {
    other.emplace(EchoPass{.state = flipped});
  }
  const int echoes = other ? 2 : 1;
  result.cost = EchoHardwareCost(pass, echoes, echoes * n * static_cast<long>(weights.size()));
  std::optional<EchoEnergy> energy;
  if (problem.measure_device_energy) {
    result.cost.has_energy = true;
    result.cost.energy = pass.energy;
    result.cost.energy.flip_energy_J = echoes * FlipEnergy_J(forward, pass.final_state, flipped);
    energy.emplace(echo_problem, grid.step_s, other.has_value());
    energy->Start(flipped);
  }
  const double scale = centred ? 1.0 / (2.0 * beta) : 1.0 / beta;
  // λ_k ≈ Sx (x_e(+β) - x_e(other)) × scale
  double echo_time_s = 0.0;
  const auto estimate_lambda = [&] {
    return detail::Swap(
        Difference(plus.state, other->state, scale * std::exp(-gamma * echo_time_s)));
  };

  // Nudges both echoes with the loss impulse of forward step k.
  detail::RecordedAdjoint recorded;
  NudgeScratch scratch;
  // ± β c_k ∇l at the reference state, added as Sx to an echo.
  // The dofs the loss reads, each once: the nudge touches only those.
  std::vector<int> read = loss.ReadDofs();
  std::sort(read.begin(), read.end());
  read.erase(std::unique(read.begin(), read.end()), read.end());
  const auto nudge_one = [&](const PhaseState& reference, long k, double sign, PhaseState* x) {
    loss.RunningGradient(reference, grid.Time(k), theta, &scratch.gradient);
    Nudge(scratch.gradient, sign * beta * grid.Weight(k) * std::exp(gamma * echo_time_s),
          loss.dependence(), read, x);
  };
  const auto nudge = [&](long k) {
    const PhaseState before = problem.record_adjoint ? estimate_lambda() : PhaseState{};
    if (linearized) {
      if (centred) {
        FlippedMean(plus.state, other->state, read, &scratch.reference);
      } else {
        Flipped(other->state, &scratch.reference);
      }
      loss.RunningGradient(scratch.reference, grid.Time(k), theta, &scratch.gradient);
      const double strength = beta * grid.Weight(k) * std::exp(gamma * echo_time_s);
      Nudge(scratch.gradient, strength, loss.dependence(), read, &plus.state);
      if (centred) Nudge(scratch.gradient, -strength, loss.dependence(), read, &other->state);
    } else {
      Flipped(plus.state, &scratch.reference);
      nudge_one(scratch.reference, k, 1.0, &plus.state);
      if (centred) {
        Flipped(other->state, &scratch.reference);
        nudge_one(scratch.reference, k, -1.0, &other->state);
      }
    }
    if (problem.record_adjoint) {
      recorded.Add(forward.start_time_s + grid.Time(k), before, estimate_lambda());
    }
  };
  nudge(n);
  if (energy) {
    // The terminal nudge and the loss impulse at s = 0, from the flipped state.
    energy->AfterNudge(0.0, plus, other);
    energy->AddGridPoint(grid.Weight(n), 0.0, plus, other);
  }
  // Σ τ [∂θH_half(+β) - ∂θH_half(-β)] (centred) or Σ τ ∂θH_half(+β)
  // (one-sided), summed by the steppers; with reweighting, each step's sum
  // gets its own weight in the total.
  Vector energy_sum = Vector::Zero(theta.size());
  Vector reference_sum = Vector::Zero(theta.size());
  Vector reweighted_total = Vector::Zero(reweighted ? theta.size() : 0);
  std::optional<MeasuredEchoes> instruments;
  if (measured) {
    // One bit of headroom over the largest value of the forward pass, so that
    // the nudged echoes do not saturate the instruments.
    instruments.emplace(echo_problem, kReadoutHeadroom * pass.parameter_gradient_range,
                        options.hardware, &random);
  }
  EchoSteppers steppers(echo_problem, forward, weights, centred, other.has_value(),
                        instruments ? &*instruments : nullptr, &energy_sum, &reference_sum);
  const bool record_inputs = problem.compute_input_gradient && other.has_value();
  EchoGuard guard(echo_problem, detail::GridOptions(problem, grid), plus, other, centred);
  for (long j = 0; j < n; ++j) {
    const double s = grid.Time(j);
    steppers.Step(s, grid.step_s, record_inputs, &plus, other ? &*other : nullptr);
    if (reweighted) {
      reweighted_total += std::exp(-gamma * (s + 0.5 * grid.step_s)) * energy_sum;
      energy_sum.setZero();
    }
    echo_time_s = grid.Time(j + 1);
    result.steps += other ? 2 : 1;
    // A non-finite state stays non-finite, so a check every kFiniteCheckSteps
    // steps, and at the end, catches it at a fraction of the cost.
    if ((j % kFiniteCheckSteps == 0 || j + 1 == n) && !AllFinite(plus, other)) {
      result.status = SolveStatus::kNonFiniteState;
      result.message = fmt::format("an echo became non-finite by s = {:.6g} s", s + grid.step_s);
      return result;
    }
    if ((j % kFiniteCheckSteps == 0 || j + 1 == n) &&
        !guard.Check(s + grid.step_s, plus, other, &result)) {
      return result;
    }
    if (energy) {
      energy->AddGridPoint(grid.Weight(j + 1), echo_time_s, plus, other);
      energy->BeforeNudge(plus, other);
    }
    nudge(n - j - 1);  // forward index k = N - j - 1
    if (energy) energy->AfterNudge(echo_time_s, plus, other);
  }
  result.passes += other ? 2 : 1;
  if (energy) energy->Finish(echo_time_s, plus, other, &result.cost.energy);

  // dL/dθ ≈ -[Σ τ ∂θH_half(+β) - Σ τ ∂θH_half(ref)] × scale + direct term,
  // the reference being the unnudged echo's sum, or the forward pass's when
  // that echo was not run.
  if (reweighted) energy_sum = reweighted_total;
  if (!centred) energy_sum -= other ? reference_sum : pass.half_step_energy_gradient;
  result.dL_dtheta = -scale * energy_sum + pass.direct_parameter_gradient;
  if (other) {
    result.dL_dx0 = estimate_lambda();
    if (problem.compute_input_gradient) {
      StoreInputDensity(plus, other->input_terms, scale, gamma, forward.end_time_s(),
                        forward.system->num_inputs(), &result);
    }
  } else {
    // One-sided without a reference echo: the unnudged echo ends at Sz x0.
    result.dL_dx0 =
        detail::Swap(Difference(plus.state, MomentumFlip(forward.initial_state), scale));
  }
  recorded.MoveInto(&result);
  return result;
}

}  // namespace echolab

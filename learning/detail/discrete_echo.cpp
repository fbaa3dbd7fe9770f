#include "learning/detail/discrete_echo.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <random>

#include "learning/detail/discrete_pass.h"
#include "learning/detail/parameter_readout.h"
#include "learning/detail/recorded_adjoint.h"
#include "learning/device_energy.h"
#include "learning/hardware_cost.h"
#include "physics/stability_guard.h"

namespace echolab::detail {
namespace {

constexpr long kFiniteCheckSteps = 64;
// Full scale of a ∂θH instrument over the largest |∂θH_half| of the forward pass.
constexpr double kReadoutHeadroom = 2.0;

// The decay rate γ of the reweighting: the mass-proportional rate plus the
// mean rate G_i / m_i of per-dof friction (exact when all rates are equal).
// EchoGradient::DoCheckSupport has refused a friction matrix, and per-dof
// friction without diagonal masses.
double ReweightingRate(const SimulationProblem& forward) {
  const Dissipation& damping = forward.dissipation;
  double rate = damping.momentum_decay_rate_per_s;
  if (damping.has_friction_vector()) {
    const Vector masses = *forward.system->DiagonalMasses(forward.theta);
    rate += damping.friction_N_s_per_m.cwiseQuotient(masses).mean();
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
HardwareCost EchoHardwareCost(const DiscreteForwardPass& pass, int echoes,
                              long samples_per_parameter) {
  HardwareCost cost;
  cost.hardware_passes = 1 + echoes;
  cost.resets = 1;
  cost.flips = echoes;
  cost.readout.samples_per_parameter = samples_per_parameter;
  cost.readout.max_abs_integrand = pass.parameter_gradient_range;
  cost.readout.min_abs_integrand = pass.parameter_gradient_floor;
  cost.readout.mean_abs_integrand = pass.parameter_gradient_mean_abs;
  return cost;
}

// Adds the loss impulse of forward step k to the echoes,
//   x_e ± β c_k e^(γ s) Sx ∇l(x_ref, t_k),
// with the reference state x_ref that the nudge reference says.
class EchoNudger {
 public:
  EchoNudger(const Loss& loss, const Vector& theta, const StepGrid& grid, double beta, bool centred)
      : loss_(loss), theta_(theta), grid_(grid), beta_(beta), centred_(centred) {
    // The dofs the loss reads, each once: the nudge touches only those.
    read_ = loss.ReadDofs();
    std::sort(read_.begin(), read_.end());
    read_.erase(std::unique(read_.begin(), read_.end()), read_.end());
  }
  virtual ~EchoNudger() = default;

  /// `gain`: the reweighting's e^(γ s) at the echo time s (1 without).
  /// `other`: the -β echo (centred) or the unnudged reference (one-sided).
  virtual void Nudge(long k, double gain, EchoPass* plus, EchoPass* other) = 0;

 protected:
  // *x += signed_strength Sx ∇l(reference, t_k) on the read dofs.
  void Add(const PhaseState& reference, long k, double signed_strength, PhaseState* x) {
    loss_.RunningGradient(reference, grid_.Time(k), theta_, &gradient_);
    echolab::detail::Nudge(gradient_, signed_strength, loss_.dependence(), read_, x);
  }
  double Strength(long k, double gain) const { return beta_ * grid_.Weight(k) * gain; }

  const Loss& loss_;
  const Vector& theta_;
  const StepGrid& grid_;
  double beta_;
  bool centred_;
  std::vector<int> read_;
  PhaseState reference_;  // the forward-time state where ∇l is evaluated
  PhaseState gradient_;   // ∇l there
};

// Linearized: ∇l at the unnudged path, Sz of the mean of the two echoes
// (centred) or of the reference echo (one-sided), the same for both echoes.
class LinearizedNudger final : public EchoNudger {
 public:
  using EchoNudger::EchoNudger;
  void Nudge(long k, double gain, EchoPass* plus, EchoPass* other) override {
    if (centred_) {
      FlippedMean(plus->state, other->state, read_, &reference_);
    } else {
      Flipped(other->state, &reference_);
    }
    loss_.RunningGradient(reference_, grid_.Time(k), theta_, &gradient_);
    const double strength = Strength(k, gain);
    echolab::detail::Nudge(gradient_, strength, loss_.dependence(), read_, &plus->state);
    if (centred_) {
      echolab::detail::Nudge(gradient_, -strength, loss_.dependence(), read_, &other->state);
    }
  }
};

// Physical: ∇l at each echo's own state, as a single echo on hardware feels it.
class PhysicalNudger final : public EchoNudger {
 public:
  using EchoNudger::EchoNudger;
  void Nudge(long k, double gain, EchoPass* plus, EchoPass* other) override {
    Flipped(plus->state, &reference_);
    Add(reference_, k, Strength(k, gain), &plus->state);
    if (!centred_) return;
    Flipped(other->state, &reference_);
    Add(reference_, k, -Strength(k, gain), &other->state);
  }
};

// One experiment of the discrete echo: the forward pass, the flip, the echo
// loop, then the assembly of the estimates.
class DiscreteEchoRun {
 public:
  DiscreteEchoRun(const GradientProblem& problem, const EchoOptions& options)
      : problem_(problem),
        options_(options),
        forward_(problem.forward),
        weights_(CompositionWeightsOf(problem.integrator.scheme, "echo")),
        grid_(MakeStepGrid(problem)),
        centred_(options.estimator == EchoEstimator::kCentred),
        measured_(options.hardware.has_readout_model()),
        reweighted_(options.damping == EchoDamping::kGainReweighted),
        random_(options.hardware.seed) {
    // The one-sided estimate needs an unnudged reference echo for a
    // linearized nudge, a recorded adjoint, or when the echo does not retrace
    // the forward pass (the naive echo of a damped pass); otherwise the
    // forward pass's own sum Σ τ ∂θH_half and Sz x0 are that echo's, exactly.
    const bool linearized = options.nudge == NudgeReference::kLinearized;
    const bool retraces = options.damping != EchoDamping::kNaive || forward_.dissipation.is_zero();
    one_sided_reference_ = !centred_ && (linearized || problem.record_adjoint || !retraces);
    scale_ = centred_ ? 1.0 / (2.0 * options.beta) : 1.0 / options.beta;
    gamma_ = reweighted_ ? ReweightingRate(forward_) : 0.0;
    if (linearized) {
      nudger_ = std::make_unique<LinearizedNudger>(*problem.loss, forward_.theta, grid_,
                                                   options.beta, centred_);
    } else {
      nudger_ = std::make_unique<PhysicalNudger>(*problem.loss, forward_.theta, grid_, options.beta,
                                                 centred_);
    }
  }

  GradientResult Run() {
    GradientResult result;
    if (!RunForwardPass(&result)) return result;
    FlipAndStartEchoes();
    StartCost(&result);
    if (!RunEchoLoop(&result)) return result;
    Assemble(&result);
    return result;
  }

 private:
  // The loss, the direct term and, for the one-sided estimate without a
  // reference echo, the reference sum Σ τ ∂θH_half. False on failure.
  bool RunForwardPass(GradientResult* result) {
    pass_ = RunDiscreteForward(problem_, grid_, weights_,
                               {.accumulate_half_step_energy = !centred_ && !one_sided_reference_,
                                .record_parameter_gradient_range = measured_,
                                .measure_energy = problem_.measure_device_energy});
    result->passes = 1;
    result->steps = pass_.steps;
    result->loss = pass_.loss;
    if (pass_.status == SolveStatus::kSuccess) return true;
    result->status = pass_.status;
    result->message = pass_.message;
    return false;
  }

  // x_e,0 = Sz x_N ± β Sx ∇l_T(x_N), through the hardware's imperfect flip;
  // the second echo is the -β one (centred) or the unnudged reference.
  void FlipAndStartEchoes() {
    echo_problem_ =
        MakeEchoProblem(forward_, options_.damping, options_.hardware, grid_.step_s, &random_);
    const Loss& loss = *problem_.loss;
    PhaseState terminal_gradient;
    loss.TerminalGradient(pass_.final_state, forward_.theta, &terminal_gradient);
    flipped_ = ImperfectFlip(pass_.final_state, options_.hardware, &random_);
    const PhaseState& flipped = flipped_;
    plus_.state = flipped;
    Nudge(terminal_gradient, options_.beta, loss.dependence(), {}, &plus_.state);
    if (centred_) {
      other_.emplace(EchoPass{.state = flipped});
      Nudge(terminal_gradient, -options_.beta, loss.dependence(), {}, &other_->state);
    } else if (one_sided_reference_) {
      other_.emplace(EchoPass{.state = flipped});
    }
  }

  // The hardware cost of the experiment (passes, flips, read-out), and the
  // device's energy over it when asked: the forward pass's, the flips', and
  // the echoes' ledgers started from the flipped state.
  void StartCost(GradientResult* result) {
    const int echoes = other_ ? 2 : 1;
    result->cost = EchoHardwareCost(pass_, echoes,
                                    echoes * grid_.num_steps * static_cast<long>(weights_.size()));
    if (!problem_.measure_device_energy) return;
    result->cost.has_energy = true;
    result->cost.energy = pass_.energy;
    result->cost.energy.flip_energy_J =
        echoes * FlipEnergy_J(forward_, pass_.final_state, flipped_);
    energy_.emplace(echo_problem_, grid_.step_s, other_.has_value());
    energy_->Start(flipped_);
  }

  // λ_k ≈ Sx (x_e(+β) - x_e(other)) × scale × e^(-γ s)
  PhaseState EstimateLambda() const {
    return Swap(Difference(plus_.state, other_->state, scale_ * std::exp(-gamma_ * echo_time_s_)));
  }

  // The loss impulse of forward step k, with λ recorded around it if asked.
  void NudgeAt(long k) {
    const PhaseState before = problem_.record_adjoint ? EstimateLambda() : PhaseState{};
    nudger_->Nudge(k, std::exp(gamma_ * echo_time_s_), &plus_, other_ ? &*other_ : nullptr);
    if (problem_.record_adjoint) {
      recorded_.Add(forward_.start_time_s + grid_.Time(k), before, EstimateLambda());
    }
  }

  // The echoes over the grid, nudged after each step; Σ τ [∂θH_half(+β) -
  // ∂θH_half(-β)] (centred) or Σ τ ∂θH_half(+β) (one-sided) summed by the
  // steppers, each step's sum weighted e^(-γ s) with reweighting. False (status
  // and message set) when an echo became non-finite or ran away.
  bool RunEchoLoop(GradientResult* result) {
    const long n = grid_.num_steps;
    const Vector& theta = forward_.theta;
    NudgeAt(n);
    if (energy_) {
      // The terminal nudge and the loss impulse at s = 0, from the flipped state.
      energy_->AfterNudge(0.0, plus_, other_);
      energy_->AddGridPoint(grid_.Weight(n), 0.0, plus_, other_);
    }
    energy_sum_ = Vector::Zero(theta.size());
    reference_sum_ = Vector::Zero(theta.size());
    Vector reweighted_total = Vector::Zero(reweighted_ ? theta.size() : 0);
    std::optional<MeasuredEchoes> instruments;
    if (measured_) {
      // One bit of headroom over the largest value of the forward pass, so
      // that the nudged echoes do not saturate the instruments.
      instruments.emplace(echo_problem_, kReadoutHeadroom * pass_.parameter_gradient_range,
                          options_.hardware, &random_);
    }
    EchoSteppers steppers(echo_problem_, forward_, weights_, centred_, other_.has_value(),
                          instruments ? &*instruments : nullptr, &energy_sum_, &reference_sum_);
    const bool record_inputs = problem_.compute_input_gradient && other_.has_value();
    EchoGuard guard(echo_problem_, GridOptions(problem_, grid_), plus_, other_, centred_);
    for (long j = 0; j < n; ++j) {
      const double s = grid_.Time(j);
      steppers.Step(s, grid_.step_s, record_inputs, &plus_, other_ ? &*other_ : nullptr);
      if (reweighted_) {
        reweighted_total += std::exp(-gamma_ * (s + 0.5 * grid_.step_s)) * energy_sum_;
        energy_sum_.setZero();
      }
      echo_time_s_ = grid_.Time(j + 1);
      result->steps += other_ ? 2 : 1;
      // A non-finite state stays non-finite, so a check every
      // kFiniteCheckSteps steps, and at the end, catches it at a fraction of
      // the cost.
      const bool check = j % kFiniteCheckSteps == 0 || j + 1 == n;
      if (check && !AllFinite(plus_, other_)) {
        result->status = SolveStatus::kNonFiniteState;
        result->message =
            fmt::format("an echo became non-finite by s = {:.6g} s", s + grid_.step_s);
        return false;
      }
      if (check && !guard.Check(s + grid_.step_s, plus_, other_, result)) return false;
      if (energy_) {
        energy_->AddGridPoint(grid_.Weight(j + 1), echo_time_s_, plus_, other_);
        energy_->BeforeNudge(plus_, other_);
      }
      NudgeAt(n - j - 1);  // forward index k = N - j - 1
      if (energy_) energy_->AfterNudge(echo_time_s_, plus_, other_);
    }
    result->passes += other_ ? 2 : 1;
    if (energy_) energy_->Finish(echo_time_s_, plus_, other_, &result->cost.energy);
    if (reweighted_) energy_sum_ = reweighted_total;
    return true;
  }

  // dL/dθ ≈ -[Σ τ ∂θH_half(+β) - Σ τ ∂θH_half(ref)] × scale + direct term, the
  // reference being the unnudged echo's sum, or the forward pass's when that
  // echo was not run; dL/dx0 and dL/du from the echoes' ends and kicks.
  void Assemble(GradientResult* result) {
    if (!centred_) energy_sum_ -= other_ ? reference_sum_ : pass_.half_step_energy_gradient;
    result->dL_dtheta = -scale_ * energy_sum_ + pass_.direct_parameter_gradient;
    if (other_) {
      result->dL_dx0 = EstimateLambda();
      if (problem_.compute_input_gradient) {
        StoreInputDensity(plus_, other_->input_terms, scale_, gamma_, forward_.end_time_s(),
                          forward_.system->num_inputs(), result);
      }
    } else {
      // One-sided without a reference echo: the unnudged echo ends at Sz x0.
      result->dL_dx0 = Swap(Difference(plus_.state, MomentumFlip(forward_.initial_state), scale_));
    }
    recorded_.MoveInto(result);
  }

  const GradientProblem& problem_;
  const EchoOptions& options_;
  const SimulationProblem& forward_;
  const std::vector<double> weights_;
  const StepGrid grid_;
  const bool centred_, measured_, reweighted_;
  bool one_sided_reference_ = false;
  double scale_ = 0.0;  // 1 / (2β) centred, 1 / β one-sided
  double gamma_ = 0.0;  // the reweighting rate
  std::mt19937_64 random_;
  std::unique_ptr<EchoNudger> nudger_;
  DiscreteForwardPass pass_;
  SimulationProblem echo_problem_;
  PhaseState flipped_;
  EchoPass plus_;
  std::optional<EchoPass> other_;
  std::optional<EchoEnergy> energy_;
  double echo_time_s_ = 0.0;
  Vector energy_sum_, reference_sum_;
  RecordedAdjoint recorded_;
};

}  // namespace

GradientResult DiscreteEcho(const GradientProblem& problem, const EchoOptions& options) {
  return DiscreteEchoRun(problem, options).Run();
}

}  // namespace echolab::detail

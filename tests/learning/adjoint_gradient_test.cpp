// The CVODES adjoint against independent truths: the closed-form gradient of
// a harmonic oscillator, and central finite differences of a loss computed
// without the adjoint's code (Yoshida's fourth-order scheme at h = 1e-3 s,
// the running loss by composite Simpson) for linear, nonlinear, damped and
// velocity-read-out substrates and for the input. The measured relative
// errors are printed (and recorded as test properties).

#include "learning/adjoint_gradient.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "learning/loss.h"
#include "learning/readout.h"
#include "physics/external_drive.h"
#include "physics/integrator.h"
#include "physics/models/oscillator_network.h"
#include "physics/models/paper_six_oscillators.h"

namespace echolab {
namespace {

using ::testing::HasSubstr;

// The adjoint's tolerances in every test.
constexpr double kRtol = 1e-12;
constexpr double kAtol = 1e-14;
// The reference simulation: yoshida4 at this step, every step recorded.
constexpr double kReferenceStep_s = 1e-3;
// Central finite differences: relative step in θ, absolute step in x0.
constexpr double kRelativeParameterStep = 1e-5;
constexpr double kInitialStateStep = 1e-5;

// Prints a measured figure for the reader of the test log and records it.
void Report(const std::string& key, double value) {
  std::cout << fmt::format("[figure] {} = {:.3e}", key, value) << std::endl;
  ::testing::Test::RecordProperty(key, fmt::format("{:.3e}", value));
}

double RelativeError(const Vector& value, const Vector& reference) {
  return (value - reference).norm() / reference.norm();
}

Vector Flat(const PhaseState& x) {
  Vector flat(2 * x.q.size());
  flat << x.q, x.p;
  return flat;
}

// A gradient problem with its substrate kept alive.
struct OwnedProblem {
  std::shared_ptr<const HamiltonianSystem> system;
  GradientProblem problem;
};

IntegratorOptions AdjointOptions() {
  IntegratorOptions options;
  options.scheme = "cvode_adams";  // ignored by the adjoint
  options.rtol = kRtol;
  options.atol = kAtol;
  options.step_s = kReferenceStep_s;  // the report grid of dL/du
  return options;
}

InputSignal Sine(double amplitude, double frequency_Hz, double phase_rad = 0.0) {
  return InputSignal(
      {{std::make_shared<SineWaveform>(amplitude, frequency_Hz, phase_rad), Parity::kEven}});
}

// l = ½ w (r(x) - y(t))² + terminal ½ w_T (r(x(T)) - y_T)², one read-out.
std::shared_ptr<const Loss> TrackingOf(std::shared_ptr<const Readout> readout, InputSignal target,
                                       double running_weight, double terminal_weight,
                                       double terminal_target) {
  return std::make_shared<TrackingLoss>(
      std::move(readout), std::move(target), Vector::Constant(1, running_weight),
      Vector::Constant(1, terminal_weight), Vector::Constant(1, terminal_target));
}

std::shared_ptr<const Loss> PositionTracking(const HamiltonianSystem& system, int oscillator,
                                             InputSignal target) {
  auto readout = std::make_shared<PositionReadout>(system.num_dof(), system.num_params(),
                                                   std::vector<int>{oscillator});
  return TrackingOf(readout, std::move(target), 1.0, 0.0, 0.0);
}

// The paper's six oscillators driven by a sine force on oscillator 1, with the
// running loss ½ (q_4 - y(t))², a sine target, T = 10 s.
OwnedProblem PaperProblem() {
  const PaperSixOscillators paper = MakePaperSixOscillators();
  OwnedProblem owned{paper.network, {}};
  SimulationProblem& forward = owned.problem.forward;
  forward.system = paper.network.get();
  forward.theta = paper.theta;
  forward.input = Sine(0.5, 0.2);
  forward.initial_state = {Vector{{0.2, 0.0, -0.1, 0.05, 0.1, 0.0}},
                           Vector{{0.0, 0.1, 0.0, -0.05, 0.0, -0.1}}};
  forward.duration_s = 10.0;
  owned.problem.loss =
      PositionTracking(*paper.network, paper.readout_oscillator, Sine(0.3, 0.15, 0.4));
  owned.problem.integrator = AdjointOptions();
  return owned;
}

// The paper's problem with unequal masses, so that mass-dependent terms of
// the gradient are not symmetric.
OwnedProblem UnequalMassPaperProblem() {
  OwnedProblem owned = PaperProblem();
  owned.problem.forward.theta.head(6) = Vector{{1.0, 1.2, 0.8, 1.1, 0.9, 1.3}};
  return owned;
}

// ---------------------------------------------------------------------------
// The reference loss, computed without the adjoint's code.

// L = ∫ l dt + l_T from the yoshida4 trajectory at kReferenceStep_s, with the
// running loss integrated by composite Simpson (error O(h⁴)).
double ReferenceLoss(const GradientProblem& problem) {
  IntegratorOptions options;
  options.scheme = "yoshida4";
  options.step_s = kReferenceStep_s;
  const Trajectory trajectory = Simulate(problem.forward, options);
  EXPECT_TRUE(trajectory.ok()) << trajectory.message;
  const size_t samples = trajectory.times_s.size();
  EXPECT_EQ(samples % 2, 1u) << "Simpson's rule needs an even number of intervals";
  const double h = trajectory.options_used.step_s;
  const Vector& theta = problem.forward.theta;
  double sum = 0.0;
  for (size_t k = 0; k < samples; ++k) {
    const double weight = (k == 0 || k + 1 == samples) ? 1.0 : (k % 2 == 1 ? 4.0 : 2.0);
    const double t_s = trajectory.times_s[k] - problem.forward.start_time_s;
    sum += weight * problem.loss->Running(trajectory.states[k], t_s, theta);
  }
  return h / 3.0 * sum + problem.loss->Terminal(trajectory.final_state, theta);
}

// Central difference of the reference loss along a change of the problem.
template <typename Perturb>
double CentralDifference(const GradientProblem& problem, double step, const Perturb& perturb) {
  GradientProblem plus = problem, minus = problem;
  perturb(&plus, step);
  perturb(&minus, -step);
  return (ReferenceLoss(plus) - ReferenceLoss(minus)) / (2.0 * step);
}

Vector FiniteDifferenceParameterGradient(const GradientProblem& problem) {
  const Vector& theta = problem.forward.theta;
  Vector gradient(theta.size());
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    gradient[i] =
        CentralDifference(problem, kRelativeParameterStep * std::abs(theta[i]),
                          [i](GradientProblem* p, double d) { p->forward.theta[i] += d; });
  }
  return gradient;
}

Vector FiniteDifferenceInitialStateGradient(const GradientProblem& problem) {
  const int n = problem.forward.system->num_dof();
  Vector gradient(2 * n);
  for (int i = 0; i < n; ++i) {
    gradient[i] = CentralDifference(problem, kInitialStateStep, [i](GradientProblem* p, double d) {
      p->forward.initial_state.q[i] += d;
    });
    gradient[n + i] = CentralDifference(
        problem, kInitialStateStep,
        [i](GradientProblem* p, double d) { p->forward.initial_state.p[i] += d; });
  }
  return gradient;
}

GradientResult ComputeAdjoint(const GradientProblem& problem) {
  GradientResult result = AdjointGradient().Compute(problem);
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.method, "adjoint");
  return result;
}

// Compares the loss with the reference, and dL/dθ and dL/dx0 of the adjoint
// with finite differences, printing each parameter.
void ExpectMatchesFiniteDifferences(const std::string& label, const GradientProblem& problem,
                                    double tolerance) {
  const GradientResult adjoint = ComputeAdjoint(problem);
  const Vector fd_theta = FiniteDifferenceParameterGradient(problem);
  const Vector fd_x0 = FiniteDifferenceInitialStateGradient(problem);
  const std::vector<std::string>& names = problem.forward.system->parameter_names();
  for (size_t i = 0; i < names.size(); ++i) {
    const auto j = static_cast<Eigen::Index>(i);
    std::cout << fmt::format("  {:>8}  adjoint {:+.12e}  fd {:+.12e}  rel {:.1e}", names[i],
                             adjoint.dL_dtheta[j], fd_theta[j],
                             std::abs(adjoint.dL_dtheta[j] - fd_theta[j]) / std::abs(fd_theta[j]))
              << std::endl;
  }
  const double loss_error = std::abs(adjoint.loss - ReferenceLoss(problem)) / adjoint.loss;
  const double theta_error = RelativeError(adjoint.dL_dtheta, fd_theta);
  const double x0_error = RelativeError(Flat(adjoint.dL_dx0), fd_x0);
  Report(label + ".loss_vs_simpson", loss_error);
  Report(label + ".dL_dtheta_vs_fd", theta_error);
  Report(label + ".dL_dx0_vs_fd", x0_error);
  Report(label + ".steps", static_cast<double>(adjoint.steps));
  EXPECT_LT(loss_error, 1e-9);
  EXPECT_LT(theta_error, tolerance);
  EXPECT_LT(x0_error, tolerance);
}

// ---------------------------------------------------------------------------
// (a) One harmonic oscillator, l_T = ½ q(T)²: with ω = sqrt(k/m),
//   q(T) = q0 cos ωT + p0 / (m ω) sin ωT,
// and dL/dθ = q(T) dq(T)/dθ by hand:
//   ∂q/∂ω = -q0 T sin ωT + p0 / m (T cos ωT / ω - sin ωT / ω²),
//   ∂ω/∂k = 1 / (2 m ω),   ∂ω/∂m = -ω / (2 m),
//   dq/dk = ∂q/∂ω ∂ω/∂k,   dq/dm = -p0 / (m² ω) sin ωT + ∂q/∂ω ∂ω/∂m,
//   dq/dq0 = cos ωT,       dq/dp0 = sin ωT / (m ω).

TEST(AdjointGradient, MatchesTheClosedFormGradientOfAHarmonicOscillator) {
  constexpr double m = 1.3, k = 2.1, q0 = 0.7, p0 = -0.4, T = 5.0;
  auto oscillator = std::make_shared<const OscillatorNetwork>(
      NetworkTopology{.num_oscillators = 1}, PotentialLaw::kHarmonic, PotentialLaw::kHarmonic);
  auto readout = std::make_shared<PositionReadout>(1, 2, std::vector<int>{0});
  GradientProblem problem;
  problem.forward.system = oscillator.get();
  problem.forward.theta = oscillator->MakeParameters(
      Vector::Constant(1, m), Eigen::MatrixXd::Constant(1, 1, k), Eigen::MatrixXd(0, 1));
  problem.forward.initial_state = {Vector::Constant(1, q0), Vector::Constant(1, p0)};
  problem.forward.duration_s = T;
  problem.loss = TrackingOf(readout, Sine(0.0, 1.0), 0.0, 1.0, 0.0);
  problem.integrator = AdjointOptions();

  const double w = std::sqrt(k / m);
  const double c = std::cos(w * T), s = std::sin(w * T);
  const double q_T = q0 * c + p0 / (m * w) * s;
  const double dq_dw = -q0 * T * s + p0 / m * (T * c / w - s / (w * w));
  const double dq_dk = dq_dw / (2.0 * m * w);
  const double dq_dm = -p0 / (m * m * w) * s + dq_dw * (-w / (2.0 * m));
  const Vector exact_theta{{q_T * dq_dm, q_T * dq_dk}};
  const Vector exact_x0{{q_T * c, q_T * s / (m * w)}};

  // Also from a later start: the substrate is autonomous, so only the time
  // bookkeeping changes.
  for (const double start_s : {0.0, 3.0}) {
    problem.forward.start_time_s = start_s;
    const GradientResult adjoint = ComputeAdjoint(problem);
    const double loss_error = std::abs(adjoint.loss - 0.5 * q_T * q_T) / (0.5 * q_T * q_T);
    const double dm_error =
        std::abs(adjoint.dL_dtheta[0] - exact_theta[0]) / std::abs(exact_theta[0]);
    const double dk_error =
        std::abs(adjoint.dL_dtheta[1] - exact_theta[1]) / std::abs(exact_theta[1]);
    const double dq0_error = std::abs(adjoint.dL_dx0.q[0] - exact_x0[0]) / std::abs(exact_x0[0]);
    const double dp0_error = std::abs(adjoint.dL_dx0.p[0] - exact_x0[1]) / std::abs(exact_x0[1]);
    const std::string label = fmt::format("harmonic.start_{:g}", start_s);
    Report(label + ".loss", loss_error);
    Report(label + ".dL_dm", dm_error);
    Report(label + ".dL_dk", dk_error);
    Report(label + ".dL_dq0", dq0_error);
    Report(label + ".dL_dp0", dp0_error);
    EXPECT_LT(loss_error, 1e-8);
    EXPECT_LT(dm_error, 1e-8);
    EXPECT_LT(dk_error, 1e-8);
    EXPECT_LT(dq0_error, 1e-8);
    EXPECT_LT(dp0_error, 1e-8);
    EXPECT_EQ(adjoint.passes, 2);
    EXPECT_GT(adjoint.steps, 0);
  }
}

// ---------------------------------------------------------------------------
// (b) The paper's six oscillators.

TEST(AdjointGradient, MatchesFiniteDifferencesOnThePaperSixOscillators) {
  const OwnedProblem owned = PaperProblem();
  ExpectMatchesFiniteDifferences("paper", owned.problem, 1e-6);
}

// u + ε φ for a smooth direction φ.
class PerturbedWaveform final : public Waveform {
 public:
  PerturbedWaveform(std::shared_ptr<const Waveform> base, std::shared_ptr<const Waveform> direction,
                    double epsilon)
      : base_(std::move(base)), direction_(std::move(direction)), epsilon_(epsilon) {}
  double Value(double t_s) const override {
    return base_->Value(t_s) + epsilon_ * direction_->Value(t_s);
  }

 private:
  std::shared_ptr<const Waveform> base_, direction_;
  double epsilon_;
};

// ∫ dL/du φ dt (midpoint rule on the kick times) against the central
// difference of L along u + ε φ.
TEST(AdjointGradient, InputGradientMatchesTheDirectionalDerivativeOfTheLoss) {
  const OwnedProblem owned = PaperProblem();
  const GradientProblem& problem = owned.problem;
  const auto base = std::make_shared<const SineWaveform>(0.5, 0.2);
  const auto direction = std::make_shared<const SineWaveform>(1.0, 0.37, 0.3);

  const GradientResult adjoint = ComputeAdjoint(problem);
  const long n = 10'000;
  ASSERT_EQ(adjoint.input_times_s.size(), static_cast<size_t>(n));
  ASSERT_EQ(adjoint.dL_du.rows(), 1);
  ASSERT_EQ(adjoint.dL_du.cols(), n);
  const double h = problem.forward.duration_s / static_cast<double>(n);
  EXPECT_NEAR(adjoint.input_times_s.front(), 0.5 * h, 1e-15);
  EXPECT_NEAR(adjoint.input_times_s.back(), problem.forward.duration_s - 0.5 * h, 1e-12);
  double directional = 0.0;
  for (long k = 0; k < n; ++k) {
    directional += h * adjoint.dL_du(0, k) * direction->Value(adjoint.input_times_s[k]);
  }

  const double fd = CentralDifference(problem, 1e-3, [&](GradientProblem* p, double epsilon) {
    p->forward.input = InputSignal(
        {{std::make_shared<PerturbedWaveform>(base, direction, epsilon), Parity::kEven}});
  });
  const double error = std::abs(directional - fd) / std::abs(fd);
  std::cout << fmt::format("  ∫ dL/du φ dt: adjoint {:+.12e}  fd {:+.12e}", directional, fd)
            << std::endl;
  Report("paper.dL_du_directional_vs_fd", error);
  EXPECT_LT(error, 1e-5);
}

// ---------------------------------------------------------------------------
// (c) A nonlinear network and dissipative passes.

TEST(AdjointGradient, MatchesFiniteDifferencesOnAQuarticNetwork) {
  NetworkTopology topology = NetworkTopology::Chain(4);
  topology.edges.emplace_back(0, 2);
  topology.driven_oscillators = {0};
  auto network = std::make_shared<const OscillatorNetwork>(topology, PotentialLaw::kHarmonic,
                                                           PotentialLaw::kQuartic);
  Eigen::MatrixXd coupling(4, 2);
  coupling << 0.6, 0.8, 0.5, 1.0, 0.7, 0.6, 0.4, 0.9;
  OwnedProblem owned{network, {}};
  SimulationProblem& forward = owned.problem.forward;
  forward.system = network.get();
  forward.theta = network->MakeParameters(Vector{{1.0, 1.3, 0.8, 1.1}},
                                          Eigen::MatrixXd(Vector{{1.0, 0.8, 1.2, 0.9}}), coupling);
  forward.input = Sine(0.8, 0.25);
  forward.initial_state = {Vector{{0.5, -0.3, 0.2, 0.4}}, Vector{{0.0, 0.2, 0.0, -0.1}}};
  forward.duration_s = 10.0;
  owned.problem.loss = PositionTracking(*network, 3, Sine(0.3, 0.15, 0.4));
  owned.problem.integrator = AdjointOptions();
  ExpectMatchesFiniteDifferences("quartic", owned.problem, 1e-6);
}

TEST(AdjointGradient, MatchesFiniteDifferencesWithMomentumDecay) {
  OwnedProblem owned = UnequalMassPaperProblem();
  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 0.1;
  ExpectMatchesFiniteDifferences("momentum_decay", owned.problem, 1e-6);
}

TEST(AdjointGradient, MatchesFiniteDifferencesWithFrictionPerDegreeOfFreedom) {
  OwnedProblem owned = UnequalMassPaperProblem();
  owned.problem.forward.dissipation.friction_N_s_per_m =
      Vector{{0.05, 0.1, 0.15, 0.08, 0.12, 0.02}};
  ExpectMatchesFiniteDifferences("friction", owned.problem, 1e-6);
}

// ---------------------------------------------------------------------------
// (d) A velocity read-out r = ∂T/∂p_4 = p_4 / m_4 depends on θ: the direct
// term ∂l/∂θ of the running and terminal losses.

TEST(AdjointGradient, MatchesFiniteDifferencesWithAVelocityReadout) {
  OwnedProblem owned = UnequalMassPaperProblem();
  auto readout = std::make_shared<VelocityReadout>(owned.system, std::vector<int>{3});
  owned.problem.loss = TrackingOf(readout, Sine(0.2, 0.15, 0.4), 1.0, 1.0, 0.05);
  ExpectMatchesFiniteDifferences("velocity_readout", owned.problem, 1e-6);
}

// ---------------------------------------------------------------------------
// (e) Refusals, failures and the recorded adjoint.

TEST(AdjointGradient, RefusesThermalNoise) {
  OwnedProblem owned = PaperProblem();
  owned.problem.forward.noise.thermal_energy_J = 1e-3;
  try {
    AdjointGradient().Compute(owned.problem);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), HasSubstr("the adjoint needs a deterministic pass"));
  }
}

// A constant force on the momenta, with no Jacobian to give.
class ConstantForce final : public ExternalDrive {
 public:
  void AddVelocity(const Vector&, double, Vector*) const override {}
  void AddForce(const Vector&, double, Vector* dp_dt) const override { dp_dt->array() += 0.1; }
};

TEST(AdjointGradient, RefusesAnExternalDrive) {
  OwnedProblem owned = PaperProblem();
  owned.problem.forward.drive = std::make_shared<ConstantForce>();
  try {
    AdjointGradient().Compute(owned.problem);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), HasSubstr("external drive"));
  }
}

TEST(AdjointGradient, ReportsAnExhaustedStepBudget) {
  OwnedProblem owned = PaperProblem();
  owned.problem.integrator.max_steps = 10;
  owned.problem.integrator.step_s = 1.0;  // a report grid of 10 intervals
  const GradientResult result = AdjointGradient().Compute(owned.problem);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status, SolveStatus::kTooManySteps);
  EXPECT_THAT(result.message, HasSubstr("budget is spent"));
  EXPECT_THAT(result.message, HasSubstr("forward pass"));
  EXPECT_THAT(result.message, HasSubstr("integrator.max_steps = 10"));
  std::cout << "  message: " << result.message << std::endl;
}

// A loss that is zero everywhere, with every derivative zero: the base of
// the faulty losses below, which override l and ∇x l.
class ZeroLoss : public Loss {
 public:
  double Running(const PhaseState&, double, const Vector&) const override { return 0.0; }
  void RunningGradient(const PhaseState& x, double, const Vector&,
                       PhaseState* grad) const override {
    *grad = {Vector::Zero(x.num_dof()), Vector::Zero(x.num_dof())};
  }
  void RunningParameterGradient(const PhaseState&, double, const Vector& theta,
                                Vector* grad) const override {
    *grad = Vector::Zero(theta.size());
  }
  double Terminal(const PhaseState&, const Vector&) const override { return 0.0; }
  void TerminalGradient(const PhaseState& x, const Vector&, PhaseState* grad) const override {
    *grad = {Vector::Zero(x.num_dof()), Vector::Zero(x.num_dof())};
  }
  void TerminalParameterGradient(const PhaseState&, const Vector& theta,
                                 Vector* grad) const override {
    *grad = Vector::Zero(theta.size());
  }
  ReadoutDependence dependence() const override { return ReadoutDependence::kPositions; }
  bool has_direct_parameter_term() const override { return false; }
};

// A loss that throws from l (a forward callback) or from ∇x l (a backward
// callback).
class ThrowingLoss final : public ZeroLoss {
 public:
  explicit ThrowingLoss(bool in_backward_pass) : in_backward_pass_(in_backward_pass) {}
  double Running(const PhaseState&, double, const Vector&) const override {
    if (!in_backward_pass_) throw InputError("loss: thrown in the forward pass");
    return 0.0;
  }
  void RunningGradient(const PhaseState&, double, const Vector&, PhaseState*) const override {
    throw InputError("loss: thrown in the backward pass");
  }

 private:
  bool in_backward_pass_;
};

// An exception thrown inside a SUNDIALS callback reaches the caller.
TEST(AdjointGradient, RethrowsAnExceptionOfACallback) {
  for (const bool in_backward_pass : {false, true}) {
    OwnedProblem owned = PaperProblem();
    owned.problem.loss = std::make_shared<ThrowingLoss>(in_backward_pass);
    try {
      AdjointGradient().Compute(owned.problem);
      FAIL() << "expected InputError";
    } catch (const InputError& error) {
      EXPECT_THAT(error.what(),
                  HasSubstr(in_backward_pass ? "in the backward pass" : "in the forward pass"));
    }
  }
}

// A loss whose l (forward quadrature) or ∇x l (backward rate) turns NaN
// after t = 1 s, with a state that stays finite.
class NanAfterOneSecondLoss final : public ZeroLoss {
 public:
  explicit NanAfterOneSecondLoss(bool in_backward_pass) : in_backward_pass_(in_backward_pass) {}
  double Running(const PhaseState&, double t_s, const Vector&) const override {
    return !in_backward_pass_ && t_s > 1.0 ? std::nan("") : 0.0;
  }
  void RunningGradient(const PhaseState& x, double t_s, const Vector&,
                       PhaseState* grad) const override {
    const double value = in_backward_pass_ && t_s > 1.0 ? std::nan("") : 0.0;
    *grad = {Vector::Constant(x.num_dof(), value), Vector::Zero(x.num_dof())};
  }

 private:
  bool in_backward_pass_;
};

// A non-finite running loss (forward quadrature) or adjoint rate (backward
// pass) fails for good: CVODES stops at once instead of shrinking its step
// towards the failure, with the callback and the time named.
TEST(AdjointGradient, NonFiniteCallbackStopsTheSolveCleanly) {
  for (const bool in_backward_pass : {false, true}) {
    OwnedProblem owned = PaperProblem();
    owned.problem.loss = std::make_shared<NanAfterOneSecondLoss>(in_backward_pass);
    const GradientResult result = AdjointGradient().Compute(owned.problem);
    std::cout << "  message: " << result.message << " (" << result.steps << " steps)" << std::endl;
    EXPECT_EQ(result.status, SolveStatus::kNonFiniteState);
    EXPECT_THAT(result.message, HasSubstr(in_backward_pass ? "the adjoint's rate dλ/dt"
                                                           : "the running loss l(x, t)"));
    EXPECT_THAT(result.message, HasSubstr("became non-finite at t = 1"));
    EXPECT_LT(result.steps, 100'000);
  }
}

// On-site stiffness -100 N/m: the substrate grows like e^(10 t); the forward
// pass stops on the stability guard long before the loss overflows.
TEST(AdjointGradient, UnstableSubstrateStopsOnEnergyGrowth) {
  OwnedProblem owned = PaperProblem();
  owned.problem.forward.theta.segment(6, 6).setConstant(-100.0);
  owned.problem.forward.duration_s = 50.0;
  const GradientResult result = AdjointGradient().Compute(owned.problem);
  std::cout << "  message: " << result.message << std::endl;
  EXPECT_EQ(result.status, SolveStatus::kEnergyGrowth);
  EXPECT_THAT(result.message, HasSubstr("the adjoint's forward pass stopped: at t = "));
  EXPECT_THAT(result.message, HasSubstr("integrator.max_energy_growth = 1e+06"));
}

// The checkpoints of the forward pass are bounded by adjoint_memory_MiB.
TEST(AdjointGradient, CheckpointMemoryBudgetEndsTheForwardPass) {
  OwnedProblem owned = PaperProblem();
  owned.problem.integrator.adjoint_memory_MiB = 0.05;
  const GradientResult result = AdjointGradient().Compute(owned.problem);
  std::cout << "  message: " << result.message << std::endl;
  EXPECT_EQ(result.status, SolveStatus::kTooManySteps);
  EXPECT_THAT(result.message, HasSubstr("integrator.adjoint_memory_MiB = 0.05 MiB"));
  EXPECT_LT(result.steps, 10'000);
}

TEST(AdjointGradient, RecordsTheAdjointOnTheReportGrid) {
  OwnedProblem owned = PaperProblem();
  GradientProblem& problem = owned.problem;
  problem.record_adjoint = true;
  problem.integrator.step_s = 0.01;
  problem.loss = TrackingOf(
      std::make_shared<PositionReadout>(6, owned.system->num_params(), std::vector<int>{3}),
      Sine(0.3, 0.15, 0.4), 1.0, 1.0, 0.1);
  const GradientResult result = ComputeAdjoint(problem);
  ASSERT_EQ(result.adjoint.size(), 1001u);
  ASSERT_EQ(result.adjoint_times_s.size(), 1001u);
  EXPECT_EQ(result.adjoint_times_s.front(), 0.0);
  EXPECT_EQ(result.adjoint_times_s.back(), 10.0);
  EXPECT_NEAR(result.adjoint_times_s[500], 5.0, 1e-12);
  EXPECT_EQ(result.input_times_s.size(), 1000u);
  // λ(t0) is dL/dx0, and λ(T) = ∇l_T(x(T)) = (q_4(T) - 0.1) e_4 for the q part.
  EXPECT_EQ(Flat(result.adjoint.front()), Flat(result.dL_dx0));
  EXPECT_TRUE(result.adjoint.back().p.isZero(0.0));
  EXPECT_EQ(result.adjoint.back().q[0], 0.0);
  EXPECT_NE(result.adjoint.back().q[3], 0.0);
}

}  // namespace
}  // namespace echolab

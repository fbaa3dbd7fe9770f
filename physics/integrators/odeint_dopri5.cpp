#include "physics/integrators/odeint_dopri5.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/numeric/odeint/stepper/generation.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "physics/integrators/detail/adaptive_support.h"
#include "physics/integrators/hamiltonian_vector_field.h"

namespace echolab {
namespace {

namespace odeint = boost::numeric::odeint;

using State = std::vector<double>;
using Dopri5 = odeint::runge_kutta_dopri5<State>;
using ControlledDopri5 = odeint::result_of::make_controlled<Dopri5>::type;

PhaseState ToPhaseState(const State& flat) {
  return Unflatten(Eigen::Map<const Vector>(flat.data(), static_cast<Eigen::Index>(flat.size())));
}

// The first guess of Hairer, Nørsett & Wanner (Solving ODEs I, sec. II.4):
//   h0 = 0.01 ‖x0‖ / ‖f(t0, x0)‖,   ‖v‖ = rms(v_i / (atol + rtol |x0_i|)),
// or 1e-6 s when either norm is below 1e-5; the controller corrects it.
double StartingStep(const State& x0, const State& f0, const IntegratorOptions& options) {
  double x_norm = 0.0, f_norm = 0.0;
  for (size_t i = 0; i < x0.size(); ++i) {
    const double scale = options.atol + options.rtol * std::abs(x0[i]);
    x_norm += (x0[i] / scale) * (x0[i] / scale);
    f_norm += (f0[i] / scale) * (f0[i] / scale);
  }
  const auto size = static_cast<double>(x0.size());
  x_norm = std::sqrt(x_norm / size);
  f_norm = std::sqrt(f_norm / size);
  if (x_norm < 1e-5 || f_norm < 1e-5) return 1e-6;
  return 0.01 * x_norm / f_norm;
}

// One pass: the controlled dopri5 pair stepped by hand, so that the last step
// ends exactly at the end time, with its dense output at the output times.
class Dopri5Pass {
 public:
  Dopri5Pass(const SimulationProblem& problem, const IntegratorOptions& options)
      : problem_(problem),
        options_(options),
        field_(problem),
        stepper_(odeint::make_controlled(options.atol, options.rtol, Dopri5())),
        times_s_(UniformOutputTimes(problem.start_time_s, problem.duration_s,
                                    options.output_interval_s)),
        t_s_(problem.start_time_s) {
    const Vector flat = Flatten(problem.initial_state);
    x_.assign(flat.begin(), flat.end());
    dxdt_.resize(x_.size());
    x_new_.resize(x_.size());
    dxdt_new_.resize(x_.size());
    x_out_.resize(x_.size());
    Derivative(x_, dxdt_, t_s_);
    const double first_step_s =
        options.step_s > 0.0 ? options.step_s : StartingStep(x_, dxdt_, options);
    dt_s_ = std::min(first_step_s, problem.duration_s);
  }

  void Run(const detail::EmitFunction& emit, Trajectory* trajectory) {
    bool running = emit(t_s_, problem_.initial_state);
    while (running && next_output_ < times_s_.size()) {
      if (steps_ >= options_.max_steps) {
        ReportTooManySteps(trajectory);
        break;
      }
      if (dt_s_ < MinimumStep()) {
        ReportStepUnderflow(trajectory);
        break;
      }
      const bool accepted = TryStep();
      if (non_finite_at_s_) {
        trajectory->status = SolveStatus::kNonFiniteState;
        trajectory->message = detail::NonFiniteFieldMessage("odeint dopri5", *non_finite_at_s_);
        break;
      }
      if (!accepted) continue;
      running = EmitCoveredSamples(emit);
      std::swap(x_, x_new_);
      std::swap(dxdt_, dxdt_new_);
      // A blow-up between output times is reported at once (a bounded field,
      // such as a saturating force, can stay finite on a non-finite state).
      if (running && !detail::AllFinite(x_.data(), static_cast<long>(x_.size()))) {
        running = emit(t_s_, ToPhaseState(x_));
      }
    }
    trajectory->final_time_s = t_s_;
    trajectory->final_state = ToPhaseState(x_);
    trajectory->stats.steps = steps_;
    trajectory->stats.rejected_steps = rejected_;
    trajectory->stats.rhs_evaluations = field_.evaluations();
  }

 private:
  // dxdt = f(t, x); a non-finite result ends the pass (near overflow the
  // controller would otherwise shrink the step without end).
  void Derivative(const State& x, State& dxdt, double t_s) {
    field_.Evaluate(t_s, x.data(), dxdt.data());
    if (!non_finite_at_s_ && !detail::AllFinite(dxdt.data(), static_cast<long>(dxdt.size()))) {
      non_finite_at_s_ = t_s;
    }
  }

  // Steps below the round-off of the time cannot advance it.
  double MinimumStep() const {
    return 16.0 * std::numeric_limits<double>::epsilon() *
           std::max(std::abs(t_s_), std::abs(problem_.end_time_s()));
  }

  // One attempt from (t, x) into x_new_; true when accepted (t advanced,
  // t_old_s_ set). The step is shortened to end exactly at the end time.
  // odeint's controller accepts a NaN error estimate, so an attempt that met
  // a non-finite field is never taken here.
  bool TryStep() {
    const double remaining_s = problem_.end_time_s() - t_s_;
    const bool last = dt_s_ >= remaining_s;
    double step_s = last ? remaining_s : dt_s_;
    double t_s = t_s_;
    const auto system = [this](const State& x, State& dxdt, double t) { Derivative(x, dxdt, t); };
    const odeint::controlled_step_result result =
        stepper_.try_step(system, x_, dxdt_, t_s, x_new_, dxdt_new_, step_s);
    dt_s_ = step_s;                      // the controller's next (or retried) step
    if (non_finite_at_s_) return false;  // the pass ends at the last finite state
    if (result == odeint::fail) {
      ++rejected_;
      return false;
    }
    ++steps_;
    t_old_s_ = t_s_;
    t_s_ = last ? problem_.end_time_s() : t_s;
    return true;
  }

  // Emits the samples in (t_old, t] from the dense output of the last step.
  bool EmitCoveredSamples(const detail::EmitFunction& emit) {
    for (; next_output_ < times_s_.size() && times_s_[next_output_] <= t_s_; ++next_output_) {
      const double t_out_s = times_s_[next_output_];
      if (t_out_s == t_s_) {
        x_out_ = x_new_;
      } else {
        stepper_.stepper().calc_state(t_out_s, x_out_, x_, dxdt_, t_old_s_, x_new_, dxdt_new_,
                                      t_s_);
      }
      if (!emit(t_out_s, ToPhaseState(x_out_))) return false;
    }
    return true;
  }

  void ReportTooManySteps(Trajectory* trajectory) const {
    trajectory->status = SolveStatus::kTooManySteps;
    trajectory->message = fmt::format(
        "odeint dopri5 stopped at t = {:.6g} s of a pass ending at {:.6g} s: the step budget "
        "integrator.max_steps = {} is spent; {}",
        t_s_, problem_.end_time_s(), options_.max_steps, detail::kStepBudgetCauses);
  }

  void ReportStepUnderflow(Trajectory* trajectory) const {
    trajectory->status = SolveStatus::kSolverFailure;
    trajectory->message = fmt::format(
        "odeint dopri5 failed at t = {:.6g} s of a pass ending at {:.6g} s: the step that meets "
        "the tolerances shrank to {:.3g} s, below the round-off of t; {}",
        t_s_, problem_.end_time_s(), dt_s_, detail::kUnstableOrTooTight);
  }

  const SimulationProblem& problem_;
  const IntegratorOptions& options_;
  HamiltonianVectorField field_;
  ControlledDopri5 stepper_;
  std::vector<double> times_s_;
  size_t next_output_ = 1;  // the initial sample is emitted before stepping
  State x_, dxdt_, x_new_, dxdt_new_, x_out_;
  double t_s_;
  double t_old_s_ = 0.0;
  double dt_s_ = 0.0;
  long steps_ = 0;
  long rejected_ = 0;
  std::optional<double> non_finite_at_s_;
};

}  // namespace

SchemeTraits OdeintDopri5Integrator::traits() const {
  return SchemeTraits{.fixed_step = false, .symplectic = false, .symmetric = false, .order = 5};
}

IntegratorOptions OdeintDopri5Integrator::DoResolveOptions(
    const SimulationProblem& problem, const IntegratorOptions& requested) const {
  return detail::ResolveAdaptiveOptions(problem, requested);
}

void OdeintDopri5Integrator::DoIntegrate(const SimulationProblem& problem,
                                         const IntegratorOptions& options, OutputSink* sink,
                                         Trajectory* trajectory) const {
  Dopri5Pass pass(problem, options);
  pass.Run([sink](double t_s, const PhaseState& x) { return sink->Emit(t_s, x); }, trajectory);
}

}  // namespace echolab

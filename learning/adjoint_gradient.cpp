#include "learning/adjoint_gradient.h"

#include <cvodes/cvodes.h>
#include <fmt/format.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/error.h"
#include "physics/integrators/detail/adaptive_support.h"
#include "physics/integrators/fixed_step_integrator.h"
#include "physics/overdamped_dofs.h"
#include "physics/stability_guard.h"
#include "physics/sundials/cvodes_adams_session.h"

namespace echolab {
namespace {

// Internal forward steps between two checkpoints. The backward pass
// recomputes one such stretch at a time and keeps its interpolation data.
constexpr long kStepsPerCheckpoint = 200;

// How the backward pass interpolates the forward state between stored steps:
// CVODES's variable-degree polynomial through the stored states, of the
// Adams order of each step, which keeps the accuracy of high-order steps.
// Cubic Hermite interpolation (CV_HERMITE) limits it: on a harmonic
// oscillator at rtol 1e-12 it left dL/dk 6e-9 off the closed form (3e-11
// with polynomial interpolation) and doubled the backward steps.
constexpr int kInterpolation = CV_POLYNOMIAL;

// Intervals of the report grid when integrator.step_s is 0.
constexpr long kDefaultReportIntervals = 1000;

void Check(int flag, const char* call) { sundials::CheckCvodes(flag, call); }

// Forward steps between two checks of the stability guard.
constexpr long kGuardCheckSteps = 16;

// An estimate of the memory of one forward checkpoint: CVODES keeps the
// Nordsieck history of the state and of the running-loss quadrature, up to
// Adams order 12, i.e. 13 vectors of each, and every SUNDIALS 6 serial vector
// carries its own operations table (about 0.6 KiB) beside its data.
constexpr long kNordsieckVectors = 13;
constexpr double kVectorOverheadBytes = 640.0;

double CheckpointBytes(int num_dof) {
  const double state_bytes = kVectorOverheadBytes + 8.0 * (2.0 * num_dof);
  const double quadrature_bytes = kVectorOverheadBytes + 8.0;
  return static_cast<double>(kNordsieckVectors) * (state_bytes + quadrature_bytes);
}

// The failure of a SUNDIALS callback: the exception it threw (C code must not
// be unwound through) or the time at which its output became non-finite.
struct CallbackFailure {
  std::exception_ptr error;
  std::optional<double> non_finite_at_s;
  bool failed() const { return error || non_finite_at_s; }
};

// Runs `body`, which writes the n entries of `out`, inside a SUNDIALS
// callback. An exception or a non-finite entry is an unrecoverable failure
// (-1) kept in *failure, and so is every later call, so that the solve ends
// promptly (CVODES would otherwise retry with ever smaller steps); the
// caller reports it afterwards.
template <typename Body>
int Guarded(CallbackFailure* failure, double t_s, N_Vector out, const Body& body) {
  if (failure->failed()) return -1;
  try {
    body();
  } catch (...) {
    failure->error = std::current_exception();
    return -1;
  }
  if (detail::AllFinite(N_VGetArrayPointer(out), N_VGetLength(out))) return 0;
  failure->non_finite_at_s = t_s;
  return -1;
}

void RethrowIfSet(const std::exception_ptr& error) {
  if (error) std::rethrow_exception(error);
}

// Writes x in the flat layout [q; p] into a serial N_Vector.
void WriteFlat(const PhaseState& x, N_Vector flat) {
  const Eigen::Index n = x.q.size();
  Eigen::Map<Vector> out(N_VGetArrayPointer(flat), 2 * n);
  out.head(n) = x.q;
  out.tail(n) = x.p;
}

// The times at which the method reports: N intervals of h = T / N from t0.
struct ReportGrid {
  double start_s = 0.0;
  double duration_s = 0.0;
  long intervals = 0;

  double step_s() const { return duration_s / static_cast<double>(intervals); }
  // t0 + k h, k = 0..N, ending exactly at t0 + T.
  double GridTime(long k) const {
    return k == intervals ? start_s + duration_s : start_s + static_cast<double>(k) * step_s();
  }
  // t0 + (k + ½) h, k = 0..N-1: the kick times of the fixed-step schemes.
  double KickTime(long k) const { return start_s + (static_cast<double>(k) + 0.5) * step_s(); }
};

ReportGrid MakeReportGrid(const GradientProblem& problem) {
  const SimulationProblem& forward = problem.forward;
  const double step_s = problem.integrator.step_s;
  const long intervals = step_s > 0.0 ? FixedStepIntegrator::NumSteps(forward.duration_s, step_s,
                                                                      problem.integrator.max_steps)
                                      : kDefaultReportIntervals;
  return ReportGrid{forward.start_time_s, forward.duration_s, intervals};
}

// The user data of the forward pass: the vector field f and the running loss.
struct ForwardData {
  explicit ForwardData(const GradientProblem& gradient_problem)
      : rhs(gradient_problem.forward),
        loss(*gradient_problem.loss),
        pass(gradient_problem.forward) {}
  sundials::RhsData rhs;
  CallbackFailure quadrature;
  const Loss& loss;
  const SimulationProblem& pass;
};

// dx/dt = f(t, x), the HamiltonianVectorField (dissipation included).
int ForwardRhs(double t_s, N_Vector x, N_Vector x_dot, void* user_data) {
  return sundials::EvaluateRhs(t_s, x, x_dot, &static_cast<ForwardData*>(user_data)->rhs);
}

// dQ/dt = l(x(t), t - t0, θ): the running loss as a forward quadrature, so
// that Q(T) = ∫ l dt is integrated to the solver's tolerance.
int RunningLossRhs(double t_s, N_Vector x, N_Vector q_dot, void* user_data) {
  auto* data = static_cast<ForwardData*>(user_data);
  return Guarded(&data->quadrature, t_s, q_dot, [&] {
    N_VGetArrayPointer(q_dot)[0] =
        data->loss.Running(sundials::StateOf(x), t_s - data->pass.start_time_s, data->pass.theta);
  });
}

// The right-hand sides of the backward pass at (t, x(t), λ(t)). With
// x = (q, p), K = ∂²T/∂p² and W = ∂²V/∂q², the vector field
//
//   f_q = ∂T/∂p,   f_p = -∂V/∂q - G ⊙ ∂T/∂p - γ p
//
// has the Jacobian
//
//   ∂f/∂x = [[0, K], [-W, -diag(G) K - γ I]],
//
// so that, K and W being symmetric,
//
//   (∂f/∂x)ᵀ λ = (-W λ_p,  K (λ_q - G ⊙ λ_p) - γ λ_p).
//
// Only θ enters through T and V (G and γ belong to the pass, not to θ):
//
//   λᵀ ∂f/∂θ = (∂θ ∇p T)ᵀ (λ_q - G ⊙ λ_p) - (∂θ ∇q V)ᵀ λ_p,
//   λᵀ ∂f/∂u = -(∂u ∇q V)ᵀ λ_p.
//
// Degrees of freedom without inertia (OverdampedDofs) have f_qA = -G_AA⁻¹ ∇_A V and
// f_pA = 0: every λ_p that multiplies a derivative of ∇V above becomes λ̃_p, λ_p with its
// A entries replaced by G_AA⁻¹ λ_qA, and λ_pA stays 0.
class AdjointEquations {
 public:
  explicit AdjointEquations(const GradientProblem& problem)
      : problem_(problem.forward), system_(*problem.forward.system), loss_(*problem.loss) {
    if (problem_.dissipation.has_overdamped_dofs()) {
      overdamped_ = std::make_unique<OverdampedDofs>(problem_);
    }
  }

  // dλ/dt = -(∂f/∂x)ᵀ λ - ∇x l, i.e.
  //   dλ_q/dt = W λ_p - ∇q l
  //   dλ_p/dt = -K (λ_q - G ⊙ λ_p) + γ λ_p - ∇p l
  void Rate(double t_s, const PhaseState& x, const PhaseState& lambda, PhaseState* rate) {
    const Vector& theta = problem_.theta;
    problem_.input.Evaluate(t_s, &u_);
    PhaseState loss_gradient;
    loss_.RunningGradient(x, LossTime(t_s), theta, &loss_gradient);
    system_.PotentialHessianProduct(x.q, theta, u_, ForceAdjoint(lambda), &rate->q);
    rate->q -= loss_gradient.q;
    system_.KineticHessianProduct(x.p, theta, FrictionAdjusted(lambda), &rate->p);
    rate->p = problem_.dissipation.momentum_decay_rate_per_s * lambda.p - rate->p - loss_gradient.p;
    if (overdamped_ != nullptr) overdamped_->ZeroEntries(&rate->p);
  }

  // g = λᵀ ∂f/∂θ + ∂l/∂θ, the integrand of dL/dθ.
  void ParameterIntegrand(double t_s, const PhaseState& x, const PhaseState& lambda,
                          Vector* integrand) {
    const Vector& theta = problem_.theta;
    problem_.input.Evaluate(t_s, &u_);
    Vector potential_term, loss_term;
    system_.KineticMixedProduct(x.p, theta, FrictionAdjusted(lambda), integrand);
    system_.PotentialMixedProduct(x.q, theta, u_, ForceAdjoint(lambda), &potential_term);
    loss_.RunningParameterGradient(x, LossTime(t_s), theta, &loss_term);
    *integrand += loss_term - potential_term;
  }

  // dL/du(t) = λᵀ ∂f/∂u = -(∂u ∇q V)ᵀ λ_p.
  Vector InputDensity(double t_s, const PhaseState& x, const PhaseState& lambda) {
    problem_.input.Evaluate(t_s, &u_);
    Vector density;
    system_.InputMixedProduct(x.q, problem_.theta, u_, ForceAdjoint(lambda), &density);
    return -density;
  }

 private:
  // The loss measures time from the start of the pass.
  double LossTime(double t_s) const { return t_s - problem_.start_time_s; }

  // λ_p, or λ̃_p with overdamped degrees of freedom: what multiplies ∂∇V.
  Vector ForceAdjoint(const PhaseState& lambda) const {
    return overdamped_ == nullptr ? lambda.p : overdamped_->EffectiveMomentumAdjoint(lambda);
  }

  // λ_q - G ⊙ λ_p.
  // (G is symmetric, so Gᵀ λ_p = G λ_p, with the friction matrix included.)
  Vector FrictionAdjusted(const PhaseState& lambda) const {
    const Dissipation& damping = problem_.dissipation;
    if (!damping.has_friction_vector() && !damping.has_friction_matrix()) return lambda.q;
    return lambda.q - damping.FrictionTimes(lambda.p);
  }

  const SimulationProblem& problem_;
  const HamiltonianSystem& system_;
  const Loss& loss_;
  std::unique_ptr<OverdampedDofs> overdamped_;  // null without overdamped dofs
  Vector u_;
};

// The user data of the backward pass.
struct BackwardData {
  explicit BackwardData(const GradientProblem& problem) : equations(problem) {}
  AdjointEquations equations;
  CallbackFailure adjoint, quadrature;
};

// dλ/dt at t, from the forward state x(t) that CVODES interpolates.
int AdjointRhs(double t_s, N_Vector x, N_Vector lambda, N_Vector lambda_dot, void* user_data) {
  auto* data = static_cast<BackwardData*>(user_data);
  return Guarded(&data->adjoint, t_s, lambda_dot, [&] {
    PhaseState rate;
    data->equations.Rate(t_s, sundials::StateOf(x), sundials::StateOf(lambda), &rate);
    WriteFlat(rate, lambda_dot);
  });
}

// CVODES integrates dq_B/dt = -g backwards from q_B(T) = 0, so that
// q_B(t0) = ∫_t0^T g dt.
int ParameterQuadratureRhs(double t_s, N_Vector x, N_Vector lambda, N_Vector q_dot,
                           void* user_data) {
  auto* data = static_cast<BackwardData*>(user_data);
  return Guarded(&data->quadrature, t_s, q_dot, [&] {
    Vector integrand;
    data->equations.ParameterIntegrand(t_s, sundials::StateOf(x), sundials::StateOf(lambda),
                                       &integrand);
    Eigen::Map<Vector>(N_VGetArrayPointer(q_dot), integrand.size()) = -integrand;
  });
}

// A new fixed-point (functional) iteration without Anderson acceleration,
// the nonlinear solver of non-stiff Adams-Moulton steps.
sundials::NonlinearSolverHandle MakeFixedPoint(N_Vector templ, SUNContext context) {
  sundials::NonlinearSolverHandle solver(SUNNonlinSol_FixedPoint(templ, 0, context));
  if (solver == nullptr) throw SolverError("SUNNonlinSol_FixedPoint failed");
  return solver;
}

// One adjoint solve. Adams-Moulton formulas (orders 1 to 12) suit these
// non-stiff, lightly damped oscillators in both directions: high orders give
// long steps at tight tolerances, and the fixed-point iteration needs no
// Jacobian. The session (solver memory and context) is declared before the
// vectors and the backward solver made in its context, so that it is freed
// after them (CVODES keeps copies of the vectors and does not free a solver it
// was given).
class AdjointSolve {
 public:
  explicit AdjointSolve(const GradientProblem& problem)
      : problem_(problem),
        grid_(MakeReportGrid(problem)),
        tolerances_(AbsoluteTolerancesOf(problem)),
        forward_data_(problem),
        backward_data_(problem) {}

  GradientResult Run() {
    GradientResult result;
    result.passes = 2;
    if (RunForward(&result)) RunBackward(&result);
    return result;
  }

 private:
  const Vector& theta() const { return problem_.forward.theta; }

  // The CVODES session of the forward pass (Adams, fixed-point iteration,
  // tolerances per entry of the state), with the running-loss quadrature and
  // checkpointing; the backward problem inherits its error log.
  void SetUpForward() {
    const SimulationProblem& forward = problem_.forward;
    const IntegratorOptions& options = problem_.integrator;
    session_.emplace(Flatten(forward.initial_state),
                     sundials::CvodesAdamsSetup{.rhs = ForwardRhs,
                                                .user_data = &forward_data_,
                                                .start_time_s = forward.start_time_s,
                                                .stop_time_s = forward.end_time_s(),
                                                .rtol = options.rtol,
                                                .atol_per_entry = tolerances_.state,
                                                .max_steps = options.max_steps});
    running_loss_ = sundials::MakeSerialVector(Vector::Zero(1), session_->context());
    running_loss_tolerance_ =
        sundials::MakeSerialVector(tolerances_.running_loss, session_->context());
    void* memory = session_->memory();
    Check(CVodeQuadInit(memory, RunningLossRhs, running_loss_.get()), "CVodeQuadInit");
    Check(CVodeQuadSVtolerances(memory, options.rtol, running_loss_tolerance_.get()),
          "CVodeQuadSVtolerances");
    Check(CVodeSetQuadErrCon(memory, SUNTRUE), "CVodeSetQuadErrCon");
    Check(CVodeAdjInit(memory, kStepsPerCheckpoint, kInterpolation), "CVodeAdjInit");
  }

  // The most forward steps: integrator.max_steps, and no more checkpoints
  // (one per kStepsPerCheckpoint steps) than integrator.adjoint_memory_MiB
  // holds. CVodeF steps until it reaches T whatever CVodeSetMaxNumSteps says,
  // so the budget is kept here, step by step.
  long ForwardStepBudget() const {
    const IntegratorOptions& options = problem_.integrator;
    const double checkpoints = std::floor(options.adjoint_memory_MiB * 1024.0 * 1024.0 /
                                          CheckpointBytes(problem_.forward.system->num_dof()));
    const double steps = checkpoints * static_cast<double>(kStepsPerCheckpoint);
    return static_cast<long>(std::min(steps, static_cast<double>(options.max_steps)));
  }

  // Integrates x from t0 to T one internal step at a time, storing
  // checkpoints, within the step budget and under the stability guard; sets
  // the loss
  //   L = Q(T) + l_T(x(T)),   Q(T) = ∫ l dt,
  // and the forward steps. Returns false (status set) when the pass fails.
  bool RunForward(GradientResult* result) {
    SetUpForward();
    void* memory = session_->memory();
    const double end_s = problem_.forward.end_time_s();
    const long budget = ForwardStepBudget();
    IntegratorOptions guard_options = problem_.integrator;
    guard_options.scheme = "cvode_adams";
    StabilityGuard guard(problem_.forward, guard_options);
    double t_reached_s = problem_.forward.start_time_s;
    int flag = CV_SUCCESS;
    while (flag != CV_TSTOP_RETURN && t_reached_s < end_s) {
      if (result->steps >= budget) {
        ReportBudgetSpent(t_reached_s, budget, result);
        return false;
      }
      flag = CVodeF(memory, end_s, session_->state(), &t_reached_s, CV_ONE_STEP, &checkpoints_);
      RethrowIfSet(forward_data_.rhs.error);
      RethrowIfSet(forward_data_.quadrature.error);
      ++result->steps;
      if (flag < 0) {
        Check(CVodeGetCurrentTime(memory, &t_reached_s), "CVodeGetCurrentTime");
        ReportFailure("forward", flag, t_reached_s, result);
        return false;
      }
      if ((result->steps % kGuardCheckSteps == 0 || flag == CV_TSTOP_RETURN) &&
          !guard.Check(t_reached_s, sundials::StateOf(session_->state()))) {
        result->status = SolveStatus::kEnergyGrowth;
        result->message = "the adjoint's forward pass stopped: " + guard.message();
        return false;
      }
    }
    final_state_ = sundials::StateOf(session_->state());
    Check(CVodeGetQuad(memory, &t_reached_s, running_loss_.get()), "CVodeGetQuad");
    result->loss =
        N_VGetArrayPointer(running_loss_.get())[0] + problem_.loss->Terminal(final_state_, theta());
    return true;
  }

  // The backward problem from λ(T) = ∇l_T(x(T)), with the parameter
  // quadrature q_B(T) = 0; both under error control.
  void SetUpBackward(const PhaseState& terminal_adjoint) {
    const IntegratorOptions& options = problem_.integrator;
    void* memory = session_->memory();
    adjoint_ = sundials::MakeSerialVector(Flatten(terminal_adjoint), session_->context());
    parameter_gradient_ = sundials::MakeSerialVector(
        Vector::Zero(problem_.forward.system->num_params()), session_->context());
    adjoint_state_ = sundials::MakeSerialVector(Flatten(final_state_), session_->context());
    adjoint_tolerance_ = sundials::MakeSerialVector(tolerances_.adjoint, session_->context());
    parameter_gradient_tolerance_ =
        sundials::MakeSerialVector(tolerances_.parameter_gradient, session_->context());
    backward_solver_ = MakeFixedPoint(adjoint_.get(), session_->context());
    Check(CVodeCreateB(memory, CV_ADAMS, &backward_), "CVodeCreateB");
    Check(CVodeInitB(memory, backward_, AdjointRhs, problem_.forward.end_time_s(), adjoint_.get()),
          "CVodeInitB");
    Check(CVodeSetUserDataB(memory, backward_, &backward_data_), "CVodeSetUserDataB");
    Check(CVodeSVtolerancesB(memory, backward_, options.rtol, adjoint_tolerance_.get()),
          "CVodeSVtolerancesB");
    Check(CVodeSetNonlinearSolverB(memory, backward_, backward_solver_.get()),
          "CVodeSetNonlinearSolverB");
    Check(CVodeSetMaxNumStepsB(memory, backward_, options.max_steps), "CVodeSetMaxNumStepsB");
    Check(CVodeQuadInitB(memory, backward_, ParameterQuadratureRhs, parameter_gradient_.get()),
          "CVodeQuadInitB");
    Check(CVodeQuadSVtolerancesB(memory, backward_, options.rtol,
                                 parameter_gradient_tolerance_.get()),
          "CVodeQuadSVtolerancesB");
    Check(CVodeSetQuadErrConB(memory, backward_, SUNTRUE), "CVodeSetQuadErrConB");
  }

  // Integrates λ from T down to t0 through the report grid, taking dL/du at
  // each kick time and λ at each grid time, then
  //   dL/dθ = q_B(t0) + ∂l_T/∂θ,   dL/dx0 = λ(t0).
  void RunBackward(GradientResult* result) {
    PhaseState lambda;
    problem_.loss->TerminalGradient(final_state_, theta(), &lambda);
    SetUpBackward(lambda);
    const long n = grid_.intervals;
    result->input_times_s.resize(static_cast<size_t>(n));
    result->dL_du.resize(problem_.forward.system->num_inputs(), n);
    if (problem_.record_adjoint) {
      result->adjoint_times_s.resize(static_cast<size_t>(n) + 1);
      result->adjoint.resize(static_cast<size_t>(n) + 1);
      RecordAdjoint(n, lambda, result);
    }
    for (long k = n - 1; k >= 0; --k) {
      const double t_kick_s = grid_.KickTime(k);
      if (!BackwardTo(t_kick_s, &lambda, result)) return;
      result->input_times_s[static_cast<size_t>(k)] = t_kick_s;
      result->dL_du.col(k) =
          backward_data_.equations.InputDensity(t_kick_s, ForwardStateAt(t_kick_s), lambda);
      if (!BackwardTo(grid_.GridTime(k), &lambda, result)) return;
      if (problem_.record_adjoint) RecordAdjoint(k, lambda, result);
    }
    result->dL_dx0 = lambda;
    FinishParameterGradient(result);
  }

  // Advances the backward problem to t and reads λ(t). Returns false (status
  // set) when the solve fails.
  bool BackwardTo(double t_s, PhaseState* lambda, GradientResult* result) {
    void* memory = session_->memory();
    const int flag = CVodeB(memory, t_s, CV_NORMAL);
    RethrowIfSet(forward_data_.rhs.error);  // from recomputing the forward pass
    RethrowIfSet(forward_data_.quadrature.error);
    RethrowIfSet(backward_data_.adjoint.error);
    RethrowIfSet(backward_data_.quadrature.error);
    if (flag < 0) {
      double t_reached_s = 0.0;
      Check(CVodeGetCurrentTime(BackwardMemory(), &t_reached_s), "CVodeGetCurrentTime");
      result->steps += BackwardSteps();
      ReportFailure("backward", flag, t_reached_s, result);
      return false;
    }
    double t_reached_s = 0.0;
    Check(CVodeGetB(memory, backward_, &t_reached_s, adjoint_.get()), "CVodeGetB");
    *lambda = sundials::StateOf(adjoint_.get());
    return true;
  }

  // x(t), interpolated from the forward data of the stretch that the
  // backward pass is in. CVodeGetAdjY moves the interpolation's cached
  // position, which the backward pass's own right-hand sides share; without
  // returning it to the backward pass's current time, dL/dθ came out up to
  // 6e-4 off on a circuit whose report grid was finer than its steps.
  PhaseState ForwardStateAt(double t_s) {
    Check(CVodeGetAdjY(session_->memory(), t_s, adjoint_state_.get()), "CVodeGetAdjY");
    const PhaseState x = sundials::StateOf(adjoint_state_.get());
    double t_backward_s = 0.0;
    Check(CVodeGetCurrentTime(BackwardMemory(), &t_backward_s), "CVodeGetCurrentTime");
    Check(CVodeGetAdjY(session_->memory(), t_backward_s, adjoint_state_.get()), "CVodeGetAdjY");
    return x;
  }

  void RecordAdjoint(long k, const PhaseState& lambda, GradientResult* result) const {
    result->adjoint_times_s[static_cast<size_t>(k)] = grid_.GridTime(k);
    result->adjoint[static_cast<size_t>(k)] = lambda;
  }

  void FinishParameterGradient(GradientResult* result) {
    double t_reached_s = 0.0;
    Check(CVodeGetQuadB(session_->memory(), backward_, &t_reached_s, parameter_gradient_.get()),
          "CVodeGetQuadB");
    Vector terminal;
    problem_.loss->TerminalParameterGradient(final_state_, theta(), &terminal);
    result->dL_dtheta =
        Eigen::Map<const Vector>(N_VGetArrayPointer(parameter_gradient_.get()), terminal.size()) +
        terminal;
    result->steps += BackwardSteps();
    result->cost = DigitalCostOf();
  }

  // The hardware runs the one forward pass that the trajectory is recorded
  // from; the computer evaluates the model at every right-hand side: the
  // forward ones (with the recomputation between checkpoints), ∇²H λ in the
  // backward ones and (∂θ ∇H)ᵀ λ in the parameter quadrature's. It stores the
  // checkpoints and one stretch of interpolation data (a state per step).
  HardwareCost DigitalCostOf() const {
    long forward_evaluations = 0, backward_evaluations = 0, quadrature_evaluations = 0;
    Check(CVodeGetNumRhsEvals(session_->memory(), &forward_evaluations), "CVodeGetNumRhsEvals");
    Check(CVodeGetNumRhsEvals(BackwardMemory(), &backward_evaluations), "CVodeGetNumRhsEvals");
    Check(CVodeGetQuadNumRhsEvals(BackwardMemory(), &quadrature_evaluations),
          "CVodeGetQuadNumRhsEvals");
    HardwareCost cost;
    cost.hardware_passes = 1;
    cost.resets = 1;
    cost.digital.model_evaluations =
        forward_evaluations + backward_evaluations + quadrature_evaluations;
    cost.digital.flops =
        static_cast<double>(cost.digital.model_evaluations) * EvaluationFlops(problem_.forward);
    const int num_dof = problem_.forward.system->num_dof();
    cost.digital.memory_bytes =
        static_cast<double>(checkpoints_) * CheckpointBytes(num_dof) +
        static_cast<double>(kStepsPerCheckpoint) * (kVectorOverheadBytes + 16.0 * num_dof);
    return cost;
  }

  void* BackwardMemory() const { return CVodeGetAdjCVodeBmem(session_->memory(), backward_); }

  long BackwardSteps() const {
    long steps = 0;
    Check(CVodeGetNumSteps(BackwardMemory(), &steps), "CVodeGetNumSteps");
    return steps;
  }

  // The status and message of a forward pass whose step budget is spent.
  void ReportBudgetSpent(double t_reached_s, long budget, GradientResult* result) const {
    const IntegratorOptions& options = problem_.integrator;
    const SimulationProblem& forward = problem_.forward;
    result->status = SolveStatus::kTooManySteps;
    result->message = fmt::format(
        "the adjoint's forward pass stopped at t = {:.6g} s of a pass from {:.6g} s to {:.6g} s "
        "after {} steps: its budget is spent (integrator.max_steps = {}, and the checkpoints of "
        "at most {} steps fit in integrator.adjoint_memory_MiB = {:.6g} MiB): raise "
        "adjoint_memory_MiB (and max_steps) if the memory is there and the substrate is meant "
        "to be this stiff or fast; otherwise this is typically an indication that the substrate "
        "is going unstable",
        t_reached_s, forward.start_time_s, forward.end_time_s(), budget, options.max_steps, budget,
        options.adjoint_memory_MiB);
  }

  // Which callback of the solve produced a non-finite value, and when; empty
  // when none did.
  std::optional<std::pair<const char*, double>> NonFiniteCallback() const {
    const std::pair<const char*, const std::optional<double>*> callbacks[] = {
        {"the vector field f(t, x)", &forward_data_.rhs.non_finite_at_s},
        {"the running loss l(x, t)", &forward_data_.quadrature.non_finite_at_s},
        {"the adjoint's rate dλ/dt", &backward_data_.adjoint.non_finite_at_s},
        {"the parameter integrand λᵀ ∂f/∂θ + ∂l/∂θ", &backward_data_.quadrature.non_finite_at_s},
    };
    for (const auto& [what, at] : callbacks) {
      if (at->has_value()) return std::pair{what, **at};
    }
    return std::nullopt;
  }

  // The status and readable message of a pass that stopped with flag < 0.
  void ReportFailure(const char* pass, int flag, double t_reached_s, GradientResult* result) const {
    if (const auto non_finite = NonFiniteCallback()) {
      result->status = SolveStatus::kNonFiniteState;
      result->message = fmt::format(
          "CVODES stopped the adjoint's {} pass: {} became non-finite at t = {:.6g} s; {}", pass,
          non_finite->first, non_finite->second, detail::kUnstableOrTooTight);
      return;
    }
    const std::string flag_name = sundials::ReturnFlagName(CVodeGetReturnFlagName, flag);
    const std::string solver_says = session_->log().last_error().empty()
                                        ? ""
                                        : fmt::format(" ({})", session_->log().last_error());
    const SimulationProblem& forward = problem_.forward;
    if (flag == CV_TOO_MUCH_WORK) {
      result->status = SolveStatus::kTooManySteps;
      result->message = fmt::format(
          "CVODES stopped the adjoint's {} pass with {} at t = {:.6g} s of a pass from {:.6g} s "
          "to {:.6g} s: the step budget integrator.max_steps = {} per solver call is spent{}; {}",
          pass, flag_name, t_reached_s, forward.start_time_s, forward.end_time_s(),
          problem_.integrator.max_steps, solver_says, detail::kStepBudgetCauses);
    } else {
      result->status = SolveStatus::kSolverFailure;
      result->message = fmt::format(
          "CVODES failed in the adjoint's {} pass with {} at t = {:.6g} s of a pass from {:.6g} "
          "s to {:.6g} s{}; {}",
          pass, flag_name, t_reached_s, forward.start_time_s, forward.end_time_s(), solver_says,
          detail::kUnstableOrTooTight);
    }
  }

  const GradientProblem& problem_;
  const ReportGrid grid_;
  const AbsoluteTolerances tolerances_;  // of the state, loss, λ and dL/dθ solves
  ForwardData forward_data_;
  BackwardData backward_data_;
  PhaseState final_state_;
  int checkpoints_ = 0;  // forward checkpoints that CVODES stored
  // Declared before what is made in its context, so that it is freed last.
  std::optional<sundials::CvodesAdamsSession> session_;
  sundials::NVectorHandle running_loss_, adjoint_, parameter_gradient_, adjoint_state_;
  sundials::NVectorHandle running_loss_tolerance_, adjoint_tolerance_,
      parameter_gradient_tolerance_;
  sundials::NonlinearSolverHandle backward_solver_;
  int backward_ = 0;  // index of the backward problem in the solver memory
};

}  // namespace

void AdjointGradient::DoCheckSupport(const GradientProblem& problem) const {
  if (!problem.forward.noise.is_zero()) {
    throw InputError(
        "adjoint: the pass has thermal noise (noise.thermal_energy_J > 0), but the adjoint needs "
        "a deterministic pass");
  }
  if (problem.forward.drive) {
    throw InputError(
        "adjoint: the pass has an external drive, whose Jacobian the adjoint cannot take; "
        "differentiate the undriven pass");
  }
}

GradientResult AdjointGradient::DoCompute(const GradientProblem& problem) const {
  return AdjointSolve(problem).Run();
}

}  // namespace echolab

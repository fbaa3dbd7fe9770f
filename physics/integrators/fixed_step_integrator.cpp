#include "physics/integrators/fixed_step_integrator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "physics/step_count.h"

namespace echolab {

Vector MomentumDecayRates(const SimulationProblem& problem, const char* scheme) {
  const int n = problem.system->num_dof();
  Vector rates = Vector::Constant(n, problem.dissipation.momentum_decay_rate_per_s);
  const Vector& friction = problem.dissipation.friction_N_s_per_m;
  if (friction.size() > 0 && !friction.isZero(0.0)) {
    const auto masses = problem.system->DiagonalMasses(problem.theta);
    if (!masses) {
      throw InputError(fmt::format(
          "integrator.scheme: '{}' damps with the exact flow of dp/dt = -G p / m, which needs a "
          "kinetic energy of the form p^2 / (2 m); this substrate has none: use an adaptive "
          "scheme (cvode_adams, arkode_dopri5, odeint_dopri5) for friction on it",
          scheme));
    }
    rates += friction.cwiseQuotient(*masses);
  }
  return rates;
}

Eigen::MatrixXd KineticHessianMatrix(const SimulationProblem& problem) {
  const int n = problem.system->num_dof();
  Eigen::MatrixXd kinetic_hessian(n, n);
  Vector column;
  for (int j = 0; j < n; ++j) {
    problem.system->KineticHessianProduct(Vector::Zero(n), problem.theta, Vector::Unit(n, j),
                                          &column);
    kinetic_hessian.col(j) = column;
  }
  return kinetic_hessian;
}

Eigen::MatrixXd DampingGenerator(const SimulationProblem& problem) {
  const Dissipation& damping = problem.dissipation;
  const Eigen::MatrixXd kinetic_hessian = KineticHessianMatrix(problem);
  Eigen::MatrixXd friction = damping.friction_matrix.toDense();
  if (damping.friction_N_s_per_m.size() > 0) {
    friction.diagonal() += damping.friction_N_s_per_m;
  }
  Eigen::MatrixXd generator = friction * kinetic_hessian;
  generator.diagonal().array() += damping.momentum_decay_rate_per_s;
  return generator;
}

long FixedStepIntegrator::NumSteps(double duration_s, double step_s, long max_steps) {
  return CountIntervals(duration_s, step_s, max_steps, "integrator.step_s");
}

void FixedStepIntegrator::DoCheckSupport(const SimulationProblem& problem) const {
  Integrator::DoCheckSupport(problem);
  if (!problem.dissipation.has_friction_matrix()) {
    MomentumDecayRates(problem, name().c_str());
  } else if (!problem.system->HasQuadraticKineticEnergy()) {
    throw InputError(fmt::format(
        "integrator.scheme: '{}' damps a friction matrix with the exact flow of dp/dt = "
        "-G K p, which needs a kinetic energy quadratic in p (T = pᵀ K p / 2); this substrate's "
        "is not (a circuit with varactors): use an adaptive scheme (cvode_adams, arkode_dopri5, "
        "odeint_dopri5) for its resistors",
        name()));
  }
}

IntegratorOptions FixedStepIntegrator::DoResolveOptions(const SimulationProblem& problem,
                                                        const IntegratorOptions& requested) const {
  if (!(requested.step_s > 0.0)) {
    throw InputError(
        fmt::format("integrator.step_s must be > 0 for the fixed-step scheme '{}', got {}", name(),
                    requested.step_s));
  }
  IntegratorOptions used = requested;
  const long steps = NumSteps(problem.duration_s, requested.step_s, requested.max_steps);
  used.step_s = problem.duration_s / static_cast<double>(steps);
  // At most one sample every `steps` steps, so that the count stays a long.
  const double per_output = requested.output_interval_s > 0.0
                                ? std::clamp(std::round(requested.output_interval_s / used.step_s),
                                             1.0, static_cast<double>(steps))
                                : 1.0;
  used.output_interval_s = per_output * used.step_s;
  return used;
}

void FixedStepIntegrator::DoIntegrate(const SimulationProblem& problem,
                                      const IntegratorOptions& options, OutputSink* sink,
                                      Trajectory* trajectory) const {
  const auto num_steps = static_cast<long>(std::llround(problem.duration_s / options.step_s));
  const auto steps_per_output =
      static_cast<long>(std::llround(options.output_interval_s / options.step_s));
  std::unique_ptr<Stepper> stepper = MakeStepper(problem);

  PhaseState x = problem.initial_state;
  double t = problem.start_time_s;
  bool finite = sink->Emit(t, x);
  long step = 0;
  while (finite && step < num_steps) {
    stepper->Step(t, options.step_s, &x);
    ++step;
    // t_k = t0 + k h, computed from k to avoid accumulating round-off.
    t = problem.start_time_s + static_cast<double>(step) * options.step_s;
    if (step % steps_per_output == 0 || step == num_steps) {
      finite = sink->Emit(t, x);
    } else if (!IsFinite(x)) {
      finite = sink->Emit(t, x);  // report the blow-up at once
    }
  }
  trajectory->final_time_s = t;
  trajectory->final_state = std::move(x);
  trajectory->stats.steps = step;
  trajectory->stats.rhs_evaluations = stepper->evaluations();
}

SymmetricSplitting::SymmetricSplitting(const SimulationProblem& problem)
    : problem_(problem), kernels_(*problem.system) {
  if (const auto masses = problem.system->DiagonalMasses(problem.theta)) {
    inverse_masses_ = masses->cwiseInverse();
  }
  if (problem.dissipation.has_overdamped_dofs()) {
    overdamped_ = std::make_unique<OverdampedDofs>(problem);
  }
  if (problem.dissipation.has_friction_matrix()) {
    friction_flow_ = std::make_unique<FrictionFlow>(problem);
  } else if (!problem.dissipation.is_zero()) {
    decay_rate_per_s_ = MomentumDecayRates(problem, "");
  }
}

// ∂T/∂p at p; with diagonal masses p ⊙ m⁻¹, the inverses taken once per pass.
void SymmetricSplitting::Velocity(const Vector& p, Vector* velocity) const {
  if (inverse_masses_.size() > 0) {
    *velocity = p.cwiseProduct(inverse_masses_);
    return;
  }
  problem_.system->KineticGradient(p, problem_.theta, velocity);
}

// A(τ): q += τ [v + a(p, t_mid)] with v = ∂T/∂p(p), exact since p is constant.
void SymmetricSplitting::Drift(double t_mid_s, double tau_s, const Vector& velocity,
                               PhaseState* x) {
  if (!problem_.drive) {
    x->q += tau_s * velocity;
    return;
  }
  grad_ = velocity;
  problem_.drive->AddVelocity(x->p, t_mid_s, &grad_);
  x->q += tau_s * grad_;
}

Vector SymmetricSplitting::DampingFactors(double tau_s) const {
  if (decay_rate_per_s_.size() == 0) return {};
  return (-tau_s * decay_rate_per_s_.array()).exp();
}

// The damping sub-step of τ: the overdamped dofs' exact flow (q_A moves,
// p_A = 0) and the momenta's decay. True when it may have changed p.
bool SymmetricSplitting::Damp(double tau_s, PhaseState* x) {
  if (overdamped_ != nullptr) {
    // q_A -= E(τ) ∂V/∂q_A(q, u(t + h/2)), p_A = 0
    problem_.system->PotentialGradient(x->q, problem_.theta, u_, &overdamped_gradient_);
    ++evaluations_;
    overdamped_->Flow(tau_s, overdamped_gradient_, x);
  }
  if (friction_flow_ != nullptr) {
    friction_flow_->Apply(tau_s, &x->p);  // p = exp(-A τ) p
    return true;
  }
  if (decay_rate_per_s_.size() == 0) return false;
  x->p.array() *= DampingFactors(tau_s).array();
  return true;
}

// v = ∂T/∂p(p), A(h/2), D(h/2); when summing, the momenta entering the kick
// and their velocities into *kick (the drift's, unless D changed p).
void SymmetricSplitting::BeforeKick(double t_s, double h_s, bool summing, PhaseState* x,
                                    KickMomenta* kick) {
  Velocity(x->p, &kick->velocity_before);
  Drift(t_s + 0.25 * h_s, 0.5 * h_s, kick->velocity_before, x);
  const bool damped = Damp(0.5 * h_s, x);
  if (!summing) return;
  if (damped) Velocity(x->p, &kick->velocity_before);
  kick->p_before = x->p;
}

// When summing, the momenta leaving the kick and their velocities into *kick.
void SymmetricSplitting::LeavingKick(bool summing, const PhaseState& x, KickMomenta* kick) const {
  if (!summing) return;
  kick->p_after = x.p;
  Velocity(x.p, &kick->velocity_after);
}

// D(h/2), A(h/2) with v = ∂T/∂p(p): the velocity leaving the kick when D
// leaves p as it is and it was taken.
void SymmetricSplitting::AfterKick(double t_s, double h_s, bool summing, PhaseState* x,
                                   KickMomenta* kick) {
  if (Damp(0.5 * h_s, x) || !summing) Velocity(x->p, &kick->velocity_after);
  Drift(t_s + 0.75 * h_s, 0.5 * h_s, kick->velocity_after, x);
}

void SymmetricSplitting::Kick(double t_s, double h_s, const Vector& potential_gradient,
                              PhaseState* x, Record* record) {
  force_ = -potential_gradient;
  if (problem_.drive) problem_.drive->AddForce(x->q, t_s + 0.5 * h_s, &force_);
  ++evaluations_;
  if (record != nullptr) {
    record->tau_s = h_s;
    record->t_kick_s = t_s + 0.5 * h_s;
    record->u_kick = u_;
    record->q_kick = x->q;
    record->p_before_kick = x->p;
  }
  x->p += h_s * force_;
  if (record != nullptr) record->p_after_kick = x->p;
}

void SymmetricSplitting::Step(double t_s, double h_s, PhaseState* x, Record* record) {
  const bool summing = parameter_sum_ != nullptr;
  // u(t + h/2) first: the damping sub-steps of overdamped dofs read it.
  problem_.input.Evaluate(t_s + 0.5 * h_s, &u_);
  BeforeKick(t_s, h_s, summing, x, &kick_);
  // B(h): p += h [-∂V/∂q(q, u) + f(q, t + h/2)]
  if (summing) {
    kernels_.PotentialGradientWithParameterSum(x->q, problem_.theta, u_, h_s, &grad_,
                                               parameter_sum_);
  } else {
    problem_.system->PotentialGradient(x->q, problem_.theta, u_, &grad_);
  }
  Kick(t_s, h_s, grad_, x, record);
  LeavingKick(summing, *x, &kick_);
  if (summing) {
    kernels_.AddHalfStepKineticParameterGradient(kick_, problem_.theta, h_s, parameter_sum_);
  }
  AfterKick(t_s, h_s, summing, x, &kick_);
}

void SymmetricSplitting::StepPair(double t_s, double h_s, PhaseState* a, PhaseState* b,
                                  Record* record_a, Record* record_b) {
  const bool summing = difference_sum_ != nullptr;
  problem_.input.Evaluate(t_s + 0.5 * h_s, &u_);
  BeforeKick(t_s, h_s, summing, a, &kick_);
  BeforeKick(t_s, h_s, summing, b, &kick_b_);
  const Vector& theta = problem_.theta;
  if (summing) {
    // τ [∂θV(q_a) - ∂θV(q_b)] summed with both gradients in one sweep.
    kernels_.PotentialGradientPairWithParameterDifference(a->q, b->q, theta, u_, h_s, &grad_,
                                                          &grad_b_, difference_sum_);
  } else {
    problem_.system->PotentialGradient(a->q, theta, u_, &grad_);
    problem_.system->PotentialGradient(b->q, theta, u_, &grad_b_);
  }
  Kick(t_s, h_s, grad_, a, record_a);
  Kick(t_s, h_s, grad_b_, b, record_b);
  LeavingKick(summing, *a, &kick_);
  LeavingKick(summing, *b, &kick_b_);
  if (summing) {
    kernels_.AddHalfStepKineticParameterDifference(kick_, kick_b_, theta, h_s, difference_sum_);
  }
  AfterKick(t_s, h_s, summing, a, &kick_);
  AfterKick(t_s, h_s, summing, b, &kick_b_);
}

CompositionStepper::CompositionStepper(const SimulationProblem& problem,
                                       std::vector<double> weights)
    : splitting_(problem), weights_(std::move(weights)) {}

void CompositionStepper::Step(double t_s, double h_s, PhaseState* x) { Step(t_s, h_s, x, {}); }

void CompositionStepper::Step(double t_s, double h_s, PhaseState* x,
                              const SubstepCallback& on_substep) {
  double t_sub = t_s;
  for (double weight : weights_) {
    splitting_.Step(t_sub, weight * h_s, x, on_substep ? &record_ : nullptr);
    if (on_substep) on_substep(record_);
    t_sub += weight * h_s;
  }
  evaluations_ = splitting_.evaluations();
}

void CompositionStepper::StepPair(double t_s, double h_s, PhaseState* a, PhaseState* b,
                                  const PairCallback& on_substeps) {
  double t_sub = t_s;
  for (double weight : weights_) {
    if (on_substeps) {
      splitting_.StepPair(t_sub, weight * h_s, a, b, &record_, &record_b_);
      on_substeps(record_, record_b_);
    } else {
      splitting_.StepPair(t_sub, weight * h_s, a, b);
    }
    t_sub += weight * h_s;
  }
  evaluations_ = splitting_.evaluations();
}

}  // namespace echolab

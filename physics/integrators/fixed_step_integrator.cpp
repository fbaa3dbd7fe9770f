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

SymmetricSplitting::SymmetricSplitting(const SimulationProblem& problem) : problem_(problem) {
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

// A(τ): q += τ [∂T/∂p(p) + a(p, t_mid)], exact since p is constant; with
// diagonal masses ∂T/∂p = p ⊙ m⁻¹, the inverses taken once per pass.
void SymmetricSplitting::Drift(double t_mid_s, double tau_s, PhaseState* x) {
  if (inverse_masses_.size() > 0) {
    grad_ = x->p.cwiseProduct(inverse_masses_);
  } else {
    problem_.system->KineticGradient(x->p, problem_.theta, &grad_);
  }
  if (problem_.drive) problem_.drive->AddVelocity(x->p, t_mid_s, &grad_);
  x->q += tau_s * grad_;
}

Vector SymmetricSplitting::DampingFactors(double tau_s) const {
  if (decay_rate_per_s_.size() == 0) return {};
  return (-tau_s * decay_rate_per_s_.array()).exp();
}

void SymmetricSplitting::Damp(double tau_s, PhaseState* x) {
  if (overdamped_ != nullptr) {
    // q_A -= E(τ) ∂V/∂q_A(q, u(t + h/2)), p_A = 0
    problem_.system->PotentialGradient(x->q, problem_.theta, u_, &overdamped_gradient_);
    ++evaluations_;
    overdamped_->Flow(tau_s, overdamped_gradient_, x);
  }
  if (friction_flow_ != nullptr) {
    friction_flow_->Apply(tau_s, &x->p);  // p = exp(-A τ) p
    return;
  }
  if (decay_rate_per_s_.size() == 0) return;
  x->p.array() *= DampingFactors(tau_s).array();
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
  problem_.input.Evaluate(t_s + 0.5 * h_s, &u_);
  Drift(t_s + 0.25 * h_s, 0.5 * h_s, x);
  Damp(0.5 * h_s, x);
  // B(h): p += h [-∂V/∂q(q, u) + f(q, t + h/2)]
  if (parameter_sum_ != nullptr) {
    problem_.system->PotentialGradientWithParameterSum(x->q, problem_.theta, u_, h_s, &grad_,
                                                       parameter_sum_);
    p_before_kick_ = x->p;
  } else {
    problem_.system->PotentialGradient(x->q, problem_.theta, u_, &grad_);
  }
  Kick(t_s, h_s, grad_, x, record);
  if (parameter_sum_ != nullptr) {
    problem_.system->AddHalfStepKineticParameterGradient(p_before_kick_, x->p, problem_.theta, h_s,
                                                         parameter_sum_);
  }
  Damp(0.5 * h_s, x);
  Drift(t_s + 0.75 * h_s, 0.5 * h_s, x);
}

void SymmetricSplitting::StepPair(double t_s, double h_s, PhaseState* a, PhaseState* b,
                                  Record* record_a, Record* record_b) {
  problem_.input.Evaluate(t_s + 0.5 * h_s, &u_);
  for (PhaseState* x : {a, b}) {
    Drift(t_s + 0.25 * h_s, 0.5 * h_s, x);
    Damp(0.5 * h_s, x);
  }
  const Vector& theta = problem_.theta;
  if (difference_sum_ != nullptr) {
    // τ [∂θV(q_a) - ∂θV(q_b)] summed with both gradients in one sweep.
    problem_.system->PotentialGradientPairWithParameterDifference(
        a->q, b->q, theta, u_, h_s, &grad_, &grad_b_, difference_sum_);
    p_before_kick_ = a->p;
    p_before_kick_b_ = b->p;
  } else {
    problem_.system->PotentialGradient(a->q, theta, u_, &grad_);
    problem_.system->PotentialGradient(b->q, theta, u_, &grad_b_);
  }
  Kick(t_s, h_s, grad_, a, record_a);
  Kick(t_s, h_s, grad_b_, b, record_b);
  if (difference_sum_ != nullptr) {
    problem_.system->AddHalfStepKineticParameterDifference(p_before_kick_, a->p, p_before_kick_b_,
                                                           b->p, theta, h_s, difference_sum_);
  }
  for (PhaseState* x : {a, b}) {
    Damp(0.5 * h_s, x);
    Drift(t_s + 0.75 * h_s, 0.5 * h_s, x);
  }
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

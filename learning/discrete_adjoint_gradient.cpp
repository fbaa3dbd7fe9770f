#include "learning/discrete_adjoint_gradient.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "common/error.h"
#include "learning/detail/discrete_pass.h"
#include "learning/detail/recorded_adjoint.h"

namespace echolab {
namespace {

// Adjoint quantities accumulated over the backward sweep.
struct Accumulators {
  Vector dL_dtheta;
  std::vector<std::pair<double, Vector>> input_density;  // (t_kick, dL/du density)
};

// Pulls (λq', λp') back through one splitting step
//   q_a = q + (τ/2) ∂T/∂p(p);  p_1 = d ⊙ p;  p_2 = p_1 - τ ∂V/∂q(q_a, u);
//   p' = d ⊙ p_2;  q' = q_a + (τ/2) ∂T/∂p(p')
// with d the damping factors of τ/2 (1 when lossless):
//   λq_a = λq',  λp'' = λp' + (τ/2) ∇²T(p') λq',  λp_2 = d ⊙ λp'',
//   λq = λq_a - τ ∇²V(q_a) λp_2,  λp = d ⊙ λp_2 + (τ/2) ∇²T(p) λq,
// and the parameter and input terms of each sub-step.
void PullBackSplittingStep(const SimulationProblem& problem, const SymmetricSplitting& splitting,
                           const SymmetricSplitting::Record& record, PhaseState* lambda,
                           Accumulators* sums) {
  const HamiltonianSystem& system = *problem.system;
  const Vector& theta = problem.theta;
  const double tau = record.tau_s;
  const Vector damping = splitting.DampingFactors(0.5 * tau);
  const auto damp = [&](const Vector& v) -> Vector {
    return damping.size() == 0 ? v : Vector(damping.cwiseProduct(v));
  };
  const auto undamp = [&](const Vector& v) -> Vector {
    return damping.size() == 0 ? v : Vector(v.cwiseQuotient(damping));
  };
  const Vector p_start = undamp(record.p_before_kick);
  const Vector p_end = damp(record.p_after_kick);
  Vector product, mixed;

  // Second drift: q' = q_a + (τ/2) ∂T/∂p(p').
  system.KineticHessianProduct(p_end, theta, lambda->q, &product);
  Vector lambda_p = lambda->p + (0.5 * tau) * product;
  system.KineticMixedProduct(p_end, theta, lambda->q, &mixed);
  sums->dL_dtheta += (0.5 * tau) * mixed;

  // Kick: p_2 = p_1 - τ ∂V/∂q(q_a, u).
  const Vector lambda_p2 = damp(lambda_p);
  system.PotentialHessianProduct(record.q_kick, theta, record.u_kick, lambda_p2, &product);
  const Vector lambda_qa = lambda->q - tau * product;
  system.PotentialMixedProduct(record.q_kick, theta, record.u_kick, lambda_p2, &mixed);
  sums->dL_dtheta -= tau * mixed;
  Vector input_mixed;
  system.InputMixedProduct(record.q_kick, theta, record.u_kick, lambda_p2, &input_mixed);
  // dL/du_sub = -τ (∂u ∇q V)ᵀ λp_2, a density of -(∂u ∇q V)ᵀ λp_2 per second.
  sums->input_density.emplace_back(record.t_kick_s, -input_mixed);

  // First drift: q_a = q + (τ/2) ∂T/∂p(p).
  system.KineticHessianProduct(p_start, theta, lambda_qa, &product);
  lambda->p = damp(lambda_p2) + (0.5 * tau) * product;
  system.KineticMixedProduct(p_start, theta, lambda_qa, &mixed);
  sums->dL_dtheta += (0.5 * tau) * mixed;
  lambda->q = lambda_qa;
}

void CheckDeterministicUndamped(const GradientProblem& problem) {
  if (!problem.forward.noise.is_zero()) {
    throw InputError("noise: the discrete adjoint needs a deterministic pass");
  }
  const Dissipation& damping = problem.forward.dissipation;
  if (damping.has_friction_vector() || damping.has_friction_matrix()) {
    throw InputError(
        "dissipation.friction_N_s_per_m: the discrete adjoint supports mass-proportional damping "
        "(momentum_decay_rate_per_s) only; use the adjoint method for friction and resistors");
  }
}

// Adds c ∇l(x, t) to λ.
void AddLossGradient(const Loss& loss, const PhaseState& x, double t_s, double weight,
                     const Vector& theta, PhaseState* lambda) {
  PhaseState grad;
  loss.RunningGradient(x, t_s, theta, &grad);
  lambda->q += weight * grad.q;
  lambda->p += weight * grad.p;
}

void StoreInputDensity(Accumulators* sums, int num_inputs, GradientResult* result) {
  std::sort(sums->input_density.begin(), sums->input_density.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  result->dL_du.resize(num_inputs, static_cast<Eigen::Index>(sums->input_density.size()));
  for (size_t j = 0; j < sums->input_density.size(); ++j) {
    result->input_times_s.push_back(sums->input_density[j].first);
    result->dL_du.col(static_cast<Eigen::Index>(j)) = sums->input_density[j].second;
  }
}

// The hardware runs the one forward pass whose states are recorded; the
// computer evaluates the model 4 times per sub-step (the forward kick, its
// replay, ∇²V λ and (∂θ ∇V)ᵀ λ) and stores the N + 1 states.
HardwareCost DigitalCostOf(const GradientProblem& problem, const detail::DiscreteForwardPass& pass,
                           size_t substeps_per_step) {
  constexpr long kEvaluationsPerSubstep = 4;
  HardwareCost cost;
  cost.hardware_passes = 1;
  cost.resets = 1;
  cost.has_energy = problem.measure_device_energy;
  cost.energy = pass.energy;
  cost.digital.model_evaluations =
      kEvaluationsPerSubstep * pass.steps * static_cast<long>(substeps_per_step);
  cost.digital.flops =
      static_cast<double>(cost.digital.model_evaluations) * EvaluationFlops(problem.forward);
  cost.digital.memory_bytes = static_cast<double>(pass.states.size()) * 16.0 *
                              static_cast<double>(problem.forward.system->num_dof());
  return cost;
}

}  // namespace

bool DiscreteAdjointGradient::SupportsScheme(const SchemeTraits& traits) const {
  return !traits.composition_weights.empty();
}

void DiscreteAdjointGradient::DoCheckSupport(const GradientProblem& problem) const {
  CheckDeterministicUndamped(problem);
}

GradientResult DiscreteAdjointGradient::DoCompute(const GradientProblem& problem) const {
  const std::vector<double> weights =
      detail::CompositionWeightsOf(problem.integrator.scheme, name());
  const detail::StepGrid grid = detail::MakeStepGrid(problem);
  const SimulationProblem& forward = problem.forward;
  GradientResult result;
  detail::DiscreteForwardPass pass = detail::RunDiscreteForward(
      problem, grid, weights,
      {.store_states = true, .measure_energy = problem.measure_device_energy});
  result.passes = 2;
  result.steps = 2 * pass.steps;
  if (pass.status != SolveStatus::kSuccess) {
    result.status = pass.status;
    result.message = pass.message;
    return result;
  }
  result.loss = pass.loss;
  result.cost = DigitalCostOf(problem, pass, weights.size());

  // λ_N = c_N ∇l(x_N) + ∇l_T(x_N)
  const long n_steps = grid.num_steps;
  PhaseState lambda;
  problem.loss->TerminalGradient(pass.states.back(), forward.theta, &lambda);
  detail::RecordedAdjoint recorded;
  const auto add_loss_impulse = [&](long k) {
    const PhaseState before = lambda;
    AddLossGradient(*problem.loss, pass.states[static_cast<size_t>(k)], grid.Time(k),
                    grid.Weight(k), forward.theta, &lambda);
    if (problem.record_adjoint) {
      recorded.Add(forward.start_time_s + grid.Time(k), before, lambda);
    }
  };
  add_loss_impulse(n_steps);
  Accumulators sums{.dL_dtheta = pass.direct_parameter_gradient};
  std::vector<SymmetricSplitting::Record> records;
  SymmetricSplitting splitting(forward);
  CompositionStepper stepper(forward, weights);
  for (long k = n_steps - 1; k >= 0; --k) {
    // Replays step k from the stored x_k to recover its sub-step states.
    records.clear();
    PhaseState x = pass.states[static_cast<size_t>(k)];
    stepper.Step(forward.start_time_s + grid.Time(k), grid.step_s, &x,
                 [&](const SymmetricSplitting::Record& record) { records.push_back(record); });
    for (auto record = records.rbegin(); record != records.rend(); ++record) {
      PullBackSplittingStep(forward, splitting, *record, &lambda, &sums);
    }
    add_loss_impulse(k);
  }
  recorded.MoveInto(&result);
  result.dL_dtheta = sums.dL_dtheta;
  result.dL_dx0 = lambda;
  StoreInputDensity(&sums, forward.system->num_inputs(), &result);
  return result;
}

}  // namespace echolab

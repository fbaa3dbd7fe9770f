#include "physics/integrators/baoab.h"

#include <fmt/format.h>

#include <cmath>
#include <random>

#include "physics/error.h"

namespace echolab {
namespace {

class BaoabStepper final : public FixedStepIntegrator::Stepper {
 public:
  explicit BaoabStepper(const SimulationProblem& problem)
      : problem_(problem),
        masses_kg_(*problem.system->DiagonalMasses(problem.theta)),
        decay_rate_per_s_(MomentumDecayRates(problem, "baoab")),
        random_(problem.noise.seed) {}

  void Step(double t_s, double h_s, PhaseState* x) override {
    Kick(t_s, 0.5 * h_s, x);
    Drift(t_s + 0.25 * h_s, 0.5 * h_s, x);
    Thermalise(h_s, x);
    Drift(t_s + 0.75 * h_s, 0.5 * h_s, x);
    Kick(t_s + h_s, 0.5 * h_s, x);
  }

 private:
  // B(τ): p += τ [-∂V/∂q(q, u(t)) + f(q, t)]
  void Kick(double t_s, double tau_s, PhaseState* x) {
    problem_.input.Evaluate(t_s, &u_);
    problem_.system->PotentialGradient(x->q, problem_.theta, u_, &grad_q_);
    ++evaluations_;
    force_ = -grad_q_;
    if (problem_.drive) problem_.drive->AddForce(x->q, t_s, &force_);
    x->p += tau_s * force_;
  }

  // A(τ): q += τ [p / m + a(p, t_mid)]
  void Drift(double t_mid_s, double tau_s, PhaseState* x) {
    velocity_ = x->p.cwiseQuotient(masses_kg_);
    if (problem_.drive) problem_.drive->AddVelocity(x->p, t_mid_s, &velocity_);
    x->q += tau_s * velocity_;
  }

  void Thermalise(double h_s, PhaseState* x) {
    const double kT = problem_.noise.thermal_energy_J;
    for (Eigen::Index i = 0; i < x->p.size(); ++i) {
      const double c = std::exp(-decay_rate_per_s_[i] * h_s);
      x->p[i] *= c;
      if (kT > 0.0) x->p[i] += std::sqrt((1.0 - c * c) * masses_kg_[i] * kT) * normal_(random_);
    }
  }

  const SimulationProblem& problem_;
  Vector masses_kg_;
  Vector decay_rate_per_s_;
  std::mt19937_64 random_;
  std::normal_distribution<double> normal_;
  Vector u_, grad_q_, force_, velocity_;
};

}  // namespace

SchemeTraits BaoabIntegrator::traits() const {
  return SchemeTraits{
      .fixed_step = true, .symplectic = false, .symmetric = false, .stochastic = true, .order = 2};
}

void BaoabIntegrator::DoCheckSupport(const SimulationProblem& problem) const {
  if (problem.dissipation.has_friction_matrix()) {
    throw InputError(
        "integrator.scheme: 'baoab' does not support a friction matrix (resistors) yet; use "
        "leapfrog, yoshida4 or an adaptive scheme");
  }
  FixedStepIntegrator::DoCheckSupport(problem);
  if (!problem.system->DiagonalMasses(problem.theta)) {
    throw InputError(
        "integrator.scheme: 'baoab' needs a kinetic energy of the form p^2 / (2 m); this "
        "substrate has none");
  }
  if (!problem.noise.is_zero()) {
    const Vector rates = MomentumDecayRates(problem, "baoab");
    if ((rates.array() < 0.0).any()) {
      throw InputError(
          "noise: thermal noise needs non-negative damping on every degree of freedom (the "
          "fluctuation-dissipation intensity 2 G kB T would be negative)");
    }
  }
}

std::unique_ptr<FixedStepIntegrator::Stepper> BaoabIntegrator::MakeStepper(
    const SimulationProblem& problem) const {
  return std::make_unique<BaoabStepper>(problem);
}

}  // namespace echolab

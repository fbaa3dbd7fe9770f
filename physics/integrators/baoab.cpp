#include "physics/integrators/baoab.h"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <random>
#include <unsupported/Eigen/MatrixFunctions>

#include "common/error.h"

namespace echolab {
namespace {

// The B-A-O-A-B sequence shared by both O steps; a subclass gives the
// velocity ∂T/∂p and the O step.
class BaoabSplitting : public FixedStepIntegrator::Stepper {
 public:
  explicit BaoabSplitting(const SimulationProblem& problem)
      : problem_(problem), random_(problem.noise.seed) {}

  void Step(double t_s, double h_s, PhaseState* x) override {
    Kick(t_s, 0.5 * h_s, x);
    Drift(t_s + 0.25 * h_s, 0.5 * h_s, x);
    Thermalise(h_s, x);
    Drift(t_s + 0.75 * h_s, 0.5 * h_s, x);
    Kick(t_s + h_s, 0.5 * h_s, x);
  }

 protected:
  // *velocity = ∂T/∂p(p).
  virtual void Velocity(const Vector& p, Vector* velocity) const = 0;
  // O(h): the exact Ornstein-Uhlenbeck flow of the momenta.
  virtual void Thermalise(double h_s, PhaseState* x) = 0;
  double Normal() { return normal_(random_); }

  const SimulationProblem& problem_;

 private:
  // B(τ): p += τ [-∂V/∂q(q, u(t)) + f(q, t)]
  void Kick(double t_s, double tau_s, PhaseState* x) {
    problem_.input.Evaluate(t_s, &u_);
    problem_.system->PotentialGradient(x->q, problem_.theta, u_, &force_);
    ++evaluations_;
    force_ = -force_;
    if (problem_.drive) problem_.drive->AddForce(x->q, t_s, &force_);
    x->p += tau_s * force_;
  }

  // A(τ): q += τ [∂T/∂p + a(p, t_mid)]
  void Drift(double t_mid_s, double tau_s, PhaseState* x) {
    Velocity(x->p, &velocity_);
    if (problem_.drive) problem_.drive->AddVelocity(x->p, t_mid_s, &velocity_);
    x->q += tau_s * velocity_;
  }

  std::mt19937_64 random_;
  std::normal_distribution<double> normal_;
  Vector u_, force_, velocity_;
};

// T = Σ p_i² / (2 m_i) and per-dof damping: independent O steps,
//   p_i ← c_i p_i + sqrt((1 - c_i²) m_i kB T) ξ_i.
class BaoabStepper final : public BaoabSplitting {
 public:
  explicit BaoabStepper(const SimulationProblem& problem)
      : BaoabSplitting(problem),
        masses_kg_(*problem.system->DiagonalMasses(problem.theta)),
        decay_rate_per_s_(MomentumDecayRates(problem, "baoab")) {}

 private:
  void Velocity(const Vector& p, Vector* velocity) const override {
    *velocity = p.cwiseQuotient(masses_kg_);
  }

  void Thermalise(double h_s, PhaseState* x) override {
    const double kT = problem_.noise.thermal_energy_J;
    for (Eigen::Index i = 0; i < x->p.size(); ++i) {
      const double c = std::exp(-decay_rate_per_s_[i] * h_s);
      x->p[i] *= c;
      if (kT > 0.0) x->p[i] += std::sqrt((1.0 - c * c) * masses_kg_[i] * kT) * Normal();
    }
  }

  Vector masses_kg_;
  Vector decay_rate_per_s_;
};

// BAOAB for a quadratic kinetic energy T = ½ pᵀ K p with a friction matrix
// (a circuit's resistors): the O step is the exact correlated
// Ornstein-Uhlenbeck flow of dp = -A p dt + sqrt(2 kB T) B dW with
// A = (diag(G) + G_m) K + γ I,
//
//   p ← E p + L ξ,   E = exp(-A h),   L Lᵀ = kB T (M - E M Eᵀ),   M = K⁻¹,
//
// whose stationary law is the Gibbs one, ⟨p pᵀ⟩ = kB T M (for a circuit,
// ⟨Q Qᵀ⟩ = kB T C: Johnson-Nyquist noise in equilibrium).
class CorrelatedBaoabStepper final : public BaoabSplitting {
 public:
  explicit CorrelatedBaoabStepper(const SimulationProblem& problem)
      : BaoabSplitting(problem),
        kinetic_hessian_(KineticHessianMatrix(problem)),
        generator_(DampingGenerator(problem)) {}

 private:
  // ∂T/∂p = K p
  void Velocity(const Vector& p, Vector* velocity) const override {
    *velocity = kinetic_hessian_ * p;
  }

  void Thermalise(double h_s, PhaseState* x) override {
    if (h_s != step_s_) Prepare(h_s);
    x->p = decay_ * x->p;
    if (problem_.noise.thermal_energy_J == 0.0) return;
    for (Eigen::Index i = 0; i < noise_.size(); ++i) noise_[i] = Normal();
    x->p += noise_factor_ * noise_;
  }

  // E = exp(-A h) and the Cholesky factor of kB T (M - E M Eᵀ).
  void Prepare(double h_s) {
    step_s_ = h_s;
    decay_ = (-h_s * generator_).exp();
    const Eigen::MatrixXd mass = kinetic_hessian_.inverse();
    Eigen::MatrixXd covariance =
        problem_.noise.thermal_energy_J * (mass - decay_ * mass * decay_.transpose());
    covariance = 0.5 * (covariance + covariance.transpose());
    noise_factor_ = covariance.llt().matrixL();
    noise_.resize(covariance.rows());
  }

  Eigen::MatrixXd kinetic_hessian_, generator_, decay_, noise_factor_;
  double step_s_ = 0.0;
  Vector noise_;
};

}  // namespace

SchemeTraits BaoabIntegrator::traits() const {
  // The B-A-B core is leapfrog's: bounded for h ω < 2 without damping.
  return SchemeTraits{.fixed_step = true,
                      .symplectic = false,
                      .symmetric = false,
                      .stochastic = true,
                      .order = 2,
                      .stability_limit = 2.0};
}

void BaoabIntegrator::DoCheckSupport(const SimulationProblem& problem) const {
  FixedStepIntegrator::DoCheckSupport(problem);
  if (problem.dissipation.has_overdamped_dofs()) {
    throw InputError(
        "integrator.scheme: 'baoab' does not model degrees of freedom without inertia (a circuit "
        "node without capacitance); give them one (a capacitor, or --node-capacitance C) for "
        "thermal noise");
  }
  // With a friction matrix the correlated stepper needs only a quadratic T,
  // and noise needs friction that dissipates (positive semi-definite).
  if (problem.dissipation.has_friction_matrix()) {
    Eigen::MatrixXd friction = problem.dissipation.friction_matrix.toDense();
    if (problem.dissipation.friction_N_s_per_m.size() > 0) {
      friction.diagonal() += problem.dissipation.friction_N_s_per_m;
    }
    const double smallest =
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(friction).eigenvalues().minCoeff();
    if (!problem.noise.is_zero() && (smallest < -1e-12 * friction.cwiseAbs().maxCoeff() ||
                                     problem.dissipation.momentum_decay_rate_per_s < 0.0)) {
      throw InputError(
          "noise: thermal noise needs friction that dissipates (a positive semi-definite "
          "friction matrix and a non-negative decay rate)");
    }
    return;
  }
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
  if (problem.dissipation.has_friction_matrix()) {
    return std::make_unique<CorrelatedBaoabStepper>(problem);
  }
  return std::make_unique<BaoabStepper>(problem);
}

}  // namespace echolab

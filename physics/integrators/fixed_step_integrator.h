#pragma once

#include <memory>

#include "physics/integrator.h"

namespace echolab {

/// Base of the fixed-step schemes: N = ceil(T / h) steps of h_used = T / N,
/// a sample every k = round(output_interval / h_used) steps (every step when
/// the interval is 0), and a non-finite check at every sample.
class FixedStepIntegrator : public Integrator {
 public:
  /// Advances a state by one step; owns the scratch buffers of one run.
  class Stepper {
   public:
    virtual ~Stepper() = default;
    /// x(t) -> x(t + h).
    virtual void Step(double t_s, double h_s, PhaseState* x) = 0;
    /// Force evaluations (∂V/∂q) so far.
    long evaluations() const { return evaluations_; }

   protected:
    long evaluations_ = 0;
  };


 protected:
  void DoCheckSupport(const SimulationProblem& problem) const override;

 private:
  virtual std::unique_ptr<Stepper> MakeStepper(const SimulationProblem& problem) const = 0;
  IntegratorOptions DoResolveOptions(const SimulationProblem& problem,
                                     const IntegratorOptions& requested) const override;
  void DoIntegrate(const SimulationProblem& problem, const IntegratorOptions& options,
                   OutputSink* sink, Trajectory* trajectory) const override;
};

/// The symmetric second-order splitting step shared by the deterministic
/// fixed-step schemes ("drift-kick-drift", theory.md section 4), with the
/// exact damping flow D inserted symmetrically when the pass is dissipative:
///
///   A(h/2) D(h/2) B(h) D(h/2) A(h/2)
///   A(τ): q += τ ∂T/∂p(p)      B(τ): p -= τ ∂V/∂q(q, u(t + h/2))
///   D(τ): p_i *= exp(-(G_i / m_i + γ) τ)
///
/// Each factor is the exact flow of a TRI vector field, so the step is
/// time-symmetric: flipping the momenta and stepping back retraces it.
class SymmetricSplitting {
 public:
  explicit SymmetricSplitting(const SimulationProblem& problem);
  void Step(double t_s, double h_s, PhaseState* x);
  long evaluations() const { return evaluations_; }

 private:
  void Drift(double tau_s, PhaseState* x);
  void Damp(double tau_s, PhaseState* x);

  const SimulationProblem& problem_;
  Vector decay_rate_per_s_;  // G_i / m_i + γ; empty when the pass is lossless
  Vector u_, grad_;
  long evaluations_ = 0;
};

/// Decay rates G_i / m_i + γ of the momenta; throws InputError when friction
/// is given on a substrate whose kinetic energy is not Σ p_i² / (2 m_i).
Vector MomentumDecayRates(const SimulationProblem& problem, const char* scheme);

}  // namespace echolab

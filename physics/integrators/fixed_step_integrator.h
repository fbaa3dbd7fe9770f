#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "physics/echo_kernels.h"
#include "physics/integrator.h"
#include "physics/integrators/friction_flow.h"
#include "physics/overdamped_dofs.h"

namespace echolab {

/// Base of the fixed-step schemes: N = ceil(T / h) steps of h_used = T / N,
/// a sample every k = round(output_interval / h_used) steps (every step when
/// the interval is 0), and a non-finite check at every sample.
///
/// Schemes that are symmetric compositions of the SymmetricSplitting step
/// (CompositionScheme) say so through SchemeTraits::composition_weights; the
/// gradient methods of learning/ replay their sub-steps exactly.
class FixedStepIntegrator : public Integrator {
 public:
  /// The number of steps and the step used for a pass of `duration_s` when
  /// `step_s` is asked for: N = max(1, ceil(T / h - 1e-9)), h_used = T / N.
  /// Throws InputError naming integrator.step_s when N > max_steps
  /// (CountIntervals), before any cast.
  static long NumSteps(double duration_s, double step_s, long max_steps);

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
///   A(τ): q += τ [∂T/∂p(p) + a(p, t_A)]     B(τ): p += τ [-∂V/∂q(q, u(t + h/2)) + f(q, t + h/2)]
///   D(τ): p_i *= exp(-(G_i / m_i + γ) τ)
///         or, with a friction matrix G_m: p = exp(-A τ) p,
///         A = (diag(G) + G_m) ∂²T/∂p² + γ I (T must then be quadratic in p;
///         applied in O(nnz) per step by FrictionFlow);
///         with degrees of freedom without inertia (OverdampedDofs), D(τ)
///         also moves their positions by the exact affine flow of
///         G_AA dq_A/dt = -∂V/∂q_A(q, u(t + h/2)) and keeps p_A = 0
///
/// (a, f: the pass's ExternalDrive, if any; t_A = t + h/4 and t + 3h/4.)
///
/// Each factor is the exact flow of a TRI vector field, so the step is
/// time-symmetric: flipping the momenta and stepping back retraces it.
class SymmetricSplitting {
 public:
  /// The intermediate states of one step, for gradient methods.
  struct Record {
    double tau_s = 0.0;     // step length (negative for Yoshida's middle step)
    double t_kick_s = 0.0;  // t + h/2, where the kick samples the input
    Vector u_kick;          // u(t + h/2)
    Vector q_kick;          // position during the kick (after the first drift)
    Vector p_before_kick;   // momenta entering and leaving the kick
    Vector p_after_kick;
  };

  explicit SymmetricSplitting(const SimulationProblem& problem);
  /// x(t) -> x(t + h); fills *record when given.
  void Step(double t_s, double h_s, PhaseState* x, Record* record = nullptr);
  /// From now on, add τ ∂θH_half of every step to *sum (length num_params):
  ///   H_half = V(q_kick, u_kick) + ½ [T(p_before_kick) + T(p_after_kick)]
  /// (theory.md section 4), fused with the kick's force evaluation.
  void AccumulateHalfStepParameterGradient(Vector* sum) { parameter_sum_ = sum; }
  /// Two states stepped together, x_a(t) -> x_a(t + h) and x_b likewise (the
  /// two echoes of the centred estimate): one input evaluation and one paired
  /// force evaluation (EchoKernels::PotentialGradientPairWith...).
  void StepPair(double t_s, double h_s, PhaseState* a, PhaseState* b, Record* record_a = nullptr,
                Record* record_b = nullptr);
  /// From now on, add τ [∂θH_half(a) - ∂θH_half(b)] of every paired step to
  /// *sum (length num_params), H_half as above.
  void AccumulateHalfStepParameterDifference(Vector* sum) { difference_sum_ = sum; }
  /// Exact damping factors exp(-(G_i/m_i + γ) τ) of the momenta; empty when
  /// lossless or when the damping is a matrix (a friction matrix is present).
  Vector DampingFactors(double tau_s) const;
  long evaluations() const { return evaluations_; }

 private:
  // ∂T/∂p at p into *velocity.
  void Velocity(const Vector& p, Vector* velocity) const;
  // A(τ) with the velocity ∂T/∂p at x->p.
  void Drift(double t_mid_s, double tau_s, const Vector& velocity, PhaseState* x);
  // D(τ); whether it changed the momenta (false when lossless).
  bool Damp(double tau_s, PhaseState* x);
  // A(h/2) D(h/2), the kick's B(h) and D(h/2) A(h/2) of one state, each drift
  // with a velocity taken once: the velocity leaving a kick, which the
  // kinetic kernels read when summing, serves the drift after it.
  void BeforeKick(double t_s, double h_s, bool summing, PhaseState* x, KickMomenta* kick);
  void LeavingKick(bool summing, const PhaseState& x, KickMomenta* kick) const;
  void AfterKick(double t_s, double h_s, bool summing, PhaseState* x, KickMomenta* kick);
  // p += h [-∂V/∂q + f(q, t + h/2)] from the gradient ∂V/∂q at x->q.
  void Kick(double t_s, double h_s, const Vector& potential_gradient, PhaseState* x,
            Record* record);

  const SimulationProblem& problem_;
  EchoKernels kernels_;      // the model's fused sweeps of ∂θH_half, or their defaults
  Vector inverse_masses_;    // 1/m_i when T = Σ p_i² / 2 m_i; empty otherwise
  Vector decay_rate_per_s_;  // G_i / m_i + γ; empty when the pass is lossless
  std::unique_ptr<FrictionFlow> friction_flow_;  // with a friction matrix; null otherwise
  std::unique_ptr<OverdampedDofs> overdamped_;   // with overdamped dofs; null otherwise
  Vector overdamped_gradient_;
  Vector u_, grad_, force_;
  KickMomenta kick_;
  Vector grad_b_;  // the second state of a paired step
  KickMomenta kick_b_;
  Vector* parameter_sum_ = nullptr;
  Vector* difference_sum_ = nullptr;
  long evaluations_ = 0;
};

/// One step of h as the composition of SymmetricSplitting steps of w_i h at
/// times t, t + w_1 h, ...; calls `on_substep` with each sub-step's record.
class CompositionStepper final : public FixedStepIntegrator::Stepper {
 public:
  using SubstepCallback = std::function<void(const SymmetricSplitting::Record&)>;
  CompositionStepper(const SimulationProblem& problem, std::vector<double> weights);
  void Step(double t_s, double h_s, PhaseState* x) override;
  void Step(double t_s, double h_s, PhaseState* x, const SubstepCallback& on_substep);
  /// Two states stepped together (SymmetricSplitting::StepPair); calls
  /// `on_substeps` with both records of each sub-step.
  using PairCallback =
      std::function<void(const SymmetricSplitting::Record&, const SymmetricSplitting::Record&)>;
  void StepPair(double t_s, double h_s, PhaseState* a, PhaseState* b,
                const PairCallback& on_substeps = {});
  /// See SymmetricSplitting::AccumulateHalfStepParameterDifference.
  void AccumulateHalfStepParameterDifference(Vector* sum) {
    splitting_.AccumulateHalfStepParameterDifference(sum);
  }
  /// See SymmetricSplitting::AccumulateHalfStepParameterGradient.
  void AccumulateHalfStepParameterGradient(Vector* sum) {
    splitting_.AccumulateHalfStepParameterGradient(sum);
  }

 private:
  SymmetricSplitting splitting_;
  std::vector<double> weights_;
  SymmetricSplitting::Record record_, record_b_;
};

/// ∂²T/∂p² as a matrix, taken at p = 0 (exact for a quadratic kinetic energy).
Eigen::MatrixXd KineticHessianMatrix(const SimulationProblem& problem);

/// The generator A = (diag(G) + G_m) ∂²T/∂p² + γ I of the damping flow
/// dp/dt = -A p, for passes with a friction matrix G_m; ∂²T/∂p² is taken at
/// p = 0 (exact for the quadratic kinetic energies this needs).
Eigen::MatrixXd DampingGenerator(const SimulationProblem& problem);

/// Decay rates G_i / m_i + γ of the momenta; throws InputError when friction
/// is given on a substrate whose kinetic energy is not Σ p_i² / (2 m_i).
Vector MomentumDecayRates(const SimulationProblem& problem, const char* scheme);

}  // namespace echolab

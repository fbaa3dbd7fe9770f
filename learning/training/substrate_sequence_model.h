#pragma once

#include <memory>
#include <string>
#include <vector>

#include "learning/readout.h"
#include "learning/training/sequence_model.h"
#include "physics/dissipation.h"
#include "physics/hamiltonian_system.h"
#include "physics/integrator_options.h"

namespace echolab {

/// A Hamiltonian substrate (an oscillator network, a circuit) as a model of
/// a waveform-mapping task. The substrate starts at rest; input channel c of a
/// sequence, sampled every `sample_interval_s`, drives the substrate's input
/// channel c as u_c(t) = input_scale × (linear interpolation of the samples),
/// and the read-outs r(x, θ) are fitted to the targets, whose row k belongs to
/// step PredictedStep(k, output_step) (output_sampling.h), interpolated
/// linearly between those steps. The loss of a sequence of N steps is the
/// time-mean squared error over the m read-outs,
///
///   L = (1 / T) ∫_0^T (1 / m) Σ_k (r_k(x(t), θ) - y_k(t))² dt,   T = (N - 1) Δt,
///
/// a TrackingLoss with running weights 2 / (T m); the metric is the same mean
/// squared error. Its gradient is that of the existing gradient methods:
/// SequenceGradientRule::kRhel runs the continuous echo ("echo": forward
/// pass, momentum flip, inputs replayed backwards, ±β nudged echoes) and
/// kBptt the CVODES adjoint ("adjoint", the continuous-time counterpart of
/// backpropagation through time). Without a gradient the loss is that of the
/// fixed-step forward pass on the integrator's grid (leapfrog or yoshida4).
///
/// The trained parameters are exposed on a logarithmic scale relative to
/// their initial values, θ_(j_i) = θ0_(j_i) exp(z_i), z = 0 at the start: one
/// learning rate then suits capacitances of picofarads and masses of
/// kilograms alike, a step of Adam changes a parameter by about a fixed
/// fraction, and no parameter changes sign (masses, capacitances and
/// inductances stay positive). dL/dz_i = θ_(j_i) dL/dθ_(j_i).
struct SubstrateModelSpec {
  std::shared_ptr<const HamiltonianSystem> system;
  Vector initial_theta;                    // every parameter of the substrate
  std::vector<int> trained;                // indices into θ of the trained ones (each θ0 nonzero)
  std::shared_ptr<const Readout> readout;  // one read-out per output channel
  Dissipation dissipation;
  double sample_interval_s = 1.0;
  double input_scale = 1.0;  // SI units of the substrate's input (N, A) per input unit
  int output_step = 1;
  IntegratorOptions integrator;  // scheme and step of the echo; tolerances of the adjoint
  std::string description;       // one line, for reports

  /// Throws InputError naming the first inconsistent field.
  void Validate() const;
};

class SubstrateSequenceModel final : public SequenceModel {
 public:
  explicit SubstrateSequenceModel(SubstrateModelSpec spec);

  const Eigen::VectorXd& Parameters() const override { return log_relative_; }
  void SetParameters(const Eigen::VectorXd& theta) override;
  std::vector<std::string> ParameterNames() const override;
  /// The trained parameters in SI units: θ0_(j_i) exp(z_i).
  Eigen::VectorXd PhysicalValues(const Eigen::VectorXd& z) const override;
  SequenceEvaluation Evaluate(const std::vector<const SequenceExample*>& batch,
                              const SequenceEvaluationOptions& options) const override;

  /// The gradient method a rule maps to: kRhel → "echo", kBptt → "adjoint".
  static std::string MethodOf(SequenceGradientRule rule);

 private:
  // θ with the trained entries at their current values (SI units).
  Vector SubstrateParameters() const;
  // The loss of one sequence and, when asked, its gradient in z.
  SequenceEvaluation EvaluateOne(const SequenceExample& example,
                                 const SequenceEvaluationOptions& options) const;
  void CheckExample(const SequenceExample& example) const;

  SubstrateModelSpec spec_;
  Eigen::VectorXd log_relative_;  // z
};

}  // namespace echolab

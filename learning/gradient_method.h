#pragma once

#include <memory>
#include <string>
#include <vector>

#include "learning/hardware_cost.h"
#include "learning/loss.h"
#include "learning/problem_scales.h"
#include "physics/integrator.h"
#include "physics/integrator_options.h"
#include "physics/simulation_problem.h"
#include "physics/trajectory.h"

namespace echolab {

/// What to differentiate: the loss of a forward pass with respect to the
/// parameters θ, the initial state x0 and the input u(t).
struct GradientProblem {
  /// The forward pass: system, θ, input, x0, duration, and its dissipation.
  SimulationProblem forward;
  std::shared_ptr<const Loss> loss;
  /// Scheme and step or tolerances used by every pass of the method.
  IntegratorOptions integrator;
  /// Also return the adjoint λ(t) = dL/dx(t) (or its estimate) over the pass.
  bool record_adjoint = false;
  /// Return the input-gradient density dL/du(t). It is the one output that
  /// grows with the horizon; turn it off for memory that does not.
  bool compute_input_gradient = true;
  /// The magnitudes of the state, loss and parameters (learning/problem_scales.h,
  /// MeasureProblemScales). When set, integrator.atol is relative to them in the
  /// adjoint (AbsoluteTolerancesOf) and finite differences step each component
  /// of x0 in proportion to its scale. Empty: integrator.atol is absolute, the
  /// same for every quantity, which suits states of order one.
  ProblemScales scales;
  /// Also measure the energy the device exchanges over the passes and the
  /// range of the parameter integrand (HardwareCost::energy, ::readout), at
  /// the price of an energy evaluation per grid point and kick.
  bool measure_device_energy = false;

  /// Throws InputError naming the first inconsistent field.
  void Validate() const;
};

/// The one result type of every gradient method.
struct GradientResult {
  std::string method;
  SolveStatus status = SolveStatus::kSuccess;
  std::string message;

  double loss = 0.0;
  Vector dL_dtheta;  // per SI unit of each parameter
  PhaseState dL_dx0;
  /// Input gradient density dL/du(t) (per channel, per second), one column
  /// per time of input_times_s (sorted).
  std::vector<double> input_times_s;
  Eigen::MatrixXd dL_du;
  /// λ(t) at adjoint_times_s when GradientProblem::record_adjoint is set.
  /// Discrete methods report at t_k the mean of λ just before and after the
  /// loss impulse of step k (detail/recorded_adjoint.h), a second-order
  /// approximation of the continuous λ(t_k).
  std::vector<double> adjoint_times_s;
  std::vector<PhaseState> adjoint;

  int passes = 0;  // simulated passes of the substrate
  long steps = 0;  // integrator steps over all passes
  /// Measured by ComputeMeasured (learning/measured_gradient.h); 0 from Compute.
  double wall_time_s = 0.0;
  long peak_memory_bytes = 0;  // peak resident memory of the process during the method
  /// What the gradient costs the physical device (learning/hardware_cost.h).
  HardwareCost cost;

  bool ok() const { return status == SolveStatus::kSuccess; }
};

/// A way of computing dL/dθ, dL/dx0 and dL/du: echo, adjoint, discrete
/// adjoint, finite differences. Compute() checks the problem (Validate, then
/// CheckSupport), then calls DoCompute(); it touches no process-wide state, so
/// threads may share a method.
class GradientMethod {
 public:
  virtual ~GradientMethod() = default;
  virtual std::string name() const = 0;
  /// Whether the method can run on a scheme with these traits (the echo and
  /// the adjoint run on all; the discrete methods need a symmetric
  /// composition's weights).
  virtual bool SupportsScheme(const SchemeTraits& traits) const;
  /// Throws InputError when the method cannot run the problem: its scheme
  /// (listing the schemes that it can run, from the registry), then what the
  /// method itself refuses (DoCheckSupport). Called by Compute before any pass.
  void CheckSupport(const GradientProblem& problem) const;
  GradientResult Compute(const GradientProblem& problem) const;

 private:
  virtual void DoCheckSupport(const GradientProblem& /*problem*/) const {}
  virtual GradientResult DoCompute(const GradientProblem& problem) const = 0;
};

}  // namespace echolab

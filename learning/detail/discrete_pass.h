#pragma once

#include <string>
#include <vector>

#include "learning/device_energy.h"
#include "learning/gradient_method.h"
#include "physics/integrators/fixed_step_integrator.h"

namespace echolab::detail {

/// The fixed-step grid of a gradient problem: N steps of h = T / N, with the
/// quadrature weights c_k of the discrete loss
///
///   L_h = Σ_k c_k l(x_k, t_k) + l_T(x_N),
///
/// and t_k = k h measured from the start of the pass. The weights are
/// Gregory's end-corrected trapezoid rule (fourth order, all positive):
/// c = h (3/8, 7/6, 23/24, 1, ..., 1, 23/24, 7/6, 3/8) for N >= 6, and the
/// plain trapezoid rule c = h (1/2, 1, ..., 1, 1/2) for shorter grids.
struct StepGrid {
  long num_steps = 0;
  double step_s = 0.0;

  double Weight(long k) const;
  double Time(long k) const { return static_cast<double>(k) * step_s; }
};

StepGrid MakeStepGrid(const GradientProblem& problem);

/// Steps between two checks of the stability guard in the step loops of the
/// gradient methods (a check costs about two force evaluations).
inline constexpr long kGuardCheckSteps = 16;

/// The integrator options of a pass on the grid (the step is the grid's), for
/// its StabilityGuard.
IntegratorOptions GridOptions(const GradientProblem& problem, const StepGrid& grid);

/// True when the scheme is a symmetric composition (CompositionSchemeNames()).
bool IsCompositionScheme(const std::string& scheme);

/// The sub-step weights of the problem's scheme; throws InputError naming the
/// method when the scheme is not a symmetric composition (CompositionSchemeNames()).
std::vector<double> CompositionWeightsOf(const std::string& scheme, const std::string& method);

/// A forward pass on the grid with the discrete loss accumulated on the way.
struct DiscreteForwardPass {
  SolveStatus status = SolveStatus::kSuccess;
  std::string message;
  double loss = 0.0;
  Vector direct_parameter_gradient;  // Σ c_k ∂l/∂θ(x_k) + ∂l_T/∂θ(x_N)
  Vector half_step_energy_gradient;  // Σ τ ∂θH_half over all sub-steps (if asked)
  Vector parameter_gradient_range;   // max |∂θH_half| over all sub-steps (if asked)
  Vector parameter_gradient_floor;  // min nonzero |∂θH_half| over all sub-steps (with the range)
  Vector parameter_gradient_mean_abs;  // Σ |τ| |∂θH_half| / Σ |τ| over all sub-steps (with the range)
  DeviceEnergy energy;              // the device's energy over the pass (if asked)
  PhaseState final_state;
  std::vector<PhaseState> states;  // x_0..x_N (if asked)
  long steps = 0;
};

struct DiscreteForwardOptions {
  bool store_states = false;
  bool accumulate_half_step_energy = false;
  /// The largest |∂θ_i H_half| of the pass: the full scale of an instrument
  /// that reads ∂θH (EchoHardware's read-out noise and quantisation).
  bool record_parameter_gradient_range = false;
  /// The DeviceEnergy of the pass and, with the range, the smallest
  /// |∂θ_i H_half| (GradientProblem::measure_device_energy).
  bool measure_energy = false;
};

DiscreteForwardPass RunDiscreteForward(const GradientProblem& problem, const StepGrid& grid,
                                       const std::vector<double>& weights,
                                       const DiscreteForwardOptions& options);

/// Sx x = (p, q).
PhaseState Swap(const PhaseState& x);

}  // namespace echolab::detail

#pragma once

#include <string>

#include "learning/device_energy.h"
#include "physics/simulation_problem.h"

namespace echolab {

/// How long the device takes for what is not a pass (s). Defaults of 0 s
/// describe an ideal device; set them to the hardware's.
struct HardwareTiming {
  /// One momentum flip (and the switch of the inputs to their replay).
  double flip_time_s = 0.0;
  /// Bringing the device back to its initial state before a forward pass.
  double reset_time_s = 0.0;

  /// Throws InputError naming the field unless both times are finite and >= 0.
  void Validate() const;
};

/// What the read-out of the parameter integrand costs: every parameter has a
/// local accumulator that integrates ∂θ_i H_half, one sample per kick.
struct ReadoutCost {
  /// Samples of ∂θ_i H_half that each accumulator takes (the same for all i):
  /// kicks per step × steps × echoes that are read.
  long samples_per_parameter = 0;
  /// max_k |∂θ_i H_half| and the smallest nonzero |∂θ_i H_half| over the
  /// kicks of the forward pass, which the echoes retrace to O(β): the full
  /// scale and the smallest magnitude an analog integrator or ADC of
  /// parameter i must resolve (0 for an integrand that is zero throughout).
  /// Empty when not measured.
  Vector max_abs_integrand;
  Vector min_abs_integrand;
  /// The mean magnitude Σ_k |τ_k| |∂θ_i H_half| / Σ_k |τ_k| over the same
  /// kicks (τ_k the kick's time step): the integral of |∂θ_i H_half| that
  /// the accumulator must resolve, per second of pass. Empty when not measured.
  Vector mean_abs_integrand;

  /// The bits a converter of parameter i's integrand needs, at full scale
  /// max|g_i|, so that its rounding errors summed over the samples stay below
  /// `relative_accuracy` of ∫|g_i|: a signed b-bit converter over ±max|g|
  /// rounds each sample by at most max|g| 2^-b, and
  ///   Σ_k |τ_k| max|g| 2^-b <= ε Σ_k |τ_k| |g_k|   <=>   b >= log2(max|g| / (ε mean|g|)).
  /// The widest over the parameters (a parameter with g = 0 throughout needs
  /// none); NaN when the range was not measured.
  double RangeBits(double relative_accuracy) const;
};

/// The relative accuracy to which the reports size the read-out
/// (ReadoutCost::RangeBits): 1e-3 of the integral of |∂θ_i H_half|.
inline constexpr double kReadoutRelativeAccuracy = 1e-3;

/// The cost of a gradient computed on a computer from a recorded pass (the
/// adjoint, BPTT): what the method counted.
struct DigitalCost {
  /// Evaluations of ∇H, Hessian-vector products and mixed products (∂θ ∇H)ᵀ v
  /// (each one sweep over the substrate's coupling graph).
  long model_evaluations = 0;
  /// model_evaluations × the floating-point operations of one evaluation,
  /// 2 nnz(∇²H) + 4 n (a multiply-add per coupling, and the vector updates),
  /// with nnz(∇²H) counted on the Hessian at x0 (EvaluationFlops).
  double flops = 0.0;
  /// What the method stores that grows with the horizon (checkpoints,
  /// states), bytes.
  double memory_bytes = 0.0;
};

/// What one gradient costs the physical device, per method: the passes the
/// hardware runs, their flips and resets, the energy it exchanges, the
/// read-out of the parameter integrand, and for the digital methods what the
/// computer does.
struct HardwareCost {
  /// Passes the device runs: the forward pass and the echoes for an echo,
  /// the perturbed forward passes for finite differences, the one forward
  /// pass that records the trajectory for the adjoint and BPTT.
  int hardware_passes = 0;
  /// Momentum flips (one before each echo).
  int flips = 0;
  /// Resets to the initial state (one before each forward pass).
  int resets = 0;
  /// The time the device spends in passes: hardware_passes × the pass's
  /// duration (set by GradientMethod::Compute), s.
  double pass_time_s = 0.0;
  /// The device's energy over those passes; has_energy is false where it was
  /// not measured (GradientProblem::measure_device_energy unset, or a method
  /// whose passes are not on the fixed-step grid).
  bool has_energy = false;
  DeviceEnergy energy;
  ReadoutCost readout;
  /// Digital methods only (zero for echoes and finite differences).
  DigitalCost digital;

  /// pass_time + flips × flip time + resets × reset time.
  double PhysicalTime_s(const HardwareTiming& timing) const;
  /// Adds another experiment's counts, energies and digital cost (repeats).
  HardwareCost& operator+=(const HardwareCost& other);
};

/// The floating-point operations of one model evaluation (∇H, a
/// Hessian-vector product or a mixed product) on the pass's substrate:
///   2 nnz(∇²H) + 4 n,
/// a multiply-add per nonzero of the Hessian, taken at the initial state
/// (column by column, 2n Hessian-vector products), and the vector updates.
double EvaluationFlops(const SimulationProblem& pass);

}  // namespace echolab

#pragma once

#include <cstdint>
#include <random>

#include "physics/integrators/fixed_step_integrator.h"
#include "physics/simulation_problem.h"

namespace echolab::detail {

/// ∂θH_half of one sub-step from its record (theory.md section 4):
///   ∂θV(q_kick, u_kick) + ½ [∂θT(p_before_kick) + ∂θT(p_after_kick)]
/// `scratch` is reused between calls.
void HalfStepParameterGradient(const SimulationProblem& problem,
                               const SymmetricSplitting::Record& record, Vector* gradient,
                               Vector* scratch);

/// How an instrument measures ∂θ_i H_half at each kick of an echo: full scale
/// R_i per parameter, additive Gaussian noise of standard deviation
/// noise_relative × R_i, then, with `bits` > 0, a mid-tread quantiser of step
/// Δ_i = R_i / 2^(bits - 1) that saturates at ±R_i:
///   m_i = clamp(Δ_i round((g_i + σ_i ξ) / Δ_i), -R_i, R_i)
/// A parameter with R_i = 0 always reads 0.
class ParameterReadout {
 public:
  ParameterReadout(Vector full_scale, double noise_relative, int bits, std::uint64_t seed);
  /// The measured values of g (length of the full scale) into *measured.
  void Measure(const Vector& g, Vector* measured);

 private:
  Vector full_scale_;
  Vector step_;  // Δ_i; empty without quantisation
  double noise_relative_;
  std::mt19937_64 random_;
  std::normal_distribution<double> normal_{0.0, 1.0};
};

}  // namespace echolab::detail

#pragma once

#include "physics/integrators/fixed_step_integrator.h"

namespace echolab {

/// BAOAB splitting for Langevin dynamics (Leimkuhler & Matthews):
///
///   B(h/2): p -= (h/2) ∂V/∂q(q, u(t))          A(h/2): q += (h/2) p / m
///   O(h):   p_i = c_i p_i + sqrt((1 - c_i²) m_i kB T) ξ_i,  c_i = exp(-(G_i/m_i + γ) h)
///   A(h/2), then B(h/2) with u(t + h)
///
/// O is the exact Ornstein-Uhlenbeck flow of dp = -G p/m dt + sqrt(2 G kB T) dW,
/// so the momenta sample exactly kB T per degree of freedom for a free
/// particle, and configurational averages are second-order accurate. The ξ_i
/// are standard normal draws from a 64-bit Mersenne twister seeded with
/// ThermalNoise::seed. Needs T = Σ p_i² / (2 m_i); without noise and damping
/// it is velocity Verlet (symplectic, symmetric). An ExternalDrive adds its
/// force in B and its velocity in A.
class BaoabIntegrator final : public FixedStepIntegrator {
 public:
  std::string name() const override { return "baoab"; }
  SchemeTraits traits() const override;

 private:
  void DoCheckSupport(const SimulationProblem& problem) const override;
  std::unique_ptr<Stepper> MakeStepper(const SimulationProblem& problem) const override;
};

}  // namespace echolab

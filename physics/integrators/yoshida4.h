#pragma once

#include "physics/integrators/fixed_step_integrator.h"

namespace echolab {

/// Yoshida's fourth-order "triple jump": three leapfrog sub-steps of
/// w1 h, w0 h, w1 h with
///
///   w1 = 1 / (2 - 2^(1/3)),   w0 = 1 - 2 w1   (w0 < 0),
///
/// a symmetric composition, hence symplectic, time-symmetric and of order 4.
class Yoshida4Integrator final : public FixedStepIntegrator {
 public:
  std::string name() const override { return "yoshida4"; }
  SchemeTraits traits() const override;
  std::vector<double> CompositionWeights() const override;

 private:
  std::unique_ptr<Stepper> MakeStepper(const SimulationProblem& problem) const override;
};

}  // namespace echolab

#pragma once

#include <string>
#include <vector>

#include "physics/integrators/fixed_step_integrator.h"

namespace echolab {

/// A symmetric composition of the drift-kick-drift step (SymmetricSplitting):
/// one step of h is s sub-steps of c_1 h, ..., c_s h with
///
///   Σ c_i = 1,   c_i = c_(s+1-i),
///
/// so the scheme is symplectic and time-symmetric: a flipped pass retraces
/// it, and the echo and the discrete adjoint of learning/ replay its
/// sub-steps exactly. A new scheme of this kind is a function returning its
/// CompositionScheme (one file) and one line in integrator_registry.cpp.
struct CompositionScheme {
  std::string name;
  std::vector<double> weights;
  int order = 0;
  /// The largest h ω for which x'' = -ω² x stays bounded (|trace| of the
  /// one-step matrix <= 2), from the product of the sub-step matrices.
  double stability_limit = 0.0;
};

/// The fixed-step integrator of a CompositionScheme.
class CompositionIntegrator final : public FixedStepIntegrator {
 public:
  explicit CompositionIntegrator(CompositionScheme scheme);
  std::string name() const override { return scheme_.name; }
  SchemeTraits traits() const override;

 private:
  std::unique_ptr<Stepper> MakeStepper(const SimulationProblem& problem) const override;

  CompositionScheme scheme_;
};

}  // namespace echolab

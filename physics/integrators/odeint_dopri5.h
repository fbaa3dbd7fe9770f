#pragma once

#include "physics/integrator.h"

namespace echolab {

/// Boost.Odeint's Dormand-Prince 5(4) pair (runge_kutta_dopri5) under its
/// step-size controller:
///
///   dx/dt = f(t, x),   f from HamiltonianVectorField (dissipation included),
///
/// with each step's error estimate kept below atol + rtol (|x_i| + h |f_i|).
/// Samples come from the pair's fourth-order dense output at the output
/// times. The last step is shortened to end exactly at the end of the pass,
/// so the inputs are never evaluated beyond it. An independent
/// implementation of the method of "arkode_dopri5", to cross-check it.
class OdeintDopri5Integrator final : public Integrator {
 public:
  std::string name() const override { return "odeint_dopri5"; }
  SchemeTraits traits() const override;

 private:
  IntegratorOptions DoResolveOptions(const SimulationProblem& problem,
                                     const IntegratorOptions& requested) const override;
  void DoIntegrate(const SimulationProblem& problem, const IntegratorOptions& options,
                   OutputSink* sink, Trajectory* trajectory) const override;
};

}  // namespace echolab

#pragma once

#include "physics/integrator.h"

namespace echolab {

/// SUNDIALS CVODES with variable-order, variable-step Adams-Moulton formulas
/// (orders 1 to 12) and fixed-point (functional) iteration, the non-stiff
/// configuration of CVODE:
///
///   dx/dt = f(t, x),   f from HamiltonianVectorField (dissipation included),
///
/// with the local error of each step kept below rtol |x_i| + atol. Samples
/// come from CVODE's interpolating polynomial at the output times; the solver
/// never steps past the end of the pass (stop time), where the inputs may be
/// undefined. Deterministic only.
class CvodeAdamsIntegrator final : public Integrator {
 public:
  std::string name() const override { return "cvode_adams"; }
  SchemeTraits traits() const override;

 private:
  IntegratorOptions DoResolveOptions(const SimulationProblem& problem,
                                     const IntegratorOptions& requested) const override;
  void DoIntegrate(const SimulationProblem& problem, const IntegratorOptions& options,
                   OutputSink* sink, Trajectory* trajectory) const override;
};

}  // namespace echolab

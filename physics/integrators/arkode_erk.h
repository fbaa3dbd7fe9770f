#pragma once

#include "physics/integrator.h"

namespace echolab {

/// The embedded explicit Runge-Kutta pairs of ARKODE that echolab offers.
/// ARKODE names a table STAGES_EMBEDDING-ORDER_ORDER.
enum class ErkTable {
  kDormandPrince5,  // ARKODE_DORMAND_PRINCE_7_4_5: 7 stages, order 5 (4): "arkode_dopri5"
  kVerner6,         // ARKODE_VERNER_8_5_6: 8 stages, order 6 (5): "arkode_verner6"
};

/// SUNDIALS ARKODE's ERKStep with an embedded explicit Runge-Kutta pair:
///
///   dx/dt = f(t, x),   f from HamiltonianVectorField (dissipation included),
///
/// with the local error estimate of each step kept below rtol |x_i| + atol.
/// Samples come from ARKODE's Hermite interpolant at the output times; the
/// solver never steps past the end of the pass (stop time), where the inputs
/// may be undefined. One class for every table, named after it.
class ArkodeErkIntegrator final : public Integrator {
 public:
  explicit ArkodeErkIntegrator(ErkTable table) : table_(table) {}

  std::string name() const override;
  SchemeTraits traits() const override;

 private:
  IntegratorOptions DoResolveOptions(const SimulationProblem& problem,
                                     const IntegratorOptions& requested) const override;
  void DoIntegrate(const SimulationProblem& problem, const IntegratorOptions& options,
                   OutputSink* sink, Trajectory* trajectory) const override;

  ErkTable table_;
};

}  // namespace echolab

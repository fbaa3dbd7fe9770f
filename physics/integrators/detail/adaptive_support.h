#pragma once

#include <functional>
#include <string>

#include "physics/integrator_options.h"
#include "physics/phase_state.h"
#include "physics/simulation_problem.h"

namespace echolab::detail {

/// The options an adaptive scheme runs with: samples every output_interval_s,
/// or every step_s when that is 0, or every T / 1000 when both are 0; the
/// initial step is step_s capped at the duration (0 lets the solver choose).
/// Throws InputError when there would be more than kMaxOutputSamples samples.
IntegratorOptions ResolveAdaptiveOptions(const SimulationProblem& problem,
                                         const IntegratorOptions& requested);

/// Ends the sentence of a solver-failure message with its usual causes.
inline constexpr char kUnstableOrTooTight[] =
    "this is typically an indication that the substrate is going unstable or that the "
    "tolerances are too tight for double precision";

/// Ends the sentence of a step-budget message with its usual causes.
inline constexpr char kStepBudgetCauses[] =
    "raise integrator.max_steps or loosen rtol/atol if the substrate is meant to be this stiff "
    "or fast; otherwise this is typically an indication that the substrate is going unstable";

/// The message of a solve stopped because f(t, x) became non-finite at
/// t_s (the state had overflowed, or was about to).
std::string NonFiniteFieldMessage(const char* solver, double t_s);

/// True when all n entries of v are finite.
bool AllFinite(const double* v, long n);

/// Passes an output sample on (Integrator::OutputSink::Emit); false stops the run.
using EmitFunction = std::function<bool(double t_s, const PhaseState& x)>;

}  // namespace echolab::detail

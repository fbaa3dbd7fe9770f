#pragma once

#include <optional>

#include "physics/simulation_problem.h"

namespace echolab {

/// The highest angular frequency (rad/s) of the substrate linearised at
/// (q, u): with T = pᵀ K p / 2 (K = L Lᵀ) and W = ∂²V/∂q²(q, u),
///
///   ω_max² = λ_max(K W) = λ_max(Lᵀ W L),
///
/// 0 when no mode oscillates. Empty when the kinetic energy is not quadratic
/// in p, when K is not positive definite, or for more than kMaxDof degrees of
/// freedom (the dense eigenproblem would cost more than it tells).
std::optional<double> HighestAngularFrequency(const SimulationProblem& problem, const Vector& q,
                                              const Vector& u);

/// The fastest decay rate (1/s) of the pass's friction matrix G acting
/// through T = pᵀ K p / 2 (K = L Lᵀ): λ_max(G K) = λ_max(Lᵀ G L), or the
/// fastest relaxation of its degrees of freedom without inertia
/// (OverdampedDofs::FastestRate) when that is faster; 0 without a friction
/// matrix. Empty in the cases HighestAngularFrequency is.
std::optional<double> FastestDampingRate(const SimulationProblem& problem);

}  // namespace echolab

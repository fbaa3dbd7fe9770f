#pragma once

#include <vector>

#include "learning/hardware_cost.h"
#include "learning/training/sequence_model.h"

namespace echolab {

/// What the gradient of one batch of a Hamiltonian SSM costs the hardware that runs its HRU
/// layers, one device per block. A pass is one run of one block's HRU layer (its P units
/// together) over one sequence of K steps; it lasts K leapfrog steps of the HRU's Hamiltonian
/// H = Σ_i δ_i [p_i²/2 + v_i(q_i, f_i)], whose step is 1 model time unit (the `_s` figures
/// are in these units). Per block and sequence of K steps:
///
///   RHEL: the forward pass after a reset, two echoes after flips: 3 passes, 2 flips,
///         1 reset, 3 K time units; each unit parameter's accumulator takes one sample per
///         step of each echo: 2 Σ_b K_b samples over the batch (as many in every block);
///   BPTT: the forward pass that records the trajectory (1 pass, 1 reset, K time units),
///         then on the computer 3 model evaluations per step (the replayed kick's ∇v, the
///         pulled-back ∇²v λ and (∂θ∇v)ᵀ λ) of 2 nnz(∇²H) + 4n = 8 P flops each (∇²H is
///         diagonal, 2 P entries, n = P), and the stored trajectory, 2 P (K + 1) doubles.
///
/// Blocks and sequences add up (the trajectories of every block are kept at once). Only the
/// HRU cores count: the other layers are backpropagated on the computer under both rules.
/// The energy and the integrand's range are not measured (has_energy false, empty range).
HardwareCost HssmGradientCost(int blocks, int state_size, const std::vector<int>& lengths,
                              SequenceGradientRule rule);

}  // namespace echolab

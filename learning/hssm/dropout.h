#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace echolab {

/// Where a dropout mask applies: which block of the model, which of its sites (0 after the
/// GELU, 1 after the GLU), at what rate p, for the masks of one training step (seed).
struct DropoutSite {
  std::uint64_t seed = 0;
  int block = 0;
  int site = 0;
  double rate = 0.0;
};

/// Inverted dropout, in place, on x (H × K · B, column k · B + b for step k of the b-th
/// sequence of the shard):  x ← m ⊙ x / (1 − p),  m_(i, k, b) = 1 with probability 1 − p,
/// else 0. The mask of a sequence is drawn from (seed, its index in the whole batch,
/// block, site) alone, so that it does not depend on the shard or the thread that runs
/// it. The map is linear and diagonal: applied to a cotangent of x it is its own
/// backward pass.
void ApplyDropout(const DropoutSite& where, const std::vector<int>& sequence_indices,
                  Eigen::MatrixXd& x);

}  // namespace echolab

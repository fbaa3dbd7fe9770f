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

/// Inverted dropout, in place, on x (H × K · B, column k · B + b for step first_step + k of
/// the b-th sequence of the shard):  x ← m ⊙ x / (1 − p),  m_(i, k, b) = 1 with probability
/// 1 − p, else 0. The mask entry of channel i at step k of a sequence is the
/// (k · H + i)-th draw of a SplitMix64 stream seeded from (seed, the sequence's index in
/// the whole batch, block, site) alone, so that it depends neither on the shard or the
/// thread that runs it nor on how the steps are split into chunks. The map is linear and
/// diagonal: applied to a cotangent of x it is its own backward pass.
void ApplyDropout(const DropoutSite& where, const std::vector<int>& sequence_indices,
                  int first_step, Eigen::MatrixXd& x);

}  // namespace echolab

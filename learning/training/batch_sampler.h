#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace echolab {

/// Where a BatchSampler stands, enough to continue it bit for bit.
struct BatchSamplerState {
  std::string random_state;  // std::mt19937_64 written with operator<<
  std::vector<int> order;    // this epoch's permutation of the training positions
  long position = 0;         // next entry of `order`
  long epoch = 0;            // completed passes over the training set
};

/// Mini-batches drawn without replacement: each epoch is a fresh permutation
/// of 0..size-1 (std::shuffle with std::mt19937_64 seeded explicitly), cut
/// into consecutive batches; the last batch of an epoch may be shorter.
class BatchSampler {
 public:
  /// Throws InputError unless 1 <= batch_size and size >= 1.
  BatchSampler(int size, int batch_size, std::uint64_t seed);

  /// The next batch of positions in 0..size-1.
  std::vector<int> NextBatch();
  long epoch() const { return epoch_; }

  BatchSamplerState State() const;
  /// Continues from a saved state; throws InputError when it does not fit.
  void Restore(const BatchSamplerState& state);

 private:
  void Shuffle();

  int size_;
  int batch_size_;
  std::mt19937_64 random_;
  std::vector<int> order_;
  long position_ = 0;
  long epoch_ = 0;
};

}  // namespace echolab

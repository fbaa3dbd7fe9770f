#include "learning/training/batch_sampler.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <sstream>

#include "common/error.h"

namespace echolab {

BatchSampler::BatchSampler(int size, int batch_size, std::uint64_t seed)
    : size_(size), batch_size_(batch_size), random_(seed) {
  if (size < 1) throw InputError(fmt::format("training set: expected examples, got {}", size));
  if (batch_size < 1) {
    throw InputError(
        fmt::format("training.batch: expected a positive integer, got {}", batch_size));
  }
  order_.resize(static_cast<size_t>(size));
  Shuffle();
}

void BatchSampler::Shuffle() {
  std::iota(order_.begin(), order_.end(), 0);
  std::shuffle(order_.begin(), order_.end(), random_);
  position_ = 0;
}

std::vector<int> BatchSampler::NextBatch() {
  if (position_ >= size_) {
    ++epoch_;
    Shuffle();
  }
  const long end = std::min<long>(position_ + batch_size_, size_);
  std::vector<int> batch(order_.begin() + position_, order_.begin() + end);
  position_ = end;
  return batch;
}

BatchSamplerState BatchSampler::State() const {
  std::ostringstream random_state;
  random_state << random_;
  return {
      .random_state = random_state.str(), .order = order_, .position = position_, .epoch = epoch_};
}

void BatchSampler::Restore(const BatchSamplerState& state) {
  std::vector<int> sorted = state.order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> expected(static_cast<size_t>(size_));
  std::iota(expected.begin(), expected.end(), 0);
  if (sorted != expected || state.position < 0 || state.position > size_ || state.epoch < 0) {
    throw InputError(
        fmt::format("batch sampler state: expected a permutation of 0..{} with a position in 0..{}",
                    size_ - 1, size_));
  }
  std::istringstream random_state(state.random_state);
  random_state >> random_;
  if (random_state.fail()) {
    throw InputError("batch sampler state: the random number generator state is malformed");
  }
  order_ = state.order;
  position_ = state.position;
  epoch_ = state.epoch;
}

}  // namespace echolab

#pragma once

#include <cstdint>

#include "learning/training/sequence_model.h"

namespace echolab {

/// Long-range classification: a noisy sequence of `length` steps on one input
/// channel per class, in which a short burst early on says the class. For
/// example k the class is c = k mod classes (balanced); the burst of
/// `burst_steps` steps of height `burst_amplitude` lies on channel c, starting
/// at a step drawn uniformly in [0, burst_window_fraction × length -
/// burst_steps]; every entry carries Gaussian noise of `noise_std`. The rest of
/// the sequence is noise alone, so a model must remember the burst for up to
/// `length` steps.
struct BurstClassificationTask {
  int sequences = 200;
  int length = 1000;
  int classes = 4;
  int burst_steps = 10;
  double burst_window_fraction = 0.1;
  double burst_amplitude = 1.0;
  double noise_std = 0.5;
  std::uint64_t seed = 1;

  /// Throws InputError naming the first invalid field.
  void Validate() const;
};

SequenceDataset MakeBurstClassificationDataset(const BurstClassificationTask& task);

}  // namespace echolab

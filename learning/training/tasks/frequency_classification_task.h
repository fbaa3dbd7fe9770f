#pragma once

#include <cstdint>

#include "learning/training/sequence_model.h"

namespace echolab {

/// Frequency classification: one channel x_j = sin(2π f j + φ) + noise over
/// `length` steps, f in cycles per step. [min_frequency, max_frequency] is cut
/// into `classes` equal bands; example k has class c = k mod classes
/// (balanced) and f drawn uniformly from the central `band_fill` fraction of
/// band c (a guard between neighbouring bands), φ uniformly in [0, 2π), the
/// noise Gaussian of `noise_std`.
struct FrequencyClassificationTask {
  int sequences = 200;
  int length = 500;
  int classes = 3;
  double min_frequency = 0.01;  // cycles per step
  double max_frequency = 0.2;
  double band_fill = 0.5;
  double noise_std = 0.3;
  std::uint64_t seed = 1;

  /// Throws InputError naming the first invalid field.
  void Validate() const;
  /// Lower edge of band c; band c is [BandEdge(c), BandEdge(c + 1)).
  double BandEdge(int c) const;
};

SequenceDataset MakeFrequencyClassificationDataset(const FrequencyClassificationTask& task);

}  // namespace echolab

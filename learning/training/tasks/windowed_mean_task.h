#pragma once

#include <cstdint>

#include "learning/training/sequence_model.h"

namespace echolab {

/// Long-horizon regression: the target is the mean of the input over the
/// last `window_steps` steps,
///
///   y_t = (1 / W) Σ_{i = t-W+1}^{t} u_i     (u_i = 0 for i < 0),
///
/// sub-sampled every `output_step` steps (output_sampling.h). The input is a
/// smooth random signal, an AR(1) process of unit variance with correlation
/// time `correlation_steps`: u_0 = ξ_0, u_j = a u_(j-1) + √(1 - a²) ξ_j,
/// a = exp(-1 / correlation_steps), ξ standard normal. A model must integrate
/// its input over W steps.
struct WindowedMeanTask {
  int sequences = 100;
  int length = 2000;
  int window_steps = 200;
  int output_step = 10;
  double correlation_steps = 20.0;
  std::uint64_t seed = 1;

  /// Throws InputError naming the first invalid field.
  void Validate() const;
};

SequenceDataset MakeWindowedMeanDataset(const WindowedMeanTask& task);

}  // namespace echolab

#pragma once

#include <cstdint>
#include <string>

#include "learning/hssm/hru_layer.h"
#include "learning/training/sequence_model.h"

namespace echolab {

/// The shape of a Hamiltonian state-space model (docs/hssm.md).
struct HamiltonianSsmConfig {
  SequenceTaskKind task = SequenceTaskKind::kClassification;
  int input_channels = 1;
  int classes = 2;          // classification
  int output_channels = 1;  // regression
  int layers = 2;           // HRU blocks
  int hidden = 64;          // H, channels between the blocks
  int state = 16;           // P, units per HRU
  HruKind unit = HruKind::kLinear;
  /// δ of the log-cosh unit (fixed); the linear unit trains its own δ = sigmoid(δ̂).
  double step = 0.1;
  /// Regression: predict at steps output_step − 1, 2 output_step − 1, …
  int output_step = 1;
  std::uint64_t seed = 1234;
  /// The authors' initialisations of the units' own parameters (hru_layer.h).
  HruInitialisation init;
  /// Dropout rate after the GELU and after the GLU of every block, in training only (the
  /// authors': 0.05); 0 for none.
  double dropout = 0.0;
  /// The blocks' normalisation: false, per step over the channels (layer normalisation
  /// without affine parameters); true, batch normalisation over the batch and its steps
  /// with a learnable scale and shift and running statistics for evaluation (the authors'
  /// block; batch_norm.h).
  bool batch_norm = false;
  /// Batch normalisation: running ← m · running + (1 − m) · batch after each training step
  /// (Equinox's convention and default, the authors' library).
  double batch_norm_momentum = 0.99;
  /// Threads of Evaluate, 0 for one per hardware thread; the results do not depend on it.
  int threads = 0;

  /// Throws InputError naming the first bad field.
  void Validate() const;
};

/// "linear" or "logcosh"; throws InputError otherwise.
HruKind ParseHruKind(const std::string& name);

}  // namespace echolab

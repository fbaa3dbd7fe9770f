#pragma once

#include <string>

#include "learning/training/sequence_model.h"

namespace echolab {

/// Reads a data set from a CSV file in long layout, one row per time step:
///
///   sequence,x1,x2,label        classification: a class 0, 1, ... per sequence
///   sequence,x1,y1,y2           regression: a target per time step and output
///
/// The header names the columns: `sequence` first (an integer id; the rows
/// of a sequence are consecutive and in time order, and an id may not
/// reappear later), then the input columns `x...` and either one `label`
/// column (the same non-negative integer on every row of a sequence; the data
/// set has max + 1 classes) or target columns `y...`. Regression targets are
/// given at every step and sub-sampled with `output_step` (output_sampling.h).
/// Sequences may differ in length. Every error is an InputError
/// "FILE:LINE: what was expected".
SequenceDataset LoadCsvSequences(const std::string& path, int output_step = 1);

}  // namespace echolab

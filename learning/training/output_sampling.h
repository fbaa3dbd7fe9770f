#pragma once

namespace echolab {

/// The sub-sampling of a regression task's outputs: with an output step s,
/// target row k belongs to time step (k + 1) s - 1 of the inputs (the last
/// step of the k-th block of s steps), and a sequence of N steps has
/// floor(N / s) target rows.
inline long PredictedStep(long row, long output_step) { return (row + 1) * output_step - 1; }
inline long PredictedRows(long length, long output_step) { return length / output_step; }

}  // namespace echolab

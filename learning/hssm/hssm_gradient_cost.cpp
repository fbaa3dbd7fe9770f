#include "learning/hssm/hssm_gradient_cost.h"

namespace echolab {

HardwareCost HssmGradientCost(int blocks, int state_size, const std::vector<int>& lengths,
                              SequenceGradientRule rule) {
  const bool echo = rule == SequenceGradientRule::kRhel;
  const int passes_per_sequence = echo ? 3 : 1;
  // 2 nnz(∇²H) + 4 n with nnz = 2 P and n = P.
  const double flops_per_evaluation = 8.0 * state_size;
  constexpr double kBytesPerDouble = 8.0;
  HardwareCost block;
  for (const int steps : lengths) {
    block.hardware_passes += passes_per_sequence;
    block.flips += passes_per_sequence - 1;
    block.resets += 1;
    block.pass_time_s += passes_per_sequence * static_cast<double>(steps);
    if (echo) {
      block.readout.samples_per_parameter += 2L * steps;
    } else {
      block.digital.model_evaluations += 3L * steps;
      block.digital.memory_bytes += kBytesPerDouble * 2.0 * state_size * (steps + 1.0);
    }
  }
  block.digital.flops = flops_per_evaluation * static_cast<double>(block.digital.model_evaluations);
  // Every block runs the same passes; a parameter belongs to one block, whose
  // accumulator takes the block's samples.
  HardwareCost total = block;
  total.hardware_passes *= blocks;
  total.flips *= blocks;
  total.resets *= blocks;
  total.pass_time_s *= blocks;
  total.digital.model_evaluations *= blocks;
  total.digital.flops *= blocks;
  total.digital.memory_bytes *= blocks;
  return total;
}

}  // namespace echolab

#pragma once

#include <vector>

#include "learning/gradient_method.h"

namespace echolab::detail {

/// Collects λ(t_k) of a discrete method backwards in time. The discrete
/// adjoint jumps by the loss impulse c_k ∇l(x_k) at t_k; the mean of its
/// values just before and after the jump approximates the continuous λ(t_k)
/// to second order, and that mean is what is recorded.
class RecordedAdjoint {
 public:
  void Add(double t_s, const PhaseState& before_impulse, const PhaseState& after_impulse) {
    times_s_.push_back(t_s);
    values_.push_back(PhaseState{0.5 * (before_impulse.q + after_impulse.q),
                                 0.5 * (before_impulse.p + after_impulse.p)});
  }

  /// Stores the samples in forward time order into the result.
  void MoveInto(GradientResult* result) {
    result->adjoint_times_s.assign(times_s_.rbegin(), times_s_.rend());
    result->adjoint.assign(values_.rbegin(), values_.rend());
  }

 private:
  std::vector<double> times_s_;
  std::vector<PhaseState> values_;
};

}  // namespace echolab::detail

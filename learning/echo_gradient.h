#pragma once

#include "learning/echo_options.h"
#include "learning/gradient_method.h"

namespace echolab {

/// RHEL, the way the hardware would compute the gradient (theory.md sections
/// 3-4): a forward pass; the momentum flip; the inputs replayed backwards;
/// echoes nudged by ±β Sx ∇l. On a symmetric composition scheme the discrete
/// echo (detail/discrete_echo.h) nudges after each step, and its limit is the
/// exact gradient of the discrete map (DiscreteAdjointGradient):
///
///   x_e,0 = Sz x_N ± β Sx [c_N ∇l(x_N) + ∇l_T(x_N)]
///   x_e,j+1 = M(x_e,j, u(T - ·)) ± β Sx c_(N-j-1) ∇l(x_(N-j-1))
///   dL/dθ ≈ -Σ_sub τ [∂θH_half(+β) - ∂θH_half(-β)] / (2β) + Σ c_k ∂l/∂θ
///   λ_(N-j) ≈ Sx (x_e,j(+β) - x_e,j(-β)) / (2β),   dL/dx0 = λ_0
///   dL/du(T - s) ≈ -[∂uH(x_e(s, +β)) - ∂uH(x_e(s, -β))] / (2β)
///
/// On any other scheme the continuous echo (detail/continuous_echo.h) runs the
/// echoes as ordinary passes with a continuous nudge.
///
/// Nothing of the forward pass is stored: the parameter integral is summed
/// during the echoes, so memory does not grow with the horizon (the input
/// gradient, one value per kick and channel, is the only output that does).
/// On a damped pass the echoes run as EchoOptions::damping says: the naive
/// echo (the same damping) is biased; the reweighted gain echo is exact for
/// uniform decay of the momenta.
class EchoGradient final : public GradientMethod {
 public:
  explicit EchoGradient(EchoOptions options = {});
  std::string name() const override;
  const EchoOptions& options() const { return options_; }

 private:
  void DoCheckSupport(const GradientProblem& problem) const override;
  GradientResult DoCompute(const GradientProblem& problem) const override;
  // One experiment (no repetition): the discrete or the continuous echo.
  static GradientResult ComputeOnce(const GradientProblem& problem, const EchoOptions& options);

  EchoOptions options_;
};

}  // namespace echolab

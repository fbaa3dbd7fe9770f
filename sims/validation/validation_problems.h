#pragma once

#include <memory>
#include <string>

#include "learning/gradient_method.h"

namespace echolab {

/// A gradient problem of the validation report, with its substrate kept alive.
struct ValidationProblem {
  std::string id;     // file-name stem, e.g. "six_oscillators"
  std::string title;  // for the report
  std::shared_ptr<const HamiltonianSystem> system;
  GradientProblem problem;
  int readout_dof = 0;  // 0-based
  int driven_dof = 0;
};

/// The paper's six coupled oscillators, a sine force on oscillator 1, the
/// loss ½ (q_4 - y(t))² with a sine target, T = 10 s, yoshida4 at h = 5 ms.
ValidationProblem SixOscillatorValidation();

/// A chain of six oscillators with Duffing on-site and FPU couplings, the
/// same kind of drive and loss (read-out on oscillator 6), T = 8 s.
ValidationProblem NonlinearChainValidation();

}  // namespace echolab

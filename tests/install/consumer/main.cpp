// The echo gradient of the paper's six oscillators through the installed
// library, against the adjoint; exits 0 when they agree.

#include <cmath>
#include <cstdio>
#include <memory>

#include "learning/adjoint_gradient.h"
#include "learning/echo_gradient.h"
#include "learning/gradient_comparison.h"
#include "learning/loss.h"
#include "physics/models/paper_six_oscillators.h"

int main() {
  // A narrowing conversion: echolab's -Wconversion -Werror must not reach
  // this project, so this compiles.
  int repeats = 1.0 * 1;
  const echolab::PaperSixOscillators paper = echolab::MakePaperSixOscillators();
  echolab::GradientProblem problem;
  problem.forward.system = paper.network.get();
  problem.forward.theta = paper.theta;
  problem.forward.initial_state = {echolab::Vector{{0.2, 0.0, -0.1, 0.0, 0.1, 0.0}},
                                   echolab::Vector::Zero(6)};
  problem.forward.input = echolab::InputSignal(
      {{std::make_shared<echolab::SineWaveform>(0.5, 0.2), echolab::Parity::kEven}});
  problem.forward.duration_s = 5.0;
  auto readout = std::make_shared<echolab::PositionReadout>(
      paper.network->num_dof(), paper.network->num_params(), std::vector<int>{3});
  echolab::InputSignal target(
      {{std::make_shared<echolab::SineWaveform>(0.3, 0.15), echolab::Parity::kEven}});
  problem.loss = std::make_shared<echolab::TrackingLoss>(
      readout, target, echolab::Vector::Ones(1), echolab::Vector::Zero(1),
      echolab::Vector::Zero(1));
  problem.integrator.scheme = "leapfrog";
  problem.integrator.step_s = 0.005;
  double difference = 1.0;
  for (; repeats > 0; --repeats) {
    const auto echo = echolab::EchoGradient({.beta = 1e-4}).Compute(problem);
    const auto adjoint = echolab::AdjointGradient().Compute(problem);
    difference = echolab::Compare(echo.dL_dtheta, adjoint.dL_dtheta).relative_error;
  }
  std::printf("echo against the adjoint through the installed echolab: %.3g\n", difference);
  return std::isfinite(difference) && difference < 1e-2 ? 0 : 1;
}

#pragma once

// Small gradient problems shared by the learning tests.

#include <memory>

#include "learning/gradient_method.h"
#include "learning/loss.h"
#include "physics/models/oscillator_network.h"
#include "physics/models/paper_six_oscillators.h"

namespace echolab::testing {

/// A gradient problem with the substrate kept alive beside it.
struct OwnedGradientProblem {
  std::shared_ptr<const HamiltonianSystem> system;
  GradientProblem problem;
};

/// Running loss ½ (q_i - y(t))² with y(t) = 0.3 sin(2π 0.15 t), plus a
/// terminal ½ (q_i(T) - 0.1)², on the given read-out oscillator.
inline std::shared_ptr<const Loss> TrackingOfOscillator(const HamiltonianSystem& system,
                                                        int oscillator) {
  auto readout = std::make_shared<PositionReadout>(system.num_dof(), system.num_params(),
                                                   std::vector<int>{oscillator});
  InputSignal target({{std::make_shared<SineWaveform>(0.3, 0.15), Parity::kEven}});
  return std::make_shared<TrackingLoss>(readout, target, Vector::Ones(1), Vector::Ones(1),
                                        Vector::Constant(1, 0.1));
}

/// The paper's six oscillators driven by a sine force, tracked on
/// oscillator 4, T = 8 s, leapfrog at h = 0.01 s.
inline OwnedGradientProblem PaperSixOscillatorProblem() {
  const PaperSixOscillators paper = MakePaperSixOscillators();
  OwnedGradientProblem owned{paper.network, {}};
  GradientProblem& problem = owned.problem;
  problem.forward.system = paper.network.get();
  problem.forward.theta = paper.theta;
  problem.forward.input = InputSignal({{std::make_shared<SineWaveform>(0.5, 0.2), Parity::kEven}});
  problem.forward.initial_state = {Vector{{0.2, 0.0, -0.1, 0.0, 0.1, 0.0}},
                                   Vector{{0.0, 0.1, 0.0, 0.0, 0.0, -0.1}}};
  problem.forward.duration_s = 8.0;
  problem.loss = TrackingOfOscillator(*paper.network, paper.readout_oscillator);
  problem.integrator.scheme = "leapfrog";
  problem.integrator.step_s = 0.01;
  return owned;
}

/// A chain of five oscillators with FPU (quartic) couplings and Duffing
/// on-site terms, driven on oscillator 1 and tracked on oscillator 5.
inline OwnedGradientProblem NonlinearChainProblem() {
  NetworkTopology topology = NetworkTopology::Chain(5);
  topology.driven_oscillators = {0};
  auto network = std::make_shared<const OscillatorNetwork>(topology, PotentialLaw::kQuartic,
                                                           PotentialLaw::kQuartic);
  Eigen::MatrixXd onsite(5, 2), coupling(4, 2);
  onsite << 1.0, 0.3, 0.8, 0.2, 1.2, 0.4, 0.9, 0.1, 1.1, 0.5;
  coupling << 0.6, 0.8, 0.5, 1.0, 0.7, 0.6, 0.4, 0.9;
  OwnedGradientProblem owned{network, {}};
  GradientProblem& problem = owned.problem;
  problem.forward.system = network.get();
  problem.forward.theta =
      network->MakeParameters(Vector{{1.0, 1.3, 0.8, 1.1, 0.9}}, onsite, coupling);
  problem.forward.input = InputSignal({{std::make_shared<SineWaveform>(0.8, 0.25), Parity::kEven}});
  problem.forward.initial_state = {Vector{{0.5, -0.3, 0.2, 0.0, 0.4}}, Vector::Zero(5)};
  problem.forward.duration_s = 6.0;
  problem.loss = TrackingOfOscillator(*network, 4);
  problem.integrator.scheme = "leapfrog";
  problem.integrator.step_s = 0.01;
  return owned;
}

/// |a - b| / |b| for vectors.
inline double RelativeError(const Vector& a, const Vector& b) { return (a - b).norm() / b.norm(); }

inline Vector Flat(const PhaseState& x) {
  Vector flat(x.q.size() + x.p.size());
  flat << x.q, x.p;
  return flat;
}

}  // namespace echolab::testing

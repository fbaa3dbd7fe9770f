#include "sims/validation/validation_problems.h"

#include "physics/models/oscillator_network.h"
#include "physics/models/paper_six_oscillators.h"

namespace echolab {
namespace {

std::shared_ptr<const Loss> TrackOscillator(const HamiltonianSystem& system, int dof) {
  auto readout = std::make_shared<PositionReadout>(system.num_dof(), system.num_params(),
                                                   std::vector<int>{dof});
  InputSignal target({{std::make_shared<SineWaveform>(0.3, 0.15), Parity::kEven}});
  return std::make_shared<TrackingLoss>(readout, target, Vector::Ones(1), Vector::Zero(1),
                                        Vector::Zero(1));
}

void SetCommonPass(GradientProblem* problem, double duration_s) {
  problem->forward.input = InputSignal({{std::make_shared<SineWaveform>(0.5, 0.2), Parity::kEven}});
  problem->forward.duration_s = duration_s;
  problem->integrator.scheme = "yoshida4";
  problem->integrator.step_s = 0.005;
  problem->integrator.rtol = 1e-12;
  problem->integrator.atol = 1e-14;
}

}  // namespace

ValidationProblem SixOscillatorValidation() {
  const PaperSixOscillators paper = MakePaperSixOscillators();
  ValidationProblem v{.id = "six_oscillators",
                      .title = "the paper's six coupled oscillators (linear)",
                      .system = paper.network,
                      .readout_dof = paper.readout_oscillator,
                      .driven_dof = 0};
  v.problem.forward.system = paper.network.get();
  v.problem.forward.theta = paper.theta;
  v.problem.forward.initial_state = {Vector{{0.2, 0.0, -0.1, 0.0, 0.1, 0.0}},
                                     Vector{{0.0, 0.1, 0.0, 0.0, 0.0, -0.1}}};
  SetCommonPass(&v.problem, 10.0);
  v.problem.loss = TrackOscillator(*paper.network, paper.readout_oscillator);
  return v;
}

ValidationProblem NonlinearChainValidation() {
  NetworkTopology topology = NetworkTopology::Chain(6);
  topology.driven_oscillators = {0};
  auto network = std::make_shared<const OscillatorNetwork>(topology, PotentialLaw::kQuartic,
                                                           PotentialLaw::kQuartic);
  Eigen::MatrixXd onsite(6, 2), coupling(5, 2);
  onsite << 1.0, 0.3, 0.8, 0.2, 1.2, 0.4, 0.9, 0.1, 1.1, 0.5, 1.0, 0.25;
  coupling << 0.6, 0.8, 0.5, 1.0, 0.7, 0.6, 0.4, 0.9, 0.55, 0.7;
  ValidationProblem v{.id = "nonlinear_chain",
                      .title = "a chain of six Duffing oscillators with FPU couplings",
                      .system = network,
                      .readout_dof = 5,
                      .driven_dof = 0};
  v.problem.forward.system = network.get();
  v.problem.forward.theta =
      network->MakeParameters(Vector{{1.0, 1.3, 0.8, 1.1, 0.9, 1.2}}, onsite, coupling);
  v.problem.forward.initial_state = {Vector{{0.6, -0.3, 0.2, 0.0, 0.4, -0.2}}, Vector::Zero(6)};
  SetCommonPass(&v.problem, 8.0);
  v.problem.loss = TrackOscillator(*network, 5);
  return v;
}

}  // namespace echolab

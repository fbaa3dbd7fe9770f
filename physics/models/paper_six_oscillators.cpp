#include "physics/models/paper_six_oscillators.h"

#include <cstdlib>

namespace echolab {

PaperSixOscillators MakePaperSixOscillators() {
  constexpr int kNumOscillators = 6;
  NetworkTopology topology = NetworkTopology::AllToAll(kNumOscillators);
  topology.driven_oscillators = {0};
  auto network = std::make_shared<const OscillatorNetwork>(topology, PotentialLaw::kHarmonic,
                                                           PotentialLaw::kHarmonic);
  Eigen::MatrixXd coupling_N_per_m(network->num_edges(), 1);
  for (int e = 0; e < network->num_edges(); ++e) {
    const auto [i, j] = topology.edges[e];
    coupling_N_per_m(e, 0) = 0.3 / std::abs(i - j);
  }
  const Vector masses_kg = Vector::Ones(kNumOscillators);
  const Eigen::MatrixXd onsite_N_per_m = Eigen::MatrixXd::Ones(kNumOscillators, 1);
  Vector theta = network->MakeParameters(masses_kg, onsite_N_per_m, coupling_N_per_m);
  return PaperSixOscillators{std::move(network), std::move(theta)};
}

}  // namespace echolab

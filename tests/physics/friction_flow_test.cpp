// The O(nnz) exact damping flow of a friction matrix against the dense
// matrix exponential exp(-A τ) of its generator.

#include "physics/integrators/friction_flow.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <unsupported/Eigen/MatrixFunctions>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"
#include "physics/integrators/fixed_step_integrator.h"

namespace echolab {
namespace {

// A ladder with a source resistor, a load resistor and one across two inner
// nodes (the friction touches 4 of its 12 nodes), stored sparse.
std::string LossyLadder() {
  std::string netlist = "lossy ladder\nR1 n0 0 50\nC0 n0 0 10p\n";
  for (int i = 1; i < 12; ++i) {
    netlist += fmt::format("L{0} n{1} n{0} 25n\nC{0} n{0} 0 {2}p\n", i, i - 1, 5 + i);
  }
  return netlist + "R2 n11 0 75\nR3 n4 n5 300\n";
}

class FrictionFlowTest : public ::testing::TestWithParam<double> {};

TEST_P(FrictionFlowTest, MatchesTheDenseExponential) {
  const CircuitHamiltonian circuit(ParseNetlistText(LossyLadder(), "lossy.cir"),
                                   CircuitOptions{.storage = MatrixStorage::kSparse});
  SimulationProblem problem{.system = &circuit,
                            .theta = circuit.netlist_parameters(),
                            .input = circuit.Inputs(),
                            .initial_state = {},
                            .duration_s = 1e-9,
                            .dissipation = circuit.ResistiveDissipation()};
  problem.dissipation.momentum_decay_rate_per_s = GetParam();
  FrictionFlow flow(problem);
  EXPECT_EQ(flow.support_size(), 4);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> charge(-1e-12, 1e-12);
  Vector p(circuit.num_dof());
  for (double& q : p) q = charge(rng);
  // Time steps from a fraction of the fastest RC time (C/G ≈ 0.3 ns) to many.
  for (const double tau_s : {1e-12, 5e-11, 2e-9}) {
    const Eigen::MatrixXd exact = (-tau_s * DampingGenerator(problem)).exp();
    const Vector expected = exact * p;
    Vector flowed = p;
    flow.Apply(tau_s, &flowed);
    EXPECT_LT((flowed - expected).norm(), 1e-11 * p.norm())
        << "tau " << tau_s;
    // The second application reuses the cached gain and gives the same flow.
    Vector again = p;
    flow.Apply(tau_s, &again);
    EXPECT_EQ(again, flowed);
  }
}

INSTANTIATE_TEST_SUITE_P(DecayRates, FrictionFlowTest, ::testing::Values(0.0, 3e7));

}  // namespace
}  // namespace echolab

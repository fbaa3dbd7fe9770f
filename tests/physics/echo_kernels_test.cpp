// EchoKernels hands the gradient methods a model's own fused kernels, or the
// defaults built from its plain derivatives, behind the same size checks. The
// values of both are checked against the plain derivatives for every model
// in model_derivatives_test (FusedSweepsAgreeWithSeparateCalls) and by
// CheckDerivatives.

#include "physics/echo_kernels.h"

#include <gtest/gtest.h>

#include <string>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"
#include "common/error.h"
#include "physics/models/log_cosh_network.h"
#include "physics/models/oscillator_network.h"

namespace echolab {
namespace {

OscillatorNetwork HarmonicChain() {
  return OscillatorNetwork(NetworkTopology::Chain(3), PotentialLaw::kHarmonic,
                           PotentialLaw::kHarmonic);
}

TEST(EchoKernelsTest, TakesTheModelsOwnKernelsWhereItFusesThem) {
  const OscillatorNetwork network = HarmonicChain();
  EXPECT_TRUE(EchoKernels(network).fused());
  const LogCoshNetwork log_cosh(4, 3);
  EXPECT_FALSE(EchoKernels(log_cosh).fused());
  const CircuitHamiltonian circuit(ParseNetlistText("tank\nL1 a 0 1n\nC1 a 0 1p\n", "tank.cir"));
  EXPECT_TRUE(EchoKernels(circuit).fused());
}

// The message of the InputError that `call` throws; empty when none.
template <typename Call>
std::string InputErrorOf(const Call& call) {
  try {
    call();
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

// Fused or not, a wrong size is refused with the argument's name.
TEST(EchoKernelsTest, RefusesWrongSizesNamingTheArgument) {
  const OscillatorNetwork network = HarmonicChain();
  const LogCoshNetwork log_cosh(4, 3);
  for (const HamiltonianSystem* model : {static_cast<const HamiltonianSystem*>(&network),
                                         static_cast<const HamiltonianSystem*>(&log_cosh)}) {
    const EchoKernels kernels(*model);
    const int n = model->num_dof(), np = model->num_params();
    const Vector q = Vector::Zero(n), theta = Vector::Ones(np),
                 u = Vector::Zero(model->num_inputs());
    Vector grad_a, grad_b, sum = Vector::Zero(np), short_sum = Vector::Zero(np - 1);
    EXPECT_NE(InputErrorOf([&] {
                kernels.PotentialGradientPairWithParameterDifference(
                    q, Vector::Zero(n + 1), theta, u, 1.0, &grad_a, &grad_b, &sum);
              }).find("positions q_b has " + std::to_string(n + 1)),
              std::string::npos);
    EXPECT_NE(InputErrorOf([&] {
                kernels.PotentialGradientWithParameterSum(q, theta, u, 1.0, &grad_a, &short_sum);
              }).find("parameter sum has"),
              std::string::npos);
    EXPECT_NE(InputErrorOf([&] {
                const KickMomenta kick{q, q, q, q}, short_kick{q, Vector::Zero(1), q, q};
                kernels.AddHalfStepKineticParameterDifference(kick, short_kick, theta, 1.0, &sum);
              }).find("momenta p_after of state b"),
              std::string::npos);
    EXPECT_NE(InputErrorOf([&] {
                const KickMomenta kick{q, q, q, q};
                kernels.AddHalfStepKineticParameterGradient(kick, Vector::Ones(np + 2), 1.0, &sum);
              }).find("parameter vector theta"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace echolab

// The degrees of freedom without inertia (circuit nodes without capacitance):
// their exact affine sub-step flow against a fine Runge-Kutta integration of
// G_AA dq_A/dt = -∂V/∂q_A, their rate against a finite difference of that
// flow, and their adjoint products against finite differences of the rate.

#include "physics/overdamped_dofs.h"

#include <gtest/gtest.h>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"

namespace echolab {
namespace {

// Nodes a and c have no capacitor: resistors join them to the driven node
// `in`, to ground and to each other (G_AA is 2 x 2 and full), and coupled
// inductors join them to b (W_AA is full too).
constexpr const char* kTwoAlgebraicNodes = R"(two algebraic nodes
V1 in 0 SIN(0.2 1 300meg)
R1 in a 50
R2 a c 20
R3 c 0 70
L1 a b 25n
L2 c b 30n
K1 L1 L2 0.4
C1 b 0 10p
L3 b 0 40n
)";

struct Fixture {
  Fixture()
      : circuit(ParseNetlistText(kTwoAlgebraicNodes, "two.cir")),
        problem{.system = &circuit,
                .theta = circuit.netlist_parameters(),
                .input = circuit.Inputs(),
                .initial_state = {Vector::Zero(3), Vector::Zero(3)},
                .duration_s = 1e-9,
                .dissipation = circuit.ResistiveDissipation()} {
    problem.initial_state.q << 2e-10, 3e-10, -1e-10;  // a, c, b
    problem.initial_state.p << 0.0, 0.0, 4e-12;
    problem.input.Evaluate(0.7e-9, &u);
  }
  // dq_A/dt at q (the other entries 0).
  Vector Rate(const Vector& q) const {
    Vector gradient, rate = Vector::Zero(q.size());
    circuit.PotentialGradient(q, problem.theta, u, &gradient);
    overdamped.SetRates(gradient, &rate);
    return rate;
  }
  CircuitHamiltonian circuit;
  SimulationProblem problem;
  Vector u;
  OverdampedDofs overdamped{problem};
};

TEST(OverdampedDofs, TheCircuitSolvesItsNodesWithoutCapacitanceFromKirchhoffsLaw) {
  const Fixture f;
  EXPECT_EQ(f.circuit.algebraic_nodes(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(f.overdamped.indices(), (std::vector<Eigen::Index>{0, 1}));
}

// λ_max(G_AA⁻¹ W_AA) against the eigenvalues of the non-symmetric product,
// and R/L for a lone RL node.
TEST(OverdampedDofs, FastestRateIsTheLargestRelaxationRateOfTheLaw) {
  const Fixture f;
  const Eigen::Index n = f.circuit.num_dof();
  Eigen::MatrixXd friction(2, 2), hessian(2, 2);
  Vector column;
  for (Eigen::Index j = 0; j < 2; ++j) {
    column = f.problem.dissipation.FrictionTimes(Vector::Unit(n, j));
    friction.col(j) = column.head(2);
    f.circuit.PotentialHessianProduct(f.problem.initial_state.q, f.problem.theta, f.u,
                                      Vector::Unit(n, j), &column);
    hessian.col(j) = column.head(2);
  }
  const Eigen::MatrixXd product = friction.inverse() * hessian;
  const double expected = product.eigenvalues().cwiseAbs().maxCoeff();
  EXPECT_NEAR(f.overdamped.FastestRate(), expected, 1e-12 * expected);

  const CircuitHamiltonian rl(ParseNetlistText("rl\nV1 in 0 DC 1\nR1 in a 50\nL1 a 0 25n\n", "rl.cir"));
  const SimulationProblem problem{.system = &rl,
                                  .theta = rl.netlist_parameters(),
                                  .input = rl.Inputs(),
                                  .initial_state = {Vector::Zero(1), Vector::Zero(1)},
                                  .duration_s = 1e-9,
                                  .dissipation = rl.ResistiveDissipation()};
  EXPECT_NEAR(OverdampedDofs(problem).FastestRate(), 50.0 / 25e-9, 1e-6);
}

// q_A(τ) from the exact affine flow against RK4 with 20,000 steps, for
// positive and negative τ (Yoshida's inner sub-step), with p_A set to 0.
TEST(OverdampedDofs, ExactFlowMatchesAFineIntegrationOfTheLaw) {
  Fixture f;
  for (const double tau_s : {3e-11, -2e-11}) {
    PhaseState x = f.problem.initial_state;
    x.p[0] = 1e-12;
    Vector gradient;
    f.circuit.PotentialGradient(x.q, f.problem.theta, f.u, &gradient);
    f.overdamped.Flow(tau_s, gradient, &x);
    constexpr int kSteps = 20000;
    const double h = tau_s / kSteps;
    Vector q = f.problem.initial_state.q;
    for (int k = 0; k < kSteps; ++k) {
      const Vector k1 = f.Rate(q), k2 = f.Rate(q + 0.5 * h * k1), k3 = f.Rate(q + 0.5 * h * k2),
                   k4 = f.Rate(q + h * k3);
      q += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    EXPECT_LT((x.q - q).norm(), 1e-9 * (q - f.problem.initial_state.q).norm()) << tau_s;
    EXPECT_EQ(x.q[2], f.problem.initial_state.q[2]);
    EXPECT_EQ(x.p[0], 0.0);
    EXPECT_EQ(x.p[1], 0.0);
    EXPECT_EQ(x.p[2], f.problem.initial_state.p[2]);
  }
}

// (q_A(τ) - q_A(-τ)) / 2τ → dq_A/dt = -G_AA⁻¹ ∂V/∂q_A, with an O(τ²) error.
TEST(OverdampedDofs, FlowDerivativeIsTheRate) {
  Fixture f;
  Vector gradient;
  f.circuit.PotentialGradient(f.problem.initial_state.q, f.problem.theta, f.u, &gradient);
  const Vector rate = f.Rate(f.problem.initial_state.q);
  double previous = 0.0;
  for (const double tau_s : {1e-12, 5e-13}) {
    PhaseState forward = f.problem.initial_state, backward = f.problem.initial_state;
    f.overdamped.Flow(tau_s, gradient, &forward);
    f.overdamped.Flow(-tau_s, gradient, &backward);
    const double error = ((forward.q - backward.q) / (2.0 * tau_s) - rate).norm() / rate.norm();
    EXPECT_LT(error, 1e-5) << tau_s;
    if (previous > 0.0) {
      EXPECT_NEAR(previous / error, 4.0, 0.2);  // second order
    }
    previous = error;
  }
}

// The adjoint's λ̃_p: for f_qA = -G_AA⁻¹ ∇_A V, λ_qAᵀ (∂f_qA/∂q) w = -(∇²V w)ᵀ λ̃_p with
// λ̃_p's A entries G_AA⁻¹ λ_qA, checked against a central difference of the rate.
TEST(OverdampedDofs, AdjointMomentumGivesTheTransposedJacobianOfTheRate) {
  const Fixture f;
  PhaseState lambda{Vector(3), Vector(3)};
  lambda.q << 0.3, -1.1, 0.7;
  lambda.p << 9.0, 9.0, 0.4;  // the A entries are not used
  const Vector effective = f.overdamped.EffectiveMomentumAdjoint(lambda);
  EXPECT_EQ(effective[2], lambda.p[2]);
  Vector w(3);
  w << 1e-11, 2e-11, -1.5e-11;
  Vector hessian_w;
  f.circuit.PotentialHessianProduct(f.problem.initial_state.q, f.problem.theta, f.u, w,
                                    &hessian_w);
  const Vector& q = f.problem.initial_state.q;
  const Vector difference = (f.Rate(q + w) - f.Rate(q - w)) / 2.0;
  Vector lambda_a = lambda.q;
  lambda_a[2] = 0.0;  // only f_qA's part
  const double expected = lambda_a.dot(difference);
  Vector effective_a = effective;
  effective_a[2] = 0.0;
  EXPECT_NEAR(-hessian_w.dot(effective_a), expected, 1e-9 * std::abs(expected));
}

}  // namespace
}  // namespace echolab

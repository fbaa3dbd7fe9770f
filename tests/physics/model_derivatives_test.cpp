// Every analytic derivative of every Hamiltonian model against central finite
// differences, plus the input checks of the HamiltonianSystem interface.
//
// The error measure is Ceres-style, entry by entry:
//   e = |a - f| / max(|a|, |f|, floor),
// with a the analytic and f the finite-difference value. The worst e per
// (model, derivative) is printed as a table when the test program ends.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"
#include "common/error.h"
#include "physics/derivative_checker.h"
#include "physics/echo_kernels.h"
#include "physics/hamiltonian_system.h"
#include "physics/models/log_cosh_network.h"
#include "physics/models/oscillator_network.h"
#include "physics/models/scalar_potential.h"
#include "physics/phase_state.h"

namespace echolab {
namespace {

// Central differences with step h = kRelativeStep max(1, |x|): the truncation
// error is O(h²) ≈ 1e-12 and the rounding error about ε |f| / h ≈ 1e-10 |f|.
constexpr double kRelativeStep = 1e-6;
// Bound on the worst relative error e.
constexpr double kTolerance = 1e-6;
// Below this size an entry is compared in absolute terms (error 1e-8 allowed),
// so that finite-difference noise on near-zero entries does not count.
constexpr double kErrorFloor = 1e-2;
// A derivative off by a factor 2 or a sign must miss by this margin.
constexpr double kSensitivityMargin = 1e3;
// Random directions checked on the large network instead of every entry.
constexpr int kNumDirections = 4;
// Step of the fourth-order differences along those directions. The energy of
// the large network is a sum of ~800 terms whose accumulated rounding, about
// 1e-12, would swamp a step of 1e-6 (noise 1e-12 / 2e-6 ≈ 1e-6); with h = 1e-3
// the noise is ≈ 1e-9 and the truncation error O(h⁴) ≈ 1e-12.
constexpr double kDirectionalStep = 1e-3;

using ScalarFunction = std::function<double(const Vector&)>;
using VectorFunction = std::function<Vector(const Vector&)>;

// ---------------------------------------------------------------------------
// Error measure and the table of worst errors.

double WorstRelativeError(const Vector& analytic, const Vector& numeric) {
  double worst = 0.0;
  for (int j = 0; j < analytic.size(); ++j) {
    const double scale = std::max({std::abs(analytic[j]), std::abs(numeric[j]), kErrorFloor});
    worst = std::max(worst, std::abs(analytic[j] - numeric[j]) / scale);
  }
  return worst;
}

struct TableRow {
  double worst_error = 0.0;
  double largest_value = 0.0;  // max |a|, to compare with the tolerance
};

// Collects the worst error per (model, derivative) and prints the table when
// the test program ends (under ctest, each test prints its own rows).
class ErrorTable : public ::testing::Environment {
 public:
  static void Record(const std::string& model, const std::string& derivative, double error,
                     double largest_value) {
    TableRow& row = Rows()[{model, derivative}];
    row.worst_error = std::max(row.worst_error, error);
    row.largest_value = std::max(row.largest_value, largest_value);
  }

  void TearDown() override {
    if (Rows().empty()) return;
    std::cout << fmt::format("\n{:<22} {:<28} {:>16} {:>12}\n", "model", "derivative",
                             "worst rel. error", "max |value|");
    for (const auto& [key, row] : Rows()) {
      std::cout << fmt::format("{:<22} {:<28} {:>16.3e} {:>12.3e}\n", key.first, key.second,
                               row.worst_error, row.largest_value);
    }
  }

 private:
  static std::map<std::pair<std::string, std::string>, TableRow>& Rows() {
    static std::map<std::pair<std::string, std::string>, TableRow> rows;
    return rows;
  }
};

[[maybe_unused]] ::testing::Environment* const kErrorTable =
    ::testing::AddGlobalTestEnvironment(new ErrorTable);

// Checks an analytic derivative against its finite-difference estimate,
// records the worst error, and checks that the comparison is sensitive: the
// same derivative doubled or negated fails by a wide margin.
void ExpectMatches(const std::string& model, const std::string& derivative, const Vector& analytic,
                   const Vector& numeric) {
  ASSERT_EQ(analytic.size(), numeric.size()) << model << ", " << derivative;
  const double error = WorstRelativeError(analytic, numeric);
  ErrorTable::Record(model, derivative, error, analytic.lpNorm<Eigen::Infinity>());
  EXPECT_LT(error, kTolerance) << model << ", " << derivative
                               << "\nanalytic: " << analytic.transpose()
                               << "\nnumeric:  " << numeric.transpose();
  EXPECT_GT(WorstRelativeError(2.0 * analytic, numeric), kSensitivityMargin * kTolerance)
      << model << ", " << derivative << ": too small to be checked";
  EXPECT_GT(WorstRelativeError(-analytic, numeric), kSensitivityMargin * kTolerance)
      << model << ", " << derivative << ": too small to be checked";
}

// ---------------------------------------------------------------------------
// Central finite differences.

// ∂f/∂x_j ≈ (f(x + h e_j) - f(x - h e_j)) / (2h), entry by entry.
Vector NumericGradient(const ScalarFunction& f, const Vector& x) {
  Vector gradient(x.size());
  for (int j = 0; j < x.size(); ++j) {
    Vector plus = x, minus = x;
    const double step = kRelativeStep * std::max(1.0, std::abs(x[j]));
    plus[j] += step;
    minus[j] -= step;
    gradient[j] = (f(plus) - f(minus)) / (plus[j] - minus[j]);
  }
  return gradient;
}

// d/dt g(x + t w) at t = 0 ≈ (g(x + h w) - g(x - h w)) / (2h).
Vector NumericDirectional(const VectorFunction& g, const Vector& x, const Vector& w) {
  const double step = kRelativeStep * std::max(1.0, x.lpNorm<Eigen::Infinity>());
  return (g(x + step * w) - g(x - step * w)) / (2.0 * step);
}

// d/dt f(x + t w) at t = 0, fourth order:
//   ≈ [8 (f(x + h w) - f(x - h w)) - (f(x + 2h w) - f(x - 2h w))] / (12 h).
double FourthOrderDirectional(const ScalarFunction& f, const Vector& x, const Vector& w) {
  const double step = kDirectionalStep * std::max(1.0, x.lpNorm<Eigen::Infinity>());
  const double near = f(x + step * w) - f(x - step * w);
  const double far = f(x + 2.0 * step * w) - f(x - 2.0 * step * w);
  return (8.0 * near - far) / (12.0 * step);
}

Vector Uniform(std::mt19937_64& rng, int size, double low, double high) {
  std::uniform_real_distribution<double> distribution(low, high);
  Vector values(size);
  for (double& value : values) value = distribution(rng);
  return values;
}

// ---------------------------------------------------------------------------
// The models under test, each at a random but seeded point (x, θ, u) with a
// random direction v for the Hessian and mixed products.

struct ModelCase {
  std::string name;
  std::shared_ptr<const HamiltonianSystem> model;
  Vector theta;
  PhaseState x;
  Vector u;
  PhaseState v;
  // False for the large network: gradients are checked along random
  // directions rather than entry by entry.
  bool entrywise = true;
};

// Law parameters, one column per parameter of the law: k or E in [0.5, 2],
// the quartic b in [0.1, 1].
Eigen::MatrixXd LawParameters(std::mt19937_64& rng, PotentialLaw law, int rows) {
  const int cols = static_cast<int>(LawParameterNames(law).size());
  Eigen::MatrixXd params(rows, cols);
  params.col(0) = Uniform(rng, rows, 0.5, 2.0);
  if (cols > 1) params.col(1) = Uniform(rng, rows, 0.1, 1.0);
  return params;
}

// Fills in a random state, inputs and direction for a model with n degrees of
// freedom and m inputs.
void RandomPoint(std::mt19937_64& rng, ModelCase* c) {
  const int n = c->model->num_dof(), m = c->model->num_inputs();
  c->x = {Uniform(rng, n, -1.0, 1.0), Uniform(rng, n, -1.0, 1.0)};
  c->u = Uniform(rng, m, -1.0, 1.0);
  c->v = {Uniform(rng, n, -1.0, 1.0), Uniform(rng, n, -1.0, 1.0)};
}

// A network whose first and middle oscillators are driven; masses in [0.5, 2] kg.
ModelCase NetworkCase(std::string name, NetworkTopology topology, PotentialLaw onsite,
                      PotentialLaw coupling, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int n = topology.num_oscillators;
  topology.driven_oscillators = {0, n / 2};
  auto network = std::make_shared<OscillatorNetwork>(std::move(topology), onsite, coupling);
  ModelCase c{.name = std::move(name), .model = network};
  c.theta = network->MakeParameters(Uniform(rng, n, 0.5, 2.0), LawParameters(rng, onsite, n),
                                    LawParameters(rng, coupling, network->num_edges()));
  RandomPoint(rng, &c);
  return c;
}

// A chain of 6 plus an edge from oscillator 5 back to 2 (larger index first),
// which closes a loop.
NetworkTopology ChainWithShortcut() {
  NetworkTopology topology = NetworkTopology::Chain(6);
  topology.edges.emplace_back(4, 1);
  return topology;
}

// A ring of 4 oscillators, as in a loop of Josephson junctions.
NetworkTopology Ring() {
  NetworkTopology topology = NetworkTopology::Chain(4);
  topology.edges.emplace_back(3, 0);
  return topology;
}

// 200 oscillators and 600 distinct random edges.
NetworkTopology SparseRandom(std::uint64_t seed) {
  constexpr int kNumOscillators = 200, kNumEdges = 600;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> pick(0, kNumOscillators - 1);
  NetworkTopology topology{.num_oscillators = kNumOscillators};
  std::set<std::pair<int, int>> seen;
  while (static_cast<int>(topology.edges.size()) < kNumEdges) {
    const int i = pick(rng), j = pick(rng);
    if (i != j && seen.insert({std::min(i, j), std::max(i, j)}).second) {
      topology.edges.emplace_back(i, j);
    }
  }
  return topology;
}

// 4 units and 3 inputs; slopes of both signs, |a_i| in [0.5, 2].
ModelCase LogCoshCase() {
  std::mt19937_64 rng(17);
  auto network = std::make_shared<LogCoshNetwork>(4, 3);
  const Vector signs = (Vector(4) << 1.0, -1.0, 1.0, -1.0).finished();
  const Vector slopes = signs.cwiseProduct(Uniform(rng, 4, 0.5, 2.0));
  const double alpha = Uniform(rng, 1, 0.1, 1.0)[0];
  const Vector biases = Uniform(rng, 4, -1.0, 1.0);
  const Eigen::MatrixXd input_matrix = Uniform(rng, 12, -1.0, 1.0).reshaped(4, 3);
  ModelCase c{.name = "log_cosh_4x3", .model = network};
  c.theta = network->MakeParameters(alpha, slopes, biases, input_matrix);
  RandomPoint(rng, &c);
  return c;
}

// A circuit case: the netlist's substrate with matrices stored as asked, at a
// random point. A node without capacitance gets `node_capacitance_F`.
ModelCase CircuitCase(const std::string& name, const char* text, std::uint64_t seed,
                      MatrixStorage storage, double node_capacitance_F = 0.0) {
  std::mt19937_64 rng(seed);
  auto circuit = std::make_shared<CircuitHamiltonian>(
      ParseNetlistText(text, name + ".cir"),
      CircuitOptions{.storage = storage, .node_capacitance_F = node_capacitance_F});
  ModelCase c{.name = name, .model = circuit};
  c.theta = circuit->netlist_parameters();
  RandomPoint(rng, &c);
  return c;
}

// Three nodes, capacitors to ground and between nodes, three inductors with
// two mutual couplings, two current sources. Element values of order one
// (the derivatives do not care about units).
constexpr const char* kLcCircuit = R"(circuit for derivative checks
C1 a 0 1.2
C2 b 0 0.7
C3 c 0 0.9
Cab a b 0.3
Cbc b c 0.25
L1 a 0 0.8
L2 b c 1.3
L3 c 0 0.6
K12 L1 L2 0.3
K23 L2 L3 -0.2
I1 a 0 SIN(0 1 1)
I2 0 c 0.5
)";

// Two voltage sources (one chained on the other) next to capacitors,
// coupled inductors and a resistor: the driven-node inputs.
constexpr const char* kDrivenCircuit = R"(driven circuit for derivative checks
V1 in 0 SIN(0 1 1)
V2 top in PWL(0 0 1 2)
C1 a 0 1.2
Cin in a 0.4
L1 a in 0.8
L2 b top 1.3
K12 L1 L2 0.3
C2 b 0 0.7
Ct top b 0.2
R1 b in 2
)";

// Varactors (V(Q) = Q / C0 + b Q³), to ground and between nodes, beside
// linear capacitors: a kinetic energy that is not quadratic; node e has no
// capacitor (the parasitic capacitance).
constexpr const char* kVaractorCircuit = R"(varactor circuit for derivative checks
C1 a 0 1.2 nl=0.8
C2 b 0 0.7
Cab a b 0.3 nl=1.5
C3 c b 0.9 nl=0.4
L1 a 0 0.8
L2 b c 1.3
L3 c 0 0.6
L4 c e 0.5
L5 e 0 0.4
I1 a 0 SIN(0 1 1)
)";

// Nodes d and e without a capacitor (the parasitic capacitance), between
// coupled inductors, a driven node and a resistor. (Junctions: the test
// JosephsonDerivativesAtTheFluxQuantumScale, at the Φ0 scale they need.)
constexpr const char* kParasiticCircuit = R"(parasitic circuit for derivative checks
V1 in 0 SIN(0 0.5 1)
C1 a 0 1.1
C2 b 0 0.8
Cab a b 0.3
L1 b d 0.9
L2 d 0 0.6
K12 L1 L2 0.25
L3 d in 0.7
R1 e in 1.5
L4 e a 0.8
I1 0 a SIN(0 0.3 2)
)";

ModelCase MakeCase(const std::string& name) {
  // Every circuit twice: dense matrices (as tiny circuits get them) and the
  // sparse factorisation (as large ones do).
  for (const auto& [suffix, storage] :
       {std::pair{"", MatrixStorage::kDense}, std::pair{"_sparse", MatrixStorage::kSparse}}) {
    if (name == std::string("lc_circuit") + suffix)
      return CircuitCase(name, kLcCircuit, 23, storage);
    if (name == std::string("driven_circuit") + suffix) {
      return CircuitCase(name, kDrivenCircuit, 29, storage);
    }
    if (name == std::string("varactor_circuit") + suffix) {
      return CircuitCase(name, kVaractorCircuit, 31, storage, 0.35);
    }
    if (name == std::string("parasitic_circuit") + suffix) {
      return CircuitCase(name, kParasiticCircuit, 37, storage, 0.45);
    }
  }
  if (name == "harmonic_all_to_all") {
    return NetworkCase(name, NetworkTopology::AllToAll(5), PotentialLaw::kHarmonic,
                       PotentialLaw::kHarmonic, 11);
  }
  if (name == "quartic_chain") {
    return NetworkCase(name, ChainWithShortcut(), PotentialLaw::kQuartic, PotentialLaw::kQuartic,
                       12);
  }
  if (name == "cosine_ring") {
    return NetworkCase(name, Ring(), PotentialLaw::kHarmonic, PotentialLaw::kCosine, 13);
  }
  if (name == "sparse_200") {
    ModelCase c =
        NetworkCase(name, SparseRandom(14), PotentialLaw::kQuartic, PotentialLaw::kCosine, 15);
    c.entrywise = false;
    return c;
  }
  if (name == "log_cosh_4x3") return LogCoshCase();
  throw std::invalid_argument("unknown model case " + name);
}

// ---------------------------------------------------------------------------
// Derivatives against finite differences, one test per derivative and model.

class ModelDerivativeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { c_ = MakeCase(GetParam()); }

  // Checks the gradient `analytic` of f at y: every entry by central
  // differences, or, when `entrywise` is false, its projections on
  // kNumDirections random directions by fourth-order differences.
  void CheckGradient(const std::string& derivative, const ScalarFunction& f, const Vector& y,
                     const Vector& analytic, bool entrywise) {
    if (entrywise) {
      ExpectMatches(c_.name, derivative, analytic, NumericGradient(f, y));
      return;
    }
    Vector projected(kNumDirections), numeric(kNumDirections);
    for (int k = 0; k < kNumDirections; ++k) {
      const Vector w = Uniform(rng_, static_cast<int>(y.size()), -1.0, 1.0);
      projected[k] = analytic.dot(w);
      numeric[k] = FourthOrderDirectional(f, y, w);
    }
    ExpectMatches(c_.name, derivative, projected, numeric);
  }

  const HamiltonianSystem& model() const { return *c_.model; }
  KickMomenta Kick(const Vector& p_before, const Vector& p_after) const;

  ModelCase c_;
  std::mt19937_64 rng_{99};
};

// ∂H/∂q = ∂V/∂q
TEST_P(ModelDerivativeTest, PositionGradient) {
  Vector analytic;
  model().PotentialGradient(c_.x.q, c_.theta, c_.u, &analytic);
  const ScalarFunction potential = [&](const Vector& q) {
    return model().PotentialEnergy(q, c_.theta, c_.u);
  };
  CheckGradient("dH/dq", potential, c_.x.q, analytic, c_.entrywise);
}

// ∂H/∂p = ∂T/∂p
TEST_P(ModelDerivativeTest, MomentumGradient) {
  Vector analytic;
  model().KineticGradient(c_.x.p, c_.theta, &analytic);
  const ScalarFunction kinetic = [&](const Vector& p) {
    return model().KineticEnergy(p, c_.theta);
  };
  CheckGradient("dH/dp", kinetic, c_.x.p, analytic, c_.entrywise);
}

// ∂²V/∂q² v = d/dt ∂V/∂q(q + t v)
TEST_P(ModelDerivativeTest, PositionHessianProduct) {
  Vector analytic;
  model().PotentialHessianProduct(c_.x.q, c_.theta, c_.u, c_.v.q, &analytic);
  const VectorFunction gradient = [&](const Vector& q) {
    Vector g;
    model().PotentialGradient(q, c_.theta, c_.u, &g);
    return g;
  };
  ExpectMatches(c_.name, "d2H/dq2 v", analytic, NumericDirectional(gradient, c_.x.q, c_.v.q));
}

// ∂²T/∂p² v = d/dt ∂T/∂p(p + t v)
TEST_P(ModelDerivativeTest, MomentumHessianProduct) {
  Vector analytic;
  model().KineticHessianProduct(c_.x.p, c_.theta, c_.v.p, &analytic);
  const VectorFunction gradient = [&](const Vector& p) {
    Vector g;
    model().KineticGradient(p, c_.theta, &g);
    return g;
  };
  ExpectMatches(c_.name, "d2H/dp2 v", analytic, NumericDirectional(gradient, c_.x.p, c_.v.p));
}

// ∂H/∂θ
TEST_P(ModelDerivativeTest, ParameterGradient) {
  const Vector analytic = model().ParameterGradient(c_.x, c_.theta, c_.u);
  const ScalarFunction energy = [&](const Vector& theta) {
    return model().Energy(c_.x, theta, c_.u);
  };
  CheckGradient("dH/dtheta", energy, c_.theta, analytic, c_.entrywise);
}

// (∂θ ∇x H)ᵀ v = ∂/∂θ (vᵀ ∇x H)
TEST_P(ModelDerivativeTest, MixedProduct) {
  const Vector analytic = model().MixedProduct(c_.x, c_.theta, c_.u, c_.v);
  const ScalarFunction projected_gradient = [&](const Vector& theta) {
    const PhaseState g = model().Gradient(c_.x, theta, c_.u);
    return c_.v.q.dot(g.q) + c_.v.p.dot(g.p);
  };
  CheckGradient("(d_theta grad_x H)^T v", projected_gradient, c_.theta, analytic, c_.entrywise);
}

// ∂V/∂u
TEST_P(ModelDerivativeTest, InputGradient) {
  Vector analytic;
  model().InputGradient(c_.x.q, c_.theta, c_.u, &analytic);
  const ScalarFunction potential = [&](const Vector& u) {
    return model().PotentialEnergy(c_.x.q, c_.theta, u);
  };
  CheckGradient("dV/du", potential, c_.u, analytic, /*entrywise=*/true);
}

// (∂u ∇q V)ᵀ v = ∂/∂u (vᵀ ∇q V)
TEST_P(ModelDerivativeTest, InputMixedProduct) {
  Vector analytic;
  model().InputMixedProduct(c_.x.q, c_.theta, c_.u, c_.v.q, &analytic);
  const ScalarFunction projected_gradient = [&](const Vector& u) {
    Vector g;
    model().PotentialGradient(c_.x.q, c_.theta, u, &g);
    return c_.v.q.dot(g);
  };
  CheckGradient("(d_u grad_q V)^T v", projected_gradient, c_.u, analytic, /*entrywise=*/true);
}

// ---------------------------------------------------------------------------
// Structure shared by all models.

void ExpectSameVector(const Vector& actual, const Vector& expected, const char* what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  const double scale = 1.0 + expected.lpNorm<Eigen::Infinity>();
  EXPECT_LE((actual - expected).lpNorm<Eigen::Infinity>(), 1e-14 * scale) << what;
}

// The whole-state helpers are the sums and stacks of the kinetic and potential parts.
TEST_P(ModelDerivativeTest, WholeStateHelpersAgreeWithParts) {
  const auto& [q, p] = c_.x;
  Vector kinetic, potential;

  const PhaseState gradient = model().Gradient(c_.x, c_.theta, c_.u);
  model().PotentialGradient(q, c_.theta, c_.u, &potential);
  model().KineticGradient(p, c_.theta, &kinetic);
  ExpectSameVector(gradient.q, potential, "Gradient, q part");
  ExpectSameVector(gradient.p, kinetic, "Gradient, p part");

  const PhaseState hessian = model().HessianProduct(c_.x, c_.theta, c_.u, c_.v);
  model().PotentialHessianProduct(q, c_.theta, c_.u, c_.v.q, &potential);
  model().KineticHessianProduct(p, c_.theta, c_.v.p, &kinetic);
  ExpectSameVector(hessian.q, potential, "HessianProduct, q part");
  ExpectSameVector(hessian.p, kinetic, "HessianProduct, p part");

  model().PotentialParameterGradient(q, c_.theta, c_.u, &potential);
  model().KineticParameterGradient(p, c_.theta, &kinetic);
  ExpectSameVector(model().ParameterGradient(c_.x, c_.theta, c_.u), kinetic + potential,
                   "ParameterGradient");

  model().PotentialMixedProduct(q, c_.theta, c_.u, c_.v.q, &potential);
  model().KineticMixedProduct(p, c_.theta, c_.v.p, &kinetic);
  ExpectSameVector(model().MixedProduct(c_.x, c_.theta, c_.u, c_.v), kinetic + potential,
                   "MixedProduct");

  EXPECT_DOUBLE_EQ(model().Energy(c_.x, c_.theta, c_.u),
                   model().KineticEnergy(p, c_.theta) + model().PotentialEnergy(q, c_.theta, c_.u));
}

// The momenta across a kick with their velocities ∂T/∂p, as a pass has them.
KickMomenta ModelDerivativeTest::Kick(const Vector& p_before, const Vector& p_after) const {
  KickMomenta kick{.p_before = p_before, .p_after = p_after};
  model().KineticGradient(p_before, c_.theta, &kick.velocity_before);
  model().KineticGradient(p_after, c_.theta, &kick.velocity_after);
  return kick;
}

// The fused sweeps of the gradient methods (∂V/∂q with the parameter sum, and
// the paired kick of two echoes with the parameter difference) agree with the
// separate calls, whose derivatives are checked above.
TEST_P(ModelDerivativeTest, FusedSweepsAgreeWithSeparateCalls) {
  const int n = model().num_dof(), np = model().num_params();
  const double weight = 0.37;
  const EchoKernels kernels(model());
  const Vector start = Uniform(rng_, np, -1.0, 1.0);
  Vector gradient, parameter_gradient;
  model().PotentialGradient(c_.x.q, c_.theta, c_.u, &gradient);
  model().PotentialParameterGradient(c_.x.q, c_.theta, c_.u, &parameter_gradient);

  Vector fused_gradient, sum = start;
  kernels.PotentialGradientWithParameterSum(c_.x.q, c_.theta, c_.u, weight, &fused_gradient, &sum);
  ExpectSameVector(fused_gradient, gradient, "PotentialGradientWithParameterSum, gradient");
  ExpectSameVector(sum, start + weight * parameter_gradient,
                   "PotentialGradientWithParameterSum, sum");

  // A second state close by (as the -β echo is to the +β one) and one far off.
  for (const double spread : {1e-4, 0.5}) {
    const Vector q_b = c_.x.q + spread * Uniform(rng_, n, -1.0, 1.0);
    Vector gradient_b, parameter_gradient_b;
    model().PotentialGradient(q_b, c_.theta, c_.u, &gradient_b);
    model().PotentialParameterGradient(q_b, c_.theta, c_.u, &parameter_gradient_b);
    Vector pair_a, pair_b, difference = start;
    kernels.PotentialGradientPairWithParameterDifference(c_.x.q, q_b, c_.theta, c_.u, weight,
                                                         &pair_a, &pair_b, &difference);
    ExpectSameVector(pair_a, gradient, "paired kick, first gradient");
    ExpectSameVector(pair_b, gradient_b, "paired kick, second gradient");
    ExpectSameVector(difference, start + weight * (parameter_gradient - parameter_gradient_b),
                     "paired kick, parameter difference");

    // The kinetic half across a kick: the difference of the two states' sums.
    const Vector p_after_a = c_.x.p + Uniform(rng_, n, -0.1, 0.1);
    const Vector p_before_b = c_.x.p + spread * Uniform(rng_, n, -1.0, 1.0);
    const Vector p_after_b = p_before_b + Uniform(rng_, n, -0.1, 0.1);
    Vector separate = start, kinetic_difference = start;
    const KickMomenta kick_a = Kick(c_.x.p, p_after_a), kick_b = Kick(p_before_b, p_after_b);
    kernels.AddHalfStepKineticParameterGradient(kick_a, c_.theta, weight, &separate);
    kernels.AddHalfStepKineticParameterGradient(kick_b, c_.theta, -weight, &separate);
    kernels.AddHalfStepKineticParameterDifference(kick_a, kick_b, c_.theta, weight,
                                                  &kinetic_difference);
    ExpectSameVector(kinetic_difference, separate, "paired kinetic half-step difference");
  }
}

// The same sums from zero, to rounding relative to the largest single term:
// in SI units (a circuit's ∂V/∂L, ∂T/∂C) the terms are far below 1, which the
// test above takes as its floor. Close states as two echoes are, whose
// difference a fused kernel may take in a factored form.
TEST_P(ModelDerivativeTest, FusedSweepsAgreeWithSeparateCallsRelatively) {
  const int n = model().num_dof(), np = model().num_params();
  const double weight = 0.37;
  const EchoKernels kernels(model());
  const auto expect_close = [](const Vector& actual, const Vector& expected, double scale,
                               const char* what) {
    ASSERT_EQ(actual.size(), expected.size()) << what;
    EXPECT_LE((actual - expected).lpNorm<Eigen::Infinity>(), 1e-12 * scale) << what;
  };
  const Vector q_b = c_.x.q + 1e-4 * Uniform(rng_, n, -1.0, 1.0);
  Vector grad_a, grad_b, dtheta_a, dtheta_b, pair_a, pair_b;
  model().PotentialGradient(c_.x.q, c_.theta, c_.u, &grad_a);
  model().PotentialGradient(q_b, c_.theta, c_.u, &grad_b);
  model().PotentialParameterGradient(c_.x.q, c_.theta, c_.u, &dtheta_a);
  model().PotentialParameterGradient(q_b, c_.theta, c_.u, &dtheta_b);
  const double potential_scale =
      weight * std::max(dtheta_a.lpNorm<Eigen::Infinity>(), dtheta_b.lpNorm<Eigen::Infinity>());
  Vector sum = Vector::Zero(np), difference = Vector::Zero(np);
  kernels.PotentialGradientWithParameterSum(c_.x.q, c_.theta, c_.u, weight, &pair_a, &sum);
  expect_close(pair_a, grad_a, grad_a.lpNorm<Eigen::Infinity>(), "fused kick, gradient");
  expect_close(sum, weight * dtheta_a, potential_scale, "fused kick, parameter sum");
  kernels.PotentialGradientPairWithParameterDifference(c_.x.q, q_b, c_.theta, c_.u, weight, &pair_a,
                                                       &pair_b, &difference);
  expect_close(pair_b, grad_b, grad_b.lpNorm<Eigen::Infinity>(), "paired kick, second gradient");
  expect_close(difference, weight * (dtheta_a - dtheta_b), potential_scale,
               "paired kick, parameter difference");

  const Vector p_after_a = c_.x.p + Uniform(rng_, n, -0.1, 0.1);
  const Vector p_before_b = c_.x.p + 1e-4 * Uniform(rng_, n, -1.0, 1.0);
  const Vector p_after_b = p_before_b + Uniform(rng_, n, -0.1, 0.1);
  Vector before_a, after_a, before_b, after_b;
  model().KineticParameterGradient(c_.x.p, c_.theta, &before_a);
  model().KineticParameterGradient(p_after_a, c_.theta, &after_a);
  model().KineticParameterGradient(p_before_b, c_.theta, &before_b);
  model().KineticParameterGradient(p_after_b, c_.theta, &after_b);
  const double kinetic_scale =
      weight * std::max({before_a.lpNorm<Eigen::Infinity>(), after_a.lpNorm<Eigen::Infinity>(),
                         before_b.lpNorm<Eigen::Infinity>(), after_b.lpNorm<Eigen::Infinity>()});
  Vector half = Vector::Zero(np), half_difference = Vector::Zero(np);
  const KickMomenta kick_a = Kick(c_.x.p, p_after_a), kick_b = Kick(p_before_b, p_after_b);
  kernels.AddHalfStepKineticParameterGradient(kick_a, c_.theta, weight, &half);
  expect_close(half, 0.5 * weight * (before_a + after_a), kinetic_scale, "kinetic half-step sum");
  kernels.AddHalfStepKineticParameterDifference(kick_a, kick_b, c_.theta, weight, &half_difference);
  expect_close(half_difference, 0.5 * weight * (before_a + after_a - before_b - after_b),
               kinetic_scale, "kinetic half-step difference");
}

// H(q, -p) = H(q, p); hence ∇H(Sz x) = Sz ∇H(x), and ∂H/∂θ is even under the flip.
TEST_P(ModelDerivativeTest, TimeReversalInvariance) {
  const PhaseState flipped = MomentumFlip(c_.x);
  EXPECT_DOUBLE_EQ(model().Energy(flipped, c_.theta, c_.u), model().Energy(c_.x, c_.theta, c_.u));
  const PhaseState gradient = model().Gradient(c_.x, c_.theta, c_.u);
  const PhaseState flipped_gradient = model().Gradient(flipped, c_.theta, c_.u);
  ExpectSameVector(flipped_gradient.q, gradient.q, "dH/dq at the flipped state");
  ExpectSameVector(flipped_gradient.p, -gradient.p, "dH/dp at the flipped state");
  ExpectSameVector(model().ParameterGradient(flipped, c_.theta, c_.u),
                   model().ParameterGradient(c_.x, c_.theta, c_.u),
                   "dH/dtheta at the flipped state");
}

// The public checker (physics/derivative_checker.h) passes every model. On
// the large network the energy sums ~800 terms, whose rounding limits
// entry-by-entry differences to about 1e-6 (see kDirectionalStep).
TEST_P(ModelDerivativeTest, PublicDerivativeCheckerPasses) {
  DerivativeCheckOptions options;
  if (!c_.entrywise) options.tolerance = 1e-4;
  const DerivativeReport report = CheckDerivatives(model(), c_.x, c_.theta, c_.u, c_.v, options);
  EXPECT_TRUE(report.passed()) << c_.name << "\n" << report.Table();
  EXPECT_GE(report.checks.size(), 12u) << report.Table();
}

// Expects `call` to throw InputError with every fragment in its message.
template <typename Call>
void ExpectInputError(const Call& call, const std::vector<std::string>& fragments) {
  try {
    call();
    ADD_FAILURE() << "expected an InputError mentioning '" << fragments.front() << "'";
  } catch (const InputError& error) {
    const std::string message = error.what();
    for (const std::string& fragment : fragments) {
      EXPECT_NE(message.find(fragment), std::string::npos)
          << "message '" << message << "' lacks '" << fragment << "'";
    }
  }
}

// Wrong-sized q, p, θ, u or v: InputError naming the argument and the expected size.
TEST_P(ModelDerivativeTest, WrongSizesThrow) {
  const HamiltonianSystem& m = model();
  const std::string n = std::to_string(m.num_dof());
  const Vector short_q = c_.x.q.head(m.num_dof() - 1);
  const Vector long_p = Vector::Zero(m.num_dof() + 1);
  const Vector short_theta = c_.theta.head(m.num_params() - 1);
  const Vector long_u = Vector::Zero(m.num_inputs() + 1);
  const Vector long_v = Vector::Zero(m.num_dof() + 2);
  Vector out;

  ExpectInputError([&] { m.PotentialEnergy(short_q, c_.theta, c_.u); },
                   {"positions q", "expected " + n});
  ExpectInputError([&] { m.KineticGradient(long_p, c_.theta, &out); },
                   {"momenta p", "expected " + n});
  ExpectInputError([&] { m.PotentialParameterGradient(c_.x.q, short_theta, c_.u, &out); },
                   {"parameter vector theta", "expected " + std::to_string(m.num_params())});
  ExpectInputError([&] { m.InputGradient(c_.x.q, c_.theta, long_u, &out); },
                   {"input vector u", "expected " + std::to_string(m.num_inputs())});
  ExpectInputError([&] { m.PotentialHessianProduct(c_.x.q, c_.theta, c_.u, long_v, &out); },
                   {"direction v", "expected " + n});
  ExpectInputError([&] { m.KineticMixedProduct(c_.x.p, c_.theta, long_v, &out); },
                   {"direction v", "expected " + n});
  ExpectInputError([&] { m.InputMixedProduct(c_.x.q, c_.theta, c_.u, long_v, &out); },
                   {"direction v", "expected " + n});
  const PhaseState state_with_short_q{short_q, c_.x.p};
  const PhaseState state_with_long_p{c_.x.q, long_p};
  ExpectInputError([&] { m.Gradient(state_with_short_q, c_.theta, c_.u); },
                   {"positions q", "expected " + n});
  ExpectInputError([&] { m.CheckState(state_with_long_p, "initial state"); },
                   {"initial state", "momenta p", "expected " + n});
  ExpectInputError([&] { m.ValidateParameters(short_theta); }, {"parameter vector theta"});
}

// A NaN anywhere in θ is rejected, naming the parameter.
TEST_P(ModelDerivativeTest, ValidateParametersRejectsNaN) {
  EXPECT_NO_THROW(model().ValidateParameters(c_.theta));
  Vector theta = c_.theta;
  const int last = model().num_params() - 1;
  theta[last] = std::numeric_limits<double>::quiet_NaN();
  ExpectInputError([&] { model().ValidateParameters(theta); },
                   {model().parameter_names()[last], "finite"});
}

INSTANTIATE_TEST_SUITE_P(
    Models, ModelDerivativeTest,
    ::testing::Values("harmonic_all_to_all", "quartic_chain", "cosine_ring", "sparse_200",
                      "log_cosh_4x3", "lc_circuit", "driven_circuit", "varactor_circuit",
                      "parasitic_circuit", "lc_circuit_sparse", "driven_circuit_sparse",
                      "varactor_circuit_sparse", "parasitic_circuit_sparse"),
    [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

// A model whose force is off by 1 %: the checker fails it and names the
// derivatives that disagree, and passes the model it wraps.
class ForceOffByOnePercent final : public HamiltonianSystem {
 public:
  explicit ForceOffByOnePercent(std::shared_ptr<const HamiltonianSystem> inner)
      : HamiltonianSystem(inner->num_dof(), inner->num_inputs(), inner->parameter_names()),
        inner_(std::move(inner)) {}

 private:
  double DoKineticEnergy(const Vector& p, const Vector& t) const override {
    return inner_->KineticEnergy(p, t);
  }
  double DoPotentialEnergy(const Vector& q, const Vector& t, const Vector& u) const override {
    return inner_->PotentialEnergy(q, t, u);
  }
  void DoKineticGradient(const Vector& p, const Vector& t, Vector* out) const override {
    inner_->KineticGradient(p, t, out);
  }
  void DoPotentialGradient(const Vector& q, const Vector& t, const Vector& u,
                           Vector* out) const override {
    inner_->PotentialGradient(q, t, u, out);
    *out *= 1.01;
  }
  void DoKineticHessianProduct(const Vector& p, const Vector& t, const Vector& v,
                               Vector* out) const override {
    inner_->KineticHessianProduct(p, t, v, out);
  }
  void DoPotentialHessianProduct(const Vector& q, const Vector& t, const Vector& u, const Vector& v,
                                 Vector* out) const override {
    inner_->PotentialHessianProduct(q, t, u, v, out);
  }
  void DoKineticParameterGradient(const Vector& p, const Vector& t, Vector* out) const override {
    inner_->KineticParameterGradient(p, t, out);
  }
  void DoPotentialParameterGradient(const Vector& q, const Vector& t, const Vector& u,
                                    Vector* out) const override {
    inner_->PotentialParameterGradient(q, t, u, out);
  }
  void DoKineticMixedProduct(const Vector& p, const Vector& t, const Vector& v,
                             Vector* out) const override {
    inner_->KineticMixedProduct(p, t, v, out);
  }
  void DoPotentialMixedProduct(const Vector& q, const Vector& t, const Vector& u, const Vector& v,
                               Vector* out) const override {
    inner_->PotentialMixedProduct(q, t, u, v, out);
  }
  void DoInputGradient(const Vector& q, const Vector& t, const Vector& u,
                       Vector* out) const override {
    inner_->InputGradient(q, t, u, out);
  }
  void DoInputMixedProduct(const Vector& q, const Vector& t, const Vector& u, const Vector& v,
                           Vector* out) const override {
    inner_->InputMixedProduct(q, t, u, v, out);
  }

  std::shared_ptr<const HamiltonianSystem> inner_;
};

TEST(DerivativeChecker, FailsAForceOffByOnePercentAndNamesIt) {
  const ModelCase c = MakeCase("quartic_chain");
  EXPECT_TRUE(CheckDerivatives(*c.model, c.x, c.theta, c.u, c.v).passed());
  const ForceOffByOnePercent wrong(c.model);
  const DerivativeReport report = CheckDerivatives(wrong, c.x, c.theta, c.u, c.v);
  EXPECT_FALSE(report.passed());
  std::vector<std::string> failed;
  for (const DerivativeCheck& check : report.checks) {
    if (!check.passed) failed.push_back(check.derivative);
  }
  // ∂V/∂q is wrong, and so are the second derivatives taken from it and the
  // fused kicks that must agree with it.
  EXPECT_NE(std::find(failed.begin(), failed.end(), "dV/dq"), failed.end()) << report.Table();
  EXPECT_NE(std::find(failed.begin(), failed.end(), "d2V/dq2 v"), failed.end()) << report.Table();
  EXPECT_EQ(std::find(failed.begin(), failed.end(), "dT/dp"), failed.end()) << report.Table();
  EXPECT_NE(report.Table().find("FAIL"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Model-specific checks.

// The masses must be positive; the message names the offending one.
TEST(OscillatorNetworkTest, RejectsNonPositiveMass) {
  const OscillatorNetwork network(NetworkTopology::Chain(3), PotentialLaw::kHarmonic,
                                  PotentialLaw::kHarmonic);
  const Vector masses = (Vector(3) << 1.0, 0.0, 1.0).finished();
  const Vector theta =
      network.MakeParameters(masses, Eigen::MatrixXd::Ones(3, 1), Eigen::MatrixXd::Ones(2, 1));
  ExpectInputError([&] { network.ValidateParameters(theta); }, {"m_2", "positive"});
  Vector negative = theta;
  negative[1] = 1.0;
  negative[2] = -0.5;
  ExpectInputError([&] { network.ValidateParameters(negative); }, {"m_3"});
}

// Self-couplings, duplicate edges and unknown oscillators are rejected.
TEST(OscillatorNetworkTest, RejectsBadTopologies) {
  NetworkTopology self_coupled = NetworkTopology::Chain(3);
  self_coupled.edges.emplace_back(1, 1);
  ExpectInputError(
      [&] { OscillatorNetwork(self_coupled, PotentialLaw::kHarmonic, PotentialLaw::kHarmonic); },
      {"oscillator 2 is coupled to itself"});

  NetworkTopology duplicate = NetworkTopology::Chain(3);
  duplicate.edges.emplace_back(2, 1);  // (1, 2) again, reversed
  ExpectInputError(
      [&] { OscillatorNetwork(duplicate, PotentialLaw::kHarmonic, PotentialLaw::kHarmonic); },
      {"coupled twice"});

  NetworkTopology outside = NetworkTopology::Chain(3);
  outside.edges.emplace_back(0, 3);
  ExpectInputError(
      [&] { OscillatorNetwork(outside, PotentialLaw::kHarmonic, PotentialLaw::kHarmonic); },
      {"outside 1..3"});

  NetworkTopology bad_drive = NetworkTopology::Chain(3);
  bad_drive.driven_oscillators = {0, 3};
  ExpectInputError(
      [&] { OscillatorNetwork(bad_drive, PotentialLaw::kHarmonic, PotentialLaw::kHarmonic); },
      {"drives oscillator 4", "outside 1..3"});
}

TEST(OscillatorNetworkTest, MakeParametersRejectsWrongSizes) {
  const OscillatorNetwork network(NetworkTopology::Chain(3), PotentialLaw::kQuartic,
                                  PotentialLaw::kCosine);
  const Vector masses = Vector::Ones(3);
  const Eigen::MatrixXd onsite = Eigen::MatrixXd::Ones(3, 2);
  const Eigen::MatrixXd coupling = Eigen::MatrixXd::Ones(2, 1);
  EXPECT_EQ(network.MakeParameters(masses, onsite, coupling).size(), network.num_params());
  ExpectInputError([&] { network.MakeParameters(Vector::Ones(2), onsite, coupling); },
                   {"masses", "expected 3"});
  ExpectInputError([&] { network.MakeParameters(masses, Eigen::MatrixXd::Ones(3, 1), coupling); },
                   {"on-site", "expected 3x2", "quartic"});
  ExpectInputError([&] { network.MakeParameters(masses, onsite, Eigen::MatrixXd::Ones(3, 1)); },
                   {"coupling", "expected 2x1", "cosine"});
}

TEST(OscillatorNetworkTest, DiagonalMassesAreTheMassParameters) {
  const ModelCase c = MakeCase("quartic_chain");
  const std::optional<Vector> masses = c.model->DiagonalMasses(c.theta);
  ASSERT_TRUE(masses.has_value());
  EXPECT_EQ(*masses, c.theta.head(c.model->num_dof()));
}

TEST(ScalarPotentialTest, ParsePotentialLawRejectsUnknownName) {
  EXPECT_EQ(ParsePotentialLaw("duffing", "onsite"), PotentialLaw::kQuartic);
  EXPECT_EQ(ParsePotentialLaw("josephson", "coupling"), PotentialLaw::kCosine);
  ExpectInputError([] { ParsePotentialLaw("morse", "network.onsite_law"); },
                   {"network.onsite_law", "morse"});
}

// θ = (alpha, a, b, B row by row), and MakeParameters follows the names.
TEST(LogCoshNetworkTest, ParameterNamesAndLayout) {
  const LogCoshNetwork network(2, 3);
  const std::vector<std::string> expected = {"alpha", "a_1",   "a_2",   "b_1",   "b_2",  "B_1_1",
                                             "B_1_2", "B_1_3", "B_2_1", "B_2_2", "B_2_3"};
  EXPECT_EQ(network.parameter_names(), expected);

  Eigen::MatrixXd input_matrix(2, 3);
  input_matrix << 11.0, 12.0, 13.0, 21.0, 22.0, 23.0;
  const Vector theta = network.MakeParameters(0.5, Eigen::Vector2d(1.0, 2.0),
                                              Eigen::Vector2d(-1.0, -2.0), input_matrix);
  const Vector expected_theta =
      (Vector(11) << 0.5, 1.0, 2.0, -1.0, -2.0, 11.0, 12.0, 13.0, 21.0, 22.0, 23.0).finished();
  EXPECT_EQ(theta, expected_theta);
}

TEST(LogCoshNetworkTest, RejectsZeroSlopeAndWrongSizes) {
  const LogCoshNetwork network(4, 1);
  const Vector slopes = (Vector(4) << 1.0, -1.0, 0.0, 2.0).finished();
  const Eigen::MatrixXd input_matrix = Eigen::MatrixXd::Ones(4, 1);
  const Vector theta = network.MakeParameters(0.1, slopes, Vector::Zero(4), input_matrix);
  ExpectInputError([&] { network.ValidateParameters(theta); }, {"a_3", "nonzero"});

  ExpectInputError(
      [&] { network.MakeParameters(0.1, Vector::Ones(3), Vector::Zero(4), input_matrix); },
      {"slopes", "expected 4"});
  ExpectInputError([&] { network.MakeParameters(0.1, slopes, Vector::Zero(5), input_matrix); },
                   {"biases", "expected 4"});
  ExpectInputError(
      [&] { network.MakeParameters(0.1, slopes, Vector::Zero(4), Eigen::MatrixXd::Ones(4, 2)); },
      {"input matrix B", "expected 4x1"});
}

// For |z| ≫ 1, log cosh z = |z| - log 2 to machine precision, with no overflow.
TEST(LogCoshNetworkTest, StableForLargePreactivations) {
  const LogCoshNetwork network(1, 0);
  const Vector theta =
      network.MakeParameters(0.0, Vector::Constant(1, 2.0), Vector::Zero(1), Eigen::MatrixXd(1, 0));
  const Vector q = Vector::Constant(1, 500.0);  // z = 1000: cosh z overflows a double
  const Vector no_input(0);
  const double expected = (1000.0 - std::log(2.0)) / 2.0;
  EXPECT_DOUBLE_EQ(network.PotentialEnergy(q, theta, no_input), expected);
  EXPECT_DOUBLE_EQ(network.PotentialEnergy(-q, theta, no_input), expected);
  Vector hessian;
  network.PotentialHessianProduct(q, theta, no_input, Vector::Ones(1), &hessian);
  EXPECT_TRUE(std::isfinite(hessian[0]));
  EXPECT_GE(hessian[0], 0.0);
}

TEST(LogCoshNetworkTest, UnitMasses) {
  const ModelCase c = LogCoshCase();
  const std::optional<Vector> masses = c.model->DiagonalMasses(c.theta);
  ASSERT_TRUE(masses.has_value());
  EXPECT_EQ(*masses, Vector::Ones(4));
}

}  // namespace
}  // namespace echolab

// One HRU: backpropagation through time against central finite differences (every raw
// parameter and every force input), then discrete RHEL against BPTT (exact at any β for the
// linear unit, an O(β²) error for the log-cosh unit).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <iostream>
#include <memory>
#include <random>

#include "common/error.h"
#include "learning/hssm/hru_core.h"
#include "learning/hssm/linear_hru.h"
#include "learning/hssm/logcosh_hru.h"

namespace echolab {
namespace {

constexpr int kStateSize = 3;
constexpr int kBatch = 2;
constexpr int kSteps = 12;

enum class Unit { kLinear, kLogCosh };

struct HruCase {
  Unit unit = Unit::kLinear;
  Eigen::VectorXd raw;
  Eigen::MatrixXd forces;   // P × (K · batch)
  Eigen::MatrixXd targets;  // P × (K · batch)
};

std::unique_ptr<HruUnit> MakeUnit(const HruCase& c, const Eigen::VectorXd& raw) {
  if (c.unit == Unit::kLinear) return std::make_unique<LinearHru>(raw, kStateSize);
  return std::make_unique<LogCoshHru>(raw, kStateSize, 0.3);
}

HruCase MakeCase(Unit unit, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  HruCase c;
  c.unit = unit;
  c.raw = Eigen::VectorXd(unit == Unit::kLinear ? LinearHru::ParameterCount(kStateSize)
                                                : LogCoshHru::ParameterCount(kStateSize));
  if (unit == Unit::kLinear) {
    LinearHru::Initialise(c.raw, rng);
  } else {
    LogCoshHru::Initialise(c.raw, rng);
    // b = 0 at initialisation; move it off zero so that its gradient is exercised generically.
    for (int i = 0; i < kStateSize; ++i) c.raw(kStateSize + i) = 0.3 * normal(rng);
  }
  c.forces = Eigen::MatrixXd::NullaryExpr(kStateSize, kSteps * kBatch, [&] { return normal(rng); });
  c.targets =
      Eigen::MatrixXd::NullaryExpr(kStateSize, kSteps * kBatch, [&] { return 0.5 * normal(rng); });
  return c;
}

// L = Σ_k ½ |q_(k+1) − y_k|², and its gradient sequence dL/dq_(k+1) = q_(k+1) − y_k.
double Loss(const HruUnit& unit, const HruCase& c, const Eigen::MatrixXd& forces,
            Eigen::MatrixXd* position_gradients) {
  double loss = 0.0;
  Eigen::MatrixXd gradients(kStateSize, forces.cols());
  RunHru(unit, forces, kBatch, [&](int k, const Eigen::MatrixXd& q) {
    const Eigen::MatrixXd residual = q - StepColumns(c.targets, k, kBatch);
    loss += 0.5 * residual.squaredNorm();
    StepColumns(gradients, k, kBatch) = residual;
  });
  if (position_gradients != nullptr) *position_gradients = gradients;
  return loss;
}

HruGradient Bptt(const HruCase& c) {
  const auto unit = MakeUnit(c, c.raw);
  Eigen::MatrixXd position_gradients;
  Loss(*unit, c, c.forces, &position_gradients);
  const HruTrajectory trajectory = RunHruRecorded(*unit, c.forces, kBatch, nullptr);
  return BpttHruGradient(*unit, c.forces, kBatch, trajectory, position_gradients);
}

HruGradient Rhel(const HruCase& c, double beta) {
  const auto unit = MakeUnit(c, c.raw);
  Eigen::MatrixXd position_gradients;
  Loss(*unit, c, c.forces, &position_gradients);
  const HruState final_state = RunHru(*unit, c.forces, kBatch, nullptr);
  return EchoHruGradient(*unit, c.forces, kBatch, final_state, position_gradients, beta, nullptr);
}

double RelativeError(const Eigen::MatrixXd& estimate, const Eigen::MatrixXd& truth) {
  return (estimate - truth).norm() / truth.norm();
}

double LogLogSlope(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    mx += std::log(x[i]) / static_cast<double>(x.size());
    my += std::log(y[i]) / static_cast<double>(x.size());
  }
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (std::log(x[i]) - mx) * (std::log(y[i]) - my);
    sxx += (std::log(x[i]) - mx) * (std::log(x[i]) - mx);
  }
  return sxy / sxx;
}

void ExpectBpttMatchesFiniteDifferences(Unit kind) {
  const HruCase c = MakeCase(kind, 7);
  const HruGradient bptt = Bptt(c);
  const double h = 1e-6;
  Eigen::VectorXd fd_parameters(c.raw.size());
  for (Eigen::Index i = 0; i < c.raw.size(); ++i) {
    Eigen::VectorXd plus = c.raw, minus = c.raw;
    plus(i) += h;
    minus(i) -= h;
    fd_parameters(i) = (Loss(*MakeUnit(c, plus), c, c.forces, nullptr) -
                        Loss(*MakeUnit(c, minus), c, c.forces, nullptr)) /
                       (2 * h);
  }
  const auto unit = MakeUnit(c, c.raw);
  Eigen::MatrixXd fd_forces(c.forces.rows(), c.forces.cols());
  for (Eigen::Index i = 0; i < c.forces.size(); ++i) {
    Eigen::MatrixXd plus = c.forces, minus = c.forces;
    plus(i) += h;
    minus(i) -= h;
    fd_forces(i) = (Loss(*unit, c, plus, nullptr) - Loss(*unit, c, minus, nullptr)) / (2 * h);
  }
  for (Eigen::Index i = 0; i < c.raw.size(); ++i) {
    EXPECT_NEAR(bptt.parameters(i), fd_parameters(i), 1e-6 * (1 + std::abs(fd_parameters(i))))
        << "raw parameter " << i;
  }
  const double parameter_error = RelativeError(bptt.parameters, fd_parameters);
  const double force_error = RelativeError(bptt.forces, fd_forces);
  std::cout << fmt::format("BPTT vs central FD ({}): parameters {:.2e}, inputs {:.2e}\n",
                           kind == Unit::kLinear ? "linear" : "logcosh", parameter_error,
                           force_error);
  EXPECT_LT(parameter_error, 1e-7);
  EXPECT_LT(force_error, 1e-7);
}

TEST(HruBptt, LinearUnitMatchesFiniteDifferences) {
  ExpectBpttMatchesFiniteDifferences(Unit::kLinear);
}

TEST(HruBptt, LogCoshUnitMatchesFiniteDifferences) {
  ExpectBpttMatchesFiniteDifferences(Unit::kLogCosh);
}

TEST(HruRhel, LinearUnitEqualsBpttAtAnyBeta) {
  const HruCase c = MakeCase(Unit::kLinear, 11);
  const HruGradient bptt = Bptt(c);
  for (double beta : {1e-4, 1e-1, 10.0}) {
    const HruGradient rhel = Rhel(c, beta);
    const double parameter_error = RelativeError(rhel.parameters, bptt.parameters);
    const double force_error = RelativeError(rhel.forces, bptt.forces);
    std::cout << fmt::format("linear HRU, beta {:g}: parameters {:.2e}, inputs {:.2e}\n", beta,
                             parameter_error, force_error);
    EXPECT_LT(parameter_error, 1e-9);
    EXPECT_LT(force_error, 1e-9);
  }
}

TEST(HruRhel, LogCoshUnitErrorShrinksLikeBetaSquared) {
  const HruCase c = MakeCase(Unit::kLogCosh, 13);
  const HruGradient bptt = Bptt(c);
  std::vector<double> betas{0.4, 0.2, 0.1, 0.05}, errors;
  for (double beta : betas) {
    const HruGradient rhel = Rhel(c, beta);
    errors.push_back(RelativeError(rhel.parameters, bptt.parameters) +
                     RelativeError(rhel.forces, bptt.forces));
    std::cout << fmt::format("logcosh HRU, beta {:g}: error {:.3e}\n", beta, errors.back());
  }
  const double slope = LogLogSlope(betas, errors);
  std::cout << fmt::format("logcosh HRU: log-log slope {:.3f}\n", slope);
  EXPECT_NEAR(slope, 2.0, 0.3);
}

TEST(HruRhel, EchoRetracesTheForwardPositions) {
  const HruCase c = MakeCase(Unit::kLinear, 17);
  const auto unit = MakeUnit(c, c.raw);
  Eigen::MatrixXd forward(kStateSize, c.forces.cols()), echo(kStateSize, c.forces.cols());
  const HruState final_state =
      RunHru(*unit, c.forces, kBatch,
             [&](int k, const Eigen::MatrixXd& q) { StepColumns(forward, k, kBatch) = q; });
  const Eigen::MatrixXd nudges = Eigen::MatrixXd::Ones(kStateSize, c.forces.cols());
  EchoHruGradient(*unit, c.forces, kBatch, final_state, nudges, 0.5,
                  [&](int k, const Eigen::MatrixXd& q) { StepColumns(echo, k, kBatch) = q; });
  EXPECT_LT((echo - forward).norm(), 1e-12 * forward.norm());
}

// Retracing the forward pass backwards (time reversibility of the leapfrog) observes the
// forward positions q_(k+1) and returns to rest, for both units.
TEST(HruCore, RetreatRetracesTheForwardPassToRest) {
  for (Unit kind : {Unit::kLinear, Unit::kLogCosh}) {
    const HruCase c = MakeCase(kind, 23);
    const auto unit = MakeUnit(c, c.raw);
    Eigen::MatrixXd forward(kStateSize, c.forces.cols()), retraced(kStateSize, c.forces.cols());
    HruState state =
        RunHru(*unit, c.forces, kBatch,
               [&](int k, const Eigen::MatrixXd& q) { StepColumns(forward, k, kBatch) = q; });
    RetreatHru(*unit, c.forces, kBatch, state,
               [&](int k, const Eigen::MatrixXd& q) { StepColumns(retraced, k, kBatch) = q; });
    EXPECT_LT((retraced - forward).norm(), 1e-12 * forward.norm());
    EXPECT_LT(state.q.norm() + state.p.norm(), 1e-12 * forward.norm());
  }
}

// The linear unit's pair forms (no nearly equal values subtracted) against the generic
// ones, which evaluate the unit at m + d and m − d.
TEST(HruUnitPairs, LinearFormsMatchTheGenericOnes) {
  const HruCase c = MakeCase(Unit::kLinear, 23);
  const LinearHru unit(c.raw, kStateSize);
  std::mt19937_64 rng(29);
  std::normal_distribution<double> normal(0.0, 1.0);
  auto random = [&](double scale) {
    const Eigen::MatrixXd out =
        Eigen::MatrixXd::NullaryExpr(kStateSize, kBatch, [&, scale] { return scale * normal(rng); });
    return out;
  };
  const Eigen::MatrixXd m = random(1.0), d = random(0.1), f = random(1.0), w = random(1.0);
  Eigen::MatrixXd g_mean(kStateSize, kBatch), g_half(kStateSize, kBatch), generic_mean,
      generic_half;
  unit.PotentialGradientPair(m, d, f, g_mean, g_half);
  unit.HruUnit::PotentialGradientPair(m, d, f, generic_mean, generic_half);
  EXPECT_LT((g_mean - generic_mean).norm(), 1e-14);
  EXPECT_LT((g_half - generic_half).norm(), 1e-14);
  Eigen::MatrixXd v(kStateSize, kBatch), generic_v;
  unit.PotentialHalfDifference(m, d, f, v);
  unit.HruUnit::PotentialHalfDifference(m, d, f, generic_v);
  EXPECT_LT((v - generic_v).norm(), 1e-14);
  Eigen::VectorXd grad = Eigen::VectorXd::Zero(unit.parameter_count()), generic_grad = grad;
  Eigen::MatrixXd force(kStateSize, kBatch), generic_force;
  unit.AddPotentialParameterHalfDifference(m, d, f, w, grad, force);
  unit.HruUnit::AddPotentialParameterHalfDifference(m, d, f, w, generic_grad, generic_force);
  EXPECT_LT((grad - generic_grad).norm(), 1e-14);
  EXPECT_LT((force - generic_force).norm(), 1e-14);
}

TEST(HruCore, RejectsInputsOfTheWrongShape) {
  const HruCase c = MakeCase(Unit::kLinear, 19);
  const auto unit = MakeUnit(c, c.raw);
  const HruState final_state = RunHru(*unit, c.forces, kBatch, nullptr);
  const Eigen::MatrixXd nudges = Eigen::MatrixXd::Zero(kStateSize, c.forces.cols());
  auto expect_error = [](const std::function<void()>& f, const std::string& field) {
    try {
      f();
      ADD_FAILURE() << "no InputError for " << field;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expect_error([&] { RunHru(*unit, c.forces.topRows(2), kBatch, nullptr); }, "forces");
  expect_error([&] { RunHru(*unit, c.forces.leftCols(3), kBatch, nullptr); }, "forces");
  expect_error(
      [&] {
        EchoHruGradient(*unit, c.forces, kBatch, final_state, nudges.leftCols(2), 0.1, nullptr);
      },
      "position_gradients");
  expect_error([&] { EchoHruGradient(*unit, c.forces, kBatch, {}, nudges, 0.1, nullptr); },
               "final_state.q");
  expect_error([&] { EchoHruGradient(*unit, c.forces, kBatch, final_state, nudges, 0.0, nullptr); },
               "beta");
  expect_error([&] { BpttHruGradient(*unit, c.forces, kBatch, {}, nudges); }, "trajectory.q");
}

}  // namespace
}  // namespace echolab

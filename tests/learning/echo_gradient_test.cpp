// The echo gradient against the exact gradient of the discrete map
// (DiscreteAdjointGradient), which is itself checked against finite
// differences: exact for linear substrates at any β, O(β²) centred and O(β)
// one-sided for nonlinear ones, pointwise in time.

#include "learning/echo_gradient.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>

#include "common/error.h"
#include "learning/adjoint_gradient.h"
#include "learning/discrete_adjoint_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "learning/gradient_method_registry.h"
#include "learning_fixtures.h"
#include "physics/integrator.h"

namespace echolab {
namespace {

using testing::Flat;
using testing::RelativeError;

GradientResult ComputeOk(const GradientMethod& method, const GradientProblem& problem) {
  GradientResult result = method.Compute(problem);
  EXPECT_TRUE(result.ok()) << result.method << ": " << result.message;
  return result;
}

// Slope of log(error) against log(beta), least squares.
double LogLogSlope(const std::vector<double>& beta, const std::vector<double>& error) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < beta.size(); ++i) {
    mx += std::log(beta[i]);
    my += std::log(error[i]);
  }
  mx /= static_cast<double>(beta.size());
  my /= static_cast<double>(beta.size());
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < beta.size(); ++i) {
    sxy += (std::log(beta[i]) - mx) * (std::log(error[i]) - my);
    sxx += (std::log(beta[i]) - mx) * (std::log(beta[i]) - mx);
  }
  return sxy / sxx;
}

TEST(DiscreteAdjoint, MatchesFiniteDifferencesOfTheDiscreteLoss) {
  for (auto owned : {testing::PaperSixOscillatorProblem(), testing::NonlinearChainProblem()}) {
    for (const std::string& scheme : CompositionSchemeNames()) {
      owned.problem.integrator.scheme = scheme;
      const GradientResult adjoint = ComputeOk(DiscreteAdjointGradient(), owned.problem);
      const GradientResult fd = ComputeOk(FiniteDifferenceGradient(), owned.problem);
      const double theta_error = RelativeError(adjoint.dL_dtheta, fd.dL_dtheta);
      const double x0_error = RelativeError(Flat(adjoint.dL_dx0), Flat(fd.dL_dx0));
      std::cout << fmt::format("{} dof, {}: discrete adjoint vs FD: dθ {:.2e}, dx0 {:.2e}\n",
                               owned.system->num_dof(), scheme, theta_error, x0_error);
      EXPECT_NEAR(adjoint.loss, fd.loss, 1e-14 * std::abs(fd.loss));
      EXPECT_LT(theta_error, 1e-7);
      EXPECT_LT(x0_error, 1e-7);
    }
  }
}

// Linear substrate: the echo is affine in β, so the centred estimate equals
// the discrete adjoint for any β, parameters, initial state, inputs, and
// λ at every step.
TEST(EchoGradient, CentredEqualsDiscreteAdjointOnLinearNetworksForAnyBeta) {
  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.record_adjoint = true;
  for (const std::string& scheme : CompositionSchemeNames()) {
    owned.problem.integrator.scheme = scheme;
    const GradientResult reference = ComputeOk(DiscreteAdjointGradient(), owned.problem);
    for (double beta : {1e-4, 1e-2, 1.0, 10.0}) {
      const GradientResult echo = ComputeOk(EchoGradient({.beta = beta}), owned.problem);
      const double theta_error = RelativeError(echo.dL_dtheta, reference.dL_dtheta);
      const double x0_error = RelativeError(Flat(echo.dL_dx0), Flat(reference.dL_dx0));
      const double input_error = (echo.dL_du - reference.dL_du).norm() / reference.dL_du.norm();
      double lambda_error = 0.0;
      ASSERT_EQ(echo.adjoint.size(), reference.adjoint.size());
      for (size_t k = 0; k < echo.adjoint.size(); ++k) {
        lambda_error =
            std::max(lambda_error,
                     (Flat(echo.adjoint[k]) - Flat(reference.adjoint[k])).cwiseAbs().maxCoeff());
      }
      double lambda_scale = 0.0;
      for (const PhaseState& lambda : reference.adjoint) {
        lambda_scale = std::max(lambda_scale, Flat(lambda).cwiseAbs().maxCoeff());
      }
      std::cout << fmt::format(
          "{} beta {:g}: dθ {:.2e}, dx0 {:.2e}, du {:.2e}, max |λ error| / max |λ| {:.2e}\n",
          scheme, beta, theta_error, x0_error, input_error, lambda_error / lambda_scale);
      EXPECT_LT(theta_error, 1e-8);
      EXPECT_LT(x0_error, 1e-8);
      EXPECT_LT(input_error, 1e-8);
      EXPECT_LT(lambda_error / lambda_scale, 1e-8);
      EXPECT_NEAR(echo.loss, reference.loss, 1e-14 * reference.loss);
      EXPECT_EQ(echo.passes, 3);
    }
  }
}

// Against the continuous truth: with the fourth-order scheme the echo is
// within 1e-6 of the CVODES adjoint; the input-gradient density of a
// leapfrog echo approaches the adjoint's at the same kick times as h².
TEST(EchoGradient, MatchesTheContinuousAdjointAtTightTolerances) {
  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.integrator.scheme = "yoshida4";
  owned.problem.integrator.step_s = 0.005;
  owned.problem.integrator.rtol = 1e-12;
  owned.problem.integrator.atol = 1e-14;
  const GradientResult adjoint = ComputeOk(AdjointGradient(), owned.problem);
  const GradientResult echo = ComputeOk(EchoGradient({.beta = 1e-3}), owned.problem);
  const double theta_error = RelativeError(echo.dL_dtheta, adjoint.dL_dtheta);
  const double x0_error = RelativeError(Flat(echo.dL_dx0), Flat(adjoint.dL_dx0));
  std::cout << fmt::format("yoshida4 echo vs CVODES adjoint: dθ {:.2e}, dx0 {:.2e}\n", theta_error,
                           x0_error);
  EXPECT_LT(theta_error, 1e-6);
  EXPECT_LT(x0_error, 1e-6);

  owned.problem.integrator.scheme = "leapfrog";
  std::vector<double> input_errors;
  for (double h : {0.01, 0.005}) {
    owned.problem.integrator.step_s = h;
    const GradientResult reference = ComputeOk(AdjointGradient(), owned.problem);
    const GradientResult leapfrog = ComputeOk(EchoGradient({.beta = 1e-3}), owned.problem);
    ASSERT_EQ(leapfrog.input_times_s.size(), reference.input_times_s.size());
    EXPECT_NEAR(leapfrog.input_times_s[7], reference.input_times_s[7], 1e-12);
    input_errors.push_back((leapfrog.dL_du - reference.dL_du).norm() / reference.dL_du.norm());
  }
  std::cout << fmt::format("leapfrog echo dL/du vs adjoint: h 0.01 {:.2e}, h 0.005 {:.2e}\n",
                           input_errors[0], input_errors[1]);
  EXPECT_NEAR(std::log2(input_errors[0] / input_errors[1]), 2.0, 0.3);
  EXPECT_LT(input_errors[1], 1e-3);
}

// Nonlinear substrate: centred error ~ β², one-sided ~ β, for both nudges.
TEST(EchoGradient, ErrorSlopesInBetaOnNonlinearNetworks) {
  const auto owned = testing::NonlinearChainProblem();
  const GradientResult reference = ComputeOk(DiscreteAdjointGradient(), owned.problem);
  const std::vector<double> betas = {0.4, 0.2, 0.1, 0.05};
  struct Case {
    EchoEstimator estimator;
    NudgeReference nudge;
    double expected_slope;
    const char* label;
  };
  for (const Case& c :
       {Case{EchoEstimator::kCentred, NudgeReference::kLinearized, 2.0,
             "centred, linearized nudge"},
        Case{EchoEstimator::kCentred, NudgeReference::kPhysical, 2.0, "centred, physical nudge"},
        Case{EchoEstimator::kOneSided, NudgeReference::kLinearized, 1.0,
             "one-sided, linearized nudge"},
        Case{EchoEstimator::kOneSided, NudgeReference::kPhysical, 1.0,
             "one-sided, physical nudge"}}) {
    std::vector<double> theta_errors, x0_errors;
    for (double beta : betas) {
      const GradientResult echo = ComputeOk(
          EchoGradient({.beta = beta, .estimator = c.estimator, .nudge = c.nudge}), owned.problem);
      theta_errors.push_back(RelativeError(echo.dL_dtheta, reference.dL_dtheta));
      x0_errors.push_back(RelativeError(Flat(echo.dL_dx0), Flat(reference.dL_dx0)));
    }
    const double theta_slope = LogLogSlope(betas, theta_errors);
    const double x0_slope = LogLogSlope(betas, x0_errors);
    std::cout << fmt::format("{}: dθ errors {:.2e} .. {:.2e}, slope {:.2f}; dx0 slope {:.2f}\n",
                             c.label, theta_errors.front(), theta_errors.back(), theta_slope,
                             x0_slope);
    EXPECT_NEAR(theta_slope, c.expected_slope, 0.3) << c.label;
    EXPECT_NEAR(x0_slope, c.expected_slope, 0.3) << c.label;
  }
}

TEST(EchoGradient, OneSidedUsesTwoPassesWithAPhysicalNudge) {
  const auto owned = testing::NonlinearChainProblem();
  const GradientResult echo = ComputeOk(EchoGradient({.beta = 1e-3,
                                                      .estimator = EchoEstimator::kOneSided,
                                                      .nudge = NudgeReference::kPhysical}),
                                        owned.problem);
  EXPECT_EQ(echo.passes, 2);
  EXPECT_EQ(echo.method, "echo_one_sided");
}

// The continuous echo on adaptive schemes (physical nudge, sequential
// echoes) against the continuous adjoint: the error is O(β²) plus the
// tolerance-level failure of the adaptive echo to retrace exactly.
TEST(EchoGradient, ContinuousEchoOnAdaptiveSchemesMatchesTheAdjoint) {
  auto owned = testing::NonlinearChainProblem();
  owned.problem.integrator.rtol = 1e-11;
  owned.problem.integrator.atol = 1e-13;
  owned.problem.integrator.step_s = 0.005;
  const GradientResult reference = ComputeOk(AdjointGradient(), owned.problem);
  for (const char* scheme : {"cvode_adams", "arkode_dopri5", "arkode_verner6", "odeint_dopri5"}) {
    owned.problem.integrator.scheme = scheme;
    const GradientResult centred =
        ComputeOk(EchoGradient({.beta = 1e-4, .nudge = NudgeReference::kPhysical}), owned.problem);
    const GradientResult one_sided = ComputeOk(EchoGradient({.beta = 1e-4,
                                                             .estimator = EchoEstimator::kOneSided,
                                                             .nudge = NudgeReference::kPhysical}),
                                               owned.problem);
    const double centred_error = RelativeError(centred.dL_dtheta, reference.dL_dtheta);
    const double x0_error = RelativeError(Flat(centred.dL_dx0), Flat(reference.dL_dx0));
    const double one_sided_error = RelativeError(one_sided.dL_dtheta, reference.dL_dtheta);
    std::cout << fmt::format("{}: centred dθ {:.2e}, dx0 {:.2e}; one-sided dθ {:.2e}\n", scheme,
                             centred_error, x0_error, one_sided_error);
    EXPECT_LT(centred_error, 1e-5) << scheme;
    EXPECT_LT(x0_error, 1e-5) << scheme;
    EXPECT_LT(one_sided_error, 1e-2) << scheme;
    EXPECT_EQ(centred.passes, 3);
    EXPECT_EQ(one_sided.passes, 2);
  }
}

// Damped passes (theory.md section 5): the reweighted gain echo matches the
// adjoint of the damped system for mass-proportional damping, and measurably
// does not when the decay rates differ between degrees of freedom; the naive
// echo's error grows with γT.
TEST(EchoGradient, ReweightedGainEchoIsExactForUniformDamping) {
  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.integrator.scheme = "yoshida4";
  owned.problem.integrator.step_s = 0.005;
  owned.problem.integrator.rtol = 1e-12;
  owned.problem.integrator.atol = 1e-14;
  const EchoOptions reweighted{.beta = 1e-3, .damping = EchoDamping::kGainReweighted};

  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 0.1;
  const GradientResult adjoint = ComputeOk(AdjointGradient(), owned.problem);
  const GradientResult echo = ComputeOk(EchoGradient(reweighted), owned.problem);
  const double uniform_error = RelativeError(echo.dL_dtheta, adjoint.dL_dtheta);
  const double x0_error = RelativeError(Flat(echo.dL_dx0), Flat(adjoint.dL_dx0));

  // The same mean decay rate, spread unevenly over the oscillators (masses 1).
  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 0.0;
  owned.problem.forward.dissipation.friction_N_s_per_m = Vector{{0.02, 0.18, 0.05, 0.15, 0.1, 0.1}};
  const GradientResult uneven_adjoint = ComputeOk(AdjointGradient(), owned.problem);
  const GradientResult uneven_echo = ComputeOk(EchoGradient(reweighted), owned.problem);
  const double uneven_error = RelativeError(uneven_echo.dL_dtheta, uneven_adjoint.dL_dtheta);
  std::cout << fmt::format(
      "reweighted gain echo vs adjoint: uniform γ = 0.1: dθ {:.2e}, dx0 {:.2e}; uneven rates "
      "(mean 0.1): dθ {:.2e}\n",
      uniform_error, x0_error, uneven_error);
  EXPECT_LT(uniform_error, 1e-6);
  EXPECT_LT(x0_error, 1e-6);
  EXPECT_GT(uneven_error, 1e-3);
}

TEST(EchoGradient, NaiveEchoErrorGrowsWithDamping) {
  auto owned = testing::PaperSixOscillatorProblem();
  std::vector<double> errors;
  for (double gamma : {0.003, 0.01, 0.03, 0.1}) {
    owned.problem.forward.dissipation.momentum_decay_rate_per_s = gamma;
    const GradientResult reference = ComputeOk(DiscreteAdjointGradient(), owned.problem);
    const GradientResult naive = ComputeOk(EchoGradient({.beta = 1e-3}), owned.problem);
    const GradientResult gain =
        ComputeOk(EchoGradient({.beta = 1e-3, .damping = EchoDamping::kGain}), owned.problem);
    errors.push_back(RelativeError(naive.dL_dtheta, reference.dL_dtheta));
    std::cout << fmt::format("γT = {:.3f}: naive echo {:.2e}, gain echo {:.2e}\n",
                             gamma * owned.problem.forward.duration_s, errors.back(),
                             RelativeError(gain.dL_dtheta, reference.dL_dtheta));
  }
  for (size_t k = 1; k < errors.size(); ++k) EXPECT_GT(errors[k], errors[k - 1]);
}

// On a damped pass no estimator may divide a bias by β: the one-sided echo
// takes its reference from an unnudged echo, which on a naive damped pass
// does not retrace the forward pass. Every estimator's error against the
// gradient of the damped system (the discrete adjoint on the fixed-step grid,
// the continuous adjoint on an adaptive scheme) is bounded as β → 0.
TEST(EchoGradient, EveryEstimatorsBiasOnADampedPassIsBoundedAsBetaVanishes) {
  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 0.1;
  const std::vector<double> betas = {1e-2, 1e-3, 1e-4};
  const auto check = [&](const GradientResult& truth, EchoOptions options, const char* label) {
    std::vector<double> theta_errors, x0_errors;
    for (double beta : betas) {
      options.beta = beta;
      const GradientResult echo = ComputeOk(EchoGradient(options), owned.problem);
      theta_errors.push_back(RelativeError(echo.dL_dtheta, truth.dL_dtheta));
      x0_errors.push_back(RelativeError(Flat(echo.dL_dx0), Flat(truth.dL_dx0)));
    }
    std::cout << fmt::format("γT = 0.8, {}: dθ error {::.3e}, dx0 error {::.3e} at β = {}\n", label,
                             theta_errors, x0_errors, betas);
    for (const auto* errors : {&theta_errors, &x0_errors}) {
      EXPECT_LT(errors->back(), 2.0 * errors->front() + 1e-9) << label;
      EXPECT_LT(errors->back(), 1.5 * (*errors)[1] + 1e-9) << label;
    }
  };
  const GradientResult discrete = ComputeOk(DiscreteAdjointGradient(), owned.problem);
  for (EchoDamping damping : {EchoDamping::kNaive, EchoDamping::kGain}) {
    for (EchoEstimator estimator : {EchoEstimator::kCentred, EchoEstimator::kOneSided}) {
      for (NudgeReference nudge : {NudgeReference::kLinearized, NudgeReference::kPhysical}) {
        const std::string label =
            fmt::format("{} {} {}", damping == EchoDamping::kNaive ? "naive" : "gain",
                        estimator == EchoEstimator::kCentred ? "centred" : "one-sided",
                        nudge == NudgeReference::kLinearized ? "linearized" : "physical");
        check(discrete, {.estimator = estimator, .nudge = nudge, .damping = damping},
              label.c_str());
      }
    }
  }
  check(discrete, {.damping = EchoDamping::kGainReweighted}, "reweighted gain centred");

  owned.problem.integrator.scheme = "cvode_adams";
  owned.problem.integrator.rtol = 1e-11;
  owned.problem.integrator.atol = 1e-13;
  const GradientResult continuous = ComputeOk(AdjointGradient(), owned.problem);
  for (EchoEstimator estimator : {EchoEstimator::kCentred, EchoEstimator::kOneSided}) {
    check(continuous, {.estimator = estimator, .nudge = NudgeReference::kPhysical},
          estimator == EchoEstimator::kCentred ? "naive centred, cvode_adams"
                                               : "naive one-sided, cvode_adams");
  }
}

// Thermal noise in every pass (baoab, an independent realisation per pass):
// the centred estimate's error against β falls like σ/β, then rises like β²,
// with an interior minimum (theory.md section 5). The truth is the adjoint of
// the noise-free damped system; errors are averaged over three seeds.
TEST(EchoGradient, WithThermalNoiseTheErrorAgainstBetaHasAnInteriorMinimum) {
  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.integrator.scheme = "baoab";
  owned.problem.integrator.step_s = 0.005;
  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 1e-3;
  const GradientResult truth = ComputeOk(AdjointGradient(), owned.problem);
  const std::vector<double> betas = {1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0};
  std::vector<double> errors;
  for (double beta : betas) {
    double error = 0.0;
    for (std::uint64_t seed : {1u, 101u, 201u}) {
      owned.problem.forward.noise = {.thermal_energy_J = 1e-6, .seed = seed};
      const GradientResult echo = ComputeOk(
          EchoGradient({.beta = beta, .nudge = NudgeReference::kPhysical}), owned.problem);
      error += RelativeError(echo.dL_dtheta, truth.dL_dtheta) / 3.0;
    }
    errors.push_back(error);
    std::cout << fmt::format("kB T = 1e-6 J, beta {:g}: error {:.3e}\n", beta, error);
  }
  const auto best = std::min_element(errors.begin(), errors.end()) - errors.begin();
  EXPECT_GT(best, 0);
  EXPECT_LT(best, static_cast<long>(errors.size()) - 1);
  EXPECT_GT(errors.front(), 3.0 * errors[static_cast<size_t>(best)]);
  EXPECT_GT(errors.back(), 3.0 * errors[static_cast<size_t>(best)]);
}

// Finite differences on baoab keep the noise realisation of the seed (common
// random numbers): the pathwise gradient of that path. It is smooth (two
// steps agree), differs between realisations, and tends to the noise-free
// gradient like √(kB T) as the noise vanishes.
TEST(FiniteDifferenceGradient, PathwiseGradientOfANoiseRealisation) {
  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.integrator.scheme = "baoab";
  owned.problem.integrator.step_s = 0.005;
  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 1e-3;
  const GradientResult truth = ComputeOk(AdjointGradient(), owned.problem);
  std::vector<double> energies = {1e-4, 1e-6, 1e-8}, errors;
  for (double kT : energies) {
    owned.problem.forward.noise = {.thermal_energy_J = kT, .seed = 7};
    const GradientResult pathwise = ComputeOk(FiniteDifferenceGradient(1e-5), owned.problem);
    errors.push_back(RelativeError(pathwise.dL_dtheta, truth.dL_dtheta));
    if (kT == energies.front()) {
      const GradientResult finer = ComputeOk(FiniteDifferenceGradient(1e-6), owned.problem);
      const double steps_apart = RelativeError(finer.dL_dtheta, pathwise.dL_dtheta);
      owned.problem.forward.noise.seed = 8;
      const GradientResult other = ComputeOk(FiniteDifferenceGradient(1e-5), owned.problem);
      const double realisations_apart = RelativeError(other.dL_dtheta, pathwise.dL_dtheta);
      std::cout << fmt::format(
          "pathwise at kB T = 1e-4 J: steps 1e-5 and 1e-6 differ by {:.1e}, two realisations "
          "by {:.1e}\n",
          steps_apart, realisations_apart);
      EXPECT_LT(steps_apart, 1e-6);
      EXPECT_GT(realisations_apart, 1e3 * steps_apart);
    }
  }
  const double slope = LogLogSlope(energies, errors);
  std::cout << fmt::format("pathwise vs noise-free: errors {:.2e}, {:.2e}, {:.2e}; slope {:.2f}\n",
                           errors[0], errors[1], errors[2], slope);
  EXPECT_NEAR(slope, 0.5, 0.15);
}

// Averaging K independent experiments shrinks the noise error like 1/√K.
TEST(EchoGradient, RepeatedEchoesAverageTheNoiseDown) {
  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.integrator.scheme = "baoab";
  owned.problem.integrator.step_s = 0.005;
  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 1e-3;
  const GradientResult truth = ComputeOk(AdjointGradient(), owned.problem);
  std::vector<double> errors;
  for (int repeats : {1, 16}) {
    double error = 0.0;
    for (std::uint64_t seed : {1u, 1001u, 2001u, 3001u}) {
      owned.problem.forward.noise = {.thermal_energy_J = 1e-5, .seed = seed};
      const GradientResult echo = ComputeOk(
          EchoGradient({.beta = 1e-3, .nudge = NudgeReference::kPhysical, .repeats = repeats}),
          owned.problem);
      error += RelativeError(echo.dL_dtheta, truth.dL_dtheta) / 4.0;
      EXPECT_EQ(echo.passes, 3 * repeats);
    }
    errors.push_back(error);
  }
  std::cout << fmt::format("noise error: 1 experiment {:.3e}, mean of 16 {:.3e} (ratio {:.2f})\n",
                           errors[0], errors[1], errors[0] / errors[1]);
  // 1/√16 = 1/4, with room for the fluctuations of four seeds and the bias floor.
  EXPECT_GT(errors[0] / errors[1], 2.5);
  EXPECT_THROW(EchoGradient({.repeats = 0}), InputError);
}

TEST(EchoGradient, NoisyEchoIsReproducibleFromItsSeed) {
  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.integrator.scheme = "baoab";
  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 1e-3;
  owned.problem.forward.noise = {.thermal_energy_J = 1e-6, .seed = 42};
  const EchoOptions options{.beta = 0.03, .nudge = NudgeReference::kPhysical};
  const GradientResult first = ComputeOk(EchoGradient(options), owned.problem);
  const GradientResult second = ComputeOk(EchoGradient(options), owned.problem);
  EXPECT_TRUE(first.dL_dtheta == second.dL_dtheta);
  owned.problem.forward.noise.seed = 43;
  EXPECT_FALSE(ComputeOk(EchoGradient(options), owned.problem).dL_dtheta == first.dL_dtheta);
}

// Imperfect hardware between the passes: each imperfection biases the
// gradient in proportion to its size, and an ideal device changes nothing.
TEST(EchoGradient, HardwareImperfectionsBiasTheGradientInProportion) {
  const auto owned = testing::PaperSixOscillatorProblem();
  const GradientResult truth = ComputeOk(DiscreteAdjointGradient(), owned.problem);
  const GradientResult ideal = ComputeOk(EchoGradient({.beta = 1e-3}), owned.problem);
  const GradientResult ideal_again =
      ComputeOk(EchoGradient({.beta = 1e-3, .hardware = {.seed = 7}}), owned.problem);
  EXPECT_TRUE(ideal.dL_dtheta == ideal_again.dL_dtheta);

  struct Knob {
    const char* name;
    EchoHardware (*at)(double);
  };
  const Knob knobs[] = {
      {"flip gain error", [](double a) { return EchoHardware{.flip_gain_error = a}; }},
      {"flip noise", [](double a) { return EchoHardware{.flip_noise_relative = a}; }},
      {"parameter drift", [](double a) { return EchoHardware{.parameter_drift_relative = a}; }},
      {"input time offset (s)", [](double a) { return EchoHardware{.input_time_offset_s = a}; }},
      {"input time jitter (s)", [](double a) { return EchoHardware{.input_time_jitter_s = a}; }},
      {"read-out noise", [](double a) { return EchoHardware{.readout_noise_relative = a}; }},
  };
  for (const Knob& knob : knobs) {
    std::vector<double> errors;
    for (double size : {1e-4, 1e-3, 1e-2}) {
      const GradientResult echo =
          ComputeOk(EchoGradient({.beta = 1e-3, .hardware = knob.at(size)}), owned.problem);
      errors.push_back(RelativeError(echo.dL_dtheta, truth.dL_dtheta));
    }
    const double slope = std::log10(errors[2] / errors[0]) / 2.0;
    std::cout << fmt::format(
        "{}: errors {:.2e}, {:.2e}, {:.2e} at 1e-4, 1e-3, 1e-2; slope {:.2f}\n", knob.name,
        errors[0], errors[1], errors[2], slope);
    EXPECT_NEAR(slope, 1.0, 0.3) << knob.name;
  }
}

// Quantising the read-out of ∂θH to b bits over the full scale of the
// forward pass: the error halves with each bit (log2 slope -1), and at 48
// bits the estimate is the ideal one to round-off.
TEST(EchoGradient, ReadoutQuantisationErrorHalvesWithEachBit) {
  const auto owned = testing::PaperSixOscillatorProblem();
  const GradientResult truth = ComputeOk(DiscreteAdjointGradient(), owned.problem);
  const std::vector<int> bits = {10, 12, 14, 16, 18};
  std::vector<double> levels, errors;
  for (int b : bits) {
    const GradientResult echo =
        ComputeOk(EchoGradient({.beta = 1e-2, .hardware = {.readout_bits = b}}), owned.problem);
    levels.push_back(std::ldexp(1.0, b));
    errors.push_back(RelativeError(echo.dL_dtheta, truth.dL_dtheta));
  }
  // The slope of log error against log 2^b is the log2 slope per bit.
  const double slope = LogLogSlope(levels, errors);
  std::cout << fmt::format("quantisation: errors {:.2e} at {} bits; slope {:.2f} per bit\n",
                           fmt::join(errors, ", "), fmt::join(bits, ", "), slope);
  EXPECT_NEAR(slope, -1.0, 0.3);
  const GradientResult fine =
      ComputeOk(EchoGradient({.beta = 1e-2, .hardware = {.readout_bits = 48}}), owned.problem);
  EXPECT_LT(RelativeError(fine.dL_dtheta, truth.dL_dtheta), 1e-8);
  EXPECT_THROW(
      EchoGradient({.estimator = EchoEstimator::kOneSided, .hardware = {.readout_bits = 8}})
          .Compute(owned.problem),
      InputError);
  EXPECT_THROW(EchoGradient({.hardware = {.readout_bits = 53}}), InputError);
  EXPECT_THROW(EchoGradient({.hardware = {.input_time_jitter_s = -1.0}}), InputError);
}

TEST(EchoGradient, AdaptiveSchemesNeedThePhysicalNudge) {
  auto owned = testing::NonlinearChainProblem();
  owned.problem.integrator.scheme = "arkode_dopri5";
  EXPECT_THROW(EchoGradient({.nudge = NudgeReference::kLinearized}).Compute(owned.problem),
               InputError);
}

TEST(EchoGradient, RejectsBadOptionsAndSchemes) {
  EXPECT_THROW(EchoGradient({.beta = 0.0}), InputError);
  EXPECT_THROW(EchoGradient({.beta = -1.0}), InputError);
  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.integrator.scheme = "baoab";
  EXPECT_THROW(EchoGradient().Compute(owned.problem), InputError);
  owned.problem.integrator.scheme = "leapfrog";
  owned.problem.forward.noise = {.thermal_energy_J = 0.1, .seed = 1};
  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 0.1;
  EXPECT_THROW(EchoGradient().Compute(owned.problem), InputError);
}

// The methods ask the schemes' traits, so every composition scheme of the
// registry runs the discrete methods, and a refusal lists them all before any
// pass runs.
TEST(GradientMethodSupport, SchemesComeFromTheTraitsOfTheRegistry) {
  const std::vector<std::string> compositions = CompositionSchemeNames();
  ASSERT_GE(compositions.size(), 3u);
  for (const std::string& scheme : SchemeNames()) {
    const bool composition =
        std::find(compositions.begin(), compositions.end(), scheme) != compositions.end();
    EXPECT_EQ(MethodSupportsScheme("discrete_adjoint", scheme), composition) << scheme;
    EXPECT_EQ(MethodSupportsScheme("fd", scheme),
              composition || MakeIntegrator(scheme)->traits().stochastic)
        << scheme;
    EXPECT_TRUE(MethodSupportsScheme("echo", scheme)) << scheme;
    EXPECT_TRUE(MethodSupportsScheme("adjoint", scheme)) << scheme;
  }
  EXPECT_EQ(SchemesSupportedBy("discrete_adjoint"), compositions);

  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.integrator.scheme = "cvode_adams";
  try {
    DiscreteAdjointGradient().Compute(owned.problem);
    FAIL() << "the discrete adjoint ran on cvode_adams";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("integrator.scheme"), std::string::npos) << message;
    for (const std::string& scheme : compositions) {
      EXPECT_NE(message.find(scheme), std::string::npos) << message;
    }
  }
}

TEST(GradientMethodSupport, RefusalsComeBeforeAnyPass) {
  auto owned = testing::PaperSixOscillatorProblem();
  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 0.1;
  owned.problem.forward.dissipation.friction_matrix = Eigen::MatrixXd::Identity(6, 6).sparseView();
  const EchoGradient reweighted({.damping = EchoDamping::kGainReweighted});
  EXPECT_THROW(reweighted.CheckSupport(owned.problem), InputError);
  const EchoGradient one_sided_readout(
      {.estimator = EchoEstimator::kOneSided, .hardware = {.readout_bits = 8}});
  owned.problem.forward.dissipation = {};
  EXPECT_THROW(one_sided_readout.CheckSupport(owned.problem), InputError);
  EXPECT_NO_THROW(EchoGradient().CheckSupport(owned.problem));
}

}  // namespace
}  // namespace echolab

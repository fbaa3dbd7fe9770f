#include "sims/validation/validation_studies.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"
#include "common/output_file.h"
#include "learning/adjoint_gradient.h"
#include "learning/discrete_adjoint_gradient.h"
#include "learning/echo_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "learning/gradient_comparison.h"
#include "sims/validation/study_support.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

// Least-squares slope of log y against log x.
double LogLogSlope(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  double mx = 0.0, my = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    mx += std::log(x[i]) / n;
    my += std::log(y[i]) / n;
  }
  double sxy = 0.0, sxx = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (std::log(x[i]) - mx) * (std::log(y[i]) - my);
    sxx += (std::log(x[i]) - mx) * (std::log(x[i]) - mx);
  }
  return sxy / sxx;
}

}  // namespace

ValidationCheck PointwiseAdjointStudy(const ValidationProblem& v, const fs::path& dir) {
  GradientProblem problem = v.problem;
  problem.record_adjoint = true;
  constexpr double kBeta = 1e-3;
  const GradientResult adjoint = ComputeOrThrow(AdjointGradient(), problem);
  const GradientResult echo = ComputeOrThrow(EchoGradient({.beta = kBeta}), problem);
  ECHOLAB_CHECK(adjoint.adjoint.size() == echo.adjoint.size(),
                "validation: the adjoint and the echo report λ on different grids");
  const int n = v.system->num_dof();
  OutputFile csv((dir / fmt::format("lambda_{}.csv", v.id)));
  csv.Print("t_s");
  for (const char* source : {"adjoint", "echo"}) {
    for (const char* part : {"q", "p"}) {
      for (int i = 1; i <= n; ++i) csv.Print(",{}_lambda_{}_{}", source, part, i);
    }
  }
  csv.Print("\n");
  // Within kEndSteps of either end the fourth-order end corrections of the
  // discrete loss's quadrature make the discrete λ differ from the continuous
  // one by O(h); the check covers the interior, the plot everything.
  constexpr size_t kEndSteps = 3;
  const size_t samples = adjoint.adjoint.size();
  double max_error = 0.0, max_lambda = 0.0, max_end_error = 0.0;
  for (size_t k = 0; k < samples; ++k) {
    csv.Print("{:.10g}", adjoint.adjoint_times_s[k]);
    for (const GradientResult* result : {&adjoint, &echo}) {
      for (const Vector* part : {&result->adjoint[k].q, &result->adjoint[k].p}) {
        for (int i = 0; i < n; ++i) csv.Print(",{:.12e}", (*part)[i]);
      }
    }
    csv.Print("\n");
    const PhaseState& a = adjoint.adjoint[k];
    const PhaseState& e = echo.adjoint[k];
    const double error =
        std::max((a.q - e.q).cwiseAbs().maxCoeff(), (a.p - e.p).cwiseAbs().maxCoeff());
    const bool interior = k >= kEndSteps && k + kEndSteps < samples;
    (interior ? max_error : max_end_error) = std::max(interior ? max_error : max_end_error, error);
    max_lambda = std::max({max_lambda, a.q.cwiseAbs().maxCoeff(), a.p.cwiseAbs().maxCoeff()});
  }
  csv.Close();
  const double relative = max_error / max_lambda;
  const double end_relative = max_end_error / max_lambda;
  ValidationCheck check{.id = fmt::format("lambda_{}", v.id),
                        .title = fmt::format("(a) λ(t) against the echo estimate: {}", v.title),
                        .passed = relative < 1e-5};
  check.metrics = {{"max_abs_error_over_max_lambda", relative},
                   {"end_steps_max_abs_error_over_max_lambda", end_relative},
                   {"beta", kBeta},
                   {"samples", samples}};
  check.paragraph = fmt::format(
      "The adjoint λ(t) = dL/dx(t) of the continuous adjoint method (CVODES, rtol 1e-12) beside "
      "the echo estimate Sx (x_e(T − t, +β) − x_e(T − t, −β)) / (2β) of two nudged echoes "
      "(β = {:g}, {} at h = {:g} s), for the read-out oscillator {} and the driven oscillator {} "
      "(lines: adjoint; dots: echo). The theory says they coincide at every instant as β → 0. "
      "Largest difference over all {} components and {} times: {:.2e} of the largest |λ| "
      "(within {} steps of either end, where the end corrections of the discrete loss's "
      "quadrature make the discrete λ differ from the continuous one by O(h): {:.2e}). {} "
      "(threshold 1e-5 in the interior).",
      kBeta, v.problem.integrator.scheme, v.problem.integrator.step_s, v.readout_dof + 1,
      v.driven_dof + 1, 2 * n, samples, relative, kEndSteps, end_relative, Verdict(check.passed));
  return check;
}

ValidationCheck BetaStudy(const ValidationProblem& v, const fs::path& dir) {
  const GradientResult reference = ComputeOrThrow(DiscreteAdjointGradient(), v.problem);
  const std::vector<double> betas = {1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01};
  OutputFile csv((dir / fmt::format("beta_{}.csv", v.id)));
  csv.Print("estimator,beta,relative_error\n");
  std::vector<double> centred, one_sided;
  for (double beta : betas) {
    for (EchoEstimator estimator : {EchoEstimator::kCentred, EchoEstimator::kOneSided}) {
      const GradientResult echo = ComputeOrThrow(
          EchoGradient({.beta = beta, .estimator = estimator, .nudge = NudgeReference::kPhysical}),
          v.problem);
      const double error = Compare(echo.dL_dtheta, reference.dL_dtheta).relative_error;
      (estimator == EchoEstimator::kCentred ? centred : one_sided).push_back(error);
      csv.Print("{},{:g},{:.6e}\n", estimator == EchoEstimator::kCentred ? "centred" : "one_sided",
                beta, error);
    }
  }
  csv.Close();
  // Fit on the small-β half, where the leading term dominates.
  const std::vector<double> small(betas.begin() + 3, betas.end());
  const double centred_slope = LogLogSlope(small, {centred.begin() + 3, centred.end()});
  const double one_sided_slope = LogLogSlope(small, {one_sided.begin() + 3, one_sided.end()});
  ValidationCheck check{.id = fmt::format("beta_{}", v.id),
                        .title = fmt::format("(b) Gradient error against β: {}", v.title)};
  check.passed = std::abs(centred_slope - 2.0) <= 0.3 && std::abs(one_sided_slope - 1.0) <= 0.3;
  check.metrics = {{"centred_slope", centred_slope},
                   {"one_sided_slope", one_sided_slope},
                   {"betas", betas},
                   {"centred_errors", centred},
                   {"one_sided_errors", one_sided}};
  check.paragraph = fmt::format(
      "Relative error of dL/dθ from the echo with the physical nudge (each echo feels the nudge "
      "at its own state, as on hardware) against the exact gradient of the same discrete map, as "
      "β shrinks from 1 to 0.01. The centred estimate (three passes) should fall like β², the "
      "one-sided one (two passes) like β. Fitted slopes for β ≤ 0.1: centred {:.2f}, one-sided "
      "{:.2f}. {} (slopes within ±0.3 of 2 and 1).",
      centred_slope, one_sided_slope, Verdict(check.passed));
  return check;
}

ValidationCheck IntegratorStudy(const ValidationProblem& v, const fs::path& dir) {
  GradientProblem tight = v.problem;
  tight.integrator.rtol = 1e-12;
  tight.integrator.atol = 1e-14;
  const GradientResult reference = ComputeOrThrow(AdjointGradient(), tight);
  constexpr double kBeta = 1e-4;
  OutputFile csv((dir / fmt::format("integrators_{}.csv", v.id)));
  csv.Print("scheme,kind,setting,relative_error,steps,wall_time_s\n");
  nlohmann::json errors;
  const auto run = [&](const std::string& scheme, const char* kind, double setting) {
    GradientProblem problem = v.problem;
    problem.integrator.scheme = scheme;
    if (std::string(kind) == "fixed") {
      problem.integrator.step_s = setting;
    } else {
      problem.integrator.rtol = setting;
      problem.integrator.atol = setting * 1e-2;
      problem.integrator.step_s = 0.005;  // output spacing of the echo's sums
    }
    const NudgeReference nudge =
        std::string(kind) == "fixed" ? NudgeReference::kLinearized : NudgeReference::kPhysical;
    const GradientResult echo =
        ComputeOrThrow(EchoGradient({.beta = kBeta, .nudge = nudge}), problem);
    const double error = Compare(echo.dL_dtheta, reference.dL_dtheta).relative_error;
    csv.Print("{},{},{:g},{:.6e},{},{:.6g}\n", scheme, kind, setting, error, echo.steps,
              echo.wall_time_s);
    errors[scheme].push_back({setting, error});
    return error;
  };
  std::vector<double> steps = {0.04, 0.02, 0.01, 0.005};
  std::vector<double> leapfrog, yoshida;
  for (double h : steps) leapfrog.push_back(run("leapfrog", "fixed", h));
  for (double h : steps) yoshida.push_back(run("yoshida4", "fixed", h));
  double best_adaptive = 1.0;
  for (const char* scheme : {"cvode_adams", "arkode_dopri5", "arkode_verner6", "odeint_dopri5"}) {
    for (double rtol : {1e-4, 1e-6, 1e-8, 1e-10}) {
      best_adaptive = std::min(best_adaptive, run(scheme, "adaptive", rtol));
    }
  }
  csv.Close();
  const double leapfrog_order = LogLogSlope(steps, leapfrog);
  const double yoshida_order = LogLogSlope(steps, yoshida);
  ValidationCheck check{
      .id = fmt::format("integrators_{}", v.id),
      .title = fmt::format("(c) Echo error against integrator and tolerance: {}", v.title)};
  check.passed = std::abs(leapfrog_order - 2.0) <= 0.3 && std::abs(yoshida_order - 4.0) <= 0.5 &&
                 best_adaptive < 1e-5;
  check.metrics = {{"leapfrog_order", leapfrog_order},
                   {"yoshida4_order", yoshida_order},
                   {"best_adaptive_error", best_adaptive},
                   {"errors", errors}};
  check.paragraph = fmt::format(
      "Relative error of the centred echo gradient (β = {:g}) against the continuous adjoint at "
      "rtol 1e-12, by integrator, against the cost in steps. Fixed-step symplectic schemes "
      "(linearized nudge, exact discrete echo) converge with their order: fitted slopes in the "
      "step h, leapfrog {:.2f} (expected 2), yoshida4 {:.2f} (expected 4). Adaptive schemes run "
      "the continuous echo with the physical nudge; their error follows the tolerance (rtol 1e-4 "
      "to 1e-10) down to {:.1e} at best, limited by the O(β²) nudge error and by the echo not "
      "being exactly time-reversible. {}.",
      kBeta, leapfrog_order, yoshida_order, best_adaptive, Verdict(check.passed));
  return check;
}

ValidationCheck ParameterStudy(const ValidationProblem& v, const fs::path& dir) {
  const GradientResult adjoint = ComputeOrThrow(AdjointGradient(), v.problem);
  const GradientResult echo = ComputeOrThrow(EchoGradient({.beta = 1e-3}), v.problem);
  const GradientResult fd = ComputeOrThrow(FiniteDifferenceGradient(), v.problem);
  WriteParameterGradients(dir / fmt::format("parameters_{}.csv", v.id), v.system->parameter_names(),
                          v.problem.forward.theta, echo, adjoint, fd);
  const double echo_error = Compare(echo.dL_dtheta, adjoint.dL_dtheta).relative_error;
  const double fd_error = Compare(fd.dL_dtheta, adjoint.dL_dtheta).relative_error;
  const double cosine = Compare(echo.dL_dtheta, adjoint.dL_dtheta).cosine_similarity;
  ValidationCheck check{.id = fmt::format("parameters_{}", v.id),
                        .title = fmt::format("(d) Per-parameter gradients: {}", v.title)};
  check.passed = echo_error < 1e-5 && fd_error < 1e-6;
  check.metrics = {{"echo_relative_error", echo_error},
                   {"fd_relative_error", fd_error},
                   {"echo_cosine_similarity", cosine},
                   {"echo_passes", echo.passes},
                   {"fd_passes", fd.passes}};
  check.paragraph = fmt::format(
      "dL/dθ for each of the {} parameters (masses, on-site and coupling stiffnesses), shown "
      "scale-free as θ dL/dθ = dL/d ln θ, from the echo (β = 1e-3, {} passes), the continuous "
      "adjoint (CVODES) and central "
      "finite differences ({} passes). Relative error against the adjoint: echo {:.2e} (cosine "
      "similarity {:.9f}), finite differences {:.2e}. {} (echo < 1e-5, finite differences "
      "< 1e-6).",
      v.system->parameter_names().size(), echo.passes, fd.passes, echo_error, cosine, fd_error,
      Verdict(check.passed));
  return check;
}

}  // namespace echolab

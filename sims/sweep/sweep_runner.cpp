#include "sims/sweep/sweep_runner.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "common/error.h"
#include "common/output_file.h"
#include "learning/adjoint_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "learning/gradient_comparison.h"
#include "learning/gradient_method_registry.h"
#include "sims/config/circuit_problem.h"
#include "sims/output/run_metadata.h"
#include "sims/sweep/sweep_cost_columns.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The damping of a point: mass-proportional at γ, or, with a spread s, per-dof
// friction G_i = m_i γ (1 + s (2 i / (n - 1) - 1)) of the same mean rate.
// A circuit's resistors scale with the point's conductance scale.
void SetDamping(const SweepPoint& point, SimulationProblem* forward) {
  Dissipation& damping = forward->dissipation;
  damping.friction_matrix *= point.conductance_scale;
  if (point.decay_rate_spread == 0.0) {
    damping.momentum_decay_rate_per_s = point.decay_rate_per_s;
    return;
  }
  const auto masses = forward->system->DiagonalMasses(forward->theta);
  if (!masses) {
    throw InputError(
        "sweep.decay_rate_spread: per-dof damping needs a kinetic energy of the form p^2 / (2 m)");
  }
  const Eigen::Index n = masses->size();
  damping.momentum_decay_rate_per_s = 0.0;
  damping.friction_N_s_per_m.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double ramp =
        n > 1 ? 2.0 * static_cast<double>(i) / static_cast<double>(n - 1) - 1.0 : 0.0;
    damping.friction_N_s_per_m[i] =
        (*masses)[i] * point.decay_rate_per_s * (1.0 + point.decay_rate_spread * ramp);
  }
}

// g_j s_j: the gradient in the coordinates the comparisons use.
Vector InComparisonScale(const SweepConfig& config, const Vector& gradient) {
  if (config.comparison_scales.size() == 0) return gradient;
  return gradient.cwiseProduct(config.comparison_scales);
}

GradientProblem PointProblem(const SweepConfig& config, const SweepPoint& point) {
  GradientProblem problem = config.problem;
  SetDamping(point, &problem.forward);
  return problem;
}

}  // namespace

SweepRow RunSweepPoint(const SweepConfig& config, const SweepPoint& point) {
  const auto start = std::chrono::steady_clock::now();
  SweepRow row{.point = point};
  try {
    GradientProblem clean = PointProblem(config, point);
    const GradientResult truth = AdjointGradient().Compute(clean);
    GradientProblem noisy = clean;
    noisy.measure_device_energy = true;
    EchoOptions options{.beta = point.beta,
                        .damping = point.echo_damping,
                        .hardware = point.hardware,
                        .repeats = point.echo_repeats};
    if (point.thermal_energy_J > 0.0) {
      noisy.forward.noise = {.thermal_energy_J = point.thermal_energy_J, .seed = point.hardware.seed};
      noisy.integrator.scheme = "baoab";
      options.nudge = NudgeReference::kPhysical;
    } else if (!MethodSupportsScheme("fd", noisy.integrator.scheme)) {
      options.nudge = NudgeReference::kPhysical;
    }
    const GradientResult echo = EchoGradient(options).Compute(noisy);
    const bool pathwise_wanted = point.thermal_energy_J > 0.0 && config.pathwise_reference;
    const GradientResult pathwise =
        pathwise_wanted ? FiniteDifferenceGradient(1e-5, false).Compute(noisy) : GradientResult{};
    if (!truth.ok() || !echo.ok() || !pathwise.ok()) {
      row.status = !truth.ok()  ? "adjoint: " + truth.message
                   : !echo.ok() ? "echo: " + echo.message
                                : "pathwise fd: " + pathwise.message;
    } else {
      row.echo_gradient = Entries(echo.dL_dtheta, config.compared);
      row.reference_gradient = Entries(truth.dL_dtheta, config.compared);
      row.cost = SweepCostValues(echo, truth);
      const GradientAgreement agreement = Compare(InComparisonScale(config, row.echo_gradient),
                                                  InComparisonScale(config, row.reference_gradient));
      row.relative_error = agreement.relative_error;
      row.cosine_similarity = agreement.cosine_similarity;
      row.sign_agreement = agreement.sign_agreement;
      row.pathwise_relative_error = row.pathwise_cosine_similarity = kNaN;
      if (pathwise_wanted) {
        const GradientAgreement path = Compare(
            InComparisonScale(config, row.echo_gradient),
            InComparisonScale(config, Entries(pathwise.dL_dtheta, config.compared)));
        row.pathwise_relative_error = path.relative_error;
        row.pathwise_cosine_similarity = path.cosine_similarity;
      }
    }
  } catch (const InputError& error) {
    row.status = error.what();
  }
  if (row.status != "success") {
    row.relative_error = row.cosine_similarity = row.sign_agreement = row.pathwise_relative_error =
        row.pathwise_cosine_similarity = kNaN;
    const auto size = static_cast<Eigen::Index>(config.compared.size());
    row.echo_gradient = row.reference_gradient = Vector::Constant(size, kNaN);
    row.cost.assign(kSweepCostColumns.size(), kNaN);
  }
  row.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return row;
}

namespace {

// meta.json's list of the knobs (SweepKnobs()), the columns before `status`
// in results.csv, which plot_sweep.py reads.
nlohmann::json KnobsJson() {
  nlohmann::json knobs = nlohmann::json::array();
  for (const SweepKnob& knob : SweepKnobs()) {
    knobs.push_back({{"name", knob.name},
                     {"config_key", knob.config_key},
                     {"unit", knob.unit},
                     {"kind", KnobKind(knob)},
                     {"imperfection", knob.imperfection},
                     {"random", knob.random}});
  }
  return knobs;
}

}  // namespace

void WriteSweepMetadata(const SweepConfig& config, const fs::path& path,
                        const std::string& figure_format) {
  nlohmann::json meta;
  meta["run"] = RunHeader("sweep");
  meta["duration_s"] = config.problem.forward.duration_s;
  meta["integrator"] = ToJson(config.problem.integrator);
  meta["compared_parameters"] = config.compared_names;
  meta["knobs"] = KnobsJson();
  meta["points"] = config.points.size();
  meta["plot"] = ToJson(SweepPlot(figure_format));
  WriteFileAtomically(path, meta.dump(2) + "\n");
}

}  // namespace echolab

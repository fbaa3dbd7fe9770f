#include "sims/sweep/sweep_runner.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "learning/adjoint_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "learning/gradient_comparison.h"
#include "learning/gradient_method_registry.h"
#include "physics/error.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

// beta, decay rate and spread, thermal energy, echo damping, seed, seven
// imperfections, echo repeats
constexpr int kKeyFields = 14;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The damping of a point: mass-proportional at γ, or, with a spread s, per-dof
// friction G_i = m_i γ (1 + s (2 i / (n - 1) - 1)) of the same mean rate.
void SetDamping(const SweepPoint& point, SimulationProblem* forward) {
  Dissipation& damping = forward->dissipation;
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

GradientProblem PointProblem(const SweepConfig& config, const SweepPoint& point) {
  GradientProblem problem;
  problem.forward = config.simulation.problem;
  problem.loss = config.loss;
  problem.integrator = config.simulation.integrator;
  problem.compute_input_gradient = false;
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
    EchoOptions options{.beta = point.beta,
                        .damping = point.echo_damping,
                        .hardware = point.Hardware(),
                        .repeats = point.echo_repeats};
    if (point.thermal_energy_J > 0.0) {
      noisy.forward.noise = {.thermal_energy_J = point.thermal_energy_J, .seed = point.seed};
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
      const GradientAgreement agreement = Compare(echo.dL_dtheta, truth.dL_dtheta);
      row.relative_error = agreement.relative_error;
      row.cosine_similarity = agreement.cosine_similarity;
      row.sign_agreement = agreement.sign_agreement;
      row.pathwise_relative_error = row.pathwise_cosine_similarity = kNaN;
      if (pathwise_wanted) {
        const GradientAgreement path = Compare(echo.dL_dtheta, pathwise.dL_dtheta);
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
  }
  row.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return row;
}

std::string SweepCsvHeader() {
  return "beta,decay_rate_per_s,decay_rate_spread,thermal_energy_J,echo_damping,seed,"
         "flip_gain_error,flip_noise_relative,parameter_drift_relative,input_time_offset_s,"
         "input_time_jitter_s,readout_noise_relative,readout_bits,echo_repeats,status,"
         "relative_error,cosine_similarity,sign_agreement,pathwise_relative_error,"
         "pathwise_cosine_similarity,wall_time_s\n";
}

std::string SweepCsvRow(const SweepRow& row) {
  // The status is quoted, with any quote doubled, so that a message with
  // commas stays one field.
  std::string status;
  for (char c : row.status) {
    if (c == '"') status.push_back('"');
    if (c != '\n') status.push_back(c);
  }
  return fmt::format("{},\"{}\",{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.4g}\n", row.point.Key(),
                     status, row.relative_error, row.cosine_similarity, row.sign_agreement,
                     row.pathwise_relative_error, row.pathwise_cosine_similarity, row.wall_time_s);
}

std::set<std::string> PrepareResultsFile(const fs::path& path) {
  std::set<std::string> finished;
  if (!fs::exists(path)) {
    fs::create_directories(fs::absolute(path).parent_path());
    std::ofstream(path) << SweepCsvHeader();
    return finished;
  }
  std::string text;
  {
    std::ifstream stream(path);
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    text = buffer.str();
  }
  if (text.rfind(SweepCsvHeader(), 0) != 0) {
    throw InputError(fmt::format(
        "{}: exists but is not the results of a sweep (its header differs); choose another "
        "output directory",
        path.string()));
  }
  // An interrupted write leaves a last line without its newline: cut it off.
  const size_t complete = text.rfind('\n') + 1;
  if (complete < text.size()) fs::resize_file(path, complete);
  std::istringstream lines(
      text.substr(SweepCsvHeader().size(), complete - SweepCsvHeader().size()));
  for (std::string line; std::getline(lines, line);) {
    size_t end = 0;
    for (int field = 0; field < kKeyFields && end != std::string::npos; ++field) {
      end = line.find(',', end == 0 ? 0 : end + 1);
    }
    if (end != std::string::npos) finished.insert(line.substr(0, end));
  }
  return finished;
}

}  // namespace echolab

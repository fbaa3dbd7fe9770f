#include "sims/sweep/sweep_runner.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/output_file.h"
#include "learning/adjoint_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "learning/gradient_comparison.h"
#include "learning/gradient_method_registry.h"
#include "physics/error.h"
#include "sims/config/circuit_problem.h"
#include "sims/output/run_metadata.h"
#include "sims/sweep/sweep_cost_columns.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

// beta, decay rate and spread, thermal energy, echo damping, seed, seven
// imperfections, echo repeats, conductance scale
constexpr int kKeyFields = 15;
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
      row.echo_gradient = Entries(echo.dL_dtheta, config.compared);
      row.reference_gradient = Entries(truth.dL_dtheta, config.compared);
      row.cost = SweepCostValues(echo, truth);
      const GradientAgreement agreement = Compare(row.echo_gradient, row.reference_gradient);
      row.relative_error = agreement.relative_error;
      row.cosine_similarity = agreement.cosine_similarity;
      row.sign_agreement = agreement.sign_agreement;
      row.pathwise_relative_error = row.pathwise_cosine_similarity = kNaN;
      if (pathwise_wanted) {
        const GradientAgreement path =
            Compare(row.echo_gradient, Entries(pathwise.dL_dtheta, config.compared));
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

void WriteSweepMetadata(const SweepConfig& config, const fs::path& path) {
  nlohmann::json meta;
  meta["run"] = RunHeader("sweep");
  meta["duration_s"] = config.problem.forward.duration_s;
  meta["integrator"] = ToJson(config.problem.integrator);
  meta["compared_parameters"] = config.compared_names;
  meta["points"] = config.points.size();
  meta["plot"] = ToJson(kSweepPlot);
  WriteFileAtomically(path, meta.dump(2) + "\n");
}

std::string SweepCsvHeader(const std::vector<std::string>& parameter_names) {
  std::string header =
      "beta,decay_rate_per_s,decay_rate_spread,thermal_energy_J,echo_damping,seed,"
      "flip_gain_error,flip_noise_relative,parameter_drift_relative,input_time_offset_s,"
      "input_time_jitter_s,readout_noise_relative,readout_bits,echo_repeats,conductance_scale,"
      "status,relative_error,cosine_similarity,sign_agreement,pathwise_relative_error,"
      "pathwise_cosine_similarity";
  for (const char* method : {"echo", "reference"}) {
    for (const std::string& name : parameter_names) header += fmt::format(",{}:{}", method, name);
  }
  for (const std::string& column : kSweepCostColumns) header += "," + column;
  return header + ",wall_time_s\n";
}

std::string SweepCsvRow(const SweepRow& row) {
  // The status is quoted, with any quote doubled, so that a message with
  // commas stays one field.
  std::string status;
  for (char c : row.status) {
    if (c == '"') status.push_back('"');
    if (c != '\n') status.push_back(c);
  }
  std::string gradients;
  for (const Vector* gradient : {&row.echo_gradient, &row.reference_gradient}) {
    for (double value : *gradient) gradients += fmt::format(",{:.17g}", value);
  }
  for (double value : row.cost) gradients += fmt::format(",{:.17g}", value);
  return fmt::format("{},\"{}\",{:.17g},{:.17g},{:.17g},{:.17g},{:.17g}{},{:.4g}\n",
                     row.point.Key(), status, row.relative_error, row.cosine_similarity,
                     row.sign_agreement, row.pathwise_relative_error,
                     row.pathwise_cosine_similarity, gradients, row.wall_time_s);
}

std::set<std::string> PrepareResultsFile(const fs::path& path, const std::string& header) {
  std::set<std::string> finished;
  if (!fs::exists(path)) {
    WriteFileAtomically(path, header);
    return finished;
  }
  std::string text;
  {
    std::ifstream stream(path);
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    text = buffer.str();
  }
  if (text.rfind(header, 0) != 0) {
    throw InputError(fmt::format(
        "{}: exists but is not the results of this sweep (its header differs: another problem, "
        "other parameters or an older format); choose another output directory",
        path.string()));
  }
  // An interrupted write leaves a last line without its newline: cut it off.
  const size_t complete = text.rfind('\n') + 1;
  if (complete < text.size()) fs::resize_file(path, complete);
  std::istringstream lines(text.substr(header.size(), complete - header.size()));
  for (std::string line; std::getline(lines, line);) {
    size_t end = 0;
    for (int field = 0; field < kKeyFields && end != std::string::npos; ++field) {
      end = line.find(',', end == 0 ? 0 : end + 1);
    }
    if (end != std::string::npos) finished.insert(line.substr(0, end));
  }
  return finished;
}

namespace {

// The fields of one CSV line; a quoted field may hold commas and doubled quotes.
std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back().push_back('"');
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

}  // namespace

std::map<std::string, SweepRow> ReadSweepRows(const fs::path& path, size_t num_parameters) {
  std::ifstream stream(path);
  std::map<std::string, SweepRow> rows;
  std::string line;
  std::getline(stream, line);  // the header
  const size_t expected = kKeyFields + 6 + 2 * num_parameters + kSweepCostColumns.size() + 1;
  for (int number = 2; std::getline(stream, line); ++number) {
    const std::vector<std::string> fields = SplitCsvLine(line);
    if (fields.size() != expected) {
      throw InputError(fmt::format("{}:{}: expected {} fields in a row of sweep results, got {}",
                                   path.string(), number, expected, fields.size()));
    }
    std::string key = fields[0];
    for (int k = 1; k < kKeyFields; ++k) key += "," + fields[k];
    SweepRow row;
    auto next = fields.begin() + kKeyFields;
    row.status = *next++;
    for (double* metric : {&row.relative_error, &row.cosine_similarity, &row.sign_agreement,
                           &row.pathwise_relative_error, &row.pathwise_cosine_similarity}) {
      *metric = std::strtod((next++)->c_str(), nullptr);
    }
    for (Vector* gradient : {&row.echo_gradient, &row.reference_gradient}) {
      gradient->resize(static_cast<Eigen::Index>(num_parameters));
      for (double& value : *gradient) value = std::strtod((next++)->c_str(), nullptr);
    }
    for (size_t k = 0; k < kSweepCostColumns.size(); ++k) {
      row.cost.push_back(std::strtod((next++)->c_str(), nullptr));
    }
    row.wall_time_s = std::strtod(next->c_str(), nullptr);
    rows[key] = std::move(row);
  }
  return rows;
}

}  // namespace echolab

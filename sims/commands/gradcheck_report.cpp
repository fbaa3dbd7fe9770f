#include "sims/commands/gradcheck_report.h"

#include <fmt/format.h>

#include "learning/gradient_comparison.h"

namespace echolab {
namespace {

std::vector<double> ToStdVector(const Vector& v) { return {v.data(), v.data() + v.size()}; }

}  // namespace

const GradientResult& GradcheckRun::Reference() const {
  for (const GradientResult& result : results) {
    if (result.method == reference) return result;
  }
  return results.front();
}

nlohmann::json GradcheckJson(const GradcheckRun& run) {
  const GradientResult& reference = run.Reference();
  nlohmann::json json;
  json["parameters"] = run.parameter_names;
  json["loss"] = reference.loss;
  json["reference"] = run.reference;
  for (const GradientResult& result : run.results) {
    const std::string& m = result.method;
    json["status"][m] = result.ok() ? "success" : result.message;
    json["losses"][m] = result.loss;
    json["gradients"][m] = ToStdVector(result.dL_dtheta);
    json["initial_state_gradients"][m] = {{"q", ToStdVector(result.dL_dx0.q)},
                                          {"p", ToStdVector(result.dL_dx0.p)}};
    json["timings_s"][m] = result.wall_time_s;
    json["passes"][m] = result.passes;
    json["steps"][m] = result.steps;
    json["peak_memory_bytes"][m] = result.peak_memory_bytes;
    if (result.ok() && reference.ok()) {
      const GradientAgreement parameters = Compare(result.dL_dtheta, reference.dL_dtheta);
      const GradientAgreement whole = Compare(StackedGradient(result), StackedGradient(reference));
      json["relative_errors"][m] = parameters.relative_error;
      json["cosine_similarities"][m] = parameters.cosine_similarity;
      json["sign_agreement"][m] = parameters.sign_agreement;
      json["relative_errors_with_initial_state"][m] = whole.relative_error;
    }
  }
  return json;
}

std::string GradcheckTable(const GradcheckRun& run, int max_rows) {
  const GradientResult& reference = run.Reference();
  std::string table = fmt::format("{:<14}", "parameter");
  for (const GradientResult& result : run.results) table += fmt::format(" {:>17}", result.method);
  table += "\n";
  const int rows = static_cast<int>(run.parameter_names.size());
  for (int i = 0; i < std::min(rows, max_rows); ++i) {
    table += fmt::format("{:<14}", run.parameter_names[static_cast<size_t>(i)]);
    for (const GradientResult& result : run.results) {
      table += result.ok() ? fmt::format(" {:>17.9e}", result.dL_dtheta[i])
                           : fmt::format(" {:>17}", "failed");
    }
    table += "\n";
  }
  if (rows > max_rows)
    table += fmt::format("... ({} more parameters in the JSON)\n", rows - max_rows);
  const auto row = [&](const char* label, auto&& cell) {
    table += fmt::format("{:<14}", label);
    for (const GradientResult& result : run.results) table += fmt::format(" {:>17}", cell(result));
    table += "\n";
  };
  row("loss", [](const GradientResult& r) { return fmt::format("{:.9e}", r.loss); });
  row("rel. error", [&](const GradientResult& r) {
    return r.ok() && reference.ok()
               ? fmt::format("{:.2e}", Compare(r.dL_dtheta, reference.dL_dtheta).relative_error)
               : std::string("-");
  });
  row("cosine", [&](const GradientResult& r) {
    return r.ok() && reference.ok()
               ? fmt::format("{:.9f}", Compare(r.dL_dtheta, reference.dL_dtheta).cosine_similarity)
               : std::string("-");
  });
  row("passes", [](const GradientResult& r) { return fmt::format("{}", r.passes); });
  row("steps", [](const GradientResult& r) { return fmt::format("{}", r.steps); });
  row("wall time (s)",
      [](const GradientResult& r) { return fmt::format("{:.3g}", r.wall_time_s); });
  row("peak mem (MB)", [](const GradientResult& r) {
    return fmt::format("{:.1f}", static_cast<double>(r.peak_memory_bytes) / 1e6);
  });
  table += fmt::format("(errors against '{}'; gradients per SI unit of each parameter)\n",
                       run.reference);
  return table;
}

}  // namespace echolab

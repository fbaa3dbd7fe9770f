#include "sims/commands/gradcheck_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "learning/gradient_comparison.h"
#include "sims/output/hardware_cost_json.h"

namespace echolab {
namespace {

std::vector<double> ToStdVector(const Vector& v) { return {v.data(), v.data() + v.size()}; }

Vector Scaled(const Vector& gradient, const Vector& scales) {
  return scales.size() == gradient.size() ? Vector(gradient.cwiseProduct(scales)) : gradient;
}

// dL/dθ_j × s_j.
Vector ScaleFreeParameters(const GradcheckRun& run, const GradientResult& result) {
  return Scaled(result.dL_dtheta, run.parameter_scales);
}

// [dL/dθ_j × s_j; dL/dq0_i × s_i; dL/dp0_i × s_i].
Vector ScaleFreeWhole(const GradcheckRun& run, const GradientResult& result) {
  const Vector theta = ScaleFreeParameters(run, result);
  const Vector q = Scaled(result.dL_dx0.q, run.state_scales.q);
  const Vector p = Scaled(result.dL_dx0.p, run.state_scales.p);
  Vector whole(theta.size() + q.size() + p.size());
  whole << theta, q, p;
  return whole;
}

GradientAgreement CompareParameters(const GradcheckRun& run, const GradientResult& estimate,
                                    const GradientResult& reference) {
  return Compare(ScaleFreeParameters(run, estimate), ScaleFreeParameters(run, reference));
}

const GradientResult* Find(const GradcheckRun& run, const std::string& method) {
  for (const GradientResult& result : run.results) {
    if (result.method == method && result.ok()) return &result;
  }
  return nullptr;
}

// The gradient of the discrete map among the results: discrete_adjoint, or fd.
const GradientResult* DiscreteReference(const GradcheckRun& run) {
  const GradientResult* discrete = Find(run, "discrete_adjoint");
  return discrete ? discrete : Find(run, "fd");
}

bool IsEcho(const std::string& method) { return method == "echo" || method == "echo_one_sided"; }

// "-" where a figure does not apply to the method or was not measured.
std::string EnergyCell(const HardwareCost& cost, double DeviceEnergy::*field) {
  return cost.has_energy ? fmt::format("{:.4g}", cost.energy.*field) : "-";
}

// What each method costs the device (HardwareCost), one row per figure.
template <typename Row>
void AppendHardwareCostRows(const GradcheckRun& run, const Row& row) {
  row("hw passes",
      [](const GradientResult& r) { return fmt::format("{}", r.cost.hardware_passes); });
  row("flips/resets",
      [](const GradientResult& r) { return fmt::format("{}/{}", r.cost.flips, r.cost.resets); });
  row("phys. time (s)", [&](const GradientResult& r) {
    return fmt::format("{:.4g}", r.cost.PhysicalTime_s(run.timing));
  });
  row("input work (J)",
      [](const GradientResult& r) { return EnergyCell(r.cost, &DeviceEnergy::input_work_J); });
  row("nudge work (J)",
      [](const GradientResult& r) { return EnergyCell(r.cost, &DeviceEnergy::nudge_work_J); });
  row("dissipated (J)",
      [](const GradientResult& r) { return EnergyCell(r.cost, &DeviceEnergy::dissipated_J); });
  row("flip energy(J)",
      [](const GradientResult& r) { return EnergyCell(r.cost, &DeviceEnergy::flip_energy_J); });
  row("read samples", [](const GradientResult& r) {
    return r.cost.readout.samples_per_parameter > 0
               ? fmt::format("{}", r.cost.readout.samples_per_parameter)
               : std::string("-");
  });
  row("read bits", [](const GradientResult& r) {
    const double bits = ReadoutRangeBits(r.cost.readout);
    return std::isnan(bits) ? std::string("-") : fmt::format("{:.1f}", bits);
  });
  row("digital flops", [](const GradientResult& r) {
    return r.cost.digital.flops > 0.0 ? fmt::format("{:.3g}", r.cost.digital.flops)
                                      : std::string("-");
  });
  row("digital MB", [](const GradientResult& r) {
    return r.cost.digital.memory_bytes > 0.0
               ? fmt::format("{:.3g}", r.cost.digital.memory_bytes / 1e6)
               : std::string("-");
  });
}

}  // namespace

const GradientResult& GradcheckRun::Reference() const {
  for (const GradientResult& result : results) {
    if (result.method == reference) return result;
  }
  return results.front();
}

std::string EchoBiasWarning(const GradientProblem& problem, const EchoOptions& echo,
                            const std::vector<std::string>& methods) {
  if (std::none_of(methods.begin(), methods.end(), IsEcho)) return "";
  if (problem.forward.dissipation.is_zero()) return "";
  if (echo.damping == EchoDamping::kNaive) {
    return "the pass is damped and the echo runs with the same damping (echo_damping = naive): "
           "it does not retrace the forward pass, and its gradient is biased (the adjoint of the "
           "damped system is the truth)";
  }
  if (echo.damping == EchoDamping::kGain) {
    return "the pass is damped and the echo runs with plain gain (echo_damping = gain): the "
           "nudge's response still decays, and its gradient is biased; gain_reweighted is exact "
           "for uniform decay";
  }
  return "";
}

std::vector<std::string> GradcheckFootnotes(const GradcheckRun& run) {
  std::vector<std::string> notes;
  const GradientResult& reference = run.Reference();
  const GradientResult* discrete = DiscreteReference(run);
  if (run.reference == "adjoint" && reference.ok() && discrete != nullptr) {
    notes.push_back(fmt::format("discretisation of the step ({} vs adjoint): {:.2e}",
                                discrete->method,
                                CompareParameters(run, *discrete, reference).relative_error));
    for (const GradientResult& result : run.results) {
      if (!IsEcho(result.method) || !result.ok()) continue;
      notes.push_back(fmt::format("{}'s own error ({} vs {}: its β term and any bias): {:.2e}",
                                  result.method, result.method, discrete->method,
                                  CompareParameters(run, result, *discrete).relative_error));
    }
  }
  if (!run.echo_bias_warning.empty()) notes.push_back("warning: " + run.echo_bias_warning);
  return notes;
}

nlohmann::json GradcheckJson(const GradcheckRun& run) {
  const GradientResult& reference = run.Reference();
  nlohmann::json json;
  json["parameters"] = run.parameter_names;
  json["loss"] = reference.loss;
  json["reference"] = run.reference;
  json["comparison"] = "scale-free: dL/dtheta_j x |theta_j| and dL/dx0_i x scale_i";
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
    json["hardware_cost"][m] = HardwareCostJson(result.cost, run.timing);
    if (result.ok() && reference.ok()) {
      const GradientAgreement parameters = CompareParameters(run, result, reference);
      const GradientAgreement whole =
          Compare(ScaleFreeWhole(run, result), ScaleFreeWhole(run, reference));
      json["relative_errors"][m] = parameters.relative_error;
      json["cosine_similarities"][m] = parameters.cosine_similarity;
      json["sign_agreement"][m] = parameters.sign_agreement;
      json["relative_errors_with_initial_state"][m] = whole.relative_error;
    }
  }
  json["footnotes"] = GradcheckFootnotes(run);
  if (!run.echo_bias_warning.empty()) json["warnings"] = {run.echo_bias_warning};
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
  const auto compared = [&](auto&& format) {
    return [&, format](const GradientResult& r) {
      return r.ok() && reference.ok() ? format(CompareParameters(run, r, reference))
                                      : std::string("-");
    };
  };
  row("loss", [](const GradientResult& r) { return fmt::format("{:.9e}", r.loss); });
  row("rel. error",
      compared([](const GradientAgreement& a) { return fmt::format("{:.2e}", a.relative_error); }));
  row("cosine", compared([](const GradientAgreement& a) {
        return fmt::format("{:.9f}", a.cosine_similarity);
      }));
  row("sign agree",
      compared([](const GradientAgreement& a) { return fmt::format("{:.3f}", a.sign_agreement); }));
  row("passes", [](const GradientResult& r) { return fmt::format("{}", r.passes); });
  row("steps", [](const GradientResult& r) { return fmt::format("{}", r.steps); });
  row("wall time (s)",
      [](const GradientResult& r) { return fmt::format("{:.3g}", r.wall_time_s); });
  row("peak mem (MB)", [](const GradientResult& r) {
    return fmt::format("{:.1f}", static_cast<double>(r.peak_memory_bytes) / 1e6);
  });
  AppendHardwareCostRows(run, row);
  table += fmt::format(
      "(gradients per SI unit of each parameter; errors, cosines and signs against '{}' in "
      "dL/d log theta = gradient x |theta|)\n",
      run.reference);
  for (const std::string& note : GradcheckFootnotes(run)) table += note + "\n";
  return table;
}

}  // namespace echolab

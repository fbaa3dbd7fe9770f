#include "sims/commands/validate_command.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <functional>

#include "sims/output/plotting.h"
#include "sims/output/run_metadata.h"
#include "sims/output/staged_directory.h"
#include "sims/validation/circuit_studies.h"
#include "sims/validation/cost_study.h"
#include "sims/validation/robustness_study.h"
#include "sims/validation/validation_studies.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

using Study = std::function<std::vector<ValidationCheck>(const fs::path&)>;

std::vector<std::pair<std::string, Study>> Studies(const ValidationProblem& linear,
                                                   const ValidationProblem& nonlinear,
                                                   const std::string& figure_format) {
  std::vector<std::pair<std::string, Study>> studies;
  for (const ValidationProblem* v : {&linear, &nonlinear}) {
    studies.emplace_back(fmt::format("λ(t) on {}", v->id), [v](const fs::path& dir) {
      return std::vector{PointwiseAdjointStudy(*v, dir)};
    });
  }
  for (const ValidationProblem* v : {&linear, &nonlinear}) {
    studies.emplace_back(fmt::format("β sweep on {}", v->id),
                         [v](const fs::path& dir) { return std::vector{BetaStudy(*v, dir)}; });
  }
  studies.emplace_back("integrators on six_oscillators", [&linear](const fs::path& dir) {
    return std::vector{IntegratorStudy(linear, dir)};
  });
  for (const ValidationProblem* v : {&linear, &nonlinear}) {
    studies.emplace_back(fmt::format("per-parameter gradients on {}", v->id),
                         [v](const fs::path& dir) { return std::vector{ParameterStudy(*v, dir)}; });
  }
  studies.emplace_back("gradients of an LC ladder",
                       [](const fs::path& dir) { return std::vector{CircuitGradientStudy(dir)}; });
  studies.emplace_back("LC ladder against ngspice",
                       [](const fs::path& dir) { return std::vector{CircuitNgspiceStudy(dir)}; });
  studies.emplace_back("robustness to damping and thermal noise",
                       [&linear, figure_format](const fs::path& dir) {
                         return RobustnessStudy(linear, dir, figure_format);
                       });
  studies.emplace_back("hardware cost of a gradient",
                       [](const fs::path& dir) { return std::vector{HardwareCostStudy(dir)}; });
  return studies;
}

// The current time in UTC, as 2026-12-03T07:15:31Z.
std::string UtcNow() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

// summary.json: the run (version, commit, date), each check's verdict,
// metrics and paragraph, and the report's text, from which plot_validation.py
// writes the self-contained report.html.
nlohmann::json Summary(const std::vector<ValidationCheck>& checks, const ValidationProblem& linear,
                       const ValidationProblem& nonlinear) {
  nlohmann::json summary = RunHeader("validate");
  summary["date_utc"] = UtcNow();
  summary["report"] = {
      {"title", "echolab validation: echo learning against the adjoint method"},
      {"introduction",
       "Echo learning (continuous RHEL) computes loss gradients the way a Hamiltonian "
       "substrate would: a forward pass, a momentum flip, the inputs replayed backwards, and "
       "two echoes nudged by ±β towards lower loss. This report checks it against the "
       "continuous adjoint method (SUNDIALS CVODES), the exact gradient of the discrete map "
       "(backpropagation through time) and finite differences, on " +
           linear.title + " and on " + nonlinear.title +
           ". Every figure below is recomputed by `echolab validate`."},
      {"check_order", nlohmann::json::array()}};
  bool all_passed = true;
  for (const ValidationCheck& check : checks) {
    summary["checks"][check.id] = {{"title", check.title},
                                   {"passed", check.passed},
                                   {"paragraph", check.paragraph},
                                   {"metrics", check.metrics}};
    summary["report"]["check_order"].push_back(check.id);
    all_passed = all_passed && check.passed;
  }
  summary["all_passed"] = all_passed;
  return summary;
}

}  // namespace

int RunValidate(const ValidateArguments& arguments) {
  const fs::path destination =
      arguments.output_dir.empty() ? fs::path("out") / "validate" : fs::path(arguments.output_dir);
  const ValidationProblem linear = SixOscillatorValidation();
  const ValidationProblem nonlinear = NonlinearChainValidation();
  StagedDirectory output(destination, arguments.force);

  std::vector<ValidationCheck> checks;
  const auto studies = Studies(linear, nonlinear, arguments.figure_format);
  for (size_t k = 0; k < studies.size(); ++k) {
    if (!arguments.quiet) {
      fmt::print(stderr, "validate: [{}/{}] {}\n", k + 1, studies.size(), studies[k].first);
    }
    for (ValidationCheck& check : studies[k].second(output.path())) {
      checks.push_back(std::move(check));
    }
  }
  nlohmann::json summary = Summary(checks, linear, nonlinear);
  summary["plot"] = ToJson(PlotRecipe{"plot_validation.py", {}, arguments.figure_format});
  WriteJson(summary, output.path() / "summary.json");
  if (!arguments.quiet) fmt::print(stderr, "validate: plotting and writing the report\n");
  std::optional<std::string> plot_failure;
  try {
    RedrawFolder(output.path());
  } catch (const PlotError& error) {
    plot_failure = error.what();
  }
  output.Commit();

  if (!arguments.quiet) {
    for (const ValidationCheck& check : checks) {
      fmt::print("{:7} {}\n", check.passed ? "passed" : "FAILED", check.title);
    }
    fmt::print("wrote {}\n", (output.destination() / "report.html").string());
  }
  if (!summary["all_passed"].get<bool>()) return 1;
  return plot_failure ? ReportPlotFailure(*plot_failure, output.destination()) : 0;
}

}  // namespace echolab

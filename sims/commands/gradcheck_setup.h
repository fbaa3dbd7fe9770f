#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "learning/gradient_method.h"
#include "learning/gradient_method_registry.h"
#include "sims/commands/gradcheck_report.h"

namespace echolab {

/// What `echolab gradcheck` computes, prepared from one kind of input (a TOML
/// configuration, gradcheck_command.h; a SPICE netlist, circuit_gradcheck.h):
/// the problem, the methods and how the report names them. The command's
/// flow (the methods in turn, the report, the output folder) is shared.
struct GradcheckSetup {
  /// The first line printed: the model's description or the netlist's title.
  std::string title;
  /// Owns what `problem` points to.
  std::shared_ptr<const void> owner;
  GradientProblem problem;
  GradientMethodSettings settings;
  std::vector<std::string> methods;
  /// The report's names, scales, reference and warning; no results yet.
  GradcheckRun run;
  /// The parameters the results are restricted to; empty: all of them.
  std::vector<int> entries;
  /// Wall-time budget (s) of the methods, 0 for none: checked after each
  /// method (a running method is not interrupted); when it is spent, the
  /// methods left are skipped, named, and the run fails (exit 1).
  double time_budget_s = 0.0;
  /// The kind's entries of the report's "run" object.
  nlohmann::json run_fields = nlohmann::json::object();
  /// Writes the kind's further files into the output folder (may be empty).
  std::function<void(const std::filesystem::path& folder)> write_files;
};

}  // namespace echolab

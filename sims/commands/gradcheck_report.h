#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "learning/gradient_method.h"

namespace echolab {

/// The results of several gradient methods on one problem, against one of them.
struct GradcheckRun {
  std::vector<std::string> parameter_names;
  int num_dof = 0;
  std::string reference;
  std::vector<GradientResult> results;  // in the order the methods ran

  const GradientResult& Reference() const;
};

/// JSON: {"parameters": [...], "loss": x, "gradients": {method: [...]},
/// "initial_state_gradients": {...}, "relative_errors": {...},
/// "cosine_similarities": {...}, "timings_s", "passes", "steps",
/// "peak_memory_bytes", "status"}.
nlohmann::json GradcheckJson(const GradcheckRun& run);

/// A fixed-width table of the same, with at most `max_rows` parameter rows.
std::string GradcheckTable(const GradcheckRun& run, int max_rows = 40);

}  // namespace echolab

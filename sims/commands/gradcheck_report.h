#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "learning/echo_gradient.h"
#include "learning/gradient_method.h"

namespace echolab {

/// The results of several gradient methods on one problem, against one of them.
struct GradcheckRun {
  std::vector<std::string> parameter_names;
  int num_dof = 0;
  std::string reference;
  std::vector<GradientResult> results;  // in the order the methods ran
  /// Scales s of the compared quantities: every comparison is made in the
  /// scale-free coordinates dL/dθ_j × s_j (with s_j = |θ_j|, dL/d log θ_j) and
  /// dL/dx0_i × s_i, so that F, H, A, Wb and C can share one norm
  /// (ParameterScales, ProblemScales). Empty: 1.
  Vector parameter_scales;
  PhaseState state_scales;
  /// Why the echo is known to be biased on this problem (EchoBiasWarning);
  /// empty when it is not.
  std::string echo_bias_warning;
  /// The device's flip and reset times, for the physical time of each
  /// method's passes (HardwareCost::PhysicalTime_s).
  HardwareTiming timing;

  const GradientResult& Reference() const;
};

/// A warning when an echo method runs on a pass whose echo is known to be
/// biased: a damped pass echoed naively (the same damping, echo_damping =
/// "naive") or with plain gain (echo_damping = "gain"); empty otherwise.
std::string EchoBiasWarning(const GradientProblem& problem, const EchoOptions& echo,
                            const std::vector<std::string>& methods);

/// JSON: {"parameters": [...], "loss": x, "gradients": {method: [...]},
/// "initial_state_gradients": {...}, "relative_errors": {...},
/// "cosine_similarities", "sign_agreement" (all in scale-free coordinates),
/// "discretisation" (see GradcheckFootnotes), "warnings", "timings_s",
/// "passes", "steps", "peak_memory_bytes", "status",
/// "hardware_cost": {method: HardwareCostJson}}.
nlohmann::json GradcheckJson(const GradcheckRun& run);

/// A fixed-width table of the same, with at most `max_rows` parameter rows,
/// and the footnotes of GradcheckFootnotes.
std::string GradcheckTable(const GradcheckRun& run, int max_rows = 40);

/// What the errors against a continuous reference are made of, computed from
/// the methods run: when the reference is `adjoint` and the gradient of the
/// discrete map ran (discrete_adjoint, or else fd), the discretisation error
/// of the step (that method against the adjoint) and each echo's own error
/// (the echo against that method, its β term); then the bias warning.
std::vector<std::string> GradcheckFootnotes(const GradcheckRun& run);

}  // namespace echolab

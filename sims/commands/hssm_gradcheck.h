#pragma once

#include "sims/commands/gradcheck_command.h"
#include "sims/config/hssm_gradcheck_config.h"

namespace echolab {

/// `echolab gradcheck CONFIG.toml` on a Hamiltonian SSM (a configuration with [task] and
/// [model] kind = "hssm"): the gradients of the model's initial parameters on one batch by
/// BPTT and by RHEL, for every β of `betas` and every step δ of `steps`, compared block by
/// block over each HRU layer's parameters (the RHEL paper's Fig. 4): cosine similarity,
/// norm ratio ‖RHEL‖ / ‖BPTT‖ and relative error ‖RHEL − BPTT‖ / ‖BPTT‖, for each kind of
/// parameter (B, C, D, A, step, W, b, c, alpha) and for the whole layer ("all"). Writes
/// alignment.csv, summary.json and alignment.png (sims/plot/plot_hssm_gradcheck.py) into
/// the output folder. Returns 0, or kExitPlotFailed when only the figure failed.
int RunHssmGradcheck(const GradcheckArguments& arguments, const HssmGradcheckConfig& config);

}  // namespace echolab

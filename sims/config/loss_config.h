#pragma once

#include <memory>

#include "learning/loss.h"
#include "sims/config/config_table.h"
#include "sims/config/substrate_config.h"

namespace echolab {

/// Builds the loss of a [loss] table:
///   readout          "position" (q) or "velocity" (∂H/∂p, e.g. a node voltage)
///   dof              read-out degrees of freedom, numbered from 1
///   weight           running weight w (number or array per read-out), default 1
///   terminal_weight  terminal weight w^T, default 0
///   terminal_target  y^T, default 0
///   [[loss.target]]  y_k(t), one waveform table per read-out (as [[input]]), default 0
std::shared_ptr<const Loss> BuildLoss(const ConfigTable& table, const Substrate& substrate);

}  // namespace echolab

#include "sims/config/loss_config.h"

#include <fmt/format.h>

#include "sims/config/input_config.h"

namespace echolab {
namespace {

std::shared_ptr<const Readout> BuildReadout(const ConfigTable& table, const Substrate& substrate) {
  const int n = substrate.system->num_dof();
  std::vector<int> indices;
  for (long number : table.IntegerArray("dof")) {
    if (number < 1 || number > n) {
      table.Fail("dof", fmt::format("degree of freedom {} is outside 1..{}", number, n));
    }
    indices.push_back(static_cast<int>(number - 1));
  }
  if (indices.empty()) table.Fail("dof", "expected at least one degree of freedom");
  const std::string kind = table.String("readout", "position");
  if (kind == "position") {
    return std::make_shared<PositionReadout>(n, substrate.system->num_params(), indices);
  }
  if (kind == "velocity") return std::make_shared<VelocityReadout>(substrate.system, indices);
  table.Fail("readout", fmt::format("unknown read-out '{}', expected position or velocity", kind));
}

InputSignal BuildTargets(const ConfigTable& table, int channels) {
  const std::vector<ConfigTable> targets = table.TableArray("target");
  if (targets.empty()) {
    std::vector<InputChannel> zeros;
    for (int k = 0; k < channels; ++k) {
      zeros.push_back({std::make_shared<ConstantWaveform>(0.0), Parity::kEven});
    }
    return InputSignal(std::move(zeros));
  }
  if (static_cast<int>(targets.size()) != channels) {
    table.Fail("target", fmt::format("{} [[loss.target]] tables given, expected {} (one per "
                                     "read-out)",
                                     targets.size(), channels));
  }
  return BuildInputSignal(targets);
}

}  // namespace

std::shared_ptr<const Loss> BuildLoss(const ConfigTable& table, const Substrate& substrate) {
  table.RejectUnknownKeys(
      {"readout", "dof", "weight", "terminal_weight", "terminal_target", "target"});
  std::shared_ptr<const Readout> readout = BuildReadout(table, substrate);
  const int m = readout->size();
  return std::make_shared<TrackingLoss>(readout, BuildTargets(table, m),
                                        table.NumberOrArray("weight", m, 1.0),
                                        table.NumberOrArray("terminal_weight", m, 0.0),
                                        table.NumberOrArray("terminal_target", m, 0.0));
}

}  // namespace echolab

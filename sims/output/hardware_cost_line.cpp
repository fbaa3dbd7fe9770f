#include "sims/output/hardware_cost_line.h"

#include <fmt/format.h>

#include <cmath>

#include "sims/output/hardware_cost_json.h"

namespace echolab {

std::string HardwareCostLine(const HardwareCost& cost, const HardwareTiming& timing,
                             const std::string& time_unit) {
  std::string line = fmt::format(
      "{} hardware passes ({} flips, {} resets), physical time {:.4g} {}", cost.hardware_passes,
      cost.flips, cost.resets, cost.PhysicalTime_s(timing), time_unit);
  if (cost.has_energy) {
    const DeviceEnergy& e = cost.energy;
    line += fmt::format("; energy: inputs {:.4g} J, nudges {:.4g} J, dissipated {:.4g} J, flips "
                        "{:.4g} J",
                        e.input_work_J, e.nudge_work_J, e.dissipated_J, e.flip_energy_J);
  }
  if (cost.readout.samples_per_parameter > 0) {
    line += fmt::format("; read-out: {} samples per parameter", cost.readout.samples_per_parameter);
    const double bits = ReadoutRangeBits(cost.readout);
    if (std::isfinite(bits)) line += fmt::format(", {:.3g} bits", bits);
  }
  if (cost.digital.model_evaluations > 0) {
    line += fmt::format("; computer: {:.3g} flops, {:.3g} MB", cost.digital.flops,
                        cost.digital.memory_bytes / 1e6);
  }
  return line;
}

}  // namespace echolab

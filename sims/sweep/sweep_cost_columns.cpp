#include "sims/sweep/sweep_cost_columns.h"

#include <cmath>

#include "sims/output/hardware_cost_json.h"

namespace echolab {

std::vector<double> SweepCostValues(const GradientResult& echo, const GradientResult& adjoint) {
  const HardwareCost& cost = echo.cost;
  const double unmeasured = NAN;
  const auto energy = [&](double DeviceEnergy::*field) {
    return cost.has_energy ? cost.energy.*field : unmeasured;
  };
  return {static_cast<double>(cost.hardware_passes),
          cost.PhysicalTime_s(HardwareTiming{}),
          energy(&DeviceEnergy::input_work_J),
          energy(&DeviceEnergy::nudge_work_J),
          energy(&DeviceEnergy::dissipated_J),
          energy(&DeviceEnergy::flip_energy_J),
          static_cast<double>(cost.readout.samples_per_parameter),
          ReadoutRangeBits(cost.readout),
          adjoint.cost.digital.flops,
          adjoint.cost.digital.memory_bytes};
}

}  // namespace echolab

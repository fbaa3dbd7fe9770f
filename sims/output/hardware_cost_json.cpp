#include "sims/output/hardware_cost_json.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace echolab {
namespace {

std::vector<double> ToStdVector(const Vector& v) { return {v.data(), v.data() + v.size()}; }

// JSON has no infinity or NaN: null instead.
nlohmann::json FiniteOrNull(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json EnergyJson(const DeviceEnergy& energy) {
  return {{"input_work", energy.input_work_J},       {"nudge_work", energy.nudge_work_J},
          {"dissipated", energy.dissipated_J},       {"flips", energy.flip_energy_J},
          {"energy_change", energy.energy_change_J}, {"balance_error", energy.BalanceError_J()}};
}

}  // namespace

double ReadoutRangeBits(const ReadoutCost& readout) {
  return readout.RangeBits(kReadoutRelativeAccuracy);
}

nlohmann::json HardwareCostJson(const HardwareCost& cost, const HardwareTiming& timing) {
  nlohmann::json json = {
      {"hardware_passes", cost.hardware_passes},
      {"flips", cost.flips},
      {"resets", cost.resets},
      {"pass_time_s", cost.pass_time_s},
      {"flip_time_s", timing.flip_time_s},
      {"reset_time_s", timing.reset_time_s},
      {"physical_time_s", cost.PhysicalTime_s(timing)},
      {"energy_J", cost.has_energy ? EnergyJson(cost.energy) : nlohmann::json(nullptr)},
      {"readout",
       {{"samples_per_parameter", cost.readout.samples_per_parameter},
        {"max_abs_integrand", ToStdVector(cost.readout.max_abs_integrand)},
        {"min_abs_integrand", ToStdVector(cost.readout.min_abs_integrand)},
        {"mean_abs_integrand", ToStdVector(cost.readout.mean_abs_integrand)},
        {"range_bits", FiniteOrNull(ReadoutRangeBits(cost.readout))},
        {"range_relative_accuracy", kReadoutRelativeAccuracy}}},
      {"digital",
       {{"model_evaluations", cost.digital.model_evaluations},
        {"flops", cost.digital.flops},
        {"memory_bytes", cost.digital.memory_bytes}}}};
  return json;
}

}  // namespace echolab

#include "sims/sweep/sweep_config.h"

#include <fmt/format.h>

#include "sims/config/loss_config.h"

namespace echolab {
namespace {

std::vector<double> Numbers(const ConfigTable& table, std::string_view key, double fallback) {
  if (!table.Has(key)) return {fallback};
  const Vector values = table.NumberArray(key);
  if (values.size() == 0) table.Fail(key, "expected at least one value");
  return {values.data(), values.data() + values.size()};
}

std::vector<EchoDamping> Dampings(const ConfigTable& table) {
  if (!table.Has("echo_damping")) return {EchoDamping::kNaive};
  std::vector<EchoDamping> dampings;
  for (const std::string& name : table.StringArray("echo_damping")) {
    if (name == "naive") {
      dampings.push_back(EchoDamping::kNaive);
    } else if (name == "gain") {
      dampings.push_back(EchoDamping::kGain);
    } else if (name == "gain_reweighted") {
      dampings.push_back(EchoDamping::kGainReweighted);
    } else {
      table.Fail("echo_damping", fmt::format("unknown echo damping '{}', expected naive, gain or "
                                             "gain_reweighted",
                                             name));
    }
  }
  return dampings;
}

std::vector<std::uint64_t> Seeds(const ConfigTable& table) {
  if (!table.Has("seeds")) return {1};
  std::vector<std::uint64_t> seeds;
  for (long seed : table.IntegerArray("seeds")) {
    if (seed < 0) table.Fail("seeds", "expected non-negative integers");
    seeds.push_back(static_cast<std::uint64_t>(seed));
  }
  return seeds;
}

void CheckPositive(const ConfigTable& table, std::string_view key,
                   const std::vector<double>& values, bool allow_zero) {
  for (double value : values) {
    if (!(allow_zero ? value >= 0.0 : value > 0.0)) {
      table.Fail(key, fmt::format("expected values {} 0, got {}", allow_zero ? ">=" : ">", value));
    }
  }
}

}  // namespace

std::string SweepPoint::Key() const {
  return fmt::format("{:.17g},{:.17g},{:.17g},{},{}", beta, decay_rate_per_s, thermal_energy_J,
                     ToString(echo_damping), seed);
}

const char* ToString(EchoDamping damping) {
  switch (damping) {
    case EchoDamping::kNaive:
      return "naive";
    case EchoDamping::kGain:
      return "gain";
    case EchoDamping::kGainReweighted:
      return "gain_reweighted";
  }
  return "naive";
}

SweepConfig LoadSweepConfig(const std::string& path) {
  const ConfigTable root = ConfigTable::ParseFile(path);
  SweepConfig config;
  config.simulation = ParseSimulationConfig(root, {"loss", "sweep"});
  config.loss = BuildLoss(root.Table("loss"), config.simulation.substrate);
  const ConfigTable sweep = root.Table("sweep");
  sweep.RejectUnknownKeys(
      {"beta", "decay_rate_per_s", "thermal_energy_J", "echo_damping", "seeds"});
  const auto betas = Numbers(sweep, "beta", 1e-3);
  const auto decay_rates = Numbers(sweep, "decay_rate_per_s", 0.0);
  const auto thermal_energies = Numbers(sweep, "thermal_energy_J", 0.0);
  CheckPositive(sweep, "beta", betas, false);
  CheckPositive(sweep, "decay_rate_per_s", decay_rates, true);
  CheckPositive(sweep, "thermal_energy_J", thermal_energies, true);
  for (double kT : thermal_energies) {
    for (double gamma : decay_rates) {
      if (kT > 0.0 && gamma == 0.0) {
        sweep.Fail("thermal_energy_J",
                   "thermal noise needs damping (fluctuation-dissipation): every "
                   "decay_rate_per_s must be > 0 when a thermal_energy_J is");
      }
    }
  }
  // A noise-free point does not depend on the seed, and the gain echoes run
  // noise-free only (baoab's noise needs dissipating friction): those
  // combinations are left out.
  const std::vector<std::uint64_t> seeds = Seeds(sweep);
  for (double beta : betas) {
    for (double gamma : decay_rates) {
      for (double kT : thermal_energies) {
        for (EchoDamping damping : Dampings(sweep)) {
          if (kT > 0.0 && damping != EchoDamping::kNaive) continue;
          for (std::uint64_t seed : seeds) {
            config.points.push_back({beta, gamma, kT, damping, seed});
            if (kT == 0.0) break;
          }
        }
      }
    }
  }
  return config;
}

}  // namespace echolab

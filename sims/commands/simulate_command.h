#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace echolab {

struct SimulateArguments {
  std::string config_path;
  /// Output directory; empty means out/simulate/<config file stem>.
  std::string output_dir;
  bool plot = true;
  std::string figure_format = "png";  // --format: png, svg or pdf
  /// Replace an existing output folder even if echolab did not write it.
  bool force = false;
  bool quiet = false;
  /// Netlists only: the resistors' temperature (K) for Johnson-Nyquist noise
  /// (0: none) and the seed of the noise, which is then required.
  double temperature_K = 0.0;
  std::optional<std::uint64_t> seed;
  /// Netlists only: parasitic capacitance (F) from every node without a path
  /// of capacitors to ground; 0 refuses such nodes (CircuitOptions).
  double node_capacitance_F = 0.0;
};

/// `echolab simulate CONFIG.toml` (or NETLIST.cir, circuit_simulate.h): runs
/// the configured pass and writes its result files (for a configuration,
/// trajectory.csv and energy.csv), meta.json and its figure into the output
/// directory, all or nothing. Returns the process exit code: 0 on success,
/// 1 when the integration failed (status and cause printed), and throws
/// InputError for bad input (the caller exits with 2).
int RunSimulate(const SimulateArguments& arguments);

}  // namespace echolab

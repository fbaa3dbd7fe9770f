#pragma once

#include <string_view>

namespace echolab {

/// The most memory a run may plan to use. Inputs whose estimated needs exceed
/// it (a model of a billion oscillators, a dense netlist of 300,000 nodes, a
/// sweep grid of millions of points) are refused up front with an InputError
/// that names the key or file, instead of failing midway with bad_alloc. The
/// command line sets it once (--max-memory GiB); input files may be at most an
/// eighth of it.
class MemoryBudget {
 public:
  static constexpr double kDefaultGiB = 8.0;
  static constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;

  /// Throws InputError unless `gib` is finite and > 0.
  static void SetLimitGiB(double gib);
  static double LimitGiB();
  static double LimitBytes() { return LimitGiB() * kBytesPerGiB; }
  /// The largest input file read (configuration, netlist, CSV, data set).
  static double MaxInputFileBytes() { return LimitBytes() / 8.0; }

  /// Throws InputError "WHERE: WHAT needs about X GiB of memory, more than the
  /// limit of Y GiB; ..." when `bytes` exceeds the limit. `where` is a
  /// location such as "run.toml:3:1: model.num_oscillators".
  static void Check(double bytes, std::string_view where, std::string_view what);
};

}  // namespace echolab

#include "sims/config/input_config.h"

#include <fmt/format.h>

#include <filesystem>

#include "circuits/waveform_file.h"
#include "common/error.h"

namespace echolab {
namespace {

std::vector<double> ToStdVector(const Vector& v) { return {v.data(), v.data() + v.size()}; }

std::shared_ptr<const Waveform> BuildSampled(const ConfigTable& table,
                                             Interpolation interpolation) {
  std::vector<double> times_s, values;
  if (table.Has("file")) {
    const std::string file = table.InputFile("file", "waveform file");
    try {
      WaveformSamples samples = ReadWaveformCsv(file);
      times_s = std::move(samples.times_s);
      values = std::move(samples.values);
    } catch (const InputError& error) {
      table.Fail("file", error.what());
    }
  } else {
    times_s = ToStdVector(table.NumberArray("times_s"));
    values = ToStdVector(table.NumberArray("values"));
  }
  try {
    return std::make_shared<SampledWaveform>(std::move(times_s), std::move(values), interpolation);
  } catch (const InputError& error) {
    table.Fail("values", error.what());
  }
}

std::shared_ptr<const Waveform> BuildWaveform(const ConfigTable& table) {
  const std::string kind = table.String("waveform");
  if (kind == "constant") {
    table.RejectUnknownKeys({"waveform", "parity", "value"});
    return std::make_shared<ConstantWaveform>(table.Number("value"));
  }
  if (kind == "sine") {
    table.RejectUnknownKeys(
        {"waveform", "parity", "amplitude", "frequency_Hz", "phase_rad", "offset"});
    return std::make_shared<SineWaveform>(
        table.Number("amplitude"), table.PositiveNumber("frequency_Hz"),
        table.Number("phase_rad", 0.0), table.Number("offset", 0.0));
  }
  if (kind == "sampled") {
    table.RejectUnknownKeys({"waveform", "parity", "times_s", "values", "file", "interpolation"});
    return BuildSampled(table, ReadInterpolation(table, "interpolation"));
  }
  if (kind == "piecewise_linear") {
    table.RejectUnknownKeys({"waveform", "parity", "times_s", "values", "file"});
    return BuildSampled(table, Interpolation::kLinear);
  }
  table.Fail("waveform", fmt::format("unknown waveform '{}', expected constant, sine, sampled or "
                                     "piecewise_linear",
                                     kind));
}

Parity ReadParity(const ConfigTable& table) {
  const std::string parity = table.String("parity", "even");
  if (parity == "even") return Parity::kEven;
  if (parity == "odd") return Parity::kOdd;
  table.Fail("parity", fmt::format("unknown parity '{}', expected even or odd", parity));
}

}  // namespace

Interpolation ReadInterpolation(const ConfigTable& table, std::string_view key) {
  const std::string name = table.String(key, "linear");
  if (name == "linear") return Interpolation::kLinear;
  if (name == "cubic") return Interpolation::kCubic;
  table.Fail(key, fmt::format("unknown interpolation '{}', expected linear or cubic", name));
}

InputSignal BuildInputSignal(const std::vector<ConfigTable>& channels) {
  std::vector<InputChannel> built;
  for (const ConfigTable& table : channels) {
    built.push_back({BuildWaveform(table), ReadParity(table)});
  }
  return InputSignal(std::move(built));
}

}  // namespace echolab

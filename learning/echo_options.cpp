#include "learning/echo_options.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"

namespace echolab {

void EchoOptions::Validate() const {
  const EchoHardware& h = hardware;
  if (!std::isfinite(h.flip_gain_error) || !(h.flip_noise_relative >= 0.0) ||
      !(h.parameter_drift_relative >= 0.0) || !std::isfinite(h.input_time_offset_s) ||
      !(h.input_time_jitter_s >= 0.0) || !std::isfinite(h.input_time_jitter_s) ||
      !(h.readout_noise_relative >= 0.0) || !std::isfinite(h.readout_noise_relative)) {
    throw InputError(
        "echo.hardware: expected a finite flip gain error and time offset, and noise, drift "
        "and jitter levels >= 0");
  }
  if (h.readout_bits < 0 || h.readout_bits > 52) {
    throw InputError(
        fmt::format("echo.hardware.readout_bits: expected 0 (no quantisation) to 52 bits, got {}",
                    h.readout_bits));
  }
  if (repeats < 1) throw InputError(fmt::format("echo.repeats must be >= 1, got {}", repeats));
  if (!(beta > 0.0) || !std::isfinite(beta)) {
    throw InputError(fmt::format("echo.beta must be a positive number, got {}", beta));
  }
}

}  // namespace echolab

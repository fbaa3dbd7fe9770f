#include "sims/sweep/sweep_point.h"

#include <fmt/format.h>

#include <cmath>
#include <type_traits>

namespace echolab {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Values from 0 (included) on.
constexpr KnobRange kNonNegative{.low = 0.0};

// The field of a knob of the point's EchoHardware, as a KnobField.
#define ECHOLAB_HARDWARE_FIELD(member) \
  [](SweepPoint& point) -> auto& { return point.hardware.member; }
#define ECHOLAB_POINT_FIELD(member) [](SweepPoint& point) -> auto& { return point.member; }

// A value read through a KnobField without changing the point.
template <typename T>
T Read(KnobField<T> field, const SweepPoint& point) {
  SweepPoint copy = point;
  return field(copy);
}

}  // namespace

const std::vector<SweepKnob>& SweepKnobs() {
  // name and [sweep] key, unit, field, accepted values, imperfection, random
  static const std::vector<SweepKnob> knobs = {
      {"beta", "beta", "1", KnobField<double>{ECHOLAB_POINT_FIELD(beta)},
       {.low = 0.0, .low_included = false}},
      {"decay_rate_per_s", "decay_rate_per_s", "1/s",
       KnobField<double>{ECHOLAB_POINT_FIELD(decay_rate_per_s)}, kNonNegative},
      {"decay_rate_spread", "decay_rate_spread", "1",
       KnobField<double>{ECHOLAB_POINT_FIELD(decay_rate_spread)},
       {.low = 0.0, .high = 1.0, .high_included = false}, true},
      {"thermal_energy_J", "thermal_energy_J", "J",
       KnobField<double>{ECHOLAB_POINT_FIELD(thermal_energy_J)}, kNonNegative, false, true},
      {"echo_damping", "echo_damping", "", KnobField<EchoDamping>{ECHOLAB_POINT_FIELD(echo_damping)}},
      {kSeedKnob, "seeds", "1", KnobField<std::uint64_t>{ECHOLAB_HARDWARE_FIELD(seed)},
       kNonNegative},
      {"flip_gain_error", "flip_gain_error", "1",
       KnobField<double>{ECHOLAB_HARDWARE_FIELD(flip_gain_error)}, {}, true},
      {"flip_noise_relative", "flip_noise_relative", "1",
       KnobField<double>{ECHOLAB_HARDWARE_FIELD(flip_noise_relative)}, kNonNegative, true, true},
      {"parameter_drift_relative", "parameter_drift_relative", "1",
       KnobField<double>{ECHOLAB_HARDWARE_FIELD(parameter_drift_relative)}, kNonNegative, true,
       true},
      {"input_time_offset_s", "input_time_offset_s", "s",
       KnobField<double>{ECHOLAB_HARDWARE_FIELD(input_time_offset_s)}, {}, true},
      {"input_time_jitter_s", "input_time_jitter_s", "s",
       KnobField<double>{ECHOLAB_HARDWARE_FIELD(input_time_jitter_s)}, kNonNegative, true, true},
      {"readout_noise_relative", "readout_noise_relative", "1",
       KnobField<double>{ECHOLAB_HARDWARE_FIELD(readout_noise_relative)}, kNonNegative, true,
       true},
      {"readout_bits", "readout_bits", "1", KnobField<int>{ECHOLAB_HARDWARE_FIELD(readout_bits)},
       {.low = 0.0, .high = 52.0}, true},
      {"echo_repeats", "echo_repeats", "1", KnobField<int>{ECHOLAB_POINT_FIELD(echo_repeats)},
       {.low = 1.0, .high = 1e6}},
      {"conductance_scale", "conductance_scale", "1",
       KnobField<double>{ECHOLAB_POINT_FIELD(conductance_scale)}, kNonNegative},
  };
  return knobs;
}

#undef ECHOLAB_HARDWARE_FIELD
#undef ECHOLAB_POINT_FIELD

bool KnobRange::Contains(double value) const {
  const bool above = low_included ? value >= low : value > low;
  const bool below = high_included ? value <= high : value < high;
  return above && below;
}

std::string KnobRange::Describe(bool integers) const {
  if (integers) {
    const auto whole = [](double bound) { return static_cast<long long>(bound); };
    return high == kInfinity ? fmt::format("integers >= {}", whole(low))
                             : fmt::format("integers from {} to {}", whole(low), whole(high));
  }
  if (high == kInfinity) return fmt::format("values {} {:g}", low_included ? ">=" : ">", low);
  return fmt::format("values in {}{:g}, {:g}{}", low_included ? "[" : "(", low, high,
                     high_included ? "]" : ")");
}

std::string FormatKnob(const SweepKnob& knob, const SweepPoint& point) {
  return std::visit(
      [&](auto field) -> std::string {
        const auto value = Read(field, point);
        using T = decltype(value);
        if constexpr (std::is_same_v<T, const double>) {
          return fmt::format("{:.17g}", value);
        } else if constexpr (std::is_same_v<T, const EchoDamping>) {
          return ToString(value);
        } else {
          return fmt::format("{}", value);
        }
      },
      knob.field);
}

std::string_view KnobKind(const SweepKnob& knob) {
  if (std::holds_alternative<KnobField<double>>(knob.field)) return "number";
  if (std::holds_alternative<KnobField<EchoDamping>>(knob.field)) return "name";
  return "integer";
}

namespace {

// The knobs' CSV fields joined by commas, the seed's left out unless asked.
std::string JoinedKnobs(const SweepPoint& point, bool with_seed) {
  std::string key;
  for (const SweepKnob& knob : SweepKnobs()) {
    if (!with_seed && knob.name == kSeedKnob) continue;
    if (!key.empty()) key.push_back(',');
    key.append(FormatKnob(knob, point));
  }
  return key;
}

}  // namespace

std::string SweepPoint::Key() const { return JoinedKnobs(*this, true); }

std::string SweepPoint::KeyWithoutSeed() const { return JoinedKnobs(*this, false); }

bool SweepPoint::IsRandom() const {
  for (const SweepKnob& knob : SweepKnobs()) {
    if (!knob.random) continue;
    const bool positive = std::visit(
        [&](auto field) {
          const auto value = Read(field, *this);
          if constexpr (std::is_arithmetic_v<std::remove_const_t<decltype(value)>>) {
            return value > 0;
          } else {
            return false;  // a name draws nothing
          }
        },
        knob.field);
    if (positive) return true;
  }
  return false;
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

const std::vector<EchoDamping>& AllEchoDampings() {
  static const std::vector<EchoDamping> dampings = {EchoDamping::kNaive, EchoDamping::kGain,
                                                    EchoDamping::kGainReweighted};
  return dampings;
}

}  // namespace echolab

#include "circuits/netlist.h"

#include <algorithm>
#include <cctype>
#include <numbers>


namespace echolab {

// E_J = Φ0 I_c / 2π.
double JosephsonEnergy_J(double critical_current_A) {
  return kFluxQuantum_Wb * critical_current_A / (2.0 * std::numbers::pi);
}

// I_c = 2π E_J / Φ0.
double CriticalCurrent_A(double josephson_energy_J) {
  return 2.0 * std::numbers::pi * josephson_energy_J / kFluxQuantum_Wb;
}

std::shared_ptr<const SpiceWaveform> SourceWaveform::MakeWaveform() const {
  const std::vector<double>& p = parameters;
  switch (kind) {
    case Kind::kDc:
      return std::make_shared<DcWaveform>(p.at(0));
    case Kind::kSin:
      return std::make_shared<DampedSineWaveform>(p.at(0), p.at(1), p.at(2), p.at(3), p.at(4),
                                                  p.at(5));
    case Kind::kPulse:
      return std::make_shared<PulseWaveform>(p.at(0), p.at(1), p.at(2), p.at(3), p.at(4), p.at(5),
                                             p.at(6));
    case Kind::kPwl:
    case Kind::kFile:
      break;
  }
  return std::make_shared<PiecewiseLinearWaveform>(times_s, values);
}

const Element* Netlist::Find(const std::string& name) const {
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto found = std::find_if(elements.begin(), elements.end(),
                                  [&](const Element& element) { return element.name == lower; });
  return found == elements.end() ? nullptr : &*found;
}

}  // namespace echolab

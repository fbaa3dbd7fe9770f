#pragma once

// The small substrate of the command-line tests: three oscillators (quartic
// on-site, harmonic couplings), driven on the first by a sine, from a
// displaced state. Configurations append [simulation], [integrator] and the
// tables of their command.

namespace echolab::testing {

inline constexpr const char* kThreeOscillators = R"([model]
type = "oscillator_network"
num_oscillators = 3
masses_kg = [1.0, 1.5, 0.8]
driven = [1]
[model.onsite]
law = "quartic"
k = 1.0
b = 0.2
[model.coupling]
law = "harmonic"
k = 0.4
[[input]]
waveform = "sine"
amplitude = 0.4
frequency_Hz = 0.2
[initial_state]
q = [0.3, 0.0, -0.2]
)";

}  // namespace echolab::testing

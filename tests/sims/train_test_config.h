#pragma once

// The training problem of the command-line tests of `echolab train` and
// scripts/compare_rules.sh.

namespace echolab::testing {

/// A two-oscillator chain on a short windowed-mean task; {steps} and {lr}
/// are filled in with fmt (fmt::runtime).
inline constexpr const char* kTrainConfig = R"([task]
kind = "windowed_mean"
sequences = 12
length = 60
window_steps = 10
output_step = 5
correlation_steps = 5.0

[model]
kind = "oscillator_network"
trained = ["k_1", "k_2", "k_1_2"]
readout_dof = [2]
sample_interval_s = 0.1
step_s = 0.05

[model.substrate]
type = "oscillator_network"
num_oscillators = 2
driven = [1]
[model.substrate.onsite]
law = "harmonic"
k = [1.0, 2.0]
[model.substrate.coupling]
law = "harmonic"
k = 0.5

[training]
lr = {lr}
batch = 3
steps = {steps}
eval_every = 5
beta = 1e-3
split = [0.5, 0.25, 0.25]
)";

}  // namespace echolab::testing

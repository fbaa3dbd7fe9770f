#pragma once

// Small configurations for the command-line fault tests: each command runs
// them in a fraction of a second.

#include <string>

#include "sims/three_oscillators.h"

namespace echolab::faults {

// Three oscillators (quartic on-site, harmonic couplings), driven on the
// first, for 2 s at 0.01 s: 200 samples.
inline const std::string kSmallSubstrate = std::string(testing::kThreeOscillators) + R"([simulation]
duration_s = 2.0
[integrator]
scheme = "leapfrog"
step_s = 0.01
)";

// Appended to kSmallSubstrate: the loss of gradcheck.
inline constexpr const char* kSmallLoss = R"([loss]
readout = "position"
dof = [3]
)";

// Appended to kSmallSubstrate and kSmallLoss: a four-point sweep.
inline constexpr const char* kSmallSweep = R"([sweep]
beta = [0.001, 0.01]
decay_rate_per_s = [0.0, 0.01]
seeds = [1]
)";

// A one-layer HSSM on a short regression task: four steps.
inline constexpr const char* kSmallTrain = R"([task]
kind = "windowed_mean"
sequences = 12
length = 40
window_steps = 10
output_step = 5
[model]
kind = "hssm"
unit = "linear"
layers = 1
hidden = 4
state = 4
[training]
lr = 0.01
batch = 3
steps = 4
eval_every = 2
split = [0.5, 0.25, 0.25]
)";

}  // namespace echolab::faults

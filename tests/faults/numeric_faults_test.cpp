// Numerical faults and hostile numbers on the command line: a substrate that
// blows up under the adjoint (with the address space limited), a step beyond
// the leapfrog stability limit, and step counts that overflow. Each run must
// end with its documented exit code and a message that names the cause,
// never a signal, and must leave no output behind.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "faults/fault_harness.h"

namespace echolab::faults {
namespace {

// Three oscillators with on-site stiffness -100 N/m under a constant force:
// the state grows like e^(10 t) for 50 s, and the loss would overflow.
constexpr const char* kBlowUpGradcheck = R"(
[model]
type = "oscillator_network"
num_oscillators = 3
driven = [1]

[model.onsite]
law = "harmonic"
k = -100.0

[model.coupling]
law = "harmonic"
topology = "chain"
k = 1.0

[[input]]
waveform = "constant"
value = 1.0

[simulation]
duration_s = 50.0

[integrator]
scheme = "leapfrog"
step_s = 0.01
EXTRA

[loss]
readout = "position"
dof = [3]

[gradcheck]
methods = METHODS
)";

// The paper's six oscillators, as in sims/configs/six_oscillators.toml.
constexpr const char* kSixOscillators = R"(
[model]
type = "paper_six_oscillators"

[[input]]
waveform = "sine"
amplitude = 0.5
frequency_Hz = 0.12

[initial_state]
q = [0.5, 0.0, 0.0, -0.3, 0.0, 0.0]
p = 0.0

[simulation]
duration_s = DURATION

[integrator]
scheme = "leapfrog"
step_s = STEP
output_interval_s = 0.05
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

std::string BlowUp(const std::string& methods, const std::string& extra = "") {
  return Replace(Replace(kBlowUpGradcheck, "METHODS", methods), "EXTRA", extra);
}

std::string SixOscillators(const std::string& step_s, const std::string& duration_s = "60.0") {
  return Replace(Replace(kSixOscillators, "STEP", step_s), "DURATION", duration_s);
}

class NumericFaults : public FaultTest {
 protected:
  // Runs echolab with `arguments` in the scratch folder and checks that it
  // wrote nothing: the folder holds the inputs only, without leftovers.
  RunOutcome RunWritingNothing(const std::string& arguments, const RunLimits& limits = {}) {
    const TreeSnapshot before = Snapshot(root());
    const auto start = std::chrono::steady_clock::now();
    RunOutcome outcome = RunEcholabIn(root(), arguments, limits);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(Snapshot(root()), before) << outcome.output;
    EXPECT_TRUE(PartialLeftovers(root()).empty()) << outcome.output;
    return outcome;
  }
  double seconds_ = 0.0;
};

// 3 GiB of address space: the adjoint's forward pass used to grow without
// bound until CVODES crashed in N_VClone. It now stops on the stability
// guard within a second.
TEST_F(NumericFaults, BlowUpUnderTheAdjointExitsOneWithinMemory) {
  WriteFile("blow_up.toml", BlowUp(R"(["adjoint"])"));
  const RunOutcome outcome = RunWritingNothing(
      "gradcheck blow_up.toml -o out", {.address_space_kib = 3L * 1024 * 1024, .timeout_s = 60});
  EXPECT_EXIT_WITH_MESSAGE(outcome, 1, "adjoint failed", "the adjoint's forward pass stopped",
                           "at t = ", "the energy grew", "the largest component is");
  EXPECT_LT(seconds_, 10.0);
}

// With the growth test off (max_energy_growth = inf) the state still cannot
// run on once its energy or its loss overflows: the guard's overflow check or
// the loss quadrature's finiteness check stops CVODES cleanly.
TEST_F(NumericFaults, BlowUpWithTheGrowthTestOffExitsOneOnOverflow) {
  WriteFile("blow_up.toml", BlowUp(R"(["adjoint"])", "max_energy_growth = inf"));
  const RunOutcome outcome = RunWritingNothing(
      "gradcheck blow_up.toml -o out", {.address_space_kib = 3L * 1024 * 1024, .timeout_s = 60});
  EXPECT_EXIT_WITH_MESSAGE(outcome, 1, "adjoint failed", "t = ");
  EXPECT_LT(seconds_, 10.0);
}

// The checkpoint memory budget ends a long adjoint pass with exit 1.
TEST_F(NumericFaults, AdjointMemoryBudgetExitsOne) {
  WriteFile("budget.toml", Replace(BlowUp(R"(["adjoint"])", "adjoint_memory_MiB = 0.05"),
                                   "k = -100.0", "k = 1.0"));
  const RunOutcome outcome = RunWritingNothing("gradcheck budget.toml -o out", {.timeout_s = 60});
  EXPECT_EXIT_WITH_MESSAGE(outcome, 1, "its budget is spent",
                           "integrator.adjoint_memory_MiB = 0.05 MiB");
  EXPECT_LT(seconds_, 10.0);
}

// The fixed-step methods stop on the same guard in their own step loops.
TEST_F(NumericFaults, BlowUpUnderTheFixedStepMethodsExitsOne) {
  WriteFile("blow_up.toml", BlowUp(R"(["echo", "discrete_adjoint", "fd"]
reference = "discrete_adjoint")"));
  const RunOutcome outcome = RunWritingNothing("gradcheck blow_up.toml -o out", {.timeout_s = 60});
  EXPECT_EXIT_WITH_MESSAGE(outcome, 1, "echo failed", "discrete_adjoint failed", "fd failed",
                           "the forward pass stopped: at t = ");
  EXPECT_LT(seconds_, 10.0);
}

// step_s = 5 s on the six oscillators (ω_max = 1.54 rad/s, so the leapfrog
// limit is 1.3 s) used to exit 0 with the energy at 2e40 J.
TEST_F(NumericFaults, StepBeyondTheLeapfrogLimitExitsOneNamingTimeAndComponent) {
  WriteFile("six.toml", SixOscillators("5.0"));
  const RunOutcome outcome = RunWritingNothing("simulate six.toml -o out --no-plot");
  EXPECT_EXIT_WITH_MESSAGE(outcome, 1, "energy growth", "at t = 20 s the energy grew from 0.316 J",
                           "the largest component is q_4",
                           "the step 5 s exceeds the leapfrog "
                           "stability limit 2/omega_max = 1.3 s",
                           "No output written");
}

TEST_F(NumericFaults, StepCountOverflowExitsTwoNamingTheKey) {
  WriteFile("tiny_step.toml", SixOscillators("1e-300"));
  EXPECT_EXIT_WITH_MESSAGE(RunWritingNothing("simulate tiny_step.toml -o out --no-plot"), 2,
                           "tiny_step.toml:19", "integrator.step_s = 1e-300 s",
                           "needs 6e+301 steps", "integrator.max_steps = 100000000");
  WriteFile("long_pass.toml", SixOscillators("0.01", "1e300"));
  EXPECT_EXIT_WITH_MESSAGE(RunWritingNothing("simulate long_pass.toml -o out --no-plot"), 2,
                           "long_pass.toml:19", "simulation.duration_s = 1e+300 s",
                           "needs 1e+302 steps");
}

TEST_F(NumericFaults, TranStepCountOverflowExitsTwoNamingTheCard) {
  WriteFile("tiny.cir", "tiny step\nC1 a 0 1n\nL1 a 0 1u\n.tran 1e-30 200n uic\n.end\n");
  EXPECT_EXIT_WITH_MESSAGE(RunWritingNothing("simulate tiny.cir -o out --no-plot"), 2, "tiny.cir:4",
                           ".tran", "integrator.max_steps = 100000000", "2e+23");
}

}  // namespace
}  // namespace echolab::faults

// Configuration files: a valid file builds the pass it describes; every kind
// of bad input is an InputError naming the file, line and key.

#include "sims/config/simulation_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "physics/error.h"

namespace echolab {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr const char* kValidNetwork = R"(
[model]
type = "oscillator_network"
num_oscillators = 3
masses_kg = [1.0, 2.0, 0.5]
driven = [2]

[model.onsite]
law = "quartic"
k = 1.0
b = [0.1, 0.2, 0.3]

[model.coupling]
law = "harmonic"
topology = "chain"
k = 0.5

[[input]]
waveform = "sampled"
times_s = [0.0, 1.0, 2.0]
values = [0.0, 1.0, 0.0]
interpolation = "cubic"

[initial_state]
q = [0.1, 0.0, -0.1]

[simulation]
duration_s = 2.0

[dissipation]
friction_N_s_per_m = 0.01

[integrator]
scheme = "yoshida4"
step_s = 0.001
)";

SimulationConfig Parse(const std::string& text) {
  return ParseSimulationConfig(ConfigTable::ParseText(text, "test.toml"));
}

std::string ErrorOf(const std::string& text) {
  try {
    Parse(text);
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected an InputError for:\n" << text;
  return "";
}

// Replaces the first occurrence of `from` in the valid file by `to`.
std::string ValidWith(const std::string& from, const std::string& to) {
  std::string text = kValidNetwork;
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(SimulationConfig, BuildsTheDescribedPass) {
  const SimulationConfig config = Parse(kValidNetwork);
  const HamiltonianSystem& system = *config.substrate.system;
  ASSERT_EQ(system.num_dof(), 3);
  EXPECT_EQ(system.num_inputs(), 1);
  // m (3), on-site k and b (3 + 3), two chain couplings.
  ASSERT_EQ(system.num_params(), 11);
  EXPECT_EQ(system.parameter_names()[4], "k_2");
  EXPECT_EQ(system.parameter_names()[8], "b_3");
  EXPECT_EQ(system.parameter_names()[10], "k_2_3");
  EXPECT_DOUBLE_EQ(config.problem.theta[1], 2.0);
  EXPECT_DOUBLE_EQ(config.problem.theta[8], 0.3);
  EXPECT_DOUBLE_EQ(config.problem.initial_state.q[2], -0.1);
  EXPECT_DOUBLE_EQ(config.problem.dissipation.friction_N_s_per_m[1], 0.01);
  EXPECT_DOUBLE_EQ(config.problem.input.Value(1.0)[0], 1.0);
  EXPECT_EQ(config.integrator.scheme, "yoshida4");
  EXPECT_DOUBLE_EQ(config.integrator.step_s, 0.001);
}

TEST(SimulationConfig, BuildsThePaperExample) {
  const SimulationConfig config = Parse(R"(
[model]
type = "paper_six_oscillators"
[[input]]
waveform = "sine"
amplitude = 1.0
frequency_Hz = 0.5
[simulation]
duration_s = 1.0
)");
  EXPECT_EQ(config.substrate.system->num_dof(), 6);
  EXPECT_EQ(config.substrate.system->num_params(), 6 + 6 + 15);
}

TEST(SimulationConfig, MalformedTomlNamesFileAndLine) {
  EXPECT_THAT(ErrorOf("[model]\ntype = \"paper_six_oscillators\"\nduration_s = = 3\n"),
              AllOf(HasSubstr("test.toml:3:"), HasSubstr("malformed TOML")));
}

TEST(SimulationConfig, WrongSizedArrayNamesKeyAndExpectedSize) {
  EXPECT_THAT(ErrorOf(ValidWith("masses_kg = [1.0, 2.0, 0.5]", "masses_kg = [1.0, 2.0]")),
              AllOf(HasSubstr("test.toml:5:"), HasSubstr("model.masses_kg"),
                    HasSubstr("an array of 3, got an array of 2")));
}

TEST(SimulationConfig, NonPositiveMassIsRejected) {
  EXPECT_THAT(ErrorOf(ValidWith("masses_kg = [1.0, 2.0, 0.5]", "masses_kg = [1.0, 0.0, 0.5]")),
              AllOf(HasSubstr("m_2"), HasSubstr("positive mass")));
}

TEST(SimulationConfig, NonPositiveStepIsRejected) {
  EXPECT_THAT(ErrorOf(ValidWith("step_s = 0.001", "step_s = -0.1")),
              AllOf(HasSubstr("test.toml:"), HasSubstr("integrator.step_s"), HasSubstr(">= 0")));
}

// A step or duration whose step count overflows a long (or exceeds
// max_steps) is refused before any integer cast, naming the key, its line
// and the limit.
TEST(SimulationConfig, StepCountBeyondMaxStepsIsRefused) {
  EXPECT_THAT(
      ErrorOf(ValidWith("step_s = 0.001", "step_s = 1e-300")),
      AllOf(HasSubstr("test.toml:35:"), HasSubstr("integrator.step_s"),
            HasSubstr("needs 2e+300 steps"), HasSubstr("integrator.max_steps = 100000000")));
  EXPECT_THAT(ErrorOf(ValidWith("duration_s = 2.0", "duration_s = 1e300")),
              AllOf(HasSubstr("test.toml:35:"), HasSubstr("simulation.duration_s = 1e+300 s"),
                    HasSubstr("needs 1e+303 steps")));
  EXPECT_THAT(ErrorOf(ValidWith("step_s = 0.001", "step_s = 0.001\nmax_steps = 1000")),
              AllOf(HasSubstr("needs 2000 steps"), HasSubstr("integrator.max_steps = 1000")));
}

// Without a step in the file, the duration's line is named.
TEST(SimulationConfig, StepCountBeyondMaxStepsNamesTheDurationWithoutAStep) {
  std::string text = ValidWith("step_s = 0.001", "");
  text.replace(text.find("duration_s = 2.0"), 16, "duration_s = 1e300");
  EXPECT_THAT(ErrorOf(text), AllOf(HasSubstr("test.toml:28:"), HasSubstr("simulation.duration_s")));
}

TEST(SimulationConfig, StabilityGuardAndAdjointMemoryAreRead) {
  const SimulationConfig config = Parse(ValidWith("step_s = 0.001",
                                                  "step_s = 0.001\nmax_energy_growth = 1e9\n"
                                                  "adjoint_memory_MiB = 64"));
  EXPECT_EQ(config.integrator.max_energy_growth, 1e9);
  EXPECT_EQ(config.integrator.adjoint_memory_MiB, 64.0);
  EXPECT_THAT(ErrorOf(ValidWith("step_s = 0.001", "step_s = 0.001\nmax_energy_growth = 0.5")),
              AllOf(HasSubstr("test.toml:36:"), HasSubstr("integrator.max_energy_growth"),
                    HasSubstr("> 1")));
  EXPECT_THAT(ErrorOf(ValidWith("step_s = 0.001", "step_s = 0.001\nadjoint_memory_MiB = 0")),
              AllOf(HasSubstr("test.toml:36:"), HasSubstr("integrator.adjoint_memory_MiB")));
}

TEST(SimulationConfig, UnknownSchemeListsTheKnownOnes) {
  EXPECT_THAT(
      ErrorOf(ValidWith("\"yoshida4\"", "\"runge_kutta\"")),
      AllOf(HasSubstr("integrator.scheme"), HasSubstr("'runge_kutta'"), HasSubstr("leapfrog")));
}

TEST(SimulationConfig, UnknownKeyIsRejected) {
  EXPECT_THAT(ErrorOf(ValidWith("masses_kg =", "mases_kg =")),
              AllOf(HasSubstr("model.mases_kg"), HasSubstr("unknown key")));
}

TEST(SimulationConfig, MissingRequiredKeyIsNamed) {
  EXPECT_THAT(ErrorOf(ValidWith("duration_s = 2.0", "")),
              AllOf(HasSubstr("simulation.duration_s"), HasSubstr("required")));
}

TEST(SimulationConfig, WrongTypeIsNamed) {
  EXPECT_THAT(ErrorOf(ValidWith("duration_s = 2.0", "duration_s = \"long\"")),
              AllOf(HasSubstr("simulation.duration_s"), HasSubstr("expected a number")));
}

TEST(SimulationConfig, InputChannelCountMustMatch) {
  EXPECT_THAT(ErrorOf(ValidWith("driven = [2]", "driven = [2, 3]")),
              AllOf(HasSubstr("1 [[input]] channels given"), HasSubstr("2 inputs")));
}

TEST(SimulationConfig, DrivenOscillatorOutOfRange) {
  EXPECT_THAT(ErrorOf(ValidWith("driven = [2]", "driven = [4]")),
              AllOf(HasSubstr("model.driven"), HasSubstr("outside 1..3")));
}

TEST(SimulationConfig, UnsortedSamplesAreRejected) {
  EXPECT_THAT(ErrorOf(ValidWith("times_s = [0.0, 1.0, 2.0]", "times_s = [0.0, 2.0, 1.0]")),
              AllOf(HasSubstr("input[0].values"), HasSubstr("increase strictly")));
}

TEST(SimulationConfig, NoiseNeedsAnExplicitSeed) {
  EXPECT_THAT(ErrorOf(std::string(kValidNetwork) + "[noise]\nthermal_energy_J = 0.01\n"),
              AllOf(HasSubstr("noise.seed"), HasSubstr("required")));
}

TEST(SimulationConfig, WrongSizedInitialState) {
  EXPECT_THAT(ErrorOf(ValidWith("q = [0.1, 0.0, -0.1]", "q = [0.1, 0.0]")),
              AllOf(HasSubstr("initial_state.q"), HasSubstr("array of 3")));
}

}  // namespace
}  // namespace echolab

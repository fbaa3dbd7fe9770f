// Configuration files: a valid file builds the pass it describes; every kind
// of bad input is an InputError naming the file, line and key.

#include "sims/config/simulation_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"
#include "physics/memory_budget.h"

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
              AllOf(HasSubstr("test.toml:5:"), HasSubstr("model.masses_kg"),
                    HasSubstr("oscillator 2 has mass 0 kg"), HasSubstr("positive mass")));
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

// Lines of kValidNetwork (it starts with a blank line): 4 num_oscillators,
// 9 onsite.law, 14 coupling.law, 15 coupling.topology, 16 coupling.k,
// 20 times_s, 25 initial_state.q, 28 duration_s, 35 step_s.

TEST(SimulationConfig, IntegersBeyondIntAreRefusedWithTheRange) {
  for (const std::string count : {"4294967297", "2147483648", "0"}) {
    EXPECT_THAT(ErrorOf(ValidWith("num_oscillators = 3", "num_oscillators = " + count)),
                AllOf(HasSubstr("test.toml:4:"), HasSubstr("model.num_oscillators"),
                      HasSubstr("expected an integer from 1 to 2147483647, got " + count)));
  }
}

TEST(SimulationConfig, NetworksBeyondTheMemoryBudgetAreRefused) {
  EXPECT_THAT(ErrorOf(ValidWith("num_oscillators = 3", "num_oscillators = 1000000000")),
              AllOf(HasSubstr("test.toml:4:"), HasSubstr("model.num_oscillators"),
                    HasSubstr("GiB of memory"), HasSubstr("--max-memory")));
  std::string dense = ValidWith("num_oscillators = 3", "num_oscillators = 50000");
  dense = dense.replace(dense.find("\"chain\""), 7, "\"all_to_all\"");
  EXPECT_THAT(ErrorOf(dense),
              AllOf(HasSubstr("test.toml:15:"), HasSubstr("model.coupling.topology"),
                    HasSubstr("1249975000 couplings"), HasSubstr("--max-memory")));
}

TEST(SimulationConfig, TheMemoryBudgetIsAdjustable) {
  MemoryBudget::SetLimitGiB(1e-9);  // about one byte
  const std::string error = ErrorOf(kValidNetwork);
  MemoryBudget::SetLimitGiB(MemoryBudget::kDefaultGiB);
  EXPECT_THAT(error, AllOf(HasSubstr("model.num_oscillators"), HasSubstr("limit of 1e-09 GiB")));
  EXPECT_THROW(MemoryBudget::SetLimitGiB(std::nan("")), InputError);
  EXPECT_NO_THROW(Parse(kValidNetwork));
}

TEST(SimulationConfig, LongTrajectoriesAreRefused) {
  std::string text = ValidWith("step_s = 0.001", "step_s = 0.001\nmax_steps = 100000000000");
  text.replace(text.find("duration_s = 2.0"), 16, "duration_s = 1e7");
  EXPECT_THAT(ErrorOf(text), AllOf(HasSubstr("test.toml:28:"), HasSubstr("simulation.duration_s"),
                                   HasSubstr("a trajectory of 1e+10 samples")));
  EXPECT_THAT(ErrorOf(ValidWith("duration_s = 2.0", "duration_s = 1e9")),
              AllOf(HasSubstr("test.toml:35:"), HasSubstr("simulation.duration_s = 1e+09 s"),
                    HasSubstr("more than integrator.max_steps")));
}

TEST(SimulationConfig, NonFiniteNumbersAreRefused) {
  for (const std::string bad : {"nan", "inf", "-inf"}) {
    EXPECT_THAT(ErrorOf(ValidWith("k = 0.5", "k = " + bad)),
                AllOf(HasSubstr("test.toml:16:"), HasSubstr("model.coupling.k"),
                      HasSubstr("expected a finite number, got")));
  }
  EXPECT_THAT(
      ErrorOf(ValidWith("q = [0.1, 0.0, -0.1]", "q = [0.1, nan, -0.1]")),
      AllOf(HasSubstr("test.toml:25:"), HasSubstr("initial_state.q[1]"), HasSubstr("finite")));
}

TEST(SimulationConfig, RunTimeRefusalsAreLocated) {
  EXPECT_THAT(ErrorOf(ValidWith("step_s = 0.001", "step_s = 0.0")),
              AllOf(HasSubstr("test.toml:35:"), HasSubstr("integrator.step_s"),
                    HasSubstr("'yoshida4' needs a step > 0 s")));
  EXPECT_THAT(ErrorOf(std::string(kValidNetwork) + "[noise]\nthermal_energy_J = 0.01\nseed = 1\n"),
              AllOf(HasSubstr("test.toml:36:"), HasSubstr("noise: thermal noise needs the scheme "
                                                          "'baoab'")));
  EXPECT_THAT(ErrorOf(ValidWith("law = \"quartic\"", "law = \"quadratic\"")),
              AllOf(HasSubstr("test.toml:9:"), HasSubstr("model.onsite.law"),
                    HasSubstr("unknown potential law 'quadratic'")));
}

TEST(SimulationConfig, SelfAndRepeatedCouplingsAreLocated) {
  const std::string edges = ValidWith("topology = \"chain\"", "topology = \"edges\"");
  std::string self = edges;
  self.replace(self.find("k = 0.5"), 7, "edges = [[1, 2], [2, 2]]\nk = 0.5");
  EXPECT_THAT(ErrorOf(self), AllOf(HasSubstr("test.toml:16:"), HasSubstr("model.coupling.edges"),
                                   HasSubstr("edges[1] couples oscillator 2 to itself")));
  std::string twice = edges;
  twice.replace(twice.find("k = 0.5"), 7, "edges = [[1, 2], [2, 1]]\nk = 0.5");
  EXPECT_THAT(ErrorOf(twice), AllOf(HasSubstr("model.coupling.edges"),
                                    HasSubstr("couples oscillators 2 and 1 a second time")));
}

TEST(SimulationConfig, SampleFilesFollowTheWaveformCsvRule) {
  const std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "config_csv";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ragged.csv") << "t,value\n0,1,5\n1,2\n";
  const auto with_file = [](const std::string& file) {
    std::string text =
        ValidWith("times_s = [0.0, 1.0, 2.0]\nvalues = [0.0, 1.0, 0.0]", "file = \"" + file + "\"");
    return text;
  };
  EXPECT_THAT(ErrorOf(with_file((dir / "ragged.csv").string())),
              AllOf(HasSubstr("test.toml:20:"), HasSubstr("input[0].file"),
                    HasSubstr("ragged.csv:2:1: bad line in waveform file: got '0,1,5'")));
  EXPECT_THAT(ErrorOf(with_file("/dev/zero")),
              AllOf(HasSubstr("input[0].file"), HasSubstr("/dev/zero: cannot read the waveform "
                                                          "file: it is not a regular file")));
  EXPECT_THAT(ErrorOf(with_file(dir.string())),
              AllOf(HasSubstr("input[0].file"), HasSubstr("it is a directory")));
}

TEST(SimulationConfig, ConfigurationFilesMustBeRegular) {
  EXPECT_THAT(
      [] {
        try {
          LoadSimulationConfig("/dev/zero");
        } catch (const InputError& error) {
          return std::string(error.what());
        }
        return std::string();
      }(),
      HasSubstr("/dev/zero: cannot read the configuration file: it is not a regular file"));
}

TEST(SimulationConfig, NonUtf8StringsAreRefusedByTheTomlParser) {
  EXPECT_THAT(ErrorOf(ValidWith("law = \"harmonic\"",
                                "law = \"harm\xff"
                                "onic\"")),
              AllOf(HasSubstr("test.toml:14:"), HasSubstr("utf-8")));
}

}  // namespace
}  // namespace echolab

// The table of sweep knobs: the point's key, the CSV headers and the grid it
// generates, against the columns and rules written out by hand.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "sims/config/config_table.h"
#include "sims/sweep/sweep_config.h"
#include "sims/sweep/sweep_row.h"
#include "sims/sweep_test_problem.h"

namespace echolab {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// results.csv's columns, written out by hand: the columns as released
// before the table existed, then the hardware-cost columns, then the wall
// time. Resumed folders depend on them.
constexpr const char* kHeader =
    "beta,decay_rate_per_s,decay_rate_spread,thermal_energy_J,echo_damping,seed,"
    "flip_gain_error,flip_noise_relative,parameter_drift_relative,input_time_offset_s,"
    "input_time_jitter_s,readout_noise_relative,readout_bits,echo_repeats,conductance_scale,"
    "status,relative_error,cosine_similarity,sign_agreement,pathwise_relative_error,"
    "pathwise_cosine_similarity,echo:a,echo:b,reference:a,reference:b,"
    "echo_hardware_passes,echo_physical_time_s,echo_input_work_J,echo_nudge_work_J,"
    "echo_dissipated_J,echo_flip_energy_J,echo_readout_samples,echo_readout_range_bits,"
    "adjoint_flops,adjoint_memory_bytes,wall_time_s\n";

TEST(SweepKnobs, HeaderHasTheReleasedColumns) {
  EXPECT_EQ(SweepCsvHeader({"a", "b"}), kHeader);
}

TEST(SweepKnobs, KeyNamesEveryKnobInFullPrecision) {
  SweepPoint point;
  point.beta = 0.1;
  point.echo_damping = EchoDamping::kGainReweighted;
  point.hardware.seed = 7;
  point.hardware.readout_bits = 12;
  point.hardware.input_time_offset_s = -1e-3;
  EXPECT_EQ(point.Key(),
            "0.10000000000000001,0,0,0,gain_reweighted,7,0,0,0,-0.001,0,0,12,1,1");
  EXPECT_EQ(point.KeyWithoutSeed(),
            "0.10000000000000001,0,0,0,gain_reweighted,0,0,0,-0.001,0,0,12,1,1");
}

TEST(SweepKnobs, RowRoundTripsThroughTheCsv) {
  SweepRow row;
  row.point.hardware.seed = 3;
  row.status = "echo: a \"quoted\", comma";
  row.relative_error = 0.125;
  row.echo_gradient = Vector::Constant(2, 1.5);
  row.reference_gradient = Vector::Constant(2, -2.0);
  row.cost = {3.0, 1e-6, 0.25, 1e-9, 0.125, 0.5, 4000.0, 12.0, 1e5, 2048.0};
  const std::string line = SweepCsvRow(row);
  const std::vector<std::string> fields = SplitCsvLine(line.substr(0, line.size() - 1));
  ASSERT_EQ(fields.size(), 36u);
  EXPECT_EQ(fields[25], "3");
  EXPECT_EQ(fields[34], "2048");
  EXPECT_EQ(fields[15], row.status);
  EXPECT_EQ(fields[16], "0.125");
  EXPECT_EQ(fields[22], "1.5");
  EXPECT_EQ(fields[24], "-2");

  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "sweep_point_test_results.csv";
  std::ofstream(path) << SweepCsvHeader({"a", "b"}) << line;
  const std::map<std::string, SweepRow> rows = ReadSweepRows(path, 2);
  ASSERT_EQ(rows.count(row.point.Key()), 1u);
  const SweepRow& read = rows.at(row.point.Key());
  EXPECT_EQ(read.status, row.status);
  EXPECT_EQ(read.relative_error, 0.125);
  EXPECT_EQ(read.echo_gradient, row.echo_gradient);
  EXPECT_EQ(read.reference_gradient, row.reference_gradient);
  EXPECT_EQ(read.cost, row.cost);
  std::filesystem::remove(path);
}

// The random knobs are those that draw from the seed: thermal noise, flip
// noise, drift, input jitter and read-out noise.
TEST(SweepKnobs, RandomKnobsAreTheNoises) {
  std::vector<std::string> random;
  for (const SweepKnob& knob : SweepKnobs()) {
    if (knob.random) random.emplace_back(knob.name);
  }
  EXPECT_EQ(random, (std::vector<std::string>{"thermal_energy_J", "flip_noise_relative",
                                              "parameter_drift_relative", "input_time_jitter_s",
                                              "readout_noise_relative"}));
  SweepPoint point;
  EXPECT_FALSE(point.IsRandom());
  point.hardware.input_time_jitter_s = 1e-6;
  EXPECT_TRUE(point.IsRandom());
}

SweepConfig Parse(const std::string& grid) {
  const std::string text =
      testing::SixOscillatorsProblem(testing::kSineInput, "1.0") + "[sweep]\n" + grid;
  return ParseSweepConfig(ConfigTable::ParseText(text, "sweep.toml"));
}

// 2 β × 2 flip noises × 3 seeds: the noisy points for every seed, the others
// for the first only; the seed varies fastest.
TEST(SweepKnobs, GridRunsRandomPointsForEverySeed) {
  const SweepConfig config =
      Parse("beta = [0.01, 0.1]\nflip_noise_relative = [0.0, 0.001]\nseeds = [5, 6, 7]\n");
  std::vector<std::string> keys;
  for (const SweepPoint& point : config.points) keys.push_back(point.Key());
  ASSERT_EQ(keys.size(), 8u);
  EXPECT_EQ(keys[0], "0.01,0,0,0,naive,5,0,0,0,0,0,0,0,1,1");
  EXPECT_EQ(keys[1], "0.01,0,0,0,naive,5,0,0.001,0,0,0,0,0,1,1");
  EXPECT_EQ(keys[2], "0.01,0,0,0,naive,6,0,0.001,0,0,0,0,0,1,1");
  EXPECT_EQ(keys[4], "0.10000000000000001,0,0,0,naive,5,0,0,0,0,0,0,0,1,1");
}

// The message of the InputError that parsing `grid` throws, or "" if none.
std::string ParseError(const std::string& grid) {
  try {
    Parse(grid);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

TEST(SweepKnobs, EveryKnobIsCheckedByItsRange) {
  EXPECT_THAT(ParseError("readout_bits = [53]\n"),
              AllOf(HasSubstr("sweep.readout_bits"), HasSubstr("integers from 0 to 52, got 53")));
  EXPECT_THAT(ParseError("echo_repeats = [0]\n"), HasSubstr("integers from 1 to 1000000, got 0"));
  EXPECT_THAT(ParseError("decay_rate_spread = [1.0]\n"), HasSubstr("values in [0, 1), got 1"));
  EXPECT_THAT(ParseError("beta = [0.0]\n"), HasSubstr("values > 0, got 0"));
  EXPECT_THAT(ParseError("input_time_jitter_s = [-1e-3]\n"), HasSubstr("values >= 0"));
  EXPECT_THAT(ParseError("seeds = []\n"), HasSubstr("expected at least one value"));
  EXPECT_THAT(ParseError("echo_damping = [\"gain\", \"gain\"]\n"),
              HasSubstr("the value gain is listed twice"));
  EXPECT_EQ(ParseError("input_time_offset_s = [-1e-3, 1e-3]\n"), "");
}

}  // namespace
}  // namespace echolab

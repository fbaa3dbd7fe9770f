// Every netlist shipped in circuits/examples/ runs with `echolab simulate`,
// and a node without capacitance is refused with its location, its name and
// the --node-capacitance option, or runs with that option.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "sims/command_line.h"

namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using echolab::testing::RunEcholab;

// The shipped examples with a node that no capacitor reaches (lc_ladder.cir:
// n1 sits between the source resistor and the first inductor, as ngspice
// users draw it), which run with a parasitic capacitance.
const std::set<std::string> kNeedNodeCapacitance = {"lc_ladder.cir"};
constexpr const char* kParasitic_F = "1e-15";

class CircuitExamples : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = echolab::testing::ScratchDirectory("circuit_examples");
    fs::remove_all(scratch_);
    fs::create_directories(scratch_);
  }
  void TearDown() override { fs::remove_all(scratch_.parent_path()); }
  fs::path scratch_;
};

TEST_F(CircuitExamples, EveryShippedNetlistSimulates) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(ECHOLAB_SOURCE_DIR) / "circuits" /
                                                  "examples")) {
    if (entry.path().extension() != ".cir") continue;
    ++count;
    const std::string name = entry.path().filename().string();
    const std::string options =
        kNeedNodeCapacitance.contains(name) ? std::string(" --node-capacitance ") + kParasitic_F
                                            : std::string();
    const auto result = RunEcholab("simulate " + entry.path().string() + options + " -q --no-plot -o " +
                                   (scratch_ / name).string());
    EXPECT_EQ(result.exit_code, 0) << name << ":\n" << result.output;
    EXPECT_TRUE(fs::exists(scratch_ / name / "voltages.csv")) << name;
  }
  EXPECT_GE(count, 7);
}

TEST_F(CircuitExamples, NodeWithoutCapacitanceIsRefusedWithItsLocationAndTheOption) {
  const fs::path ladder = fs::path(ECHOLAB_SOURCE_DIR) / "circuits" / "examples" / "lc_ladder.cir";
  const auto result =
      RunEcholab("simulate " + ladder.string() + " -q --no-plot -o " + (scratch_ / "x").string());
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, AllOf(HasSubstr("lc_ladder.cir:5:1"), HasSubstr("node(s) n1"),
                                   HasSubstr("first used by r1"), HasSubstr("--node-capacitance")));
  EXPECT_FALSE(fs::exists(scratch_ / "x"));
  const auto negative = RunEcholab("simulate " + ladder.string() +
                                   " --node-capacitance -1 -q --no-plot -o " +
                                   (scratch_ / "y").string());
  EXPECT_EQ(negative.exit_code, 2) << negative.output;
  EXPECT_THAT(negative.output, HasSubstr("--node-capacitance"));
}

}  // namespace

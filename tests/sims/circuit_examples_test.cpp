// Every netlist shipped in circuits/examples/ runs with `echolab simulate`
// as it is (lc_ladder.cir's n1, without capacitance, is solved from
// Kirchhoff's law), and a node without capacitance that cannot be solved so
// is refused with its location, its name and the --node-capacitance option,
// or runs with that option.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sims/command_line.h"

namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using echolab::testing::RunEcholab;

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
    const auto result = RunEcholab("simulate " + entry.path().string() + " -q --no-plot -o " +
                                   (scratch_ / name).string());
    EXPECT_EQ(result.exit_code, 0) << name << ":\n" << result.output;
    EXPECT_TRUE(fs::exists(scratch_ / name / "voltages.csv")) << name;
  }
  EXPECT_GE(count, 7);
}

// n1 between two inductors has neither a capacitor nor a resistor: refused
// unless a parasitic capacitance is given.
TEST_F(CircuitExamples, NodeWithoutCapacitanceOrResistorIsRefusedWithItsLocationAndTheOption) {
  const fs::path netlist = scratch_ / "inductors.cir";
  std::ofstream(netlist) << "two inductors in series\nV1 in 0 PULSE(0 1 1n 0.5n 0.5n 5n 100n)\n"
                            "L0 in n1 10n\nL1 n1 n2 25n\nC1 n2 0 10p\n.tran 50p 10n\n";
  const auto result =
      RunEcholab("simulate " + netlist.string() + " -q --no-plot -o " + (scratch_ / "x").string());
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, AllOf(HasSubstr("inductors.cir:3:1"), HasSubstr("node(s) n1"),
                                   HasSubstr("first used by l0"), HasSubstr("--node-capacitance")));
  EXPECT_FALSE(fs::exists(scratch_ / "x"));
  const auto parasitic = RunEcholab("simulate " + netlist.string() +
                                    " --node-capacitance 1e-15 -q --no-plot -o " +
                                    (scratch_ / "z").string());
  EXPECT_EQ(parasitic.exit_code, 0) << parasitic.output;
  const fs::path ladder = fs::path(ECHOLAB_SOURCE_DIR) / "circuits" / "examples" / "lc_ladder.cir";
  const auto negative = RunEcholab("simulate " + ladder.string() +
                                   " --node-capacitance -1 -q --no-plot -o " +
                                   (scratch_ / "y").string());
  EXPECT_EQ(negative.exit_code, 2) << negative.output;
  EXPECT_THAT(negative.output, HasSubstr("--node-capacitance"));
}

}  // namespace

// `echolab gradcheck` on a Hamiltonian SSM: per-block alignment of RHEL with BPTT (exact
// for linear units, an O(β²) error for log-cosh units), and its input errors.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sims/command_line.h"

namespace {

namespace fs = std::filesystem;
using echolab::testing::RunEcholab;
using echolab::testing::ScratchDirectory;
using ::testing::HasSubstr;

// Two blocks on a short frequency task; UNIT and GRADCHECK filled in.
constexpr const char* kConfig = R"([task]
kind = "frequency_classification"
sequences = 6
length = 60
classes = 2
noise_std = 0.5
seed = 3

[model]
kind = "hssm"
unit = "{unit}"
layers = 2
hidden = 6
state = 5
seed = 7

[gradcheck]
{gradcheck}
)";

struct Row {
  double step, beta;
  int block;
  std::string group;
  double cosine, norm_ratio, relative_error;
};

fs::path WriteConfig(const std::string& name, const std::string& unit,
                     const std::string& gradcheck) {
  const fs::path dir = ScratchDirectory("hssm_gradcheck");
  fs::create_directories(dir);
  const fs::path path = dir / (name + ".toml");
  std::ofstream(path) << fmt::format(kConfig, fmt::arg("unit", unit),
                                     fmt::arg("gradcheck", gradcheck));
  return path;
}

std::vector<Row> ReadAlignment(const fs::path& csv) {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "step,beta,block,group,cosine,norm_ratio,relative_error");
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string cell[7];
    for (std::string& c : cell) std::getline(fields, c, ',');
    rows.push_back({std::stod(cell[0]), std::stod(cell[1]), std::stoi(cell[2]), cell[3],
                    std::stod(cell[4]), std::stod(cell[5]), std::stod(cell[6])});
  }
  return rows;
}

TEST(HssmGradcheck, LinearUnitsAlignExactlyInEveryBlockAndGroup) {
  const fs::path config = WriteConfig("linear", "linear", "sequences = 2\nbetas = [1e-3, 0.1, 1.0]");
  const fs::path out = ScratchDirectory("hssm_gradcheck") / "linear_out";
  const auto result = RunEcholab(fmt::format("gradcheck {} -o {} --force", config.string(),
                                             out.string()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("RHEL against BPTT"));
  const std::vector<Row> rows = ReadAlignment(out / "alignment.csv");
  std::map<std::string, int> groups;
  for (const Row& row : rows) {
    ++groups[row.group];
    EXPECT_GT(row.cosine, 1.0 - 1e-12) << row.group << " block " << row.block;
    EXPECT_NEAR(row.norm_ratio, 1.0, 1e-9) << row.group << " block " << row.block;
    EXPECT_LT(row.relative_error, 1e-9) << row.group << " block " << row.block;
  }
  // 3 β × 2 blocks of each group: B, C, D, A, step and the whole layer.
  EXPECT_EQ(groups.size(), 6u);
  for (const auto& [group, count] : groups) EXPECT_EQ(count, 6) << group;
  EXPECT_TRUE(fs::exists(out / "summary.json"));
}

// The log-cosh echo differs from BPTT by O(β²): halving β quarters every block's error, at
// every step δ of the sweep.
TEST(HssmGradcheck, LogCoshErrorShrinksLikeBetaSquaredAtEveryStep) {
  const fs::path config = WriteConfig("logcosh", "logcosh",
                                      "betas = [0.4, 0.2, 0.1, 0.05]\nsteps = [0.5, 0.1]");
  const fs::path out = ScratchDirectory("hssm_gradcheck") / "logcosh_out";
  const auto result = RunEcholab(fmt::format("gradcheck {} -o {} --force -q", config.string(),
                                             out.string()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::map<std::pair<double, int>, std::map<double, double>> errors;  // (step, block) → β → e
  for (const Row& row : ReadAlignment(out / "alignment.csv")) {
    if (row.group == "all") errors[{row.step, row.block}][row.beta] = row.relative_error;
  }
  ASSERT_EQ(errors.size(), 4u);
  for (const auto& [key, by_beta] : errors) {
    const double slope = std::log(by_beta.at(0.4) / by_beta.at(0.05)) / std::log(8.0);
    std::cout << fmt::format("step {:g}, block {}: error {:.3e} at beta 0.4, {:.3e} at 0.05, "
                             "slope {:.3f}\n",
                             key.first, key.second, by_beta.at(0.4), by_beta.at(0.05), slope);
    EXPECT_NEAR(slope, 2.0, 0.3) << "step " << key.first << ", block " << key.second;
  }
}

// `echolab gradcheck` on the configuration exits 2, its message naming each of `expected`,
// and writes no output folder.
void ExpectInputError(const std::string& name, const std::string& gradcheck,
                      const std::vector<std::string>& expected) {
  const fs::path config = WriteConfig(name, "linear", gradcheck);
  const fs::path out = ScratchDirectory("hssm_gradcheck") / (name + "_out");
  const auto result = RunEcholab(fmt::format("gradcheck {} -o {}", config.string(), out.string()));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  for (const std::string& text : expected) EXPECT_THAT(result.output, HasSubstr(text));
  EXPECT_FALSE(fs::exists(out));
}

TEST(HssmGradcheck, StepSweepOfLinearUnitsIsAnInputError) {
  ExpectInputError("linear_steps", "steps = [0.1, 0.01]",
                   {"linear_steps.toml", "gradcheck.steps", "logcosh"});
}

TEST(HssmGradcheck, MoreSequencesThanTheDataSetHoldsIsAnInputError) {
  ExpectInputError("too_many", "sequences = 7", {"too_many.toml", "gradcheck.sequences"});
}

}  // namespace

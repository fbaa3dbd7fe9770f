// Seeded fuzzing of the TOML configurations: thousands of mutations of every
// shipped configuration are either read or refused with an InputError that
// names the file (never another exception, never a crash); and a few hundred
// mutations of small configurations, run through the command line, end with
// exit 0, 1 or 2, never a signal. In a sanitizer build, ECHOLAB_FUZZ_SCALE
// lowers the number of cases.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "faults/fault_harness.h"
#include "faults/small_configs.h"
#include "sims/command_line.h"
#include "sims/config/config_table.h"
#include "sims/config/gradcheck_config.h"
#include "sims/config/hssm_gradcheck_config.h"
#include "sims/config/simulation_config.h"
#include "sims/config/train_config.h"
#include "sims/sweep/sweep_config.h"

namespace {

namespace fs = std::filesystem;
using echolab::ConfigTable;
using echolab::InputError;
using echolab::faults::kSmallLoss;
using echolab::faults::kSmallSubstrate;
using echolab::faults::kSmallSweep;
using echolab::faults::kSmallTrain;

using echolab::testing::ReadWholeFile;

// Values that probe the range checks: zero, negative, non-finite, beyond the
// 32- and 64-bit integers, denormal, and values of the wrong type.
constexpr std::array<const char*, 18> kHostileValues = {
    "0",    "-1",           "nan",        "inf",        "-inf",      "1e308",
    "-0.0", "4294967297",   "2147483648", "1e-300",     "\"\"",      "\"x\"",
    "true", "[]",           "[1, 2]",     "{}",         "0.5",       "9223372036854775807"};

// The [begin, end) of the value on the line holding `at` ("key = value").
std::pair<size_t, size_t> ValueSpan(const std::string& text, size_t at) {
  const size_t line_begin = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  size_t line_end = text.find('\n', at);
  if (line_end == std::string::npos) line_end = text.size();
  const size_t equals = text.find('=', line_begin);
  if (equals == std::string::npos || equals >= line_end) return {line_end, line_end};
  size_t begin = equals + 1;
  while (begin < line_end && text[begin] == ' ') ++begin;
  return {begin, line_end};
}

// One random edit: of a character, a line, or (half of the edits, since
// they reach the checks behind the syntax) a whole value.
std::string Mutate(const std::string& text, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::string out = text;
  if (out.empty()) return out;
  const size_t at = pick(out.size());
  const size_t line_begin = out.rfind('\n', at) == std::string::npos ? 0 : out.rfind('\n', at) + 1;
  size_t line_end = out.find('\n', at);
  if (line_end == std::string::npos) line_end = out.size();
  switch (pick(14)) {
    case 0:
      out.erase(at, 1);
      break;
    case 1:
      out.insert(at, 1, out[at]);
      break;
    case 2:
      std::swap(out[at], out[pick(out.size())]);
      break;
    case 3:
      out.insert(at, 1, "[]{}=\",.-+#'\n 0e\xff"[pick(17)]);
      break;
    case 4:  // delete the line
      out.erase(line_begin, line_end - line_begin);
      break;
    case 5:  // duplicate the line elsewhere
      out.insert(pick(out.size()), "\n" + out.substr(line_begin, line_end - line_begin) + "\n");
      break;
    case 6:  // cut the file
      out.resize(at);
      break;
    default: {  // replace a value with a hostile one
      const auto [begin, end] = ValueSpan(out, at);
      out.replace(begin, end - begin, kHostileValues[pick(kHostileValues.size())]);
    }
  }
  return out;
}

// What a configuration is read as, by the tables it has.
enum class ConfigKind { kSimulation, kGradcheck, kSweep, kTrain, kHssmGradcheck };

ConfigKind KindOf(const std::string& text) {
  if (text.find("[task]") != std::string::npos) {
    return text.find("[gradcheck]") != std::string::npos ? ConfigKind::kHssmGradcheck
                                                         : ConfigKind::kTrain;
  }
  if (text.find("[sweep]") != std::string::npos) return ConfigKind::kSweep;
  if (text.find("[loss]") != std::string::npos) return ConfigKind::kGradcheck;
  return ConfigKind::kSimulation;
}

// Reads `text` as a configuration of `kind`; relative paths in it resolve
// beside `path`. Throws what the loaders throw.
void Load(ConfigKind kind, const std::string& text, const fs::path& path) {
  const ConfigTable root = ConfigTable::ParseText(text, path.string());
  switch (kind) {
    case ConfigKind::kSimulation:
      echolab::ParseSimulationConfig(root);
      break;
    case ConfigKind::kGradcheck:
      echolab::ParseGradcheckConfig(root);
      break;
    case ConfigKind::kSweep:
      echolab::ParseSweepConfig(root);
      break;
    case ConfigKind::kTrain:
      echolab::ParseTrainConfig(root, echolab::SequenceGradientRule::kRhel);
      break;
    case ConfigKind::kHssmGradcheck:
      echolab::ParseHssmGradcheckConfig(root);
      break;
  }
}

// `count` cases, scaled by ECHOLAB_FUZZ_SCALE (in (0, 1]; scripts/test.sh
// runs fewer in the slower sanitizer build).
int FuzzTrials(int count) {
  const char* scale = std::getenv("ECHOLAB_FUZZ_SCALE");
  const double factor = scale != nullptr ? std::atof(scale) : 1.0;
  return factor > 0.0 && factor <= 1.0 ? std::max(1, static_cast<int>(factor * count)) : count;
}

std::vector<fs::path> ShippedConfigs() {
  std::vector<fs::path> configs;
  for (const auto& entry : fs::directory_iterator(fs::path(ECHOLAB_SOURCE_DIR) / "sims/configs")) {
    if (entry.path().extension() == ".toml") configs.push_back(entry.path());
  }
  std::sort(configs.begin(), configs.end());
  return configs;
}

TEST(ConfigFuzz, EveryShippedConfigurationLoads) {
  for (const fs::path& path : ShippedConfigs()) {
    const std::string text = ReadWholeFile(path);
    EXPECT_NO_THROW(Load(KindOf(text), text, path)) << path;
  }
}

TEST(ConfigFuzz, MutatedConfigurationsLoadOrRaiseInputError) {
  const std::vector<fs::path> configs = ShippedConfigs();
  ASSERT_GE(configs.size(), 10u);
  std::mt19937_64 rng(20261203);
  const int trials = FuzzTrials(3000);
  int loaded = 0, refused = 0;
  for (int trial = 0; trial < trials; ++trial) {
    const fs::path& path = configs[static_cast<size_t>(trial) % configs.size()];
    const std::string original = ReadWholeFile(path);
    std::string text = original;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) text = Mutate(text, rng);
    try {
      Load(KindOf(original), text, path);
      ++loaded;
    } catch (const InputError& error) {
      EXPECT_EQ(std::string(error.what()).rfind(path.string(), 0), 0u)
          << "the message does not start with the file: " << error.what() << "\n"
          << text;
      ++refused;
    } catch (const std::exception& error) {
      ADD_FAILURE() << "trial " << trial << ": unexpected exception '" << error.what()
                    << "' for " << path << ":\n"
                    << text;
    }
  }
  RecordProperty("loaded", loaded);
  RecordProperty("refused", refused);
  std::cout << "mutated configurations: " << loaded << " loaded, " << refused << " refused\n";
  EXPECT_EQ(loaded + refused, trials);
  EXPECT_GT(loaded, trials / 20);
  EXPECT_GT(refused, trials / 4);
}

class CommandLineFuzz : public echolab::faults::FaultTest {};

// Seconds one mutated run may take; a sanitizer build runs several times
// slower.
constexpr int kTimeBudget_s = echolab::faults::kAddressSpaceLimitApplies ? 15 : 90;

// Each mutated configuration through its command, under a memory limit and a
// time budget: exit 0, 1 or 2, never a signal; a failure leaves no output. A
// mutation may ask for a long computation (a stiff substrate for the
// adaptive adjoint, say): it is stopped at the budget and counted, and at
// most a tenth of the runs may need that.
TEST_F(CommandLineFuzz, MutatedConfigurationsExitCleanly) {
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"simulate --no-plot", kSmallSubstrate},
      {"gradcheck", std::string(kSmallSubstrate) + kSmallLoss},
      {"sweep --no-plot -j 1", std::string(kSmallSubstrate) + kSmallLoss + kSmallSweep},
      {"train --no-plot", kSmallTrain}};
  std::mt19937_64 rng(7);
  const int trials = FuzzTrials(160);
  std::array<int, 3> by_exit_code{};
  int over_budget = 0;
  for (int trial = 0; trial < trials; ++trial) {
    const auto& [command, original] = commands[static_cast<size_t>(trial) % commands.size()];
    std::string text = original;
    text = Mutate(text, rng);
    const fs::path config = WriteFile("config.toml", text);
    const fs::path output = root() / "out";
    fs::remove_all(output);
    const echolab::faults::RunOutcome outcome = echolab::faults::RunEcholabIn(
        root(), command + " -q config.toml -o out",
        {.address_space_kib = 4L << 20, .timeout_s = kTimeBudget_s});
    if (outcome.timed_out) {
      std::cout << "trial " << trial << " (" << command << ") ran past the budget:\n" << text;
      ++over_budget;
      // A stopped run leaves its staging folder to the next run into the
      // same place; this test moves on to a fresh one.
      for (const std::string& leftover : echolab::faults::PartialLeftovers(root())) {
        fs::remove_all(root() / leftover);
      }
      continue;
    }
    ASSERT_EQ(outcome.signal, 0) << "trial " << trial << " (" << command << ") killed by signal "
                                 << outcome.signal << ":\n"
                                 << text << "\n"
                                 << outcome.output;
    ASSERT_TRUE(outcome.exit_code >= 0 && outcome.exit_code <= 2)
        << "exit " << outcome.exit_code << ":\n"
        << text << "\n"
        << outcome.output;
    ++by_exit_code[static_cast<size_t>(outcome.exit_code)];
    if (outcome.exit_code == 2 && command.rfind("sweep", 0) != 0) {
      EXPECT_FALSE(fs::exists(output)) << text << "\n" << outcome.output;
    }
    EXPECT_EQ(echolab::faults::PartialLeftovers(root()), std::vector<std::string>{})
        << text << "\n" << outcome.output;
  }
  std::cout << "command-line runs: " << by_exit_code[0] << " succeeded, " << by_exit_code[1]
            << " failed (exit 1), " << by_exit_code[2] << " refused (exit 2), " << over_budget
            << " over the time budget\n";
  EXPECT_LE(over_budget, trials / 10);
  EXPECT_GT(by_exit_code[0], 0);
  EXPECT_GT(by_exit_code[2], 0);
}

}  // namespace

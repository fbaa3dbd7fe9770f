// Bad and hostile input on the command line: each case is refused up front
// with exit code 2 and a message naming the file, line and key (or option),
// and leaves nothing behind. The memory cases run under an address-space
// limit to show that the refusal comes from the estimate, not from bad_alloc.

#include <fmt/format.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "tests/faults/fault_harness.h"

namespace echolab::faults {
namespace {

constexpr long kTwoGiB_kib = 2L * 1024 * 1024;

// A network of `count` oscillators with an optional coupling table.
std::string Network(const std::string& count, const std::string& extra = "") {
  return fmt::format(R"([model]
type = "oscillator_network"
num_oscillators = {}
[model.onsite]
law = "harmonic"
k = 1.0
{}
[simulation]
duration_s = 1.0
)",
                     count, extra);
}

constexpr const char* kSixOscillators = R"([model]
type = "paper_six_oscillators"
[[input]]
waveform = "sine"
amplitude = 0.5
frequency_Hz = 1.0
[simulation]
duration_s = 1.0
)";

constexpr const char* kTank = "tank\nC1 a 0 1p\nL1 a b 1n\nC2 b 0 1p\n.tran 1p 1n\n";

class InputFaults : public FaultTest {
 protected:
  // Runs echolab and checks a clean refusal: exit 2, every fragment in the
  // message, and the scratch folder exactly as before (no output, no
  // leftovers).
  void ExpectRefused(const std::string& arguments, const std::vector<std::string>& fragments,
                     const RunLimits& limits = {}) {
    const TreeSnapshot before = Snapshot(root());
    const RunOutcome outcome = RunEcholabIn(root(), arguments, limits);
    EXPECT_EQ(outcome.signal, 0) << "killed by signal " << outcome.signal << "\n" << outcome.output;
    EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
    for (const std::string& fragment : fragments) {
      EXPECT_NE(outcome.output.find(fragment), std::string::npos)
          << "message lacks '" << fragment << "':\n"
          << outcome.output;
    }
    EXPECT_EQ(Snapshot(root()), before) << "the refused run changed the folder";
    EXPECT_TRUE(PartialLeftovers(root()).empty());
  }
};

TEST_F(InputFaults, IntegersBeyondIntAreRefusedNotTruncated) {
  WriteFile("run.toml", Network("4294967297"));
  ExpectRefused("simulate run.toml -o out --no-plot",
                {"run.toml:3:", "model.num_oscillators",
                 "expected an integer from 1 to 2147483647, got 4294967297"});
  WriteFile("run.toml", Network("2147483648"));
  ExpectRefused("simulate run.toml -o out --no-plot",
                {"run.toml:3:", "from 1 to 2147483647, got 2147483648"});
}

TEST_F(InputFaults, HugeNetworksAreRefusedBeforeAllocating) {
  const RunLimits two_gib{.address_space_kib = kTwoGiB_kib, .timeout_s = 60};
  WriteFile("run.toml", Network("1000000000"));
  ExpectRefused("simulate run.toml -o out --no-plot",
                {"run.toml:3:", "model.num_oscillators", "GiB of memory", "--max-memory"}, two_gib);
  WriteFile("run.toml", Network("50000",
                                "[model.coupling]\nlaw = \"harmonic\"\n"
                                "topology = \"all_to_all\"\nk = 0.1\n"));
  ExpectRefused("simulate run.toml -o out --no-plot",
                {"run.toml:9:", "model.coupling.topology", "1249975000 couplings"}, two_gib);
  // A lower limit refuses what the default allows.
  WriteFile("run.toml", Network("100000"));
  ExpectRefused("simulate run.toml -o out --no-plot --max-memory 0.01",
                {"model.num_oscillators", "limit of 0.01 GiB"});
}

TEST_F(InputFaults, HugeNetlistsAreRefusedBeforeAllocating) {
  std::string netlist = "300k nodes\n";
  for (int i = 0; i < 300'000; ++i) netlist += fmt::format("C{} n{} 0 1p\n", i, i);
  WriteFile("big.cir", netlist + ".tran 1p 10n\n");  // 1e4 steps of 6e5 values: 48 GB
  ExpectRefused("simulate big.cir -o out --no-plot",
                {"big.cir: ", "a circuit of 300000 nodes", "--max-memory"},
                {.address_space_kib = kTwoGiB_kib, .timeout_s = 60});
}

TEST_F(InputFaults, HugeSweepGridsAreRefused) {
  std::string values;
  for (int i = 1; i <= 30; ++i) values += fmt::format("{}{}e-3", i > 1 ? ", " : "", i);
  std::string sweep =
      std::string(kSixOscillators) + "[loss]\ndof = [4]\n[sweep]\nmax_points = 1000\n";
  for (const char* knob : {"beta", "decay_rate_per_s", "flip_gain_error", "input_time_offset_s",
                           "readout_noise_relative", "parameter_drift_relative"}) {
    sweep += fmt::format("{} = [{}]\n", knob, values);
  }
  WriteFile("grid.toml", sweep);
  ExpectRefused("sweep grid.toml -o out --no-plot",
                {"grid.toml:12:", "sweep.max_points", "7.29e+08 points"},
                {.address_space_kib = kTwoGiB_kib, .timeout_s = 60});
}

TEST_F(InputFaults, DevicesFifosAndFoldersAreNotReadAsFiles) {
  WriteFile("run.toml", std::string(kSixOscillators) +
                            "[[input]]\nwaveform = \"sampled\"\n"
                            "file = \"/dev/zero\"\n");
  ExpectRefused("simulate run.toml -o out --no-plot",
                {"run.toml:", "input[1].file", "/dev/zero: cannot read the waveform file",
                 "not a regular file"});
  WriteFile("pwl.cir", "pwl\nI1 a 0 pwl file=\"/dev/zero\"\nC1 a 0 1p\nL1 a 0 1n\n.tran 1p 1n\n");
  ExpectRefused("simulate pwl.cir -o out --no-plot", {"pwl.cir:2:17:", "not a regular file"});
  WriteFile("tank.cir", kTank);
  ExpectRefused(
      "gradcheck tank.cir --train c1 --output b --target /dev/zero --duration 1e-9 -o out",
      {"--target", "/dev/zero: cannot read the waveform file"});
  ExpectRefused("simulate /dev/zero -o out --no-plot",
                {"/dev/zero: cannot read the configuration file", "not a regular file"});
  ASSERT_EQ(mkfifo((root() / "pipe.toml").c_str(), 0600), 0);
  ExpectRefused("simulate pipe.toml -o out --no-plot", {"pipe.toml", "not a regular file"},
                {.timeout_s = 30});
}

TEST_F(InputFaults, TextThatIsNotUtf8IsRefusedWhereItIs) {
  WriteFile("title.cir", std::string("caf\xe9 tank\n") + "C1 a 0 1p\nL1 a 0 1n\n.tran 1p 1n\n");
  ExpectRefused("simulate title.cir -o out --no-plot",
                {"title.cir:1:4:", "not UTF-8", "0xE9", "expected UTF-8 text"});
  WriteFile("node.cir", std::string("tank\nC1 n\xff 0 1p\nL1 a 0 1n\n.tran 1p 1n\n"));
  ExpectRefused("simulate node.cir -o out --no-plot", {"node.cir:2:5:", "not UTF-8"});
  WriteFile("tank.cir", kTank);
  WriteFile("target.csv", "t,\xff\n0,1\n");
  ExpectRefused("gradcheck tank.cir --train c1 --output b --target target.csv --duration 1e-9",
                {"--target", "target.csv:1:3: bad waveform file header", "UTF-8"});
}

TEST_F(InputFaults, NonFiniteNumbersAreRefused) {
  std::string text = kSixOscillators;
  text.replace(text.find("amplitude = 0.5"), 15, "amplitude = nan");
  WriteFile("run.toml", text);
  ExpectRefused("simulate run.toml -o out --no-plot",
                {"run.toml:5:", "input[0].amplitude", "expected a finite number, got nan"});
  WriteFile("tank.cir", kTank);
  WriteFile("target.csv", "t,y\n0,0\n1e-9,1\n");
  const std::string gradcheck = "gradcheck tank.cir --train c1 --output b --target target.csv ";
  ExpectRefused(gradcheck + "--duration 1e-9 --beta nan", {"--beta", "finite number > 0"});
  ExpectRefused(gradcheck + "--duration inf", {"--duration", "finite number > 0"});
  ExpectRefused(gradcheck + "--duration 1e-9 --step -1", {"--step", "finite number > 0"});
  ExpectRefused("simulate tank.cir --temperature nan", {"--temperature", "finite number >= 0"});
  ExpectRefused("simulate tank.cir --max-memory 0", {"--max-memory", "finite number > 0"});
}

TEST_F(InputFaults, TargetCsvRowsFollowOneRule) {
  WriteFile("tank.cir", kTank);
  WriteFile("target.csv", "t,y\n0,1,5\n1e-9,2\n");
  ExpectRefused(
      "gradcheck tank.cir --train c1 --output b --target target.csv --duration 1e-9 -o out",
      {"--target", "target.csv:2:1: bad line in waveform file: got '0,1,5'"});
  WriteFile("run.toml", std::string(kSixOscillators) +
                            "[loss]\ndof = [4]\n[[loss.target]]\nwaveform = \"sampled\"\n"
                            "file = \"target.csv\"\n");
  ExpectRefused("gradcheck run.toml -o out",
                {"run.toml:", "loss.target[0].file", "target.csv:2:1: bad line"});
}

TEST_F(InputFaults, CircuitMistakesNameTheElementsAndLines) {
  WriteFile("open.cir", "open\nL1 a 0 1n\nL2 a b 1n\nC2 b 0 1p\n.tran 1p 1n\n");
  ExpectRefused("simulate open.cir -o out --no-plot",
                {"open.cir:2:1:", "node(s) a", "capacitance matrix is singular",
                 "add a capacitor from a to ground"});
  WriteFile("k.cir",
            "k\nL1 a 0 1n\nL2 b 0 1n\nL3 c 0 1n\nC1 a 0 1p\nC2 b 0 1p\nC3 c 0 1p\n"
            "K1 L1 L2 0.9\nK2 L2 L3 0.9\nK3 L1 L3 -0.9\n.tran 1p 1n\n");
  ExpectRefused("simulate k.cir -o out --no-plot",
                {"k.cir:8:1:", "not positive definite", "k1 (line 8), k2 (line 9), k3 (line 10)"});
  WriteFile("ic.cir",
            "ic\nC1 a 0 1p ic=1\nC2 a b 1p ic=1\nC3 b 0 1p ic=1\nL1 a 0 1n\n"
            ".tran 1p 1n\n");
  ExpectRefused("simulate ic.cir -o out --no-plot",
                {"ic.cir:2:1:", "contradict each other around a loop", "c3 (line 4)"});
  WriteFile("tank.cir", kTank);
  WriteFile("target.csv", "t,y\n0,0\n1e-9,1\n");
  ExpectRefused("gradcheck tank.cir --train c1 --output zz --target target.csv --duration 1e-9",
                {"--output: unknown node 'zz'; expected one of a, b"});
  WriteFile("sweep.toml",
            "[circuit]\nnetlist = \"tank.cir\"\ntrain = [\"c9\"]\noutput_node = \"b\"\n"
            "target = \"target.csv\"\nduration_s = 1e-9\n[sweep]\nbeta = [1e-16]\n");
  ExpectRefused("sweep sweep.toml -o out --no-plot",
                {"sweep.toml:3:", "circuit.train", "'c9' is not a trainable element"});
}

TEST_F(InputFaults, ModelMistakesAreLocated) {
  const auto refused = [&](const std::string& extra, const std::vector<std::string>& fragments) {
    WriteFile("run.toml", Network("3", extra));
    ExpectRefused("simulate run.toml -o out --no-plot", fragments);
  };
  std::string massless = Network("3");
  massless.replace(massless.find("[model.onsite]"), 14, "masses_kg = [1.0, 0.0]\n[model.onsite]");
  WriteFile("mass.toml", massless.replace(massless.find("0.0]"), 4, "0.0, 1.0]"));
  ExpectRefused("simulate mass.toml -o out --no-plot",
                {"mass.toml:4:", "model.masses_kg", "oscillator 2 has mass 0 kg"});
  WriteFile("law.toml", Network("3").replace(Network("3").find("harmonic"), 8, "harmoni"));
  ExpectRefused("simulate law.toml -o out --no-plot",
                {"law.toml:5:", "model.onsite.law", "unknown potential law 'harmoni'"});
  refused("[model.coupling]\nlaw = \"harmonic\"\ntopology = \"edges\"\nedges = [[2, 2]]\nk = 1\n",
          {"run.toml:10:", "model.coupling.edges", "couples oscillator 2 to itself"});
  refused("[integrator]\nstep_s = 0.0\n",
          {"run.toml:8:", "integrator.step_s", "'leapfrog' needs a step > 0 s"});
  refused("[initial_state]\nq = nan\n", {"run.toml:8:", "initial_state.q", "finite"});
  refused("[noise]\nthermal_energy_J = 1.0\nseed = 1\n[dissipation]\nfriction_N_s_per_m = 1\n",
          {"run.toml:7:", "noise: thermal noise needs the scheme 'baoab'"});
}

}  // namespace
}  // namespace echolab::faults

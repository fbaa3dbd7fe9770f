// ngspice's netlist conventions that echolab reads (unit letters, .ic,
// .options, .include/.lib, .subckt/X, skipped output cards), each checked
// against ngspice on the same file, and the netlist that echolab writes back:
// read again it is the same circuit, and ngspice simulates it as echolab does.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "circuits/netlist_includes.h"
#include "circuits/netlist_parser.h"
#include "circuits/netlist_writer.h"
#include "common/error.h"
#include "tests/circuits/netlist_error.h"
#include "tests/circuits/voltage_trace.h"

namespace echolab {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kExamples = fs::path(ECHOLAB_SOURCE_DIR) / "circuits/examples";

// A fresh scratch folder for one test.
fs::path ScratchFolder(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / fmt::format("echolab_{}_{}", name, getpid());
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

void WriteText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

void ExpectAgreement(const std::string& name, const Netlist& netlist,
                     const std::string& ngspice_text, const std::vector<std::string>& nodes,
                     double duration_s, const fs::path& folder, double step_s = 1e-12) {
  const NgspiceAgreement agreement =
      CompareWithNgspice(netlist, ngspice_text, nodes, duration_s, folder, step_s);
  ASSERT_GT(agreement.samples, 1000u);
  std::cout << fmt::format("{}: max |Δv| = {:.2e} V, peak {:.3g} V, ratio {:.2e}\n", name,
                           agreement.worst_V, agreement.peak_V,
                           agreement.worst_V / agreement.peak_V);
  EXPECT_LT(agreement.worst_V, 1e-4 * agreement.peak_V);
}

// ---------------------------------------------------------------------------
// Values and cards, against ngspice on the same file.

// The readings of ngspice-39 (`show r : resistance` on these values).
TEST(SpiceCompat, ReadsUnitLettersAsNgspiceDoes) {
  const std::vector<std::pair<std::string, double>> cases = {
      {"1kOhm", 1e3},   {"5MEG", 5e6},     {"2.2mF", 2.2e-3}, {"10pF", 10e-12},
      {"1F", 1e-15},    {"3MEGohm", 3e6},  {"1Mil", 25.4e-6}, {"2V", 2.0},
      {"1e3k", 1e6},    {"1.5Gx", 1.5e9},  {"4T", 4e12},      {"1e-3u", 1e-9},
      {"2.5Ohm", 2.5},  {"10uH_x", 1e-5},  {"1MA", 1e-3},     {"1mEG", 1e6},
      {"1MegHz", 1e6},  {"1e", 1.0},       {"{2kOhm+1}", 2001.0}};
  for (const auto& [text, expected] : cases) {
    const Netlist netlist = ParseNetlistText("t\nR1 a 0 " + text + "\n", "net.cir");
    EXPECT_DOUBLE_EQ(netlist.elements.at(0).value, expected) << text;
  }
  EXPECT_THAT(ErrorOf("t\nR1 a 0 1k5\n"),
              HasSubstr("net.cir:2:8: digits after the scale factor or unit letters: got '1k5'"));
}

// Unit letters, .options, .ic and every skipped card in one file that
// ngspice runs unchanged (RunNgspice appends its own .control block).
constexpr const char* kNgspiceStyleTanks = R"(Two tanks written for ngspice
.options reltol=1e-4 abstol=1e-12 method=trap
L1 a 0 10nH
C1 a 0 0.000001mF
L2 b 0 0.012uH
C2 b 0 1000pF
Cc a b 100PF
R1 b 0 0.5MEGohm
R2 a 0 2kOhm
.ic V(a)=1 v(b)=0.25
.tran 1ps 100ns 0 1ps uic
.print tran v(a) v(b)
.save v(a) v(b)
.probe v(a)
.meas tran vmax MAX v(a)
.op
.ac dec 10 1k 1meg
.control
set noaskquit
echo "ngspice's own commands: echolab skips them"
.endc
.end
)";

TEST(SpiceCompat, NgspiceStyleNetlistRunsUnchangedInBoth) {
  const Netlist netlist = ParseNetlistText(kNgspiceStyleTanks, "tanks.cir");
  EXPECT_DOUBLE_EQ(*netlist.options.reltol, 1e-4);
  EXPECT_DOUBLE_EQ(*netlist.options.abstol_A, 1e-12);
  // .ic gives the capacitors without ic= their voltages V(n+) - V(n-).
  EXPECT_DOUBLE_EQ(*netlist.Find("c1")->initial_condition, 1.0);
  EXPECT_DOUBLE_EQ(*netlist.Find("cc")->initial_condition, 0.75);
  const std::vector<std::string> kinds = {".control", "option method", ".print", ".save",
                                          ".probe",   ".meas",         ".op",    ".ac"};
  ASSERT_EQ(netlist.warnings.size(), kinds.size());
  for (const std::string& kind : kinds) {
    const bool found = std::any_of(netlist.warnings.begin(), netlist.warnings.end(),
                                   [&](const std::string& w) { return w.find(kind) != w.npos; });
    EXPECT_TRUE(found) << kind;
  }
  EXPECT_THAT(netlist.warnings, ::testing::Contains(HasSubstr("tanks.cir:12:1: .print skipped (1 card)")));
  const fs::path folder = ScratchFolder("spice_tanks");
  ExpectAgreement("ngspice-style tanks", netlist, kNgspiceStyleTanks, {"a", "b"}, 100e-9, folder);
  fs::remove_all(folder);
}

// .include and .lib relative to the including file, subcircuits with
// parameters nested two deep, flattened to hierarchical names.
TEST(SpiceCompat, IncludesLibrariesAndSubcircuitsAgreeWithNgspice) {
  const fs::path folder = ScratchFolder("spice_hierarchy");
  WriteText(folder / "parts/tank.cir", R"(* an LC tank, and the pair from a shared folder
.subckt tank top bot params: c=1n l=10n
C1 top bot {c}
L1 top bot {l}
.ends tank
.include ../shared/pair.cir
)");
  WriteText(folder / "shared/pair.cir", R"(.subckt pair a params: cc=0.1n
X1 a 0 tank c=2n
X2 b 0 tank
Cc a b {cc}
Rload b 0 {rl}
.ends pair
)");
  WriteText(folder / "parts/models.lib", R"(* two sections
.lib lossy
.param rl = 2k
.endl
.lib other
.param rl = 1
.endl
)");
  const std::string main = R"(Tanks from files, as subcircuits
.include parts/tank.cir
.lib 'parts/models.lib' lossy
Xp a pair cc=0.2n
X3 a 0 tank params: l=20n
.ic v(a)=1
.tran 1p 100n 0 1p uic
.end
)";
  WriteText(folder / "main.cir", main);
  const Netlist netlist = ParseNetlistFile((folder / "main.cir").string());
  std::vector<std::string> names;
  for (const Element& element : netlist.elements) names.push_back(element.name);
  EXPECT_THAT(names, ::testing::ElementsAre("xp.x1.c1", "xp.x1.l1", "xp.x2.c1", "xp.x2.l1",
                                            "xp.cc", "xp.rload", "x3.c1", "x3.l1"));
  EXPECT_DOUBLE_EQ(netlist.Find("xp.x1.c1")->value, 2e-9);
  EXPECT_DOUBLE_EQ(netlist.Find("xp.cc")->value, 0.2e-9);
  EXPECT_DOUBLE_EQ(netlist.Find("x3.l1")->value, 20e-9);
  EXPECT_DOUBLE_EQ(netlist.Find("xp.rload")->value, 2e3);
  EXPECT_THAT(netlist.Find("xp.x2.c1")->nodes, ::testing::ElementsAre("xp.b", "0"));
  EXPECT_THAT(netlist.Find("xp.x2.c1")->file, HasSubstr("parts/tank.cir"));
  ExpectAgreement("subcircuits", netlist, main, {"a", "xp.b"}, 100e-9, folder);
  fs::remove_all(folder);
}

// The shipped example, with its own .control block, as ngspice runs it.
TEST(SpiceCompat, ShippedNgspiceExampleAgreesWithNgspice) {
  const fs::path path = kExamples / "ngspice_ladder.cir";
  const Netlist netlist = ParseNetlistFile(path.string());
  EXPECT_EQ(netlist.warnings.size(), 2u);
  EXPECT_DOUBLE_EQ(netlist.Find("x3.l1")->value, 50e-9);
  const fs::path folder = ScratchFolder("spice_example");
  std::ifstream in(path);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ExpectAgreement("ngspice_ladder.cir", netlist, text, {"n0", "n1", "n2", "n3"}, 40e-9, folder);
  fs::remove_all(folder);
}

TEST(SpiceCompat, RefusesBadIncludesAndSubcircuitsWithTheirLocation) {
  const fs::path folder = ScratchFolder("spice_errors");
  WriteText(folder / "a.cir", "t\n.include b.cir\n");
  WriteText(folder / "b.cir", "* b\nR1 x 0 1\n.include a.cir\n");
  const auto error_of_file = [](const fs::path& path) -> std::string {
    try {
      ParseNetlistFile(path.string());
    } catch (const InputError& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_THAT(error_of_file(folder / "a.cir"),
              HasSubstr("b.cir:3:10: include cycle: got 'a.cir'"));
  WriteText(folder / "deep.cir", "* d\n.include deep.cir\n");
  WriteText(folder / "self.cir", "t\n.include deep.cir\n");
  EXPECT_THAT(error_of_file(folder / "self.cir"), HasSubstr("include cycle"));
  WriteText(folder / "missing.cir", "t\nR1 a 0 1\n  .include nothere.cir\n");
  EXPECT_THAT(error_of_file(folder / "missing.cir"),
              HasSubstr("missing.cir:3:12: cannot read the included file: got 'nothere.cir'"));
  WriteText(folder / "lib.lib", ".lib one\nR1 a 0 1\n.endl\n");
  WriteText(folder / "nosection.cir", "t\n.lib lib.lib two\n");
  EXPECT_THAT(error_of_file(folder / "nosection.cir"),
              HasSubstr("nosection.cir:2:14: no such library section: got 'two'"));
  // A chain longer than kMaxIncludeDepth.
  for (int i = 0; i <= kMaxIncludeDepth; ++i) {
    WriteText(folder / fmt::format("chain{}.cir", i), fmt::format("* {}\n.include chain{}.cir\n", i, i + 1));
  }
  WriteText(folder / "chain.cir", "t\n.include chain0.cir\n");
  EXPECT_THAT(error_of_file(folder / "chain.cir"), HasSubstr("includes nested too deeply"));
  fs::remove_all(folder);

  EXPECT_THAT(ErrorOf("t\n.control\nrun\n"),
              HasSubstr("net.cir:2:1: unterminated .control block"));
  EXPECT_THAT(ErrorOf("t\nX1 a b nope\n"),
              HasSubstr("net.cir:2:8: unknown subcircuit: got 'nope'"));
  EXPECT_THAT(ErrorOf("t\n.subckt s a b\nC1 a b 1p\n.ends\nX1 a s\n"),
              HasSubstr("net.cir:5:6: 1 nodes for the subcircuit: got 's', expected 2 nodes (a b)"));
  EXPECT_THAT(ErrorOf("t\n.subckt s a params: c=1p\nC1 a 0 {c}\n.ends\nX1 n s d=2p\n"),
              HasSubstr("net.cir:5:8: unknown subcircuit parameter: got 'd', expected one of c"));
  EXPECT_THAT(ErrorOf("t\n.subckt s a\nX1 a s\n.ends\nX1 n s\n"),
              HasSubstr("net.cir:3:6: subcircuit instantiates itself"));
  EXPECT_THAT(ErrorOf("t\n.subckt s a\nC1 a 0 1p\n"), HasSubstr("net.cir:2:1: unterminated .subckt"));
  EXPECT_THAT(ErrorOf("t\n.subckt s a\n.tran 1p 1n\n.ends\nX1 n s\n"),
              HasSubstr("net.cir:3:1: dot-card inside a .subckt"));
  EXPECT_THAT(ErrorOf("t\nC1 a 0 1p\n.ic v(b)=1\n"),
              HasSubstr("net.cir:3:7: unknown node in .ic: got 'b'"));
  EXPECT_THAT(ErrorOf("t\n.options reltol=2\n"), HasSubstr("net.cir:2:17: bad .reltol"));
  // Anything else is still refused where it stands.
  EXPECT_THAT(ErrorOf("t\nC1 a 0 1p\n  .model d1 D\n"),
              HasSubstr("net.cir:3:3: unsupported dot-card: got '.model'"));
  EXPECT_THAT(ErrorOf("t\nD1 a 0 dmod\n"), HasSubstr("net.cir:2:1: unsupported element"));
}

// ---------------------------------------------------------------------------
// Netlist out.

// Element by element, the same circuit (values to the last bit: %.17g).
void ExpectSameCircuit(const Netlist& a, const Netlist& b) {
  ASSERT_EQ(a.elements.size(), b.elements.size());
  for (size_t i = 0; i < a.elements.size(); ++i) {
    const Element& x = a.elements[i];
    const Element& y = b.elements[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.kind, y.kind) << x.name;
    EXPECT_EQ(x.nodes, y.nodes) << x.name;
    EXPECT_EQ(x.value, y.value) << x.name;
    EXPECT_EQ(x.initial_condition, y.initial_condition) << x.name;
    EXPECT_EQ(x.coupled_inductors, y.coupled_inductors) << x.name;
    ASSERT_EQ(x.waveform.has_value(), y.waveform.has_value()) << x.name;
    if (x.waveform) {
      EXPECT_EQ(x.waveform->parameters, y.waveform->parameters) << x.name;
      EXPECT_EQ(x.waveform->times_s, y.waveform->times_s) << x.name;
      EXPECT_EQ(x.waveform->values, y.waveform->values) << x.name;
    }
  }
  EXPECT_EQ(a.params, b.params);
  EXPECT_EQ(a.options.reltol, b.options.reltol);
  EXPECT_EQ(a.options.abstol_A, b.options.abstol_A);
  ASSERT_EQ(a.tran.has_value(), b.tran.has_value());
  if (a.tran) {
    EXPECT_EQ(a.tran->step_s, b.tran->step_s);
    EXPECT_EQ(a.tran->stop_s, b.tran->stop_s);
    EXPECT_EQ(a.tran->start_s, b.tran->start_s);
    EXPECT_EQ(a.tran->max_step_s, b.tran->max_step_s);
  }
}

TEST(NetlistOut, ParseWriteParseGivesTheSameCircuit) {
  std::vector<Netlist> netlists;
  for (const char* example : {"lc_tank.cir", "coupled_tanks.cir", "coupled_inductors.cir",
                              "lossy_ladder.cir", "lc_ladder.cir"}) {
    netlists.push_back(ParseNetlistFile((kExamples / example).string()));
  }
  netlists.push_back(ParseNetlistText(kNgspiceStyleTanks, "tanks.cir"));
  netlists.push_back(ParseNetlistText(R"(subcircuits, sources, couplings
.subckt cell in out params: l=25n
L1 in out {l}
C1 out 0 10p
.ends
V1 v 0 PULSE(0 1 1n 2n 2n 5n 20n)
R0 v n0 50
C0 n0 0 10p
X1 n0 n1 cell
X2 n1 n2 cell l=30n
K1 X1.L1 c.x2.l1 0.1
I1 0 n2 PWL(0 0 1n 1m 2n 0 3n 2m 4n 0)
.tran 1p 40n
.end
)",
                                      "cells.cir"));
  for (const Netlist& netlist : netlists) {
    SCOPED_TRACE(netlist.source_file);
    const std::string written = WriteNetlist(netlist);
    const Netlist again = ParseNetlistText(written, "written.cir");
    ExpectSameCircuit(netlist, again);
    // Written again, the same text below the line naming the source file.
    const auto body = [](const std::string& text) {
      return text.substr(text.find('\n', text.find('\n') + 1));
    };
    EXPECT_EQ(body(WriteNetlist(again)), body(written));
  }
}

// The written netlist, echolab-only elements as behavioural sources, run by
// ngspice against echolab on the original.
TEST(NetlistOut, NgspiceSimulatesTheWrittenNetlistAsEcholabDoes) {
  struct Case {
    const char* name;
    const char* text;
    std::vector<std::string> nodes;
    double duration_s;
    double step_s = 1e-12;
  };
  const std::vector<Case> cases = {
      {"ladder", R"(Lossy ladder with sources and a coupling
V1 v 0 SIN(0 1 50meg 1n 1e6)
R0 v n1 50
C1 n1 0 10p ic=0.1
L1 n1 n2 25n ic=1m
C2 n2 0 10p
L2 n2 0 25n
K1 L1 L2 0.2
I1 0 n2 PULSE(0 5m 2n 1n 1n 3n 20n)
R2 n2 0 1k
.tran 1p 60n 0 1p uic
.end
)",
       {"n1", "n2"}, 60e-9},
      {"varactor", R"(Varactor tank coupled to a linear tank
I1 0 a SIN(0 10m 40meg)
L1 a 0 100n
C1 a 0 100p nl=3e29 ic=0.2
L2 b 0 120n
C2 b 0 100p
Cc a b 10p ic=0.2
.tran 1p 150n 0 1p uic
.end
)",
       {"a", "b"}, 150e-9},
      // The plasma frequency is 55 Grad/s: ngspice's trapezoidal rule drifts by
      // (ω h)² / 12 a radian, so both run at 0.02 ps.
      {"junction", R"(Josephson junction shunted by a capacitor, driven
B1 a 0 icrit=1u phase=0.3
C1 a 0 1p ic=0
I1 a 0 PWL(0 0 0.5n 0.2u 1n 0)
.tran 0.02p 2n 0 0.02p uic
.end
)",
       {"a"}, 2e-9, 0.02e-12}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Netlist netlist = ParseNetlistText(c.text, std::string(c.name) + ".cir");
    const fs::path folder = ScratchFolder(std::string("netlist_out_") + c.name);
    ExpectAgreement(std::string("written ") + c.name, netlist, WriteNetlist(netlist), c.nodes,
                    c.duration_s, folder, c.step_s);
    fs::remove_all(folder);
  }
}

TEST(NetlistOut, TrainedValuesReplaceTheElementValues) {
  const Netlist netlist = ParseNetlistText("t\nL1 a 0 10n\nC1 a 0 1n\n.end\n", "t.cir");
  const Netlist trained = WithElementValues(netlist, {"c1"}, {2.5e-9});
  EXPECT_EQ(trained.Find("c1")->value, 2.5e-9);
  EXPECT_EQ(trained.Find("l1")->value, 10e-9);
  EXPECT_THROW(WithElementValues(netlist, {"c9"}, {1.0}), InputError);
}

}  // namespace
}  // namespace echolab

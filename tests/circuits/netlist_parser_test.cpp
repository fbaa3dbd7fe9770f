#include "circuits/netlist_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "circuits/spice_waveforms.h"
#include "common/error.h"
#include "tests/circuits/netlist_error.h"

namespace echolab {
namespace {

using ::testing::AllOf;
using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pointwise;

const std::filesystem::path kExamples =
    std::filesystem::path(ECHOLAB_SOURCE_DIR) / "circuits/examples";

Netlist Parse(const std::string& text) { return ParseNetlistText(text, "net.cir"); }

// The value of a one-element netlist "title\nR1 a 0 VALUE".
double ResistanceOf(const std::string& value) {
  return Parse("title\nR1 a 0 " + value + "\n").elements.at(0).value;
}

// The value of ".param x = EXPRESSION" after `params`.
double ParamOf(const std::string& expression, const std::string& params = "") {
  return Parse("title\n" + params + "\n.param x = " + expression + "\n").params.at("x");
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> ExampleNetlists() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(kExamples)) {
    if (entry.path().extension() == ".cir") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// A .tran whose step count overflows (or exceeds the default step budget)
// is refused at its line, before any integer cast.
TEST(NetlistParserTest, TranWithTooManyStepsIsRefused) {
  EXPECT_THAT(ErrorOf("title\nC1 a 0 1n\n.tran 1e-30 200n uic\n"),
              AllOf(HasSubstr("net.cir:3"), HasSubstr("bad .tran step"),
                    HasSubstr("integrator.max_steps = 100000000"), HasSubstr("2e+23")));
  EXPECT_THAT(ErrorOf("title\nC1 a 0 1n\n.tran 1n 1 0 1e-300\n"),
              AllOf(HasSubstr("net.cir:3"), HasSubstr("tmax")));
  EXPECT_NO_THROW(Parse("title\nC1 a 0 1n\n.tran 1n 1m uic\n"));
}

TEST(NetlistParserTest, ParsesPassiveElementsAndTitle) {
  const Netlist netlist = Parse(
      "My Circuit\n"
      "R1 a b 50\n"
      "L1 b 0 10n ic=1m\n"
      "C1 b gnd 1p IC=-0.5\n"
      "L2 c 0 20n\n"
      "K1 L1 l2 0.25\n"
      "C2 c 0 2p\n");
  EXPECT_EQ(netlist.title, "My Circuit");
  EXPECT_EQ(netlist.source_file, "net.cir");
  ASSERT_EQ(netlist.elements.size(), 6u);
  const Element& r1 = netlist.elements[0];
  EXPECT_EQ(r1.kind, ElementKind::kResistor);
  EXPECT_EQ(r1.name, "r1");
  EXPECT_THAT(r1.nodes, ElementsAre("a", "b"));
  EXPECT_DOUBLE_EQ(r1.value, 50.0);
  EXPECT_EQ(r1.location.line, 2);
  EXPECT_EQ(r1.location.column, 1);
  const Element& l1 = netlist.elements[1];
  EXPECT_EQ(l1.kind, ElementKind::kInductor);
  EXPECT_DOUBLE_EQ(l1.value, 10e-9);
  EXPECT_DOUBLE_EQ(l1.initial_condition.value(), 1e-3);
  const Element& c1 = netlist.elements[2];
  EXPECT_EQ(c1.kind, ElementKind::kCapacitor);
  EXPECT_THAT(c1.nodes, ElementsAre("b", "0"));
  EXPECT_DOUBLE_EQ(c1.initial_condition.value(), -0.5);
  EXPECT_FALSE(netlist.elements[3].initial_condition.has_value());
  const Element& k1 = netlist.elements[4];
  EXPECT_EQ(k1.kind, ElementKind::kMutualInductance);
  EXPECT_TRUE(k1.nodes.empty());
  EXPECT_THAT(k1.coupled_inductors, ElementsAre("l1", "l2"));
  EXPECT_DOUBLE_EQ(k1.value, 0.25);
  EXPECT_FALSE(netlist.tran.has_value());
  EXPECT_EQ(netlist.Find("K1"), &k1);
  EXPECT_EQ(netlist.Find("x9"), nullptr);
}

TEST(NetlistParserTest, ParsesNonlinearElements) {
  const Netlist netlist = Parse(
      "t\n"
      "B1 a 0 icrit=2u phase=0.5\n"
      "B2 b 0 EJ=1e-22\n"
      "C1 a b 1p nl=1e30 ic=0.1\n"
      "L1 a 0 1n\n");
  const Element& b1 = netlist.elements[0];
  EXPECT_EQ(b1.kind, ElementKind::kJosephsonJunction);
  EXPECT_DOUBLE_EQ(b1.value, 2e-6);
  EXPECT_DOUBLE_EQ(b1.initial_condition.value(), 0.5);
  const Element& b2 = netlist.elements[1];
  EXPECT_DOUBLE_EQ(JosephsonEnergy_J(b2.value), 1e-22);
  EXPECT_NEAR(b2.value, 2.0 * M_PI * 1e-22 / 2.067833848e-15, 1e-18);
  EXPECT_FALSE(b2.initial_condition.has_value());
  const Element& c1 = netlist.elements[2];
  EXPECT_EQ(c1.kind, ElementKind::kVaractor);
  EXPECT_DOUBLE_EQ(c1.value, 1e-12);
  EXPECT_DOUBLE_EQ(c1.cubic_coefficient_V_per_C3, 1e30);
  EXPECT_DOUBLE_EQ(c1.initial_condition.value(), 0.1);
}

TEST(NetlistParserTest, ParsesDcSources) {
  const Netlist netlist = Parse(
      "t\n"
      "I1 a 0 DC 2m\n"
      "I2 a 0 3\n"
      "V1 b 0 dc {2*1.5}\n");
  for (const Element& element : netlist.elements) {
    ASSERT_TRUE(element.waveform.has_value());
    EXPECT_EQ(element.waveform->kind, SourceWaveform::Kind::kDc);
  }
  EXPECT_EQ(netlist.elements[0].kind, ElementKind::kCurrentSource);
  EXPECT_EQ(netlist.elements[2].kind, ElementKind::kVoltageSource);
  EXPECT_DOUBLE_EQ(netlist.elements[0].waveform->MakeWaveform()->Value(1.0), 2e-3);
  EXPECT_DOUBLE_EQ(netlist.elements[1].waveform->MakeWaveform()->Value(0.0), 3.0);
  EXPECT_DOUBLE_EQ(netlist.elements[2].waveform->MakeWaveform()->Value(5.0), 3.0);
}

TEST(NetlistParserTest, ParsesSineSources) {
  const Netlist netlist = Parse(
      "t\n"
      "I1 a 0 SIN(0.5 2 1k)\n"
      "V1 a 0 sin(0, 1, 1meg, 1u, 1e5, 90)\n");
  const SourceWaveform& short_form = *netlist.elements[0].waveform;
  EXPECT_EQ(short_form.kind, SourceWaveform::Kind::kSin);
  EXPECT_THAT(short_form.parameters, ElementsAre(0.5, 2.0, 1e3, 0.0, 0.0, 0.0));
  EXPECT_NEAR(short_form.MakeWaveform()->Value(0.25e-3), 2.5, 1e-12);
  const auto full = netlist.elements[1].waveform->MakeWaveform();
  EXPECT_DOUBLE_EQ(full->Value(0.5e-6), 1.0);  // before td: vo + va sin(90°)
  const double t = 1e-6 + 0.3e-6;
  EXPECT_NEAR(full->Value(t), std::exp(-1e5 * 0.3e-6) * std::cos(2 * M_PI * 1e6 * 0.3e-6), 1e-12);
}

TEST(NetlistParserTest, ParsesPulseSources) {
  const Netlist netlist = Parse("t\nV1 in 0 PULSE(0 1 1n 1n 2n 3n 10n)\n");
  const SourceWaveform& pulse = *netlist.elements[0].waveform;
  EXPECT_EQ(pulse.kind, SourceWaveform::Kind::kPulse);
  EXPECT_THAT(pulse.parameters,
              Pointwise(DoubleEq(), std::vector{0.0, 1.0, 1e-9, 1e-9, 2e-9, 3e-9, 10e-9}));
  const auto w = pulse.MakeWaveform();
  EXPECT_DOUBLE_EQ(w->Value(0.5e-9), 0.0);    // delay
  EXPECT_NEAR(w->Value(1.5e-9), 0.5, 1e-9);   // half way up
  EXPECT_DOUBLE_EQ(w->Value(3e-9), 1.0);      // width
  EXPECT_NEAR(w->Value(6e-9), 0.5, 1e-9);     // half way down
  EXPECT_DOUBLE_EQ(w->Value(9e-9), 0.0);      // rest of the period
  EXPECT_NEAR(w->Value(11.5e-9), 0.5, 1e-9);  // next period
}

TEST(NetlistParserTest, PulseWithZeroEdgesJumps) {
  const PulseWaveform pulse(-1.0, 2.0, 0.0, 0.0, 0.0, 1.0, 4.0);
  EXPECT_DOUBLE_EQ(pulse.Value(0.0), 2.0);
  EXPECT_DOUBLE_EQ(pulse.Value(0.999), 2.0);
  EXPECT_DOUBLE_EQ(pulse.Value(1.0), -1.0);
  EXPECT_DOUBLE_EQ(pulse.Value(4.5), 2.0);
}

TEST(NetlistParserTest, ParsesPwlSources) {
  const Netlist netlist = Parse("t\nI1 a 0 PWL(0 0 1n 1m 3n -1m)\n");
  const SourceWaveform& pwl = *netlist.elements[0].waveform;
  EXPECT_EQ(pwl.kind, SourceWaveform::Kind::kPwl);
  EXPECT_THAT(pwl.times_s, Pointwise(DoubleEq(), std::vector{0.0, 1e-9, 3e-9}));
  EXPECT_THAT(pwl.values, Pointwise(DoubleEq(), std::vector{0.0, 1e-3, -1e-3}));
  const auto w = pwl.MakeWaveform();
  EXPECT_NEAR(w->Value(2e-9), 0.0, 1e-15);
  EXPECT_DOUBLE_EQ(w->Value(5e-9), -1e-3);
}

TEST(NetlistParserTest, ReadsWaveformFilesRelativeToTheNetlist) {
  const std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "netlist_wave";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "Wave.csv") << "t, Value\r\n0,1\n\n1e-9, 3\n2e-9,-1\n";
  const Netlist netlist =
      ParseNetlistText("t\nV1 a 0 PWL FILE=\"Wave.csv\"\n", (dir / "net.cir").string());
  const SourceWaveform& file = *netlist.elements[0].waveform;
  EXPECT_EQ(file.kind, SourceWaveform::Kind::kFile);
  EXPECT_EQ(file.file_path, (dir / "Wave.csv").string());
  EXPECT_THAT(file.times_s, ElementsAre(0.0, 1e-9, 2e-9));
  EXPECT_THAT(file.values, ElementsAre(1.0, 3.0, -1.0));
  EXPECT_DOUBLE_EQ(file.MakeWaveform()->Value(0.5e-9), 2.0);
}

TEST(NetlistParserTest, RejectsTextThatIsNotUtf8) {
  EXPECT_EQ(ErrorOf("title \xff\nC1 a 0 1p\n"),
            "net.cir:1:7: text that is not UTF-8: got the byte 0xFF, expected UTF-8 text (save "
            "the file as UTF-8)");
  EXPECT_EQ(ErrorOf("t\nC1 a\xc3 0 1p\n"),
            "net.cir:2:5: text that is not UTF-8: got the byte 0xC3, expected UTF-8 text (save "
            "the file as UTF-8)");
  EXPECT_NO_THROW(ParseNetlistText("t \xc3\xa9t\xc3\xa9\nC1 n\xce\xb1 0 1p\n", "net.cir"));
}

TEST(NetlistParserTest, ReadsOnlyRegularFiles) {
  const auto error_of_file = [](const std::string& path) {
    try {
      ParseNetlistFile(path);
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(error_of_file("/dev/zero"),
            "/dev/zero: cannot read the netlist file: it is not a regular file (a device, fifo or "
            "socket); expected a file on disk");
  EXPECT_THAT(error_of_file(testing::TempDir()), HasSubstr("it is a directory"));
  EXPECT_THAT(ErrorOf("t\nI1 a 0 pwl file=\"/dev/zero\"\n"),
              HasSubstr("net.cir:2:17: cannot read the waveform file: got '\"/dev/zero\"', "
                        "expected a readable CSV file (/dev/zero: cannot read the waveform file: "
                        "it is not a regular file"));
}

TEST(NetlistParserTest, RejectsBadWaveformFiles) {
  const std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "netlist_bad";
  std::filesystem::create_directories(dir);
  const std::string netlist = (dir / "net.cir").string();
  const std::string csv = (dir / "w.csv").string();
  std::ofstream(csv) << "time,value\n0,1\n";
  EXPECT_EQ(ErrorOf("t\nI1 a 0 pwl file=\"w.csv\"\n", netlist),
            csv +
                ":1:1: bad waveform file header: got 'time,value', expected the header "
                "'t,NAME' (e.g. 't,value' or 't,y')");
  std::ofstream(csv) << "t,value\n0,1\n1e-9, 2k\n";
  EXPECT_EQ(ErrorOf("t\nI1 a 0 pwl file=\"w.csv\"\n", netlist),
            csv +
                ":3:7: bad value in waveform file: got '2k', expected a finite plain number "
                "(no suffix)");
  std::ofstream(csv) << "t,value\n0,1\n0,2\n";
  EXPECT_EQ(ErrorOf("t\nI1 a 0 pwl file=\"w.csv\"\n", netlist),
            csv +
                ":3:1: waveform times must increase strictly: got '0', expected a time after "
                "0 s");
  std::ofstream(csv) << "t,value\n0,1,2\n";
  EXPECT_EQ(ErrorOf("t\nI1 a 0 pwl file=\"w.csv\"\n", netlist),
            csv +
                ":2:1: bad line in waveform file: got '0,1,2', expected two numbers "
                "'time_s,value'");
  std::ofstream(csv) << "t,v\xff\n0,1\n";
  EXPECT_EQ(ErrorOf("t\nI1 a 0 pwl file=\"w.csv\"\n", netlist),
            csv + ":1:4: bad waveform file header: got the byte 0xFF, expected UTF-8 text");
  std::ofstream(csv) << "t,y\n0,1\n";
  EXPECT_NO_THROW(ParseNetlistText("t\nI1 a 0 pwl file=\"w.csv\"\n", netlist));
  std::ofstream(csv) << "t,value\n";
  EXPECT_EQ(ErrorOf("t\nI1 a 0 pwl file=\"w.csv\"\n", netlist),
            csv +
                ":2:1: waveform file without samples: got end of file, expected at least one "
                "line 'time_s,value' after the header");
  EXPECT_EQ(ErrorOf("t\nI1 a 0 pwl file=\"missing.csv\"\n", netlist),
            netlist +
                ":2:17: cannot read the waveform file: got '\"missing.csv\"', expected a "
                "readable CSV file (" +
                (dir / "missing.csv").string() + ": cannot read the waveform file: no such file)");
}

TEST(NetlistParserTest, ParsesEngineeringSuffixes) {
  EXPECT_DOUBLE_EQ(ResistanceOf("1f"), 1e-15);
  EXPECT_DOUBLE_EQ(ResistanceOf("1p"), 1e-12);
  EXPECT_DOUBLE_EQ(ResistanceOf("1n"), 1e-9);
  EXPECT_DOUBLE_EQ(ResistanceOf("1u"), 1e-6);
  EXPECT_DOUBLE_EQ(ResistanceOf("1m"), 1e-3);
  EXPECT_DOUBLE_EQ(ResistanceOf("1k"), 1e3);
  EXPECT_DOUBLE_EQ(ResistanceOf("1meg"), 1e6);
  EXPECT_DOUBLE_EQ(ResistanceOf("1MEG"), 1e6);
  EXPECT_DOUBLE_EQ(ResistanceOf("2.5Meg"), 2.5e6);
  EXPECT_DOUBLE_EQ(ResistanceOf("1M"), 1e-3);
  EXPECT_DOUBLE_EQ(ResistanceOf("1g"), 1e9);
  EXPECT_DOUBLE_EQ(ResistanceOf("1T"), 1e12);
  EXPECT_DOUBLE_EQ(ResistanceOf("2.5e-3"), 2.5e-3);
  EXPECT_DOUBLE_EQ(ResistanceOf("1E3k"), 1e6);
  EXPECT_DOUBLE_EQ(ResistanceOf(".5"), 0.5);
  EXPECT_DOUBLE_EQ(ResistanceOf("5."), 5.0);
  EXPECT_DOUBLE_EQ(ResistanceOf("{4.7K}"), 4.7e3);
}

TEST(NetlistParserTest, IsCaseInsensitive) {
  const Netlist netlist = Parse(
      "T\n"
      ".PARAM RVAL=2K\n"
      "R_Load NodeA GND RVal\n"
      "V1 NodeA 0 Sin(0 1 1K)\n"
      ".TRAN 1U 1M UIC\n"
      ".END\n");
  EXPECT_EQ(netlist.elements[0].name, "r_load");
  EXPECT_THAT(netlist.elements[0].nodes, ElementsAre("nodea", "0"));
  EXPECT_DOUBLE_EQ(netlist.elements[0].value, 2e3);
  EXPECT_EQ(netlist.elements[1].waveform->kind, SourceWaveform::Kind::kSin);
  EXPECT_TRUE(netlist.tran->use_initial_conditions);
  EXPECT_EQ(netlist.params.count("rval"), 1u);
}

TEST(NetlistParserTest, JoinsContinuationLinesAndSkipsComments) {
  const Netlist netlist = Parse(
      "title * not a comment\n"
      "* a comment line\n"
      "   * an indented comment line\n"
      "\n"
      "V1 in 0 PWL(0 0  ; the first point\n"
      "* a comment between continuations\n"
      "+ 1n 1\n"
      "   +  2n 0) $ the end\n"
      "R1 in 0 1k $ a comment\n");
  ASSERT_EQ(netlist.elements.size(), 2u);
  EXPECT_EQ(netlist.title, "title * not a comment");
  EXPECT_THAT(netlist.elements[0].waveform->times_s,
              Pointwise(DoubleEq(), std::vector{0.0, 1e-9, 2e-9}));
  EXPECT_EQ(ErrorOf("t\nR1 a 0 1k $x\n"),
            "net.cir:2:11: unexpected text after the resistance: got '$x', expected end of line");
  // Continued text keeps its own line and column.
  EXPECT_EQ(ErrorOf("t\nR1 a\n+ 0 -1\n"),
            "net.cir:3:5: bad resistance: got '-1', expected a resistance in ohm > 0");
}

TEST(NetlistParserTest, ParsesTranCards) {
  const Netlist minimal = Parse("t\n.tran 1n 1u\n");
  EXPECT_DOUBLE_EQ(minimal.tran->step_s, 1e-9);
  EXPECT_DOUBLE_EQ(minimal.tran->stop_s, 1e-6);
  EXPECT_DOUBLE_EQ(minimal.tran->start_s, 0.0);
  EXPECT_FALSE(minimal.tran->max_step_s.has_value());
  EXPECT_FALSE(minimal.tran->use_initial_conditions);
  EXPECT_EQ(minimal.tran->location.line, 2);
  const Netlist full = Parse("t\n.tran 1n 1u 0.1u 2n uic\n.end\n");
  EXPECT_DOUBLE_EQ(full.tran->start_s, 1e-7);
  EXPECT_DOUBLE_EQ(full.tran->max_step_s.value(), 2e-9);
  EXPECT_TRUE(full.tran->use_initial_conditions);
  EXPECT_TRUE(Parse("t\n.tran 1n 1u 0 uic\n").tran->use_initial_conditions);
}

TEST(NetlistParserTest, EvaluatesParamExpressions) {
  EXPECT_DOUBLE_EQ(ParamOf("1+2*3"), 7.0);
  EXPECT_DOUBLE_EQ(ParamOf("(1+2)*3"), 9.0);
  EXPECT_DOUBLE_EQ(ParamOf("10/4/5"), 0.5);
  EXPECT_DOUBLE_EQ(ParamOf("10-4-3"), 3.0);
  EXPECT_DOUBLE_EQ(ParamOf("2^3^2"), 512.0);
  EXPECT_DOUBLE_EQ(ParamOf("2**3"), 8.0);
  EXPECT_DOUBLE_EQ(ParamOf("-2^2"), -4.0);
  EXPECT_DOUBLE_EQ(ParamOf("2^-1"), 0.5);
  EXPECT_DOUBLE_EQ(ParamOf("2*-3"), -6.0);
  EXPECT_DOUBLE_EQ(ParamOf("--3"), 3.0);
  EXPECT_DOUBLE_EQ(ParamOf("{ 1k * 2 }"), 2000.0);
  EXPECT_DOUBLE_EQ(ParamOf("sqrt(16) + exp(0) + log(exp(2)) + abs(-3) + cos(0)"), 11.0);
  EXPECT_DOUBLE_EQ(ParamOf("sin(pi/2)"), 1.0);
  EXPECT_DOUBLE_EQ(ParamOf("PI"), M_PI);
  EXPECT_DOUBLE_EQ(ParamOf("2*a+b", ".param a=3 b = {a*a}"), 15.0);
  EXPECT_DOUBLE_EQ(ParamOf("1/(2*pi*sqrt(l*c))", ".param l=10n, c=1n"),
                   1.0 / (2.0 * M_PI * std::sqrt(1e-17)));
  const Netlist netlist = Parse("t\n.param a=1 b=a+1 c = {b*2} d=(c)\n");
  EXPECT_EQ(netlist.params,
            (std::map<std::string, double>{{"a", 1.0}, {"b", 2.0}, {"c", 4.0}, {"d", 4.0}}));
}

TEST(NetlistParserTest, EveryExampleParses) {
  const std::vector<std::filesystem::path> examples = ExampleNetlists();
  ASSERT_GE(examples.size(), 6u);
  for (const std::filesystem::path& path : examples) {
    SCOPED_TRACE(path.string());
    const Netlist netlist = ParseNetlistFile(path.string());
    EXPECT_FALSE(netlist.elements.empty());
    ASSERT_TRUE(netlist.tran.has_value());
    for (const Element& element : netlist.elements) {
      if (element.waveform) {
        EXPECT_TRUE(std::isfinite(element.waveform->MakeWaveform()->Value(0.0)));
      }
    }
  }
}

TEST(NetlistParserTest, ExamplesHoldWhatTheyDescribe) {
  const Netlist tank = ParseNetlistFile((kExamples / "lc_tank.cir").string());
  EXPECT_DOUBLE_EQ(tank.Find("c1")->value, 1e-9);
  const Netlist coupled = ParseNetlistFile((kExamples / "coupled_tanks.cir").string());
  // Kirchhoff's voltage law around C1, Cc, C2: v(a) - v(b) = v(Cc).
  EXPECT_DOUBLE_EQ(
      coupled.Find("c1")->initial_condition.value() - coupled.Find("c2")->initial_condition.value(),
      coupled.Find("cc")->initial_condition.value());
  const Netlist pair = ParseNetlistFile((kExamples / "coupled_inductors.cir").string());
  EXPECT_DOUBLE_EQ(pair.Find("k12")->value, 0.05);
  EXPECT_NEAR(pair.params.at("f0"), 1.0 / (2.0 * M_PI * std::sqrt(1e-7 * 1e-10)), 1e-3);
  const Netlist junction = ParseNetlistFile((kExamples / "josephson_tank.cir").string());
  EXPECT_EQ(junction.Find("b1")->kind, ElementKind::kJosephsonJunction);
  const Netlist varactor = ParseNetlistFile((kExamples / "varactor_drive.cir").string());
  EXPECT_EQ(varactor.Find("c1")->kind, ElementKind::kVaractor);
  EXPECT_EQ(varactor.Find("i1")->waveform->kind, SourceWaveform::Kind::kFile);
}

TEST(NetlistParserTest, EndIsOptionalButFinal) {
  EXPECT_EQ(Parse("t\nR1 a 0 1\n").elements.size(), 1u);
  EXPECT_EQ(Parse("t\nR1 a 0 1\n.end\n* trailing comment\n\n").elements.size(), 1u);
  EXPECT_EQ(Parse("").title, "");
  EXPECT_EQ(ErrorOf("t\n.end\nR1 a 0 1\n"),
            "net.cir:3:1: card after .end: got 'R1', expected nothing after the .end at line 2, "
            "column 1");
}

struct BadCase {
  std::string text;
  std::string message;
};

// Each bad netlist with the exact message it must give.
const BadCase kBadCases[] = {
    {"t\nD1 a 0 1\n",
     "net.cir:2:1: unsupported element: got 'D1', expected an element name starting with R, L, "
     "C, K, I, V, B or X, or a dot-card"},
    {"t\nR1 a 0 1\n.model d D\n",
     "net.cir:3:1: unsupported dot-card: got '.model', expected one of .param, .tran, .ic, "
     ".options, .include, .lib, .subckt, .ends, .end, or one that is skipped (.control, .print, "
     ".probe, .save, .meas, .op, .ac)"},
    {"t\n+ R1 a 0 1\n",
     "net.cir:2:1: continuation line with nothing to continue: got '+', expected a card before "
     "it (line 1 is the title)"},
    {"t\nR1 a 0\n",
     "net.cir:2:7: bad value: got end of line, expected a number, a parameter "
     "name or {expression}"},
    {"t\nR1 a\n", "net.cir:2:5: bad node: got end of line, expected the node n-"},
    {"t\nR1 a a 1\n",
     "net.cir:2:6: element connects a node to itself: got 'a', expected a node other than 'a'"},
    {"t\nR1 gnd 0 1\n",
     "net.cir:2:8: element connects a node to itself: got '0', expected a node other than '0'"},
    {"t\nR1 a 0 1\nr1 b 0 2\n",
     "net.cir:3:1: duplicate element name: got 'r1', expected a name not used by the element at "
     "line 2, column 1"},
    {"t\nR1 a 0 0\n", "net.cir:2:8: bad resistance: got '0', expected a resistance in ohm > 0"},
    {"t\nL1 a 0 -1n\n", "net.cir:2:8: bad inductance: got '-1n', expected an inductance in H > 0"},
    {"t\nC1 a 0 {1p-2p}\n",
     "net.cir:2:8: bad capacitance: got '{1p-2p}', expected a capacitance in F > 0"},
    {"t\nR1 a 0 10pF2\n",
     "net.cir:2:8: digits after the scale factor or unit letters: got '10pF2', expected a number "
     "such as 1.5k (ngspice would read '1k5' as 1k)"},
    {"t\nR1 a 0 2*x\n",
     "net.cir:2:8: bad value: got '2*x', expected a number, a parameter name or {expression} "
     "(braces around an expression)"},
    {"t\nR1 a 0 rx\n",
     "net.cir:2:8: unknown parameter: got 'rx', expected a parameter defined by an earlier "
     ".param"},
    {"t\nR1 a 0 {rx}\n.param rx=1\n",
     "net.cir:2:9: unknown parameter: got 'rx', expected a parameter defined by an earlier "
     ".param"},
    {"t\nR1 a 0 1 2\n",
     "net.cir:2:10: unexpected text after the resistance: got '2', expected end of line"},
    {"t\nL1 a 0 1n ic\n", "net.cir:2:13: bad option: got end of line, expected '=' after ic"},
    {"t\nL1 a 0 1n nl=1\n", "net.cir:2:11: unknown option: got 'nl', expected ic="},
    {"t\nC1 a 0 1p ic=1 IC=2\n",
     "net.cir:2:16: option given twice: got 'IC', expected each of ic= or nl= once"},
    {"t\nC1 a 0 1p nl=-1\n",
     "net.cir:2:14: bad varactor nonlinearity: got '-1', expected nl >= 0 in V/C^3 (energy "
     "bounded below)"},
    {"t\nB1 a 0 phase=1\n",
     "net.cir:2:15: bad Josephson junction: got end of line, expected exactly one of icrit= or "
     "ej="},
    {"t\nB1 a 0 icrit=1u ej=1e-22\n",
     "net.cir:2:20: bad Josephson junction: got '1e-22', expected exactly one of icrit= or ej="},
    {"t\nB1 a 0 icrit=0\n",
     "net.cir:2:14: bad Josephson junction: got '0', expected a critical current icrit > 0 in A"},
    {"t\nL1 a 0 1n\nK1 L1 L2 0.5\n",
     "net.cir:3:7: bad mutual inductance k1: got 'l2', expected the name of an inductor (an L "
     "card) of the netlist"},
    {"t\nL1 a 0 1n\nC2 b 0 1p\nK1 L1 C2 0.5\n",
     "net.cir:4:7: bad mutual inductance k1: got 'c2', expected the name of an inductor (an L "
     "card) of the netlist"},
    {"t\nL1 a 0 1n\nK1 L1 l1 0.5\n",
     "net.cir:3:7: bad mutual inductance k1: got 'l1', expected two different inductors"},
    {"t\nL1 a 0 1n\nL2 b 0 1n\nK1 L1 L2 1\n",
     "net.cir:4:10: bad coupling coefficient: got '1', expected a coefficient k with |k| < 1"},
    {"t\nL1 a 0 1n\nL2 b 0 1n\nK1 L1 L2 0.1\nK2 L2 L1 0.2\n",
     "net.cir:5:1: second coupling of l1 and l2: got 'k2', expected one K per pair (the first "
     "is at line 4, column 1)"},
    {"t\nI1 a 0 SIN(0 1)\n",
     "net.cir:2:15: bad SIN arguments (2 values): got ')', expected 3 to 6 values: vo va freq "
     "[td [theta [phase]]]"},
    {"t\nI1 a 0 SIN(0 1 0)\n",
     "net.cir:2:16: bad SIN frequency: got '0', expected a frequency > 0 in Hz"},
    {"t\nI1 a 0 SIN 0 1 1k\n", "net.cir:2:12: bad SIN arguments: got '0', expected '(' after SIN"},
    {"t\nI1 a 0 SIN(0 1 1k\n", "net.cir:2:18: bad SIN arguments: got end of line, expected ')'"},
    {"t\nV1 a 0 PULSE(0 1 0 0 0 1)\n",
     "net.cir:2:25: bad PULSE arguments (6 values): got ')', expected 7 values: v1 v2 td tr tf "
     "pw per"},
    {"t\nV1 a 0 PULSE(0 1 0 -1n 0 1 2)\n",
     "net.cir:2:20: bad PULSE time: got '-1n', expected tr >= 0 in s"},
    {"t\nV1 a 0 PULSE(0 1 0 0 0 1 0)\n",
     "net.cir:2:26: bad PULSE period: got '0', expected a period per > 0 in s"},
    {"t\nV1 a 0 PWL(0 0 1n)\n",
     "net.cir:2:16: odd number of PWL values: got '1n', expected a value after each time"},
    {"t\nV1 a 0 PWL(0 0 1n 1 1n 2)\n",
     "net.cir:2:21: PWL times must increase strictly: got '1n', expected a time after 1e-09 s"},
    {"t\nV1 a 0 PWL FILE=wave.csv\n",
     "net.cir:2:17: bad PWL FILE: got 'wave.csv', expected a \"quoted\" file name"},
    {"t\nV1 a 0 PWL FILE=\"wave.csv\n",
     "net.cir:2:17: unterminated '\"': got '\"wave.csv', expected a closing '\"' on the same "
     "card"},
    {"t\nV1 a 0 DC\n",
     "net.cir:2:10: bad value: got end of line, expected a number, a parameter name or "
     "{expression}"},
    {"t\nV1 a 0 1 2\n",
     "net.cir:2:10: unexpected text after the source: got '2', expected end of line"},
    {"t\nR1 a 0 {1+\n",
     "net.cir:2:8: unterminated '{': got '{1+', expected a closing '}' on the same card"},
    {"t\nR1 a 0 1}\n", "net.cir:2:9: unexpected '}': got '}', expected a '{' before it"},
    {"t\n.param a=1/0\n", "net.cir:2:12: division by zero: got '0', expected a non-zero divisor"},
    {"t\n.param z=0\n.param a = {2 / (z*3)}\n",
     "net.cir:3:17: division by zero: got '(z*3)', expected a non-zero divisor"},
    {"t\n.param a={(1+2}\n",
     "net.cir:2:15: unbalanced parenthesis (opened at column 11): got end of expression, "
     "expected ')' or an operator"},
    {"t\n.param a={1+}\n",
     "net.cir:2:13: bad expression: got end of expression, expected a number, a parameter "
     "name, a function call or '('"},
    {"t\n.param a={2 3}\n",
     "net.cir:2:13: unexpected text in expression: got '3', expected an operator (+ - * / ^) or "
     "the end of the expression"},
    {"t\n.param a={sqrt(-1)}\n",
     "net.cir:2:16: argument outside the domain of sqrt: got '-1', expected an argument with a "
     "finite result"},
    {"t\n.param a={log(0)}\n",
     "net.cir:2:15: argument outside the domain of log: got '0', expected a positive argument"},
    {"t\n.param a={sqrt 2}\n",
     "net.cir:2:16: function without argument: got '2', expected '(' after 'sqrt'"},
    {"t\n.param a={1e300*1e300}\n",
     "net.cir:2:16: arithmetic result is not a finite number: got '*', expected operands with a "
     "finite result"},
    {"t\n.param a={1e999}\n",
     "net.cir:2:11: bad number: got '1e999', expected a number with an optional scale factor "
     "(f p n u m mil k meg g t) and unit letters (e.g. 10pF, 1kOhm)"},
    {"t\n.param a=1\n.param A=2\n",
     "net.cir:3:8: parameter defined twice: got 'A', expected a name not defined at line 2, "
     "column 8"},
    {"t\n.param pi=3\n",
     "net.cir:2:8: reserved parameter name: got 'pi', expected a name other than pi, sqrt, exp, "
     "log, sin, cos and abs"},
    {"t\n.param 2a=3\n",
     "net.cir:2:8: bad parameter name: got '2a', expected a name of letters, digits and '_' "
     "that starts with a letter or '_'"},
    {"t\n.param a\n",
     "net.cir:2:9: bad .param: got end of line, expected '=' after the "
     "parameter name"},
    {"t\n.param a=\n",
     "net.cir:2:10: bad .param: got end of line, expected a value or an expression after '='"},
    {"t\n.param\n",
     "net.cir:2:7: bad .param: got end of line, expected a parameter name followed by '='"},
    {"t\n.tran 1n\n",
     "net.cir:2:9: bad value: got end of line, expected a number, a parameter "
     "name or {expression}"},
    {"t\n.tran 0 1u\n", "net.cir:2:7: bad .tran step: got '0', expected tstep > 0"},
    {"t\n.tran 1n 1u 1u\n",
     "net.cir:2:13: bad .tran start time: got '1u', expected 0 <= tstart < tstop"},
    {"t\n.tran 1n 1u 0 1n 1n\n",
     "net.cir:2:18: bad .tran: got '1n', expected end of line after tstep tstop [tstart "
     "[tmax]] [uic]"},
    {"t\n.tran 1n 1u uic 0\n",
     "net.cir:2:17: bad .tran: got '0', expected end of line after tstep tstop [tstart [tmax]] "
     "[uic]"},
    {"t\n.tran 1n 1u\n.tran 1n 2u\n",
     "net.cir:3:1: second .tran: got '.tran', expected one .tran only (the first is at line 2, "
     "column 1)"},
    {"t\n.end now\n", "net.cir:2:6: text after .end: got 'now', expected end of line"},
    {"t\n= a 0 1\n", "net.cir:2:1: bad card: got '=', expected an element or a dot-card"},
};

TEST(NetlistParserTest, RejectsBadNetlistsWithLocationAndExpectation) {
  for (const BadCase& bad : kBadCases) {
    SCOPED_TRACE(bad.text);
    EXPECT_EQ(ErrorOf(bad.text), bad.message);
  }
}

TEST(NetlistParserTest, RejectsUnreadableFiles) {
  EXPECT_THROW(ParseNetlistFile("/nonexistent/net.cir"), InputError);
}

// Mangles a netlist with one random edit: delete, duplicate or swap a token
// or a character, or truncate a line.
std::string Mangle(const std::string& text, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::string out = text;
  if (out.empty()) return out;
  const size_t at = pick(out.size());
  switch (pick(7)) {
    case 0:
      out.erase(at, 1);
      break;
    case 1:
      out.insert(at, 1, out[at]);
      break;
    case 2:
      std::swap(out[at], out[pick(out.size())]);
      break;
    case 3: {  // truncate the line at `at`
      const size_t newline = out.find('\n', at);
      out.erase(at, newline == std::string::npos ? std::string::npos : newline - at);
      break;
    }
    case 4:
      out.insert(at, 1, "(){}=\"+*;$,.-^ \n\t0"[pick(19)]);
      break;
    default: {  // delete or duplicate the blank-separated token at `at`
      size_t begin = at, end = at;
      while (begin > 0 && !std::isspace(static_cast<unsigned char>(out[begin - 1]))) --begin;
      while (end < out.size() && !std::isspace(static_cast<unsigned char>(out[end]))) ++end;
      const std::string token = out.substr(begin, end - begin);
      if (pick(2) == 0) {
        out.erase(begin, end - begin);
      } else {
        out.insert(pick(out.size()), " " + token + " ");
      }
    }
  }
  return out;
}

TEST(NetlistParserTest, MangledNetlistsParseOrThrowInputError) {
  std::vector<std::pair<std::filesystem::path, std::string>> examples;
  for (const std::filesystem::path& path : ExampleNetlists()) {
    examples.emplace_back(path, ReadFile(path));
  }
  std::mt19937_64 rng(20240611);
  int parsed = 0, rejected = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const auto& [path, original] = examples[trial % examples.size()];
    std::string text = original;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) text = Mangle(text, rng);
    try {
      ParseNetlistText(text, path.string());
      ++parsed;
    } catch (const InputError& error) {
      EXPECT_THAT(error.what(), ::testing::StartsWith(path.string() + ":")) << text;
      ++rejected;
    } catch (const std::exception& error) {
      ADD_FAILURE() << "unexpected exception " << error.what() << " for:\n" << text;
    }
  }
  RecordProperty("parsed", parsed);
  RecordProperty("rejected", rejected);
  EXPECT_EQ(parsed + rejected, 2000);
  EXPECT_GT(parsed, 100);
  EXPECT_GT(rejected, 100);
}

}  // namespace
}  // namespace echolab

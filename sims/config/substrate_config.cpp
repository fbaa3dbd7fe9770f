#include "sims/config/substrate_config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string_view>
#include <vector>

#include <limits>
#include <set>

#include "common/error.h"
#include "physics/memory_budget.h"
#include "physics/models/log_cosh_network.h"
#include "physics/models/oscillator_network.h"
#include "physics/models/paper_six_oscillators.h"

namespace echolab {
namespace {

// The memory a run needs per oscillator and per coupling, in bytes: θ, the
// state, the integrators' stages and the gradient methods' copies (an
// estimate, generous rather than tight).
constexpr double kBytesPerOscillator = 512.0;
constexpr double kBytesPerCoupling = 128.0;
constexpr std::int64_t kMaxSize = std::numeric_limits<int>::max();

void CheckNetworkMemory(const ConfigTable& table, std::string_view key, double oscillators,
                        double couplings) {
  MemoryBudget::Check(
      oscillators * kBytesPerOscillator + couplings * kBytesPerCoupling, table.Where(key),
      fmt::format("a network of {:.0f} oscillators and {:.0f} couplings", oscillators, couplings));
}

// Converts 1-based oscillator numbers of a config key to 0-based indices.
int OscillatorIndex(const ConfigTable& table, std::string_view key, long number, int n) {
  if (number < 1 || number > n) {
    table.Fail(key, fmt::format("oscillator {} is outside 1..{}", number, n));
  }
  return static_cast<int>(number - 1);
}

// edges = [[i, j], ...]: oscillators numbered from 1, each pair once, no
// oscillator coupled to itself.
std::vector<std::pair<int, int>> ReadEdgeList(const ConfigTable& coupling, int n) {
  const Eigen::MatrixXd pairs = coupling.Matrix("edges", coupling.ArrayLength("edges"), 2);
  std::vector<std::pair<int, int>> edges;
  std::set<std::pair<int, int>> seen;
  for (Eigen::Index e = 0; e < pairs.rows(); ++e) {
    const int i = OscillatorIndex(coupling, "edges", std::lround(pairs(e, 0)), n);
    const int j = OscillatorIndex(coupling, "edges", std::lround(pairs(e, 1)), n);
    if (i == j) {
      coupling.Fail("edges", fmt::format("edges[{}] couples oscillator {} to itself; expected two "
                                         "different oscillators",
                                         e, i + 1));
    }
    if (!seen.insert({std::min(i, j), std::max(i, j)}).second) {
      coupling.Fail("edges", fmt::format("edges[{}] couples oscillators {} and {} a second time; "
                                         "expected each pair once",
                                         e, i + 1, j + 1));
    }
    edges.emplace_back(i, j);
  }
  return edges;
}

std::vector<std::pair<int, int>> ReadEdges(const ConfigTable& coupling, int n) {
  const std::string topology = coupling.String("topology", "chain");
  if (topology == "chain") return NetworkTopology::Chain(n).edges;
  if (topology == "all_to_all") {
    CheckNetworkMemory(coupling, "topology", n, 0.5 * n * (n - 1.0));
    return NetworkTopology::AllToAll(n).edges;
  }
  if (topology == "ring") return NetworkTopology::Ring(n).edges;
  if (topology == "random") {
    const auto degree = static_cast<int>(coupling.IntegerIn("mean_degree", 2, kMaxSize));
    CheckNetworkMemory(coupling, "mean_degree", n, 0.5 * n * degree);
    return NetworkTopology::Random(n, degree, coupling.Seed("seed")).edges;
  }
  if (topology == "edges") return ReadEdgeList(coupling, n);
  coupling.Fail("topology", fmt::format("unknown topology '{}', expected chain, ring, all_to_all, "
                                        "random or edges",
                                        topology));
}

// Law parameters, one column per parameter of the law, `rows` entries each.
Eigen::MatrixXd ReadLawParameters(const ConfigTable& table, PotentialLaw law, int rows) {
  const auto& names = LawParameterNames(law);
  Eigen::MatrixXd params(rows, static_cast<Eigen::Index>(names.size()));
  for (size_t j = 0; j < names.size(); ++j) {
    params.col(static_cast<Eigen::Index>(j)) = table.NumberOrArray(names[j], rows);
  }
  return params;
}

Substrate BuildOscillatorNetwork(const ConfigTable& model) {
  model.RejectUnknownKeys({"type", "num_oscillators", "masses_kg", "driven", "onsite", "coupling"});
  const auto num = static_cast<int>(model.IntegerIn("num_oscillators", 1, kMaxSize));
  CheckNetworkMemory(model, "num_oscillators", num, 0.0);

  const ConfigTable onsite = model.Table("onsite");
  onsite.RejectUnknownKeys({"law", "k", "b", "E"});
  const PotentialLaw onsite_law = ParsePotentialLaw(onsite.String("law"), onsite.Where("law"));

  NetworkTopology topology{.num_oscillators = num};
  Eigen::MatrixXd coupling_params(0, 1);
  PotentialLaw coupling_law = PotentialLaw::kHarmonic;
  if (const auto coupling = model.OptionalTable("coupling")) {
    coupling->RejectUnknownKeys({"law", "topology", "edges", "mean_degree", "seed", "k", "b", "E"});
    coupling_law = ParsePotentialLaw(coupling->String("law"), coupling->Where("law"));
    topology.edges = ReadEdges(*coupling, num);
    coupling_params =
        ReadLawParameters(*coupling, coupling_law, static_cast<int>(topology.edges.size()));
  }
  if (model.Has("driven")) {
    for (long number : model.IntegerArray("driven")) {
      topology.driven_oscillators.push_back(OscillatorIndex(model, "driven", number, num));
    }
  }
  const Vector masses_kg = model.NumberOrArray("masses_kg", num, 1.0);
  for (Eigen::Index i = 0; i < masses_kg.size(); ++i) {
    if (!(masses_kg[i] > 0.0)) {
      model.Fail("masses_kg", fmt::format("oscillator {} has mass {} kg; expected a positive mass",
                                          i + 1, masses_kg[i]));
    }
  }
  auto network = std::make_shared<const OscillatorNetwork>(topology, onsite_law, coupling_law);
  Vector theta = network->MakeParameters(masses_kg, ReadLawParameters(onsite, onsite_law, num),
                                         coupling_params);
  std::string description =
      fmt::format("oscillator network: {} oscillators, {} on-site, {} {} couplings", num,
                  ToString(onsite_law), network->num_edges(), ToString(coupling_law));
  return Substrate{std::move(network), std::move(theta), std::move(description)};
}

Substrate BuildLogCoshNetwork(const ConfigTable& model) {
  model.RejectUnknownKeys({"type", "num_units", "num_inputs", "alpha", "a", "b", "B"});
  const auto n = static_cast<int>(model.IntegerIn("num_units", 1, kMaxSize));
  const auto m = static_cast<int>(model.IntegerIn("num_inputs", 0, kMaxSize, 0));
  // The state and stages of every unit, and the input matrix B (n x m).
  MemoryBudget::Check(n * kBytesPerOscillator + 8.0 * n * m, model.Where("num_units"),
                      fmt::format("a log-cosh network of {} units and {} inputs", n, m));
  auto network = std::make_shared<const LogCoshNetwork>(n, m);
  const Eigen::MatrixXd coupling =
      m > 0 ? model.Matrix("B", n, m) : Eigen::MatrixXd::Zero(n, 0).eval();
  Vector theta =
      network->MakeParameters(model.Number("alpha", 1.0), model.NumberOrArray("a", n, 1.0),
                              model.NumberOrArray("b", n, 0.0), coupling);
  std::string description = fmt::format("log-cosh network: {} units, {} inputs", n, m);
  return Substrate{std::move(network), std::move(theta), std::move(description)};
}

Substrate BuildPaperSixOscillators(const ConfigTable& model) {
  model.RejectUnknownKeys({"type"});
  PaperSixOscillators paper = MakePaperSixOscillators();
  return Substrate{paper.network, paper.theta,
                   "the paper's six coupled oscillators (force on 1, read-out on 4)"};
}

// The substrate types of [model], by name: a new model is one line here.
struct SubstrateType {
  std::string_view name;
  Substrate (*build)(const ConfigTable& model);
};
constexpr SubstrateType kSubstrateTypes[] = {
    {"paper_six_oscillators", BuildPaperSixOscillators},
    {"oscillator_network", BuildOscillatorNetwork},
    {"log_cosh", BuildLogCoshNetwork},
};

}  // namespace

Substrate BuildSubstrate(const ConfigTable& model) {
  const std::string type = model.String("type");
  std::vector<std::string_view> names;
  for (const SubstrateType& known : kSubstrateTypes) {
    if (known.name == type) return known.build(model);
    names.push_back(known.name);
  }
  model.Fail("type",
             fmt::format("unknown model type '{}', expected one of {}", type, fmt::join(names, ", ")));
}

}  // namespace echolab

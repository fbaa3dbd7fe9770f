#include "circuits/circuit_hamiltonian.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>

#include "circuits/algebraic_nodes.h"
#include "circuits/netlist_checks.h"
#include "common/error.h"

namespace echolab {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

}  // namespace

// entries += w a aᵀ for a branch with ±1 incidence a on the free nodes.
void CircuitHamiltonian::AddOuterProduct(const Branch& branch, double weight,
                                         std::vector<Eigen::Triplet<double>>* entries) {
  if (branch.plus >= 0) entries->emplace_back(branch.plus, branch.plus, weight);
  if (branch.minus >= 0) entries->emplace_back(branch.minus, branch.minus, weight);
  if (branch.plus >= 0 && branch.minus >= 0) {
    entries->emplace_back(branch.plus, branch.minus, -weight);
    entries->emplace_back(branch.minus, branch.plus, -weight);
  }
}

double CircuitHamiltonian::Branch::Across(const Vector& x) const {
  return (plus >= 0 ? x[plus] : 0.0) - (minus >= 0 ? x[minus] : 0.0);
}

void CircuitHamiltonian::Branch::AddTo(double s, Vector* y) const {
  if (plus >= 0) (*y)[plus] += s;
  if (minus >= 0) (*y)[minus] -= s;
}

double CircuitHamiltonian::Branch::DrivenAcross(const Vector& x) const {
  return (driven_plus >= 0 ? x[driven_plus] : 0.0) - (driven_minus >= 0 ? x[driven_minus] : 0.0);
}

void CircuitHamiltonian::Branch::AddDrivenTo(double s, Vector* y) const {
  if (driven_plus >= 0) (*y)[driven_plus] += s;
  if (driven_minus >= 0) (*y)[driven_minus] -= s;
}

CircuitHamiltonian::Layout CircuitHamiltonian::MakeLayout(const Netlist& netlist,
                                                           const CircuitOptions& options) {
  Layout layout;
  layout.driven = ResolveDrivenNodes(netlist);
  std::map<std::string, int> node_index;
  const auto node = [&](const std::string& name) {
    if (name == "0" || layout.driven.Find(name) >= 0) return -1;
    const auto [it, inserted] =
        node_index.emplace(name, static_cast<int>(layout.node_names.size()));
    if (inserted) layout.node_names.push_back(name);
    return it->second;
  };
  std::vector<double> values;
  std::map<std::string, int> inductor_index;
  const auto add_parameter = [&](const Element& element) {
    layout.parameter_names.push_back(element.name);
    values.push_back(element.value);
    return static_cast<int>(values.size()) - 1;
  };
  const auto branch = [&](const Element& element, bool trainable) {
    return Branch{node(element.nodes[0]), node(element.nodes[1]),
                  trainable ? add_parameter(element) : -1, layout.driven.Find(element.nodes[0]),
                  layout.driven.Find(element.nodes[1])};
  };
  for (const Element& element : netlist.elements) {
    switch (element.kind) {
      case ElementKind::kCapacitor:
        layout.capacitors.push_back(branch(element, true));
        layout.capacitor_cubic.push_back(0.0);
        break;
      case ElementKind::kVaractor:
        layout.capacitors.push_back(branch(element, true));
        layout.capacitor_cubic.push_back(element.cubic_coefficient_V_per_C3);
        if (layout.capacitors.back().driven_plus >= 0 ||
            layout.capacitors.back().driven_minus >= 0) {
          throw InputError(fmt::format(
              "{}: varactor '{}' touches a node that a voltage source drives; the "
              "node-flux substrate models varactors between free nodes and ground only",
              LocationOf(netlist, element), element.name));
        }
        break;
      case ElementKind::kInductor:
        inductor_index[element.name] = static_cast<int>(layout.inductors.size());
        layout.inductors.push_back(branch(element, true));
        break;
      case ElementKind::kJosephsonJunction:
        layout.junctions.push_back(branch(element, true));
        break;
      case ElementKind::kCurrentSource:
        layout.sources.push_back(branch(element, false));
        layout.source_waveforms.push_back(element.waveform->MakeWaveform());
        break;
      case ElementKind::kMutualInductance:
        break;  // after all inductors are known
      case ElementKind::kResistor:
        layout.resistors.emplace_back(branch(element, false), element.value);
        break;
      case ElementKind::kVoltageSource:
        break;  // resolved into driven nodes above
    }
  }
  for (const Element& element : netlist.elements) {
    if (element.kind != ElementKind::kMutualInductance) continue;
    layout.mutuals.push_back(Mutual{inductor_index.at(element.coupled_inductors[0]),
                                    inductor_index.at(element.coupled_inductors[1]),
                                    add_parameter(element)});
  }
  layout.parameters =
      Eigen::Map<const Vector>(values.data(), static_cast<Eigen::Index>(values.size()));
  PlaceNodesWithoutCapacitance(netlist, options, &layout);
  return layout;
}

void CircuitHamiltonian::PlaceNodesWithoutCapacitance(const Netlist& netlist,
                                                      const CircuitOptions& options,
                                                      Layout* layout) {
  if (layout->node_names.empty()) {
    throw InputError(
        fmt::format("{}: the netlist has no node other than ground and the nodes that voltage "
                    "sources drive",
                    netlist.source_file));
  }
  const std::vector<std::string> without_capacitance =
      NodesWithoutCapacitance(netlist, layout->node_names);
  if (options.node_capacitance_F > 0.0) {
    layout->parasitic_nodes = without_capacitance;
  } else {
    layout->algebraic_nodes = AlgebraicNodes(netlist, layout->node_names, without_capacitance);
  }
}

CircuitHamiltonian::CircuitHamiltonian(const Netlist& netlist, const CircuitOptions& options)
    : CircuitHamiltonian(MakeLayout(netlist, options), options) {
  if (!(options.node_capacitance_F >= 0.0) || !std::isfinite(options.node_capacitance_F)) {
    throw InputError(fmt::format("--node-capacitance: expected a capacitance >= 0 in F, got {}",
                                 options.node_capacitance_F));
  }
  CheckNetlistSubstrate(netlist, node_names_, options.node_capacitance_F, algebraic_node_names_);
  if (!inductors_.empty() && !FactorsAt(netlist_parameters_)->inductance.positive_definite()) {
    const auto first_coupling =
        std::find_if(netlist.elements.begin(), netlist.elements.end(),
                     [](const Element& e) { return e.kind == ElementKind::kMutualInductance; });
    throw InputError(fmt::format(
        "{}: the inductance matrix is not positive definite: the couplings {} are too strong "
        "together (|k| < 1 for each pair is not enough when several K cards share inductors); "
        "make their coefficients smaller",
        LocationOf(netlist, *first_coupling), DescribeCouplings(netlist)));
  }
  ValidateParameters(netlist_parameters_);
}

CircuitHamiltonian::CircuitHamiltonian(Layout layout, const CircuitOptions& options)
    : HamiltonianSystem(
          static_cast<int>(layout.node_names.size()),
          static_cast<int>(layout.sources.size() + 3 * layout.driven.waveforms.size()),
          layout.parameter_names),
      node_names_(std::move(layout.node_names)),
      capacitors_(std::move(layout.capacitors)),
      inductors_(std::move(layout.inductors)),
      junctions_(std::move(layout.junctions)),
      sources_(std::move(layout.sources)),
      capacitor_cubic_V_per_C3_(std::move(layout.capacitor_cubic)),
      has_varactors_(std::any_of(capacitor_cubic_V_per_C3_.begin(), capacitor_cubic_V_per_C3_.end(),
                                 [](double b) { return b != 0.0; })),
      resistors_(std::move(layout.resistors)),
      mutuals_(std::move(layout.mutuals)),
      source_waveforms_(std::move(layout.source_waveforms)),
      driven_(std::move(layout.driven)),
      netlist_parameters_(std::move(layout.parameters)),
      storage_(ResolveStorage(options.storage, static_cast<Eigen::Index>(node_names_.size()))),
      node_capacitance_F_(options.node_capacitance_F),
      parasitic_node_names_(std::move(layout.parasitic_nodes)),
      algebraic_node_names_(std::move(layout.algebraic_nodes)) {
  const auto index = [&](const std::string& name) {
    return static_cast<int>(std::find(node_names_.begin(), node_names_.end(), name) -
                            node_names_.begin());
  };
  for (const std::string& name : parasitic_node_names_) {
    diagonal_capacitance_.emplace_back(index(name), node_capacitance_F_);
  }
  for (const std::string& name : algebraic_node_names_) {
    algebraic_nodes_.push_back(index(name));
    diagonal_capacitance_.emplace_back(algebraic_nodes_.back(), kAlgebraicPlaceholder_F);
  }
}

bool CircuitHamiltonian::IsAlgebraic(int node) const {
  return std::find(algebraic_nodes_.begin(), algebraic_nodes_.end(), node) !=
         algebraic_nodes_.end();
}

bool CircuitHamiltonian::dense() const { return storage_ == MatrixStorage::kDense; }

Eigen::Index CircuitHamiltonian::StoredEntries(const Vector& theta) const {
  const auto factors = FactorsAt(theta);
  return factors->capacitance.stored_entries() + factors->inductance.stored_entries();
}

std::shared_ptr<const CircuitHamiltonian::Factors> CircuitHamiltonian::FactorsAt(
    const Vector& theta) const {
  {
    const std::lock_guard<std::mutex> lock(factors_mutex_);
    if (factors_ != nullptr && factors_->theta.size() == theta.size() &&
        factors_->theta == theta) {
      return factors_;
    }
  }
  auto factors = std::make_shared<Factors>();
  factors->theta = theta;
  factors->capacitance =
      SymmetricFactor(CapacitiveMatrix(CapacitanceValues(theta)), storage_);
  factors->inductance = SymmetricFactor(InductanceMatrix(theta), storage_);
  const std::lock_guard<std::mutex> lock(factors_mutex_);
  factors_ = factors;
  return factors;
}

int CircuitHamiltonian::NodeIndex(const std::string& name) const {
  if (name == "0" || name == "gnd") return -1;
  if (const int n = driven_.Find(name); n >= 0) {
    throw InputError(fmt::format(
        "node '{}' is driven by voltage source {}: its voltage is the source's, not a state", name,
        driven_.nodes[static_cast<size_t>(n)].driven_by));
  }
  for (size_t i = 0; i < node_names_.size(); ++i) {
    if (node_names_[i] == name) return static_cast<int>(i);
  }
  throw InputError(
      fmt::format("unknown node '{}'; expected one of {} (the nodes of the netlist "
                  "other than ground and those that voltage sources drive)",
                  name, fmt::join(node_names_, ", ")));
}

// G_R = Σ_R a_R a_Rᵀ / R
Dissipation CircuitHamiltonian::ResistiveDissipation() const {
  Dissipation dissipation;
  if (resistors_.empty()) return dissipation;
  std::vector<Eigen::Triplet<double>> entries;
  for (const auto& [branch, resistance_ohm] : resistors_) {
    AddOuterProduct(branch, 1.0 / resistance_ohm, &entries);
  }
  dissipation.friction_matrix.resize(num_dof(), num_dof());
  dissipation.friction_matrix.setFromTriplets(entries.begin(), entries.end());
  dissipation.overdamped_dofs.assign(algebraic_nodes_.begin(), algebraic_nodes_.end());
  std::sort(dissipation.overdamped_dofs.begin(), dissipation.overdamped_dofs.end());
  return dissipation;
}

InputSignal CircuitHamiltonian::Inputs() const {
  std::vector<InputChannel> channels;
  for (const auto& waveform : source_waveforms_) channels.push_back({waveform, Parity::kEven});
  // The order of DrivenQuantity: ∫V dt, V, dV/dt.
  for (const auto& waveform : driven_.waveforms) {
    channels.push_back({std::make_shared<WaveformIntegral>(waveform), Parity::kEven});
    channels.push_back({waveform, Parity::kOdd});
    channels.push_back({std::make_shared<WaveformDerivative>(waveform), Parity::kEven});
  }
  return InputSignal(std::move(channels));
}

namespace {

// One initial condition on a branch: aᵀ x = target, set by `element`, with a
// the ±1 incidence of the branch's free terminals (-1: none).
struct BranchCondition {
  int plus, minus;
  double target;
  const Element* element;
};

// The minimum-norm x with rows · x = targets (0 when every target is, without
// forming the rows: a large circuit started at rest). When they are
// inconsistent, InputError naming the elements whose conditions the solution misses.
Vector SolveBranchConditions(const std::vector<BranchCondition>& conditions, int num_dof,
                             const Netlist& netlist, const char* what) {
  if (std::all_of(conditions.begin(), conditions.end(),
                  [](const BranchCondition& condition) { return condition.target == 0.0; })) {
    return Vector::Zero(num_dof);
  }
  Eigen::MatrixXd rows =
      Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(conditions.size()), num_dof);
  Vector targets(rows.rows());
  for (Eigen::Index r = 0; r < rows.rows(); ++r) {
    const BranchCondition& condition = conditions[static_cast<size_t>(r)];
    if (condition.plus >= 0) rows(r, condition.plus) = 1.0;
    if (condition.minus >= 0) rows(r, condition.minus) = -1.0;
    targets[r] = condition.target;
  }
  const Vector x = rows.completeOrthogonalDecomposition().solve(targets);
  const double tolerance = 1e-9 * std::max(targets.cwiseAbs().maxCoeff(), 1e-300);
  const Vector residual = rows * x - targets;
  if (residual.cwiseAbs().maxCoeff() <= tolerance) return x;
  std::vector<std::string> involved;
  const Element* first = nullptr;
  for (size_t r = 0; r < conditions.size(); ++r) {
    if (std::abs(residual[static_cast<Eigen::Index>(r)]) <= tolerance) continue;
    const Element& element = *conditions[r].element;
    if (first == nullptr) first = &element;
    involved.push_back(fmt::format("{} (line {})", element.name, element.location.line));
  }
  throw InputError(fmt::format(
      "{}: the initial {} of the netlist contradict each other around a loop: those of {} "
      "cannot all hold; correct or remove the ic= (or phase=) of one of them",
      LocationOf(netlist, *first), what, fmt::join(involved, ", ")));
}

}  // namespace

PhaseState CircuitHamiltonian::InitialState(const Netlist& netlist) const {
  const Vector& theta = netlist_parameters_;
  const Vector u0 = Inputs().Value(0.0);
  const Vector driven_voltage = Driven(u0, DrivenQuantity::kVoltage);
  const Vector driven_flux = Driven(u0, DrivenQuantity::kFlux);
  std::vector<BranchCondition> voltages, fluxes;
  std::vector<double> inductor_currents(inductors_.size(), 0.0);
  std::vector<const Element*> inductor_elements(inductors_.size(), nullptr);
  const auto condition = [](const Branch& branch, double target, const Element* element) {
    return BranchCondition{branch.plus, branch.minus, target, element};
  };
  size_t c = 0, l = 0, j = 0;
  for (const Element& element : netlist.elements) {
    const double ic = element.initial_condition.value_or(0.0);
    if (element.kind == ElementKind::kCapacitor || element.kind == ElementKind::kVaractor) {
      const Branch* capacitor = &capacitors_[c++];
      voltages.push_back(
          condition(*capacitor, ic - capacitor->DrivenAcross(driven_voltage), &element));
    }
    if (element.kind == ElementKind::kInductor) {
      inductor_elements[l] = &element;
      inductor_currents[l++] = ic;
    }
    if (element.kind == ElementKind::kJosephsonJunction) {
      const Branch* junction = &junctions_[j++];
      fluxes.push_back(condition(
          *junction, ic * kFluxQuantum_Wb / kTwoPi - junction->DrivenAcross(driven_flux),
          &element));
    }
  }
  if (!inductors_.empty()) {
    // φ_L = M i_L
    const Vector branch_flux =
        FactorsAt(theta)->inductance.Times(
            Eigen::Map<const Vector>(inductor_currents.data(),
                                     static_cast<Eigen::Index>(inductor_currents.size())));
    for (size_t i = 0; i < inductors_.size(); ++i) {
      fluxes.push_back(condition(
          inductors_[i],
          branch_flux[static_cast<Eigen::Index>(i)] - inductors_[i].DrivenAcross(driven_flux),
          inductor_elements[i]));
    }
  }
  // A branch without a free terminal constrains nothing of the state.
  const auto drop_fixed = [](std::vector<BranchCondition>* conditions) {
    std::erase_if(*conditions,
                  [](const BranchCondition& fixed) { return fixed.plus < 0 && fixed.minus < 0; });
  };
  drop_fixed(&voltages);
  drop_fixed(&fluxes);
  const Vector node_voltages =
      SolveBranchConditions(voltages, num_dof(), netlist, "capacitor voltages");
  return PhaseState{
      SolveBranchConditions(fluxes, num_dof(), netlist, "inductor currents and junction phases"),
      NodeCharges(node_voltages, theta)};
}

void CircuitHamiltonian::DoValidateParameters(const Vector& theta) const {
  const auto positive = [&](const std::vector<Branch>& branches, const char* what) {
    for (const Branch& b : branches) {
      if (!(theta[b.param] > 0.0)) {
        throw InputError(fmt::format("parameter {} ({}) is {}, expected a positive value",
                                     parameter_names()[b.param], what, theta[b.param]));
      }
    }
  };
  positive(capacitors_, "capacitance");
  positive(inductors_, "inductance");
  positive(junctions_, "critical current");
  for (const Mutual& m : mutuals_) {
    if (!(std::abs(theta[m.param]) < 1.0)) {
      throw InputError(fmt::format("parameter {} (coupling coefficient) is {}, expected |k| < 1",
                                   parameter_names()[m.param], theta[m.param]));
    }
  }
  const auto factors = FactorsAt(theta);
  if (!factors->capacitance.positive_definite()) {
    throw InputError(
        "the capacitance matrix is singular: every node needs a path of capacitors to ground or "
        "to a node that a voltage source drives");
  }
  if (!inductors_.empty() && !factors->inductance.positive_definite()) {
    throw InputError("the inductance matrix is not positive definite (too strong K couplings)");
  }
}

namespace {

// The charge of a varactor at voltage V: the root of V = Q / C0 + b Q³.
// Newton's method from Q = C0 V, which lies beyond the root where the law is
// convex (Q V > 0), so that the iterates fall monotonically onto it.
double VaractorCharge(double voltage_V, double c0_F, double b_V_per_C3) {
  double charge = c0_F * voltage_V;
  for (int iteration = 0; iteration < 100 && charge != 0.0; ++iteration) {
    const double residual = charge / c0_F + b_V_per_C3 * charge * charge * charge - voltage_V;
    const double step = residual / (1.0 / c0_F + 3.0 * b_V_per_C3 * charge * charge);
    charge -= step;
    if (std::abs(step) <= 1e-16 * std::abs(charge)) break;
  }
  return charge;
}

}  // namespace

// Q_c = Q(a_cᵀ v) and dQ_c/dV = 1 / (1/C0 + 3 b Q_c²) (C_c and C_c when linear)
void CircuitHamiltonian::BranchCharges(const Vector& v, const Vector& theta,
                                       NodeVoltages* state) const {
  const auto count = static_cast<Eigen::Index>(capacitors_.size());
  state->branch_charge.resize(count);
  state->branch_incremental.resize(count);
  for (Eigen::Index c = 0; c < count; ++c) {
    const Branch& branch = capacitors_[static_cast<size_t>(c)];
    const double c0 = theta[branch.param], b = capacitor_cubic_V_per_C3_[static_cast<size_t>(c)];
    const double charge = VaractorCharge(branch.Across(v), c0, b);
    state->branch_charge[c] = charge;
    state->branch_incremental[c] = 1.0 / (1.0 / c0 + 3.0 * b * charge * charge);
  }
}

Vector CircuitHamiltonian::NodeCharges(const Vector& v, const Vector& theta) const {
  if (!has_varactors_) return FactorsAt(theta)->capacitance.Times(v);
  NodeVoltages state;
  BranchCharges(v, theta, &state);
  Vector charges = Vector::Zero(num_dof());
  for (const auto& [node, capacitance_F] : diagonal_capacitance_) {
    charges[node] += capacitance_F * v[node];
  }
  for (size_t c = 0; c < capacitors_.size(); ++c) {
    capacitors_[c].AddTo(state.branch_charge[static_cast<Eigen::Index>(c)], &charges);
  }
  return charges;
}

// Newton's method on r(v) = Σ_c a_c Q_c(a_cᵀ v) - Q with the Jacobian C_inc,
// from the solution with every varactor linear (C0), halving a step that
// does not shrink the residual.
CircuitHamiltonian::NodeVoltages CircuitHamiltonian::SolveNodeVoltages(const Vector& p,
                                                                       const Vector& theta) const {
  NodeVoltages state;
  state.voltage = FactorsAt(theta)->capacitance.Solve(p);
  const auto incremental_matrix = [&] {
    return SymmetricFactor(CapacitiveMatrix(state.branch_incremental), storage_);
  };
  BranchCharges(state.voltage, theta, &state);
  Vector residual = NodeCharges(state.voltage, theta) - p;
  for (int iteration = 0; iteration < 100; ++iteration) {
    state.incremental = incremental_matrix();
    const Vector step = state.incremental.Solve(residual);
    if (!(step.lpNorm<Eigen::Infinity>() > 1e-15 * state.voltage.lpNorm<Eigen::Infinity>())) {
      break;
    }
    double fraction = 1.0;
    Vector trial = state.voltage - step;
    Vector trial_residual = NodeCharges(trial, theta) - p;
    while (trial_residual.norm() > residual.norm() && fraction > 1e-6) {
      fraction *= 0.5;
      trial = state.voltage - fraction * step;
      trial_residual = NodeCharges(trial, theta) - p;
    }
    state.voltage = trial;
    residual = trial_residual;
    BranchCharges(state.voltage, theta, &state);
  }
  state.incremental = incremental_matrix();
  return state;
}

double CircuitHamiltonian::SmallestCapacitance(const Vector& theta) const {
  double smallest = std::numeric_limits<double>::infinity();
  for (const Branch& c : capacitors_) smallest = std::min(smallest, theta[c.param]);
  return smallest;
}

Vector CircuitHamiltonian::CapacitanceValues(const Vector& theta) const {
  Vector values(static_cast<Eigen::Index>(capacitors_.size()));
  for (size_t c = 0; c < capacitors_.size(); ++c) {
    values[static_cast<Eigen::Index>(c)] = theta[capacitors_[c].param];
  }
  return values;
}

// Σ_c w_c a_c a_cᵀ + Σ_(parasitic or algebraic a) C_a e_a e_aᵀ
Eigen::SparseMatrix<double> CircuitHamiltonian::CapacitiveMatrix(const Vector& per_capacitor) const {
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(4 * capacitors_.size() + diagonal_capacitance_.size());
  for (size_t c = 0; c < capacitors_.size(); ++c) {
    AddOuterProduct(capacitors_[c], per_capacitor[static_cast<Eigen::Index>(c)], &entries);
  }
  for (const auto& [node, capacitance_F] : diagonal_capacitance_) {
    entries.emplace_back(node, node, capacitance_F);
  }
  Eigen::SparseMatrix<double> matrix(num_dof(), num_dof());
  matrix.setFromTriplets(entries.begin(), entries.end());
  return matrix;
}

// M_ii = L_i, M_ij = M_ji = k_ij √(L_i L_j)
Eigen::SparseMatrix<double> CircuitHamiltonian::InductanceMatrix(const Vector& theta) const {
  const auto n = static_cast<Eigen::Index>(inductors_.size());
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(inductors_.size() + 2 * mutuals_.size());
  for (Eigen::Index i = 0; i < n; ++i) entries.emplace_back(i, i, theta[inductors_[i].param]);
  for (const Mutual& m : mutuals_) {
    const double mutual = theta[m.param] * std::sqrt(theta[inductors_[m.first].param] *
                                                     theta[inductors_[m.second].param]);
    entries.emplace_back(m.first, m.second, mutual);
    entries.emplace_back(m.second, m.first, mutual);
  }
  Eigen::SparseMatrix<double> inductance(n, n);
  inductance.setFromTriplets(entries.begin(), entries.end());
  return inductance;
}

Vector CircuitHamiltonian::BranchFluxes(const Vector& flux) const {
  Vector branch(static_cast<Eigen::Index>(inductors_.size()));
  for (size_t i = 0; i < inductors_.size(); ++i) {
    branch[static_cast<Eigen::Index>(i)] = inductors_[i].Across(flux);
  }
  return branch;
}

// φ_L = A_Lᵀ Φ + D_Lᵀ Φ_d
Vector CircuitHamiltonian::BranchFluxes(const Vector& flux, const Vector& u) const {
  Vector branch = BranchFluxes(flux);
  if (driven_.nodes.empty()) return branch;
  const Vector driven_flux = Driven(u, DrivenQuantity::kFlux);
  for (size_t i = 0; i < inductors_.size(); ++i) {
    branch[static_cast<Eigen::Index>(i)] += inductors_[i].DrivenAcross(driven_flux);
  }
  return branch;
}

// i_L = M⁻¹ φ_L
Vector CircuitHamiltonian::InductorCurrents(const Vector& branch_fluxes,
                                            const Vector& theta) const {
  if (inductors_.empty()) return Vector();
  return FactorsAt(theta)->inductance.Solve(branch_fluxes);
}

double CircuitHamiltonian::JunctionPhase(const Branch& junction, const Vector& q,
                                         const Vector& driven_flux) const {
  return kTwoPi * (junction.Across(q) + junction.DrivenAcross(driven_flux)) / kFluxQuantum_Wb;
}

// x_a = Σ_s sign_s u_(s, quantity) over the chain of driven node a.
Vector CircuitHamiltonian::Driven(const Vector& u, DrivenQuantity quantity) const {
  const auto first = static_cast<Eigen::Index>(sources_.size()) + static_cast<int>(quantity);
  Vector per_node = Vector::Zero(static_cast<Eigen::Index>(driven_.nodes.size()));
  for (size_t a = 0; a < driven_.nodes.size(); ++a) {
    for (const auto& [source, sign] : driven_.nodes[a].terms) {
      per_node[static_cast<Eigen::Index>(a)] += sign * u[first + 3 * source];
    }
  }
  return per_node;
}

void CircuitHamiltonian::AddToVoltageChannels(const Vector& per_node, DrivenQuantity quantity,
                                              Vector* out) const {
  const auto first = static_cast<Eigen::Index>(sources_.size()) + static_cast<int>(quantity);
  for (size_t a = 0; a < driven_.nodes.size(); ++a) {
    for (const auto& [source, sign] : driven_.nodes[a].terms) {
      (*out)[first + 3 * source] += sign * per_node[static_cast<Eigen::Index>(a)];
    }
  }
}

// With w·∇_Φ V = Σ_L i_L a_Lᵀw + Σ_J g_J a_Jᵀw + Σ_c C_c (d_cᵀ dV_d/dt)(a_cᵀ w)
//                + Σ_R (d_Rᵀ V_d)(a_Rᵀ w) / R + (current sources):
//   ∂/∂Φ_d = Σ_L (i_L)' d_L + Σ_J g_J' d_J,  ∂/∂V_d = Σ_R (a_Rᵀ w / R) d_R,
//   ∂/∂(dV_d/dt) = Σ_c C_c (a_cᵀ w) d_c,
// with (i_L)' and g_J' what the caller passes: the derivatives of the inductor and junction
// terms with respect to their branch flux.
void CircuitHamiltonian::AddDrivenInputTerms(const Vector& w, const Vector& per_inductor,
                                             const std::vector<double>& per_junction,
                                             const Vector& theta, Vector* out) const {
  if (driven_.nodes.empty()) return;
  const auto n = static_cast<Eigen::Index>(driven_.nodes.size());
  Vector flux = Vector::Zero(n), voltage = Vector::Zero(n), slope = Vector::Zero(n);
  for (size_t i = 0; i < inductors_.size(); ++i) {
    inductors_[i].AddDrivenTo(per_inductor[static_cast<Eigen::Index>(i)], &flux);
  }
  for (size_t j = 0; j < junctions_.size(); ++j) junctions_[j].AddDrivenTo(per_junction[j], &flux);
  for (const auto& [branch, resistance_ohm] : resistors_) {
    branch.AddDrivenTo(branch.Across(w) / resistance_ohm, &voltage);
  }
  for (const Branch& c : capacitors_) c.AddDrivenTo(theta[c.param] * c.Across(w), &slope);
  AddToVoltageChannels(flux, DrivenQuantity::kFlux, out);
  AddToVoltageChannels(voltage, DrivenQuantity::kVoltage, out);
  AddToVoltageChannels(slope, DrivenQuantity::kSlope, out);
}

Vector CircuitHamiltonian::ScatterInductors(const Vector& per_inductor) const {
  Vector nodes = Vector::Zero(num_dof());
  for (size_t i = 0; i < inductors_.size(); ++i) {
    inductors_[i].AddTo(per_inductor[static_cast<Eigen::Index>(i)], &nodes);
  }
  return nodes;
}

// out_θ += scale xᵀ (∂M/∂θ) y for θ = L_i and k_ij, with
//   ∂M/∂L_i: 1 at (i, i), k_ij √(L_j / L_i) / 2 at (i, j) and (j, i);
//   ∂M/∂k_ij: √(L_i L_j) at (i, j) and (j, i).
void CircuitHamiltonian::AddInductanceDerivatives(const Vector& theta, const Vector& x,
                                                  const Vector& y, double scale,
                                                  Vector* out) const {
  for (size_t i = 0; i < inductors_.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    (*out)[inductors_[i].param] += scale * x[k] * y[k];
  }
  for (const Mutual& m : mutuals_) {
    const double l1 = theta[inductors_[m.first].param], l2 = theta[inductors_[m.second].param];
    const double k = theta[m.param];
    const double cross = x[m.first] * y[m.second] + x[m.second] * y[m.first];
    (*out)[m.param] += scale * std::sqrt(l1 * l2) * cross;
    (*out)[inductors_[m.first].param] += scale * 0.5 * k * std::sqrt(l2 / l1) * cross;
    (*out)[inductors_[m.second].param] += scale * 0.5 * k * std::sqrt(l1 / l2) * cross;
  }
}

// T = ½ Qᵀ C⁻¹ Q; with varactors T = Σ_c U_c(Q_c) + Σ_(parasitic or algebraic a) ½ C_a v_a²,
// U = Q² / (2 C0) + b Q⁴ / 4
double CircuitHamiltonian::DoKineticEnergy(const Vector& p, const Vector& theta) const {
  if (!has_varactors_) return 0.5 * p.dot(FactorsAt(theta)->capacitance.Solve(p));
  const NodeVoltages state = SolveNodeVoltages(p, theta);
  double energy = 0.0;
  for (size_t c = 0; c < capacitors_.size(); ++c) {
    const double charge = state.branch_charge[static_cast<Eigen::Index>(c)];
    energy += charge * charge / (2.0 * theta[capacitors_[c].param]) +
              0.25 * capacitor_cubic_V_per_C3_[c] * std::pow(charge, 4);
  }
  for (const auto& [node, capacitance_F] : diagonal_capacitance_) {
    energy += 0.5 * capacitance_F * state.voltage[node] * state.voltage[node];
  }
  return energy;
}

// V = ½ φ_Lᵀ M⁻¹ φ_L + Σ_J (Φ0 I_c / 2π)(1 - cos(2π φ_J / Φ0)) - Σ_s u_s b_sᵀ Φ
//     + Σ_c C_c (a_cᵀ Φ)(d_cᵀ dV_d/dt) + Σ_R (a_Rᵀ Φ)(d_Rᵀ V_d) / R
double CircuitHamiltonian::DoPotentialEnergy(const Vector& q, const Vector& theta,
                                             const Vector& u) const {
  double energy = 0.0;
  if (!inductors_.empty()) {
    const Vector branch_flux = BranchFluxes(q, u);
    energy += 0.5 * branch_flux.dot(InductorCurrents(branch_flux, theta));
  }
  const Vector driven_flux = Driven(u, DrivenQuantity::kFlux);
  for (const Branch& j : junctions_) {
    energy += kFluxQuantum_Wb * theta[j.param] / kTwoPi *
              (1.0 - std::cos(JunctionPhase(j, q, driven_flux)));
  }
  // b_s = e_(n-) - e_(n+) = -a_s
  for (size_t s = 0; s < sources_.size(); ++s) {
    energy += u[static_cast<Eigen::Index>(s)] * sources_[s].Across(q);
  }
  if (driven_.nodes.empty()) return energy;
  const Vector driven_slope = Driven(u, DrivenQuantity::kSlope);
  for (const Branch& c : capacitors_) {
    energy += theta[c.param] * c.Across(q) * c.DrivenAcross(driven_slope);
  }
  const Vector driven_voltage = Driven(u, DrivenQuantity::kVoltage);
  for (const auto& [branch, resistance_ohm] : resistors_) {
    energy += branch.Across(q) * branch.DrivenAcross(driven_voltage) / resistance_ohm;
  }
  return energy;
}

// ∂T/∂Q = C⁻¹ Q (the node voltages; with varactors the v of Σ_c a_c Q_c(a_cᵀ v) = Q)
void CircuitHamiltonian::DoKineticGradient(const Vector& p, const Vector& theta,
                                           Vector* out) const {
  *out = has_varactors_ ? SolveNodeVoltages(p, theta).voltage
                        : FactorsAt(theta)->capacitance.Solve(p);
}

// ∂V/∂Φ = A_L i_L + Σ_J I_c sin(2π φ_J / Φ0) a_J - Σ_s u_s b_s
//         + Σ_c C_c (d_cᵀ dV_d/dt) a_c + Σ_R (d_Rᵀ V_d / R) a_R
void CircuitHamiltonian::DoPotentialGradient(const Vector& q, const Vector& theta, const Vector& u,
                                             Vector* out) const {
  Vector current;
  PotentialGradientWithCurrents(q, theta, u, out, &current);
}

// Σ_J I_c sin(2π φ_J / Φ0) a_J - Σ_s u_s b_s + Σ_c C_c (d_cᵀ dV_d/dt) a_c + Σ_R (d_Rᵀ V_d / R) a_R
void CircuitHamiltonian::AddNonInductivePotentialGradient(const Vector& q, const Vector& theta,
                                                          const Vector& u, Vector* out) const {
  const Vector driven_flux = Driven(u, DrivenQuantity::kFlux);
  for (const Branch& j : junctions_) {
    j.AddTo(theta[j.param] * std::sin(JunctionPhase(j, q, driven_flux)), out);
  }
  for (size_t s = 0; s < sources_.size(); ++s) {
    sources_[s].AddTo(u[static_cast<Eigen::Index>(s)], out);
  }
  if (driven_.nodes.empty()) return;
  const Vector driven_slope = Driven(u, DrivenQuantity::kSlope);
  for (const Branch& c : capacitors_) c.AddTo(theta[c.param] * c.DrivenAcross(driven_slope), out);
  const Vector driven_voltage = Driven(u, DrivenQuantity::kVoltage);
  for (const auto& [branch, resistance_ohm] : resistors_) {
    branch.AddTo(branch.DrivenAcross(driven_voltage) / resistance_ohm, out);
  }
}

// ∂²T/∂Q² v = C⁻¹ v (C_inc⁻¹ v with varactors)
void CircuitHamiltonian::DoKineticHessianProduct(const Vector& p, const Vector& theta,
                                                 const Vector& v, Vector* out) const {
  *out = has_varactors_ ? SolveNodeVoltages(p, theta).incremental.Solve(v)
                        : FactorsAt(theta)->capacitance.Solve(v);
}

// ∂²V/∂Φ² v = A_L M⁻¹ A_Lᵀ v + Σ_J I_c (2π/Φ0) cos(2π φ_J/Φ0) (a_Jᵀ v) a_J
void CircuitHamiltonian::DoPotentialHessianProduct(const Vector& q, const Vector& theta,
                                                   const Vector& u, const Vector& v,
                                                   Vector* out) const {
  *out = inductors_.empty() ? Vector(Vector::Zero(num_dof()))
                            : ScatterInductors(InductorCurrents(BranchFluxes(v), theta));
  const Vector driven_flux = Driven(u, DrivenQuantity::kFlux);
  for (const Branch& j : junctions_) {
    j.AddTo(theta[j.param] * kTwoPi / kFluxQuantum_Wb * std::cos(JunctionPhase(j, q, driven_flux)) *
                j.Across(v),
            out);
  }
}

// ∂T/∂C_c = -½ (a_cᵀ C⁻¹ Q)²; with varactors ∂T/∂C0_c = -Q_c² / (2 C0_c²)
// (the envelope theorem: T = sup_v [Qᵀ v - Σ_c W*_c(a_cᵀ v)], ∂W*/∂C0 = -∂U/∂C0)
void CircuitHamiltonian::DoKineticParameterGradient(const Vector& p, const Vector& theta,
                                                    Vector* out) const {
  if (has_varactors_) {
    const NodeVoltages state = SolveNodeVoltages(p, theta);
    for (size_t c = 0; c < capacitors_.size(); ++c) {
      const double ratio =
          state.branch_charge[static_cast<Eigen::Index>(c)] / theta[capacitors_[c].param];
      (*out)[capacitors_[c].param] = -0.5 * ratio * ratio;
    }
    return;
  }
  const Vector voltage = FactorsAt(theta)->capacitance.Solve(p);
  for (const Branch& c : capacitors_) {
    const double across = c.Across(voltage);
    (*out)[c.param] = -0.5 * across * across;
  }
}

// ∂V/∂L, ∂V/∂k = -½ i_Lᵀ (∂M/∂θ) i_L;  ∂V/∂I_c = (Φ0 / 2π)(1 - cos(2π φ_J / Φ0));
// ∂V/∂C_c = (a_cᵀ Φ)(d_cᵀ dV_d/dt)
void CircuitHamiltonian::DoPotentialParameterGradient(const Vector& q, const Vector& theta,
                                                      const Vector& u, Vector* out) const {
  if (!inductors_.empty()) {
    const Vector current = InductorCurrents(BranchFluxes(q, u), theta);
    AddInductanceDerivatives(theta, current, current, -0.5, out);
  }
  const Vector driven_flux = Driven(u, DrivenQuantity::kFlux);
  for (const Branch& j : junctions_) {
    (*out)[j.param] = kFluxQuantum_Wb / kTwoPi * (1.0 - std::cos(JunctionPhase(j, q, driven_flux)));
  }
  if (driven_.nodes.empty()) return;
  const Vector driven_slope = Driven(u, DrivenQuantity::kSlope);
  for (const Branch& c : capacitors_) (*out)[c.param] = c.Across(q) * c.DrivenAcross(driven_slope);
}

// (∂C_c C⁻¹Q)ᵀ w = -(a_cᵀ C⁻¹ Q)(a_cᵀ C⁻¹ w); with varactors, from
// Σ_c a_c Q_c(a_cᵀ v; C0) = Q: ∂v/∂C0_c = -C_inc⁻¹ a_c ∂Q_c/∂C0|_V with
// ∂Q/∂C0|_V = (Q / C0²) dQ/dV, so (∂C0_c v)ᵀ w = -(∂Q_c/∂C0)(a_cᵀ C_inc⁻¹ w)
void CircuitHamiltonian::DoKineticMixedProduct(const Vector& p, const Vector& theta,
                                               const Vector& v, Vector* out) const {
  if (has_varactors_) {
    const NodeVoltages state = SolveNodeVoltages(p, theta);
    const Vector response = state.incremental.Solve(v);
    for (size_t c = 0; c < capacitors_.size(); ++c) {
      const auto k = static_cast<Eigen::Index>(c);
      const double c0 = theta[capacitors_[c].param];
      const double charge_slope = state.branch_charge[k] / (c0 * c0) * state.branch_incremental[k];
      (*out)[capacitors_[c].param] = -charge_slope * capacitors_[c].Across(response);
    }
    return;
  }
  const auto factors = FactorsAt(theta);
  const Vector voltage = factors->capacitance.Solve(p);
  const Vector response = factors->capacitance.Solve(v);
  for (const Branch& c : capacitors_) (*out)[c.param] = -c.Across(voltage) * c.Across(response);
}

// (∂θ A_L M⁻¹ φ_L)ᵀ w = -(M⁻¹ A_Lᵀ w)ᵀ (∂M/∂θ) i_L;  (∂I_c ∇V)ᵀ w = sin(2π φ_J/Φ0) a_Jᵀ w;
// (∂C_c ∇V)ᵀ w = (d_cᵀ dV_d/dt)(a_cᵀ w)
void CircuitHamiltonian::DoPotentialMixedProduct(const Vector& q, const Vector& theta,
                                                 const Vector& u, const Vector& v,
                                                 Vector* out) const {
  if (!inductors_.empty()) {
    AddInductanceDerivatives(theta, InductorCurrents(BranchFluxes(v), theta),
                             InductorCurrents(BranchFluxes(q, u), theta), -1.0, out);
  }
  const Vector driven_flux = Driven(u, DrivenQuantity::kFlux);
  for (const Branch& j : junctions_) {
    (*out)[j.param] = std::sin(JunctionPhase(j, q, driven_flux)) * j.Across(v);
  }
  if (driven_.nodes.empty()) return;
  const Vector driven_slope = Driven(u, DrivenQuantity::kSlope);
  for (const Branch& c : capacitors_) (*out)[c.param] = c.DrivenAcross(driven_slope) * c.Across(v);
}

// ∂V/∂u_s = -b_sᵀ Φ = a_sᵀ Φ for the current sources; for the voltage sources
//   ∂V/∂Φ_d = Σ_L i_L d_L + Σ_J I_c sin(2π φ_J/Φ0) d_J,  ∂V/∂V_d = Σ_R (a_Rᵀ Φ / R) d_R,
//   ∂V/∂(dV_d/dt) = Σ_c C_c (a_cᵀ Φ) d_c,  chained to the channels of each source
void CircuitHamiltonian::DoInputGradient(const Vector& q, const Vector& theta, const Vector& u,
                                         Vector* out) const {
  for (size_t s = 0; s < sources_.size(); ++s) {
    (*out)[static_cast<Eigen::Index>(s)] = sources_[s].Across(q);
  }
  if (driven_.nodes.empty()) return;
  const Vector current = InductorCurrents(BranchFluxes(q, u), theta);
  const Vector driven_flux = Driven(u, DrivenQuantity::kFlux);
  std::vector<double> junction_current;
  for (const Branch& j : junctions_) {
    junction_current.push_back(theta[j.param] * std::sin(JunctionPhase(j, q, driven_flux)));
  }
  AddDrivenInputTerms(q, current, junction_current, theta, out);
}

// (∂u_s ∇V)ᵀ w = a_sᵀ w for the current sources; for the voltage sources the same terms as
// DoInputGradient with Φ → w in the linear ones, i_L → M⁻¹ A_Lᵀ w and
// I_c sin(2π φ_J/Φ0) → I_c (2π/Φ0) cos(2π φ_J/Φ0) a_Jᵀ w
void CircuitHamiltonian::DoInputMixedProduct(const Vector& q, const Vector& theta, const Vector& u,
                                             const Vector& v, Vector* out) const {
  for (size_t s = 0; s < sources_.size(); ++s) {
    (*out)[static_cast<Eigen::Index>(s)] = sources_[s].Across(v);
  }
  if (driven_.nodes.empty()) return;
  const Vector response = InductorCurrents(BranchFluxes(v), theta);
  const Vector driven_flux = Driven(u, DrivenQuantity::kFlux);
  std::vector<double> junction_gain;
  for (const Branch& j : junctions_) {
    junction_gain.push_back(theta[j.param] * kTwoPi / kFluxQuantum_Wb *
                            std::cos(JunctionPhase(j, q, driven_flux)) * j.Across(v));
  }
  AddDrivenInputTerms(v, response, junction_gain, theta, out);
}

}  // namespace echolab

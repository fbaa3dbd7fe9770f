// Substrates: the HamiltonianSystem interface, oscillator networks (every law
// and topology), the paper's six oscillators, the log-cosh network; the
// phase state; dissipation and thermal noise of a pass.

#include "physics/dissipation.h"
#include "physics/hamiltonian_system.h"
#include "physics/models/log_cosh_network.h"
#include "physics/models/oscillator_network.h"
#include "physics/models/paper_six_oscillators.h"
#include "python/bindings.h"

namespace echolab::python {
namespace {

using SystemClass = py::class_<HamiltonianSystem, std::shared_ptr<HamiltonianSystem>>;

void BindPhaseState(py::module_& m) {
  py::class_<PhaseState>(m, "PhaseState", "A point x = (q, p) of phase space")
      .def(py::init([](Vector q, Vector p) {
             return PhaseState{std::move(q), std::move(p)};
           }),
           py::arg("q"), py::arg("p"))
      .def_readwrite("q", &PhaseState::q, "positions")
      .def_readwrite("p", &PhaseState::p, "momenta")
      .def_property_readonly("num_dof", &PhaseState::num_dof)
      .def("__repr__",
           [](const PhaseState& x) { return fmt::format("PhaseState(num_dof={})", x.num_dof()); });
}

// A method f(x, theta, u) of the system as a function of (q, p, theta, u).
template <typename Result>
auto StateFunction(Result (HamiltonianSystem::*method)(const PhaseState&, const Vector&,
                                                       const Vector&) const) {
  return [method](const HamiltonianSystem& system, const Vector& q, const Vector& p,
                  const Vector& theta, const Vector& u) {
    return (system.*method)(PhaseState{q, p}, theta, u);
  };
}

void BindSystem(py::module_& m) {
  SystemClass(m, "HamiltonianSystem",
              "A separable, time-reversal-invariant substrate H(q, p, theta, u) = T(p) + V(q, u)")
      .def_property_readonly("num_dof", &HamiltonianSystem::num_dof)
      .def_property_readonly("num_params", &HamiltonianSystem::num_params)
      .def_property_readonly("num_inputs", &HamiltonianSystem::num_inputs)
      .def_property_readonly("parameter_names", &HamiltonianSystem::parameter_names)
      .def("validate_parameters", &HamiltonianSystem::ValidateParameters, py::arg("theta"))
      .def("energy", StateFunction(&HamiltonianSystem::Energy), py::arg("q"), py::arg("p"),
           py::arg("theta"), py::arg("u"), "H(q, p, theta, u) in J")
      .def("gradient", StateFunction(&HamiltonianSystem::Gradient), py::arg("q"), py::arg("p"),
           py::arg("theta"), py::arg("u"), "grad_x H = (dH/dq, dH/dp)")
      .def("parameter_gradient", StateFunction(&HamiltonianSystem::ParameterGradient), py::arg("q"),
           py::arg("p"), py::arg("theta"), py::arg("u"), "dH/dtheta")
      .def("diagonal_masses", &HamiltonianSystem::DiagonalMasses, py::arg("theta"),
           "The masses (kg) when T = sum p_i^2 / (2 m_i), else None");
}

NetworkTopology MakeTopology(int num_oscillators, const std::vector<std::pair<int, int>>& edges,
                             const std::vector<int>& driven) {
  NetworkTopology topology{.num_oscillators = num_oscillators};
  topology.edges = edges;
  topology.driven_oscillators = driven;
  return topology;
}

void BindTopologies(py::module_& m) {
  m.def(
      "chain_edges", [](int n) { return NetworkTopology::Chain(n).edges; }, py::arg("n"),
      "Pairs (i, i + 1), 0-based");
  m.def(
      "ring_edges", [](int n) { return NetworkTopology::Ring(n).edges; }, py::arg("n"),
      "The chain closed by (0, n - 1) when n > 2");
  m.def(
      "all_to_all_edges", [](int n) { return NetworkTopology::AllToAll(n).edges; }, py::arg("n"),
      "Every pair i < j");
  m.def(
      "random_edges",
      [](int n, int mean_degree, std::uint64_t seed) {
        return NetworkTopology::Random(n, mean_degree, seed).edges;
      },
      py::arg("n"), py::arg("mean_degree"), py::arg("seed"),
      "Random sparse couplings, seeded (the configuration's topology = \"random\")");
}

void BindOscillatorNetwork(py::module_& m) {
  py::class_<OscillatorNetwork, HamiltonianSystem, std::shared_ptr<OscillatorNetwork>>(
      m, "OscillatorNetwork",
      "H = sum p_i^2/(2 m_i) + sum phi_on(q_i) + sum_(i,j) phi_c(q_j - q_i) - sum_c u_c q_(d_c)")
      .def(py::init([](int num_oscillators, const std::vector<std::pair<int, int>>& edges,
                       const std::vector<int>& driven, const std::string& onsite_law,
                       const std::string& coupling_law) {
             return std::make_shared<OscillatorNetwork>(
                 MakeTopology(num_oscillators, edges, driven),
                 ParsePotentialLaw(onsite_law, "onsite_law"),
                 ParsePotentialLaw(coupling_law, "coupling_law"));
           }),
           py::arg("num_oscillators"), py::arg("edges") = std::vector<std::pair<int, int>>{},
           py::arg("driven") = std::vector<int>{}, py::arg("onsite_law") = "harmonic",
           py::arg("coupling_law") = "harmonic")
      .def_property_readonly("num_edges", &OscillatorNetwork::num_edges)
      .def_property_readonly("edges", [](const OscillatorNetwork& n) { return n.topology().edges; })
      .def_property_readonly(
          "driven", [](const OscillatorNetwork& n) { return n.topology().driven_oscillators; })
      .def_property_readonly("onsite_law",
                             [](const OscillatorNetwork& n) { return ToString(n.onsite_law()); })
      .def_property_readonly("coupling_law",
                             [](const OscillatorNetwork& n) { return ToString(n.coupling_law()); })
      .def("make_parameters", &OscillatorNetwork::MakeParameters, py::arg("masses_kg"),
           py::arg("onsite"), py::arg("coupling"),
           "theta from masses (n), on-site (n x law parameters), coupling (edges x law "
           "parameters)");
}

void BindModels(py::module_& m) {
  m.def(
      "paper_six_oscillators",
      [] {
        const PaperSixOscillators paper = MakePaperSixOscillators();
        return py::make_tuple(std::const_pointer_cast<OscillatorNetwork>(paper.network),
                              paper.theta, paper.readout_oscillator);
      },
      "The paper's six coupled oscillators: (network, theta, read-out oscillator, 0-based)");
  py::class_<LogCoshNetwork, HamiltonianSystem, std::shared_ptr<LogCoshNetwork>>(
      m, "LogCoshNetwork",
      "H = sum p^2/2 + alpha/2 sum q^2 + sum log cosh(a_i q_i + (B u)_i + b_i) / a_i")
      .def(py::init<int, int>(), py::arg("num_units"), py::arg("num_inputs"))
      .def("make_parameters", &LogCoshNetwork::MakeParameters, py::arg("alpha"), py::arg("slopes"),
           py::arg("biases"), py::arg("input_matrix"));
}

void BindDissipation(py::module_& m) {
  py::class_<Dissipation>(m, "Dissipation", "Damping of a pass: dp/dt = -dH/dq - G dH/dp - gamma p")
      .def(py::init(
          [](const py::kwargs& kw) { return FromKeywords<Dissipation>(kw, "Dissipation"); }))
      .def_readwrite("friction_N_s_per_m", &Dissipation::friction_N_s_per_m)
      .def_readwrite("momentum_decay_rate_per_s", &Dissipation::momentum_decay_rate_per_s)
      .def_readwrite("friction_matrix", &Dissipation::friction_matrix)
      .def_readonly("overdamped_dofs", &Dissipation::overdamped_dofs,
                    "Degrees of freedom without inertia (a circuit's algebraic nodes)")
      .def_property_readonly("is_zero", &Dissipation::is_zero);
  py::class_<ThermalNoise>(m, "ThermalNoise", "Langevin forcing of intensity 2 G kB T (baoab)")
      .def(py::init(
          [](const py::kwargs& kw) { return FromKeywords<ThermalNoise>(kw, "ThermalNoise"); }))
      .def_readwrite("thermal_energy_J", &ThermalNoise::thermal_energy_J)
      .def_readwrite("seed", &ThermalNoise::seed);
  m.attr("BOLTZMANN_J_PER_K") = kBoltzmann_J_per_K;
}

}  // namespace

void BindPhysics(py::module_& m) {
  BindPhaseState(m);
  BindSystem(m);
  BindTopologies(m);
  BindOscillatorNetwork(m);
  BindModels(m);
  BindDissipation(m);
}

}  // namespace echolab::python

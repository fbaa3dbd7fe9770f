// Circuits from a SPICE netlist file or string: the node-flux Hamiltonian
// substrate, with the netlist's element values, sources, resistors (as
// dissipation) and initial conditions.

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"
#include "python/bindings.h"

namespace echolab::python {
namespace {

// The circuit of a parsed netlist, with its title and the initial state of
// its ic= and phase= conditions as attributes.
py::object MakeCircuit(const Netlist& netlist) {
  auto circuit = std::make_shared<CircuitHamiltonian>(netlist);
  const PhaseState initial_state = circuit->InitialState(netlist);
  py::object object = py::cast(circuit);
  object.attr("title") = netlist.title;
  object.attr("initial_state") = initial_state;
  return object;
}

}  // namespace

void BindCircuits(py::module_& m) {
  py::class_<CircuitHamiltonian, HamiltonianSystem, std::shared_ptr<CircuitHamiltonian>>(
      m, "Circuit", py::dynamic_attr(),
      "The node-flux Hamiltonian of an LC netlist: q = node fluxes (Wb), p = node charges (C); "
      "theta = the values of every C, L, K and B element, in netlist order")
      .def_static(
          "from_file", [](const std::string& path) { return MakeCircuit(ParseNetlistFile(path)); },
          py::arg("path"), "Parses a netlist file (errors name file:line:column)")
      .def_static(
          "from_string",
          [](const std::string& text, const std::string& source_name) {
            return MakeCircuit(ParseNetlistText(text, source_name));
          },
          py::arg("text"), py::arg("source_name") = "<string>",
          "Parses netlist text; source_name stands for the file in messages")
      .def_property_readonly("netlist_parameters", &CircuitHamiltonian::netlist_parameters,
                             "theta holding the netlist's element values (SI units)")
      .def_property_readonly("node_names", &CircuitHamiltonian::node_names)
      .def_property_readonly("algebraic_nodes", &CircuitHamiltonian::algebraic_nodes,
                             "The nodes without capacitance solved from Kirchhoff's law")
      .def("node_index", &CircuitHamiltonian::NodeIndex, py::arg("name"),
           "Index of a node in the state, -1 for ground")
      .def("resistive_dissipation", &CircuitHamiltonian::ResistiveDissipation,
           "The resistors as the dissipation of a pass")
      .def("inputs", &CircuitHamiltonian::Inputs,
           "The sources as input channels (current sources, then per voltage source its "
           "integral, value and slope)")
      .def("smallest_capacitance", &CircuitHamiltonian::SmallestCapacitance, py::arg("theta"));
}

}  // namespace echolab::python

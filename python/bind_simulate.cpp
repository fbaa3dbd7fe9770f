// Integrators by name with their options, and simulate(): one pass of a
// substrate, returning its trajectory as NumPy arrays.

#include "physics/integrator.h"
#include "python/bindings.h"

namespace echolab::python {
namespace {

void BindOptions(py::module_& m) {
  py::class_<IntegratorOptions>(m, "IntegratorOptions",
                                "How to integrate: the scheme by name and its settings")
      .def(py::init([](const py::kwargs& kw) {
        auto options = FromKeywords<IntegratorOptions>(kw, "IntegratorOptions");
        options.Validate();
        return options;
      }))
      .def_readwrite("scheme", &IntegratorOptions::scheme)
      .def_readwrite("step_s", &IntegratorOptions::step_s)
      .def_readwrite("rtol", &IntegratorOptions::rtol)
      .def_readwrite("atol", &IntegratorOptions::atol)
      .def_readwrite("max_steps", &IntegratorOptions::max_steps)
      .def_readwrite("max_energy_growth", &IntegratorOptions::max_energy_growth)
      .def_readwrite("adjoint_memory_MiB", &IntegratorOptions::adjoint_memory_MiB)
      .def_readwrite("output_interval_s", &IntegratorOptions::output_interval_s)
      .def_readwrite("record_states", &IntegratorOptions::record_states)
      .def("validate", &IntegratorOptions::Validate)
      .def("__repr__", [](const IntegratorOptions& o) {
        return fmt::format("IntegratorOptions(scheme='{}', step_s={}, rtol={}, atol={})", o.scheme,
                           o.step_s, o.rtol, o.atol);
      });
  py::class_<SchemeTraits>(m, "SchemeTraits")
      .def_readonly("fixed_step", &SchemeTraits::fixed_step)
      .def_readonly("symplectic", &SchemeTraits::symplectic)
      .def_readonly("symmetric", &SchemeTraits::symmetric)
      .def_readonly("stochastic", &SchemeTraits::stochastic)
      .def_readonly("order", &SchemeTraits::order)
      .def_readonly("stability_limit", &SchemeTraits::stability_limit)
      .def_readonly("composition_weights", &SchemeTraits::composition_weights);
  m.def("scheme_names", &SchemeNames, "Every integrator's name");
  m.def("composition_scheme_names", &CompositionSchemeNames,
        "The schemes the echo and the discrete adjoint replay step by step");
  m.def(
      "scheme_traits", [](const std::string& name) { return MakeIntegrator(name)->traits(); },
      py::arg("scheme"));
}

void BindTrajectory(py::module_& m) {
  py::class_<SolverStatistics>(m, "SolverStatistics")
      .def_readonly("steps", &SolverStatistics::steps)
      .def_readonly("rejected_steps", &SolverStatistics::rejected_steps)
      .def_readonly("rhs_evaluations", &SolverStatistics::rhs_evaluations)
      .def_readonly("wall_time_s", &SolverStatistics::wall_time_s);
  py::class_<Trajectory>(m, "Trajectory", "Samples, final state, status and statistics of a pass")
      .def_property_readonly("times_s",
                             [](py::object self) {
                               return ArrayView(py::cast<const Trajectory&>(self).times_s, self);
                             })
      .def_property_readonly(
          "q", [](const Trajectory& t) { return StackHalves(t.states, &PhaseState::q); },
          "positions, one row per time")
      .def_property_readonly(
          "p", [](const Trajectory& t) { return StackHalves(t.states, &PhaseState::p); },
          "momenta, one row per time")
      .def_readonly("final_time_s", &Trajectory::final_time_s)
      .def_readonly("final_state", &Trajectory::final_state)
      .def_property_readonly("status", [](const Trajectory& t) { return ToString(t.status); })
      .def_readonly("message", &Trajectory::message)
      .def_property_readonly("ok", &Trajectory::ok)
      .def_readonly("stats", &Trajectory::stats)
      .def_readonly("options_requested", &Trajectory::options_requested)
      .def_readonly("options_used", &Trajectory::options_used)
      .def("brief_report", &Trajectory::BriefReport);
}

// One pass; a numerical failure raises SolverError with the trajectory's
// message unless raise_on_failure is false.
Trajectory SimulatePass(const std::shared_ptr<HamiltonianSystem>& system, const Vector& theta,
                        const Vector& q0, const Vector& p0, double duration_s,
                        const InputSignal& input, const IntegratorOptions& integrator,
                        const Dissipation& dissipation, const ThermalNoise& noise,
                        double start_time_s, bool raise_on_failure) {
  SimulationProblem problem{.system = system.get(),
                            .theta = theta,
                            .input = input,
                            .initial_state = {q0, p0},
                            .start_time_s = start_time_s,
                            .duration_s = duration_s,
                            .dissipation = dissipation,
                            .noise = noise};
  Trajectory trajectory;
  {
    py::gil_scoped_release release;
    trajectory = Simulate(problem, integrator);
  }
  if (!trajectory.ok() && raise_on_failure) throw SolverError(trajectory.message);
  return trajectory;
}

}  // namespace

void BindSimulate(py::module_& m) {
  BindOptions(m);
  BindTrajectory(m);
  m.def("simulate", &SimulatePass, py::arg("system"), py::arg("theta"), py::arg("q0"),
        py::arg("p0"), py::arg("duration_s"), py::arg("input") = InputSignal(),
        py::arg("integrator") = IntegratorOptions(), py::arg("dissipation") = Dissipation(),
        py::arg("noise") = ThermalNoise(), py::arg("start_time_s") = 0.0,
        py::arg("raise_on_failure") = true,
        "Integrates one pass of `system` from (q0, p0); returns a Trajectory. A numerical "
        "failure raises SolverError (or, with raise_on_failure=False, is left in its status)");
}

}  // namespace echolab::python

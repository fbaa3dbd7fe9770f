// Losses on read-outs, the gradient problem, every gradient method by name
// (the library's registry) with the echo's options, and the one result type.

#include "learning/gradient_method_registry.h"
#include "learning/measured_gradient.h"
#include "learning/loss.h"
#include "learning/problem_scales.h"
#include "python/bindings.h"

namespace echolab::python {
namespace {

void BindLosses(py::module_& m) {
  py::class_<Readout, std::shared_ptr<Readout>>(m, "Readout", "Measured quantities r(x, theta)")
      .def_property_readonly("size", &Readout::size);
  py::class_<PositionReadout, Readout, std::shared_ptr<PositionReadout>>(
      m, "PositionReadout", "r_k = q_(i_k), 0-based indices")
      .def(py::init([](const HamiltonianSystem& system, std::vector<int> indices) {
             return std::make_shared<PositionReadout>(system.num_dof(), system.num_params(),
                                                      std::move(indices));
           }),
           py::arg("system"), py::arg("indices"));
  py::class_<VelocityReadout, Readout, std::shared_ptr<VelocityReadout>>(
      m, "VelocityReadout", "r_k = dH/dp_(i_k) (a circuit's node voltage), 0-based indices")
      .def(py::init([](std::shared_ptr<HamiltonianSystem> system, std::vector<int> indices) {
             return std::make_shared<VelocityReadout>(std::move(system), std::move(indices));
           }),
           py::arg("system"), py::arg("indices"));
  py::class_<Loss, std::shared_ptr<Loss>>(m, "Loss", "L = int_0^T l(x, t) dt + l_T(x(T))");
  py::class_<TrackingLoss, Loss, std::shared_ptr<TrackingLoss>>(
      m, "TrackingLoss",
      "l = 1/2 sum_k w_k (r_k - y_k(t))^2, l_T = 1/2 sum_k wT_k (r_k - yT_k)^2; targets y(t) "
      "as an Input (Input.sampled for arrays); weights default to 1 (running) and 0 (terminal)")
      .def(
          py::init([](std::shared_ptr<Readout> readout, InputSignal targets,
                      std::optional<Vector> running_weights, std::optional<Vector> terminal_weights,
                      std::optional<Vector> terminal_targets) {
            const Eigen::Index size = readout->size();
            return std::make_shared<TrackingLoss>(std::move(readout), std::move(targets),
                                                  running_weights.value_or(Vector::Ones(size)),
                                                  terminal_weights.value_or(Vector::Zero(size)),
                                                  terminal_targets.value_or(Vector::Zero(size)));
          }),
          py::arg("readout"), py::arg("targets"), py::arg("running_weights") = py::none(),
          py::arg("terminal_weights") = py::none(), py::arg("terminal_targets") = py::none());
}

void BindEchoOptions(py::module_& m) {
  py::enum_<EchoEstimator>(m, "EchoEstimator")
      .value("centred", EchoEstimator::kCentred)
      .value("one_sided", EchoEstimator::kOneSided);
  py::enum_<NudgeReference>(m, "NudgeReference")
      .value("linearized", NudgeReference::kLinearized)
      .value("physical", NudgeReference::kPhysical);
  py::enum_<EchoDamping>(m, "EchoDamping")
      .value("naive", EchoDamping::kNaive)
      .value("gain", EchoDamping::kGain)
      .value("gain_reweighted", EchoDamping::kGainReweighted);
  py::class_<EchoHardware>(m, "EchoHardware", "Imperfections between forward pass and echoes")
      .def(py::init(
          [](const py::kwargs& kw) { return FromKeywords<EchoHardware>(kw, "EchoHardware"); }))
      .def_readwrite("flip_gain_error", &EchoHardware::flip_gain_error)
      .def_readwrite("flip_noise_relative", &EchoHardware::flip_noise_relative)
      .def_readwrite("parameter_drift_relative", &EchoHardware::parameter_drift_relative)
      .def_readwrite("input_time_offset_s", &EchoHardware::input_time_offset_s)
      .def_readwrite("input_time_jitter_s", &EchoHardware::input_time_jitter_s)
      .def_readwrite("readout_noise_relative", &EchoHardware::readout_noise_relative)
      .def_readwrite("readout_bits", &EchoHardware::readout_bits)
      .def_readwrite("seed", &EchoHardware::seed)
      .def_property_readonly("is_ideal", &EchoHardware::is_ideal);
  py::class_<EchoOptions>(m, "EchoOptions",
                          "beta, estimator, nudge, damping variant, hardware, repeats")
      .def(py::init([](const py::kwargs& kw) {
        auto options = FromKeywords<EchoOptions>(kw, "EchoOptions");
        options.Validate();
        return options;
      }))
      .def_readwrite("beta", &EchoOptions::beta)
      .def_readwrite("estimator", &EchoOptions::estimator)
      .def_readwrite("nudge", &EchoOptions::nudge)
      .def_readwrite("damping", &EchoOptions::damping)
      .def_readwrite("hardware", &EchoOptions::hardware)
      .def_readwrite("repeats", &EchoOptions::repeats)
      .def("validate", &EchoOptions::Validate);
}

// The problem holds the system by raw pointer: keep_alive ties the system's
// lifetime to the problem's.
GradientProblem MakeProblem(const std::shared_ptr<HamiltonianSystem>& system, Vector theta,
                            Vector q0, Vector p0, double duration_s, std::shared_ptr<Loss> loss,
                            InputSignal input, IntegratorOptions integrator,
                            Dissipation dissipation, ThermalNoise noise, double start_time_s,
                            bool record_adjoint, bool compute_input_gradient) {
  GradientProblem problem;
  problem.forward = SimulationProblem{.system = system.get(),
                                      .theta = std::move(theta),
                                      .input = std::move(input),
                                      .initial_state = {std::move(q0), std::move(p0)},
                                      .start_time_s = start_time_s,
                                      .duration_s = duration_s,
                                      .dissipation = std::move(dissipation),
                                      .noise = noise};
  problem.loss = std::move(loss);
  problem.integrator = std::move(integrator);
  problem.record_adjoint = record_adjoint;
  problem.compute_input_gradient = compute_input_gradient;
  return problem;
}

template <typename Field>
void ForwardField(py::class_<GradientProblem>& c, const char* name,
                  Field SimulationProblem::*field) {
  c.def_property(
      name, [field](const GradientProblem& p) { return p.forward.*field; },
      [field](GradientProblem& p, Field value) { p.forward.*field = std::move(value); });
}

void BindProblem(py::module_& m) {
  py::class_<GradientProblem> problem(
      m, "GradientProblem", "The loss of a forward pass, to differentiate by theta, x0 and u");
  problem.def(py::init(&MakeProblem), py::keep_alive<1, 2>(), py::arg("system"), py::arg("theta"),
              py::arg("q0"), py::arg("p0"), py::arg("duration_s"), py::arg("loss"),
              py::arg("input") = InputSignal(), py::arg("integrator") = IntegratorOptions(),
              py::arg("dissipation") = Dissipation(), py::arg("noise") = ThermalNoise(),
              py::arg("start_time_s") = 0.0, py::arg("record_adjoint") = false,
              py::arg("compute_input_gradient") = true);
  ForwardField(problem, "theta", &SimulationProblem::theta);
  ForwardField(problem, "input", &SimulationProblem::input);
  ForwardField(problem, "initial_state", &SimulationProblem::initial_state);
  ForwardField(problem, "duration_s", &SimulationProblem::duration_s);
  ForwardField(problem, "start_time_s", &SimulationProblem::start_time_s);
  ForwardField(problem, "dissipation", &SimulationProblem::dissipation);
  ForwardField(problem, "noise", &SimulationProblem::noise);
  problem.def_readwrite("integrator", &GradientProblem::integrator)
      .def_readwrite("record_adjoint", &GradientProblem::record_adjoint)
      .def_readwrite("compute_input_gradient", &GradientProblem::compute_input_gradient)
      .def(
          "measure_scales", [](GradientProblem& p) { p.scales = MeasureProblemScales(p); },
          "Makes atol relative to the problem's scales (adjoint) and the fd steps of x0 too")
      .def_property_readonly("has_scales",
                             [](const GradientProblem& p) { return !p.scales.empty(); })
      .def("validate", &GradientProblem::Validate);
}

void BindResult(py::module_& m) {
  py::class_<GradientResult>(m, "GradientResult", "The one result type of every gradient method")
      .def_readonly("method", &GradientResult::method)
      .def_property_readonly("status", [](const GradientResult& r) { return ToString(r.status); })
      .def_readonly("message", &GradientResult::message)
      .def_property_readonly("ok", &GradientResult::ok)
      .def_readonly("loss", &GradientResult::loss)
      .def_readonly("dL_dtheta", &GradientResult::dL_dtheta, "per SI unit of each parameter")
      .def_readonly("dL_dx0", &GradientResult::dL_dx0)
      .def_property_readonly("input_times_s",
                             [](py::object self) {
                               return ArrayView(py::cast<const GradientResult&>(self).input_times_s,
                                                self);
                             })
      .def_readonly("dL_du", &GradientResult::dL_du, "channels x input_times_s, per second")
      .def_property_readonly("adjoint_times_s",
                             [](py::object self) {
                               return ArrayView(
                                   py::cast<const GradientResult&>(self).adjoint_times_s, self);
                             })
      .def_property_readonly(
          "adjoint_q",
          [](const GradientResult& r) { return StackHalves(r.adjoint, &PhaseState::q); },
          "lambda_q(t), one row per adjoint time")
      .def_property_readonly(
          "adjoint_p",
          [](const GradientResult& r) { return StackHalves(r.adjoint, &PhaseState::p); },
          "lambda_p(t), one row per adjoint time")
      .def_readonly("passes", &GradientResult::passes)
      .def_readonly("steps", &GradientResult::steps)
      .def_readonly("wall_time_s", &GradientResult::wall_time_s)
      .def_readonly("peak_memory_bytes", &GradientResult::peak_memory_bytes);
}

// The method `name` of the library's registry on `problem`; a numerical
// failure raises SolverError unless raise_on_failure is false.
GradientResult ComputeGradient(const GradientProblem& problem, const std::string& method,
                               const EchoOptions& echo, double fd_relative_step,
                               bool raise_on_failure) {
  const GradientMethodSettings settings{.echo = echo, .fd_relative_step = fd_relative_step};
  const std::unique_ptr<GradientMethod> gradient_method = MakeGradientMethod(method, settings);
  GradientResult result;
  {
    py::gil_scoped_release release;
    result = ComputeMeasured(*gradient_method, problem);
  }
  if (!result.ok() && raise_on_failure) throw SolverError(result.message);
  return result;
}

}  // namespace

void BindLearning(py::module_& m) {
  BindLosses(m);
  BindEchoOptions(m);
  BindProblem(m);
  BindResult(m);
  m.def("gradient", &ComputeGradient, py::arg("problem"), py::arg("method") = "echo",
        py::arg("echo") = EchoOptions(), py::arg("fd_relative_step") = 1e-5,
        py::arg("raise_on_failure") = true,
        "dL/dtheta, dL/dx0, dL/du (and lambda(t) when problem.record_adjoint) by the method "
        "of gradient_method_names(); a numerical failure raises SolverError");
  m.def("gradient_method_names", &GradientMethodNames);
  m.def("method_supports_scheme", &MethodSupportsScheme, py::arg("method"), py::arg("scheme"));
  m.def("parameter_scales", &ParameterScales, py::arg("theta"),
        "|theta_j| (1 where theta_j = 0): dL/dtheta * scale = dL/dlog(theta)");
}

}  // namespace echolab::python

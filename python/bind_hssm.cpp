// Hamiltonian state-space models: configuration, parameters, and the loss,
// metric and gradient (discrete RHEL or BPTT) on a batch of sequences given
// as NumPy arrays.

#include "learning/hssm/hamiltonian_ssm.h"
#include "python/bindings.h"

namespace echolab::python {
namespace {

void BindConfig(py::module_& m) {
  py::enum_<SequenceTaskKind>(m, "SequenceTask")
      .value("classification", SequenceTaskKind::kClassification)
      .value("regression", SequenceTaskKind::kRegression);
  py::enum_<HruKind>(m, "HruKind")
      .value("linear", HruKind::kLinear)
      .value("logcosh", HruKind::kLogCosh);
  py::enum_<SequenceGradientRule>(m, "GradientRule")
      .value("rhel", SequenceGradientRule::kRhel)
      .value("bptt", SequenceGradientRule::kBptt);
  py::class_<HamiltonianSsmConfig>(m, "HssmConfig", "The shape of a Hamiltonian SSM (docs/hssm.md)")
      .def(py::init([](const py::kwargs& kw) {
        auto config = FromKeywords<HamiltonianSsmConfig>(kw, "HssmConfig");
        config.Validate();
        return config;
      }))
      .def_readwrite("task", &HamiltonianSsmConfig::task)
      .def_readwrite("input_channels", &HamiltonianSsmConfig::input_channels)
      .def_readwrite("classes", &HamiltonianSsmConfig::classes)
      .def_readwrite("output_channels", &HamiltonianSsmConfig::output_channels)
      .def_readwrite("layers", &HamiltonianSsmConfig::layers)
      .def_readwrite("hidden", &HamiltonianSsmConfig::hidden)
      .def_readwrite("state", &HamiltonianSsmConfig::state)
      .def_readwrite("unit", &HamiltonianSsmConfig::unit)
      .def_readwrite("step", &HamiltonianSsmConfig::step)
      .def_readwrite("output_step", &HamiltonianSsmConfig::output_step)
      .def_readwrite("seed", &HamiltonianSsmConfig::seed)
      .def_readwrite("threads", &HamiltonianSsmConfig::threads)
      .def_property(
          "step_init",
          [](const HamiltonianSsmConfig& c) { return c.init.uniform_step ? "uniform" : "normal"; },
          [](HamiltonianSsmConfig& c, const std::string& name) {
            if (name != "normal" && name != "uniform") {
              throw InputError(fmt::format("step_init: expected normal or uniform, got '{}'", name));
            }
            c.init.uniform_step = name == "uniform";
          },
          "normal: the linear unit's step logit ~ N(0, 1); uniform: U[0, 1], the paper's code")
      .def_property(
          "c_init",
          [](const HamiltonianSsmConfig& c) { return c.init.symmetric_scale ? "symmetric" : "unit"; },
          [](HamiltonianSsmConfig& c, const std::string& name) {
            if (name != "unit" && name != "symmetric") {
              throw InputError(fmt::format("c_init: expected unit or symmetric, got '{}'", name));
            }
            c.init.symmetric_scale = name == "symmetric";
          },
          "unit: the log-cosh scale ~ U[0, 1]; symmetric: U[-1, 1], the paper's code")
      .def_readwrite("dropout", &HamiltonianSsmConfig::dropout,
                     "rate after the GELU and after the GLU in training steps (0: none)")
      .def_readwrite("batch_norm", &HamiltonianSsmConfig::batch_norm,
                     "batch normalisation with running statistics instead of the per-step "
                     "normalisation over channels")
      .def_readwrite("batch_norm_momentum", &HamiltonianSsmConfig::batch_norm_momentum)
      .def("validate", &HamiltonianSsmConfig::Validate);
  py::class_<SequenceEvaluation>(m, "SequenceEvaluation",
                                 "Mean loss, metric and (when asked) gradient over a batch")
      .def_readonly("loss", &SequenceEvaluation::loss)
      .def_readonly("metric", &SequenceEvaluation::metric)
      .def_readonly("examples", &SequenceEvaluation::examples)
      .def_readonly("gradient", &SequenceEvaluation::gradient)
      .def_readonly("state", &SequenceEvaluation::state,
                    "after a training step under batch_norm: the updated running statistics "
                    "(model.state's layout); else empty");
}

// The batch as examples: inputs[b] is steps × channels; labels (classification)
// or targets[b] (regression, output steps × outputs), one per sequence.
std::vector<SequenceExample> MakeBatch(const std::vector<Eigen::MatrixXd>& inputs,
                                       const std::optional<std::vector<int>>& labels,
                                       const std::optional<std::vector<Eigen::MatrixXd>>& targets) {
  const size_t size = inputs.size();
  if (labels && labels->size() != size) {
    throw InputError(fmt::format("labels: {} given for {} sequences", labels->size(), size));
  }
  if (targets && targets->size() != size) {
    throw InputError(fmt::format("targets: {} given for {} sequences", targets->size(), size));
  }
  std::vector<SequenceExample> batch(size);
  for (size_t b = 0; b < size; ++b) {
    batch[b].inputs = inputs[b];
    if (labels) batch[b].label = (*labels)[b];
    if (targets) batch[b].targets = (*targets)[b];
  }
  return batch;
}

SequenceEvaluation EvaluateBatch(const HamiltonianSsm& model,
                                 const std::vector<Eigen::MatrixXd>& inputs,
                                 const std::optional<std::vector<int>>& labels,
                                 const std::optional<std::vector<Eigen::MatrixXd>>& targets,
                                 bool compute_gradient, SequenceGradientRule rule, double beta,
                                 std::optional<std::uint64_t> training_seed) {
  const std::vector<SequenceExample> batch = MakeBatch(inputs, labels, targets);
  std::vector<const SequenceExample*> pointers;
  for (const SequenceExample& example : batch) pointers.push_back(&example);
  const SequenceEvaluationOptions options{
      .compute_gradient = compute_gradient, .rule = rule, .beta = beta,
      .training_seed = training_seed};
  py::gil_scoped_release release;
  return model.Evaluate(pointers, options);
}

}  // namespace

void BindHssm(py::module_& m) {
  BindConfig(m);
  py::class_<HamiltonianSsm>(m, "HamiltonianSsm",
                             "A stack of Hamiltonian recurrent units between an encoder and a "
                             "decoder, trained by discrete RHEL or BPTT")
      .def(py::init<const HamiltonianSsmConfig&>(), py::arg("config"))
      .def_property_readonly("config", &HamiltonianSsm::config)
      .def_property("parameters", &HamiltonianSsm::Parameters, &HamiltonianSsm::SetParameters)
      .def_property_readonly("parameter_names", &HamiltonianSsm::ParameterNames)
      .def_property_readonly("recurrent_parameter_indices",
                             &HamiltonianSsm::RecurrentParameterIndices)
      .def_property("state", &HamiltonianSsm::State, &HamiltonianSsm::SetState,
                    "batch_norm: the running mean and variance of every block's normalisation, "
                    "[mean (hidden), variance (hidden)] per block; empty without batch_norm")
      .def("output_steps", &HamiltonianSsm::OutputSteps, py::arg("length"))
      .def("evaluate", &EvaluateBatch, py::arg("inputs"), py::arg("labels") = py::none(),
           py::arg("targets") = py::none(), py::arg("compute_gradient") = false,
           py::arg("rule") = SequenceGradientRule::kRhel, py::arg("beta") = 0.1,
           py::arg("training_seed") = py::none(),
           "Mean loss and metric over the batch (inputs[b]: steps x channels) and, with "
           "compute_gradient, d(mean loss)/d(parameters) by rule (rhel or bptt). "
           "training_seed makes it a training step: dropout masks drawn from the seed, batch "
           "normalisation by the batch's statistics (the result's state holds the updated "
           "running statistics; assign it to model.state to keep them). Without it (an "
           "evaluation) nothing is dropped and the running statistics normalise.");
}

}  // namespace echolab::python

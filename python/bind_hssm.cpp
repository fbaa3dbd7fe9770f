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
      .def("validate", &HamiltonianSsmConfig::Validate);
  py::class_<SequenceEvaluation>(m, "SequenceEvaluation",
                                 "Mean loss, metric and (when asked) gradient over a batch")
      .def_readonly("loss", &SequenceEvaluation::loss)
      .def_readonly("metric", &SequenceEvaluation::metric)
      .def_readonly("examples", &SequenceEvaluation::examples)
      .def_readonly("gradient", &SequenceEvaluation::gradient);
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
                                 bool compute_gradient, SequenceGradientRule rule, double beta) {
  const std::vector<SequenceExample> batch = MakeBatch(inputs, labels, targets);
  std::vector<const SequenceExample*> pointers;
  for (const SequenceExample& example : batch) pointers.push_back(&example);
  const SequenceEvaluationOptions options{
      .compute_gradient = compute_gradient, .rule = rule, .beta = beta};
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
      .def("output_steps", &HamiltonianSsm::OutputSteps, py::arg("length"))
      .def("evaluate", &EvaluateBatch, py::arg("inputs"), py::arg("labels") = py::none(),
           py::arg("targets") = py::none(), py::arg("compute_gradient") = false,
           py::arg("rule") = SequenceGradientRule::kRhel, py::arg("beta") = 0.1,
           "Mean loss and metric over the batch (inputs[b]: steps x channels) and, with "
           "compute_gradient, d(mean loss)/d(parameters) by rule (rhel or bptt)");
}

}  // namespace echolab::python

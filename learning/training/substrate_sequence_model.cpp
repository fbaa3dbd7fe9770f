#include "learning/training/substrate_sequence_model.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"
#include "learning/detail/discrete_pass.h"
#include "learning/gradient_method_registry.h"
#include "learning/loss.h"
#include "learning/training/output_sampling.h"

namespace echolab {
namespace {

// One channel per column, sampled at `times_s` and interpolated linearly.
InputSignal SampledChannels(const std::vector<double>& times_s, const Eigen::MatrixXd& samples,
                            double scale) {
  std::vector<InputChannel> channels;
  for (Eigen::Index c = 0; c < samples.cols(); ++c) {
    const Eigen::VectorXd column = scale * samples.col(c);
    channels.push_back(
        {std::make_shared<SampledWaveform>(
             times_s, std::vector<double>(column.begin(), column.end()), Interpolation::kLinear),
         Parity::kEven});
  }
  return InputSignal(std::move(channels));
}

}  // namespace

void SubstrateModelSpec::Validate() const {
  if (!system) throw InputError("model: a substrate is required");
  if (initial_theta.size() != system->num_params()) {
    throw InputError(fmt::format("model: expected {} substrate parameters, got {}",
                                 system->num_params(), initial_theta.size()));
  }
  system->ValidateParameters(initial_theta);
  if (trained.empty()) throw InputError("model.trained: expected at least one parameter");
  for (int index : trained) {
    if (index < 0 || index >= system->num_params() || initial_theta[index] == 0.0) {
      throw InputError(fmt::format(
          "model.trained: parameter {} is not a nonzero parameter of the substrate", index));
    }
  }
  if (!readout || readout->size() < 1) throw InputError("model: expected at least one read-out");
  if (!(sample_interval_s > 0.0)) {
    throw InputError(fmt::format("model.sample_interval_s: expected a positive time, got {}",
                                 sample_interval_s));
  }
  if (!(input_scale > 0.0)) {
    throw InputError(
        fmt::format("model.input_scale: expected a positive number, got {}", input_scale));
  }
  if (output_step < 1) {
    throw InputError(
        fmt::format("task.output_step: expected a positive integer, got {}", output_step));
  }
  detail::CompositionWeightsOf(integrator.scheme, "echo");
  integrator.Validate();
}

SubstrateSequenceModel::SubstrateSequenceModel(SubstrateModelSpec spec) : spec_(std::move(spec)) {
  spec_.Validate();
  log_relative_ = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(spec_.trained.size()));
}

void SubstrateSequenceModel::SetParameters(const Eigen::VectorXd& theta) {
  if (theta.size() != log_relative_.size()) {
    throw InputError(fmt::format("substrate model parameters: expected {} values, got {}",
                                 log_relative_.size(), theta.size()));
  }
  log_relative_ = theta;
}

std::vector<std::string> SubstrateSequenceModel::ParameterNames() const {
  std::vector<std::string> names;
  for (int index : spec_.trained) names.push_back(spec_.system->parameter_names()[index]);
  return names;
}

Vector SubstrateSequenceModel::SubstrateParameters() const {
  Vector theta = spec_.initial_theta;
  const Eigen::VectorXd trained = PhysicalValues(log_relative_);
  for (size_t i = 0; i < spec_.trained.size(); ++i) {
    theta[spec_.trained[i]] = trained[static_cast<Eigen::Index>(i)];
  }
  return theta;
}

Eigen::VectorXd SubstrateSequenceModel::PhysicalValues(const Eigen::VectorXd& z) const {
  Eigen::VectorXd values(z.size());
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    // θ_j = θ0_j exp(z_i)
    values[i] = spec_.initial_theta[spec_.trained[static_cast<size_t>(i)]] * std::exp(z[i]);
  }
  return values;
}

std::string SubstrateSequenceModel::MethodOf(SequenceGradientRule rule) {
  return rule == SequenceGradientRule::kRhel ? "echo" : "adjoint";
}

void SubstrateSequenceModel::CheckExample(const SequenceExample& example) const {
  if (example.inputs.cols() != spec_.system->num_inputs() || example.inputs.rows() < 2) {
    throw InputError(fmt::format(
        "sequence: expected at least 2 steps of {} input channel(s) (the substrate's inputs), "
        "got {} x {}",
        spec_.system->num_inputs(), example.inputs.rows(), example.inputs.cols()));
  }
  const long rows = PredictedRows(example.inputs.rows(), spec_.output_step);
  if (example.targets.rows() != rows || example.targets.cols() != spec_.readout->size()) {
    throw InputError(fmt::format(
        "sequence: expected targets of {} rows (one per {} steps) x {} read-out(s), got {} x {}; "
        "the substrate models regression tasks",
        rows, spec_.output_step, spec_.readout->size(), example.targets.rows(),
        example.targets.cols()));
  }
}

SequenceEvaluation SubstrateSequenceModel::EvaluateOne(
    const SequenceExample& example, const SequenceEvaluationOptions& options) const {
  CheckExample(example);
  const Eigen::Index steps = example.inputs.rows();
  const double dt = spec_.sample_interval_s;
  std::vector<double> input_times_s(static_cast<size_t>(steps));
  for (Eigen::Index j = 0; j < steps; ++j) input_times_s[j] = static_cast<double>(j) * dt;
  std::vector<double> target_times_s(static_cast<size_t>(example.targets.rows()));
  for (Eigen::Index k = 0; k < example.targets.rows(); ++k) {
    target_times_s[k] = static_cast<double>(PredictedStep(k, spec_.output_step)) * dt;
  }

  GradientProblem problem;
  problem.forward.system = spec_.system.get();
  problem.forward.theta = SubstrateParameters();
  try {
    spec_.system->ValidateParameters(problem.forward.theta);
  } catch (const InputError& error) {
    throw SolverError(fmt::format("training left the substrate's domain: {}", error.what()));
  }
  problem.forward.input = SampledChannels(input_times_s, example.inputs, spec_.input_scale);
  const int n = spec_.system->num_dof();
  problem.forward.initial_state = {Vector::Zero(n), Vector::Zero(n)};
  problem.forward.duration_s = static_cast<double>(steps - 1) * dt;
  problem.forward.dissipation = spec_.dissipation;
  const int m = spec_.readout->size();
  // w = 2 / (T m): L = (1 / T) ∫ (1 / m) Σ_k (r_k - y_k)² dt.
  const double weight = 2.0 / (problem.forward.duration_s * m);
  InputSignal targets =
      target_times_s.size() >= 2
          ? SampledChannels(target_times_s, example.targets, 1.0)
          : InputSignal(
                {{std::make_shared<ConstantWaveform>(example.targets(0, 0)), Parity::kEven}});
  problem.loss =
      std::make_shared<TrackingLoss>(spec_.readout, std::move(targets), Vector::Constant(m, weight),
                                     Vector::Zero(m), Vector::Zero(m));
  problem.integrator = spec_.integrator;
  problem.compute_input_gradient = false;
  problem.measure_device_energy = options.measure_hardware_cost;

  SequenceEvaluation evaluation{.examples = 1};
  if (!options.compute_gradient) {
    const detail::StepGrid grid = detail::MakeStepGrid(problem);
    const detail::DiscreteForwardPass pass = detail::RunDiscreteForward(
        problem, grid, detail::CompositionWeightsOf(problem.integrator.scheme, "forward"), {});
    if (pass.status != SolveStatus::kSuccess) throw SolverError(pass.message);
    evaluation.loss = pass.loss;
  } else {
    GradientMethodSettings settings;
    settings.echo.beta = options.beta;
    const GradientResult result =
        MakeGradientMethod(MethodOf(options.rule), settings)->Compute(problem);
    if (!result.ok()) throw SolverError(fmt::format("{}: {}", result.method, result.message));
    evaluation.loss = result.loss;
    evaluation.cost = result.cost;
    evaluation.gradient.resize(log_relative_.size());
    for (size_t i = 0; i < spec_.trained.size(); ++i) {
      // dL/dz_i = θ_j dL/dθ_j
      const int j = spec_.trained[i];
      evaluation.gradient[static_cast<Eigen::Index>(i)] =
          problem.forward.theta[j] * result.dL_dtheta[j];
    }
  }
  evaluation.metric = evaluation.loss;
  return evaluation;
}

SequenceEvaluation SubstrateSequenceModel::Evaluate(
    const std::vector<const SequenceExample*>& batch,
    const SequenceEvaluationOptions& options) const {
  if (batch.empty()) throw InputError("substrate model: expected a non-empty batch");
  SequenceEvaluation mean{.examples = static_cast<int>(batch.size())};
  if (options.compute_gradient) mean.gradient = Eigen::VectorXd::Zero(log_relative_.size());
  for (const SequenceExample* example : batch) {
    const SequenceEvaluation one = EvaluateOne(*example, options);
    mean.loss += one.loss / mean.examples;
    mean.metric += one.metric / mean.examples;
    if (options.compute_gradient) mean.gradient += one.gradient / mean.examples;
    mean.cost += one.cost;
  }
  return mean;
}

}  // namespace echolab

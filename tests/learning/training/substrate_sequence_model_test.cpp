// The substrate as a sequence model: its echo gradient against central
// finite differences of its own forward loss and against the CVODES adjoint,
// on an oscillator chain and an LC circuit; training with either gradient
// lowers the validation loss, and both runs end close together.

#include "learning/training/substrate_sequence_model.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"
#include "common/error.h"
#include "learning/training/tasks/burst_classification_task.h"
#include "learning/training/tasks/windowed_mean_task.h"
#include "learning/training/trainer.h"
#include "physics/models/oscillator_network.h"

namespace echolab {
namespace {

using ::testing::HasSubstr;

void Report(const std::string& key, double value) {
  std::cout << fmt::format("[figure] {} = {:.3e}", key, value) << std::endl;
  ::testing::Test::RecordProperty(key, fmt::format("{:.3e}", value));
}

double RelativeError(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return (a - b).norm() / b.norm();
}

// Two harmonic oscillators in a chain, driven on the first, read on the
// second; the on-site and coupling stiffnesses are trained.
SubstrateModelSpec ChainSpec() {
  NetworkTopology topology = NetworkTopology::Chain(2);
  topology.driven_oscillators = {0};
  auto network = std::make_shared<const OscillatorNetwork>(topology, PotentialLaw::kHarmonic,
                                                           PotentialLaw::kHarmonic);
  SubstrateModelSpec spec;
  spec.system = network;
  spec.initial_theta = network->MakeParameters(
      Eigen::VectorXd{{1.0, 1.0}}, Eigen::MatrixXd{{1.0}, {2.0}}, Eigen::MatrixXd{{0.5}});
  spec.trained = {2, 3, 4};  // k_1, k_2, k_1_2
  spec.readout = std::make_shared<PositionReadout>(2, network->num_params(), std::vector<int>{1});
  spec.sample_interval_s = 0.1;
  spec.output_step = 5;
  spec.integrator.scheme = "leapfrog";
  spec.integrator.step_s = 0.05;
  spec.integrator.rtol = 1e-10;
  spec.integrator.atol = 1e-12;
  return spec;
}

SequenceDataset WindowedMean(int sequences) {
  return MakeWindowedMeanDataset({.sequences = sequences,
                                  .length = 60,
                                  .window_steps = 10,
                                  .output_step = 5,
                                  .correlation_steps = 5.0,
                                  .seed = 4});
}

std::vector<const SequenceExample*> FirstExamples(const SequenceDataset& data, size_t count) {
  std::vector<const SequenceExample*> batch;
  for (size_t k = 0; k < count; ++k) batch.push_back(&data.examples[k]);
  return batch;
}

TEST(SubstrateSequenceModel, EchoGradientIsTheGradientOfTheForwardLoss) {
  SubstrateSequenceModel model(ChainSpec());
  const SequenceDataset data = WindowedMean(3);
  const auto batch = FirstExamples(data, 3);
  const SequenceEvaluation echo = model.Evaluate(
      batch, {.compute_gradient = true, .rule = SequenceGradientRule::kRhel, .beta = 1e-3});
  // Central differences of the fixed-step forward loss, step 1e-6 in z.
  Eigen::VectorXd differences(3);
  for (Eigen::Index i = 0; i < 3; ++i) {
    Eigen::VectorXd z = Eigen::VectorXd::Zero(3);
    z[i] += 1e-6;
    model.SetParameters(z);
    const double plus = model.Evaluate(batch, {}).loss;
    z[i] -= 2e-6;
    model.SetParameters(z);
    const double minus = model.Evaluate(batch, {}).loss;
    differences[i] = (plus - minus) / 2e-6;
  }
  const double error = RelativeError(echo.gradient, differences);
  Report("chain_echo_vs_finite_differences", error);
  EXPECT_LT(error, 1e-6);
  EXPECT_GT(echo.loss, 0.0);
}

TEST(SubstrateSequenceModel, EchoAndAdjointAgreeOnAnOscillatorChain) {
  const SubstrateSequenceModel model(ChainSpec());
  const SequenceDataset data = WindowedMean(3);
  const auto batch = FirstExamples(data, 3);
  const SequenceEvaluation echo = model.Evaluate(
      batch, {.compute_gradient = true, .rule = SequenceGradientRule::kRhel, .beta = 1e-3});
  const SequenceEvaluation adjoint =
      model.Evaluate(batch, {.compute_gradient = true, .rule = SequenceGradientRule::kBptt});
  const double error = RelativeError(echo.gradient, adjoint.gradient);
  Report("chain_echo_vs_adjoint", error);
  // The echo differentiates the leapfrog map at h = 0.05 s, the adjoint the
  // continuous flow: they differ by the O(h²) discretisation.
  EXPECT_LT(error, 1e-2);
  EXPECT_NEAR(echo.loss, adjoint.loss, 1e-2 * adjoint.loss);
}

TEST(SubstrateSequenceModel, TrainingLowersTheLossWithEitherGradientAndTheRunsAgree) {
  const SequenceDataset data = WindowedMean(12);
  const DatasetSplit split = SplitDataset(12, {.train = 0.5, .validation = 0.25}, 1);
  Eigen::VectorXd final_parameters[2];
  for (const SequenceGradientRule rule :
       {SequenceGradientRule::kRhel, SequenceGradientRule::kBptt}) {
    SubstrateSequenceModel model(ChainSpec());
    const Trainer trainer(&model, &data, split,
                          {.adam = {.learning_rate = 0.1},
                           .batch_size = 3,
                           .steps = 40,
                           .eval_every = 10,
                           .rule = rule,
                           .beta = 1e-3});
    const TrainingState start = trainer.Start();
    model.SetParameters(start.parameters);
    std::vector<const SequenceExample*> examples;
    for (int index : split.validation) examples.push_back(&data.examples[index]);
    const double initial_loss = model.Evaluate(examples, {}).loss;
    const TrainingState state = trainer.Run(start, {});
    const std::string name = rule == SequenceGradientRule::kRhel ? "echo" : "adjoint";
    Report(fmt::format("chain_{}_validation_loss_ratio", name),
           state.best_validation_metric / initial_loss);
    EXPECT_LT(state.best_validation_metric, 0.8 * initial_loss) << name;
    final_parameters[rule == SequenceGradientRule::kRhel ? 0 : 1] = state.parameters;
  }
  const double difference = RelativeError(final_parameters[0], final_parameters[1]);
  Report("chain_echo_vs_adjoint_trained_parameters", difference);
  EXPECT_LT(difference, 1e-2);
}

TEST(SubstrateSequenceModel, EchoAndAdjointAgreeOnAnLcCircuit) {
  const Netlist netlist = ParseNetlistText(
      "Two LC tanks coupled by a capacitor, driven by a current source\n"
      "I1 a 0 DC 0\n"
      "L1 a 0 100n\n"
      "C1 a 0 100p\n"
      "Cc a b 20p\n"
      "L2 b 0 150n\n"
      "C2 b 0 100p\n"
      ".end\n",
      "tanks.cir");
  auto circuit = std::make_shared<const CircuitHamiltonian>(netlist);
  SubstrateModelSpec spec;
  spec.system = circuit;
  spec.initial_theta = circuit->netlist_parameters();
  for (int k = 0; k < circuit->num_params(); ++k) spec.trained.push_back(k);
  spec.readout =
      std::make_shared<VelocityReadout>(circuit, std::vector<int>{circuit->NodeIndex("b")});
  spec.sample_interval_s = 2e-9;
  spec.input_scale = 1e-2;
  spec.output_step = 5;
  spec.integrator.scheme = "leapfrog";
  spec.integrator.step_s = 1e-10;
  spec.integrator.rtol = 1e-10;
  spec.integrator.atol = 1e-24;
  const SubstrateSequenceModel model(spec);
  EXPECT_EQ(model.ParameterNames(), (std::vector<std::string>{"l1", "c1", "cc", "l2", "c2"}));
  const SequenceDataset data = WindowedMean(3);
  const auto batch = FirstExamples(data, 2);
  const SequenceEvaluation adjoint =
      model.Evaluate(batch, {.compute_gradient = true, .rule = SequenceGradientRule::kBptt});
  // Circuit states are ~1e-9 in SI units: the nudge must be as small.
  const SequenceEvaluation echo = model.Evaluate(
      batch, {.compute_gradient = true, .rule = SequenceGradientRule::kRhel, .beta = 1e-9});
  const double error = RelativeError(echo.gradient, adjoint.gradient);
  Report("lc_echo_vs_adjoint", error);
  EXPECT_LT(error, 2e-3);
}

TEST(SubstrateSequenceModel, RefusesSequencesThatDoNotFit) {
  const SubstrateSequenceModel model(ChainSpec());
  const SequenceDataset classes = MakeBurstClassificationDataset(
      {.sequences = 3, .length = 100, .classes = 2, .burst_steps = 2});
  EXPECT_THAT([&] { model.Evaluate(FirstExamples(classes, 1), {}); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("input channel")));
  SequenceDataset regression = WindowedMean(3);
  regression.examples[0].targets.conservativeResize(3, 1);
  EXPECT_THAT([&] { model.Evaluate(FirstExamples(regression, 1), {}); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("expected targets of 12 rows")));
  SubstrateModelSpec spec = ChainSpec();
  spec.trained = {7};
  EXPECT_THAT([&] { SubstrateSequenceModel bad(spec); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("model.trained")));
}

}  // namespace
}  // namespace echolab

// The HSSM end to end: its BPTT gradient against central finite differences of the loss, then
// the acceptance figures of discrete RHEL against BPTT: exact on linear stacks at any β, an
// error shrinking like β² on nonlinear stacks, per-block cosine similarity on six nonlinear
// blocks; configuration and input checks; reproducible initialisation.

#include "learning/hssm/hamiltonian_ssm.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <random>

#include "common/error.h"

namespace echolab {
namespace {

struct Data {
  std::vector<SequenceExample> examples;
  std::vector<const SequenceExample*> Batch() const {
    std::vector<const SequenceExample*> batch;
    for (const SequenceExample& e : examples) batch.push_back(&e);
    return batch;
  }
};

// Smooth random inputs (sums of sines), lengths as given; labels or tanh-range targets.
Data MakeData(const HamiltonianSsmConfig& config, const std::vector<int>& lengths,
              std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  Data data;
  for (size_t n = 0; n < lengths.size(); ++n) {
    SequenceExample e;
    e.inputs.resize(lengths[n], config.input_channels);
    for (int c = 0; c < config.input_channels; ++c) {
      const double frequency = 0.05 + 0.2 * std::abs(uniform(rng));
      const double phase = 3.0 * uniform(rng);
      for (int k = 0; k < lengths[n]; ++k) {
        e.inputs(k, c) = std::sin(frequency * k + phase) + 0.3 * uniform(rng);
      }
    }
    e.label = static_cast<int>(n % static_cast<size_t>(config.classes));
    const int outputs = lengths[n] / config.output_step;
    e.targets = Eigen::MatrixXd::NullaryExpr(outputs, config.output_channels,
                                             [&] { return 0.8 * uniform(rng); });
    data.examples.push_back(e);
  }
  return data;
}

HamiltonianSsmConfig SmallConfig(HruKind unit, SequenceTaskKind task) {
  HamiltonianSsmConfig config;
  config.task = task;
  config.input_channels = 2;
  config.classes = 3;
  config.output_channels = 2;
  config.layers = 2;
  config.hidden = 3;
  config.state = 4;
  config.unit = unit;
  config.step = 0.4;
  config.output_step = 3;
  config.seed = 99;
  return config;
}

Eigen::VectorXd Gradient(const HamiltonianSsm& model, const Data& data, SequenceGradientRule rule,
                         double beta) {
  SequenceEvaluationOptions options;
  options.compute_gradient = true;
  options.rule = rule;
  options.beta = beta;
  return model.Evaluate(data.Batch(), options).gradient;
}

double Loss(HamiltonianSsm& model, const Data& data, const Eigen::VectorXd& theta) {
  model.SetParameters(theta);
  return model.Evaluate(data.Batch(), {}).loss;
}

double RelativeError(const Eigen::VectorXd& estimate, const Eigen::VectorXd& truth) {
  return (estimate - truth).norm() / truth.norm();
}

double LogLogSlope(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    mx += std::log(x[i]) / static_cast<double>(x.size());
    my += std::log(y[i]) / static_cast<double>(x.size());
  }
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (std::log(x[i]) - mx) * (std::log(y[i]) - my);
    sxx += (std::log(x[i]) - mx) * (std::log(x[i]) - mx);
  }
  return sxy / sxx;
}

// Central differences (step h) of loss(θ) at θ, entry by entry.
Eigen::VectorXd CentralDifferences(const std::function<double(const Eigen::VectorXd&)>& loss,
                                   const Eigen::VectorXd& theta, double h) {
  Eigen::VectorXd fd(theta.size());
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    Eigen::VectorXd plus = theta, minus = theta;
    plus(i) += h;
    minus(i) -= h;
    fd(i) = (loss(plus) - loss(minus)) / (2 * h);
  }
  return fd;
}

std::string TaskName(SequenceTaskKind task) {
  return task == SequenceTaskKind::kClassification ? "classification" : "regression";
}

// What a batch's gradient costs the HRU layers, counted by hand: per block and
// sequence of K steps, RHEL runs the forward pass and two echoes (3 K steps of
// device time, 2 flips, 1 reset) and reads 2 K samples per unit parameter; BPTT
// runs the forward pass and spends 3 evaluations of 8 P flops per step and
// 2 P (K + 1) stored doubles on the computer.
TEST(HamiltonianSsm, CountsWhatTheGradientCostsTheHruLayers) {
  const HamiltonianSsmConfig config = SmallConfig(HruKind::kLinear, SequenceTaskKind::kRegression);
  const HamiltonianSsm model(config);
  const Data data = MakeData(config, {9, 12, 12}, 5);
  constexpr int blocks = 2, sequences = 3, total_steps = 9 + 12 + 12, P = 4;
  SequenceEvaluationOptions options{.compute_gradient = true, .measure_hardware_cost = true};
  const SequenceEvaluation echo = model.Evaluate(data.Batch(), options);
  EXPECT_EQ(echo.cost_time_unit, "steps");
  EXPECT_EQ(echo.cost.hardware_passes, 3 * blocks * sequences);
  EXPECT_EQ(echo.cost.flips, 2 * blocks * sequences);
  EXPECT_EQ(echo.cost.resets, blocks * sequences);
  EXPECT_DOUBLE_EQ(echo.cost.pass_time_s, 3.0 * blocks * total_steps);
  const HardwareTiming timing{.flip_time_s = 0.5, .reset_time_s = 2.0};
  EXPECT_DOUBLE_EQ(echo.cost.PhysicalTime_s(timing),
                   3.0 * blocks * total_steps + 0.5 * 2 * blocks * sequences +
                       2.0 * blocks * sequences);
  EXPECT_EQ(echo.cost.readout.samples_per_parameter, 2 * total_steps);
  EXPECT_FALSE(echo.cost.has_energy);
  EXPECT_EQ(echo.cost.digital.model_evaluations, 0);

  options.rule = SequenceGradientRule::kBptt;
  const SequenceEvaluation bptt = model.Evaluate(data.Batch(), options);
  EXPECT_EQ(bptt.cost.hardware_passes, blocks * sequences);
  EXPECT_EQ(bptt.cost.flips, 0);
  EXPECT_DOUBLE_EQ(bptt.cost.pass_time_s, 1.0 * blocks * total_steps);
  EXPECT_EQ(bptt.cost.readout.samples_per_parameter, 0);
  EXPECT_EQ(bptt.cost.digital.model_evaluations, 3 * blocks * total_steps);
  EXPECT_DOUBLE_EQ(bptt.cost.digital.flops, 8.0 * P * 3 * blocks * total_steps);
  EXPECT_DOUBLE_EQ(bptt.cost.digital.memory_bytes,
                   8.0 * blocks * 2 * P * (total_steps + sequences));

  // Not asked for: nothing.
  EXPECT_EQ(model.Evaluate(data.Batch(), {.compute_gradient = true}).cost.hardware_passes, 0);
}

TEST(HamiltonianSsm, BpttGradientMatchesFiniteDifferences) {
  for (HruKind unit : {HruKind::kLinear, HruKind::kLogCosh}) {
    for (SequenceTaskKind task :
         {SequenceTaskKind::kClassification, SequenceTaskKind::kRegression}) {
      const HamiltonianSsmConfig config = SmallConfig(unit, task);
      HamiltonianSsm model(config);
      // two lengths: the batch is split into groups of equal length
      const Data data = MakeData(config, {9, 9, 7}, 5);
      const Eigen::VectorXd theta = model.Parameters();
      const Eigen::VectorXd bptt = Gradient(model, data, SequenceGradientRule::kBptt, 0.0);
      const Eigen::VectorXd fd = CentralDifferences(
          [&](const Eigen::VectorXd& t) { return Loss(model, data, t); }, theta, 1e-6);
      const double error = RelativeError(bptt, fd);
      std::cout << fmt::format("HSSM BPTT vs central FD ({}, {}): relative error {:.2e}\n",
                               unit == HruKind::kLinear ? "linear" : "logcosh", TaskName(task),
                               error);
      EXPECT_LT(error, 1e-6);
    }
  }
}

TEST(HamiltonianSsm, RhelEqualsBpttOnLinearStacksAtAnyBeta) {
  for (SequenceTaskKind task : {SequenceTaskKind::kClassification, SequenceTaskKind::kRegression}) {
    HamiltonianSsmConfig config = SmallConfig(HruKind::kLinear, task);
    config.layers = 3;
    config.hidden = 5;
    config.state = 6;
    const HamiltonianSsm model(config);
    const Data data = MakeData(config, {40, 40, 40}, 6);
    const Eigen::VectorXd bptt = Gradient(model, data, SequenceGradientRule::kBptt, 0.0);
    for (double beta : {1e-4, 1e-1, 10.0}) {
      const Eigen::VectorXd rhel = Gradient(model, data, SequenceGradientRule::kRhel, beta);
      const double error = RelativeError(rhel, bptt);
      const double worst = (rhel - bptt).cwiseAbs().maxCoeff() / bptt.cwiseAbs().maxCoeff();
      std::cout << fmt::format(
          "linear stack ({}), beta {:g}: relative error {:.2e}, max entry error {:.2e}\n",
          TaskName(task), beta, error, worst);
      EXPECT_LT(error, 1e-9);
      EXPECT_LT(worst, 1e-9);
    }
  }
}

TEST(HamiltonianSsm, RhelErrorShrinksLikeBetaSquaredOnNonlinearStacks) {
  HamiltonianSsmConfig config = SmallConfig(HruKind::kLogCosh, SequenceTaskKind::kRegression);
  config.layers = 3;
  config.hidden = 5;
  config.state = 6;
  config.step = 0.5;
  const HamiltonianSsm model(config);
  const Data data = MakeData(config, {40, 40}, 7);
  const Eigen::VectorXd bptt = Gradient(model, data, SequenceGradientRule::kBptt, 0.0);
  const std::vector<double> betas{0.4, 0.2, 0.1, 0.05, 0.025};
  std::vector<double> errors;
  for (double beta : betas) {
    errors.push_back(RelativeError(Gradient(model, data, SequenceGradientRule::kRhel, beta), bptt));
    std::cout << fmt::format("nonlinear stack, beta {:g}: relative error {:.3e}\n", beta,
                             errors.back());
  }
  const double slope = LogLogSlope(betas, errors);
  std::cout << fmt::format("nonlinear stack: log-log slope {:.3f}\n", slope);
  EXPECT_NEAR(slope, 2.0, 0.3);
}

TEST(HamiltonianSsm, RhelAlignsWithBpttPerBlockOnSixNonlinearBlocks) {
  HamiltonianSsmConfig config;
  config.input_channels = 3;
  config.classes = 2;
  config.layers = 6;
  config.hidden = 8;
  config.state = 8;
  config.unit = HruKind::kLogCosh;
  config.seed = 1234;
  const HamiltonianSsm model(config);
  const Data data = MakeData(config, {100, 100, 100, 100}, 8);
  const Eigen::VectorXd bptt = Gradient(model, data, SequenceGradientRule::kBptt, 0.0);
  const Eigen::VectorXd rhel = Gradient(model, data, SequenceGradientRule::kRhel, 1e-3);
  const std::vector<std::string> names = model.ParameterNames();
  for (int l = 0; l < config.layers; ++l) {
    const std::string prefix = fmt::format("block{}.hru.", l);
    double dot = 0, norm_rhel = 0, norm_bptt = 0;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i].rfind(prefix, 0) != 0) continue;
      dot += rhel(i) * bptt(i);
      norm_rhel += rhel(i) * rhel(i);
      norm_bptt += bptt(i) * bptt(i);
    }
    const double cosine = dot / std::sqrt(norm_rhel * norm_bptt);
    std::cout << fmt::format(
        "six nonlinear blocks, beta 1e-3, block {}: cosine {:.12f}, norm "
        "ratio {:.9f}\n",
        l, cosine, std::sqrt(norm_rhel / norm_bptt));
    EXPECT_GE(cosine, 0.9999) << prefix;
  }
}

// Ten sequences, five shards: the gradients of both rules are the same bit for bit on 1, 2
// and 3 threads, and still agree with each other; with batch normalisation too, whose
// batch statistics couple the shards (a training step), and its updated running statistics.
TEST(HamiltonianSsm, GradientsDoNotDependOnTheThreadCount) {
  for (bool batch_norm : {false, true}) {
    for (SequenceTaskKind task :
         {SequenceTaskKind::kClassification, SequenceTaskKind::kRegression}) {
      HamiltonianSsmConfig config = SmallConfig(HruKind::kLinear, task);
      config.batch_norm = batch_norm;
      config.threads = 1;
      const Data data = MakeData(config, std::vector<int>(10, 24), 31);
      auto evaluate = [&](const HamiltonianSsm& m, SequenceGradientRule rule) {
        return m.Evaluate(data.Batch(), {.compute_gradient = true, .rule = rule, .beta = 0.1,
                                         .training_seed = 5});
      };
      const HamiltonianSsm one_thread(config);
      const SequenceEvaluation bptt = evaluate(one_thread, SequenceGradientRule::kBptt);
      const SequenceEvaluation rhel = evaluate(one_thread, SequenceGradientRule::kRhel);
      EXPECT_EQ(bptt.state.size(), batch_norm ? 2 * config.layers * config.hidden : 0);
      for (int threads : {2, 3}) {
        config.threads = threads;
        const HamiltonianSsm model(config);
        const SequenceEvaluation bptt_threaded = evaluate(model, SequenceGradientRule::kBptt);
        EXPECT_EQ(bptt_threaded.gradient, bptt.gradient) << threads;
        EXPECT_EQ(bptt_threaded.state, bptt.state) << threads;
        EXPECT_EQ(evaluate(model, SequenceGradientRule::kRhel).gradient, rhel.gradient) << threads;
      }
      EXPECT_LT(RelativeError(rhel.gradient, bptt.gradient), 1e-9) << TaskName(task);
    }
  }
}

// Dropout in a training step (a dropout seed): the masks fix a smooth loss, whose BPTT
// gradient matches central differences; RHEL equals BPTT under the same masks; the
// gradients do not depend on the thread count; a step's masks differ from another's; an
// evaluation (no seed) drops nothing.
TEST(HamiltonianSsm, DropoutGradientsWithFixedMasks) {
  HamiltonianSsmConfig config = SmallConfig(HruKind::kLinear, SequenceTaskKind::kClassification);
  config.dropout = 0.3;
  config.threads = 1;
  HamiltonianSsm model(config);
  const Data data = MakeData(config, std::vector<int>(5, 11), 17);
  auto evaluate = [&](const HamiltonianSsm& m, SequenceGradientRule rule,
                      std::optional<std::uint64_t> seed) {
    return m.Evaluate(data.Batch(), {.compute_gradient = true, .rule = rule, .beta = 0.1,
                                     .training_seed = seed});
  };
  const SequenceEvaluation bptt = evaluate(model, SequenceGradientRule::kBptt, 42);
  const Eigen::VectorXd theta = model.Parameters();
  const Eigen::VectorXd fd = CentralDifferences(
      [&](const Eigen::VectorXd& t) {
        model.SetParameters(t);
        return model.Evaluate(data.Batch(), {.training_seed = 42}).loss;
      },
      theta, 1e-6);
  model.SetParameters(theta);
  const double fd_error = RelativeError(bptt.gradient, fd);
  const double rhel_error =
      RelativeError(evaluate(model, SequenceGradientRule::kRhel, 42).gradient, bptt.gradient);
  std::cout << fmt::format("dropout 0.3: BPTT vs FD {:.2e}, RHEL vs BPTT {:.2e}\n", fd_error,
                           rhel_error);
  EXPECT_LT(fd_error, 1e-6);
  EXPECT_LT(rhel_error, 1e-9);
  config.threads = 3;
  const HamiltonianSsm threaded(config);
  EXPECT_EQ(evaluate(threaded, SequenceGradientRule::kBptt, 42).gradient, bptt.gradient);
  EXPECT_NE(evaluate(model, SequenceGradientRule::kBptt, 43).loss, bptt.loss);
  HamiltonianSsmConfig without = config;
  without.dropout = 0.0;
  EXPECT_EQ(evaluate(model, SequenceGradientRule::kBptt, std::nullopt).gradient,
            evaluate(HamiltonianSsm(without), SequenceGradientRule::kBptt, 42).gradient);
}

// Batch normalisation in a training step (a seed; no dropout), over sequences of two
// lengths in three shards: the BPTT gradient of every parameter (the normalisations' scale
// and shift among them) against central differences of the loss, whose batch statistics
// move with θ; then the same in an evaluation, normalised by running statistics.
TEST(HamiltonianSsm, BatchNormGradientMatchesFiniteDifferences) {
  for (HruKind unit : {HruKind::kLinear, HruKind::kLogCosh}) {
    for (SequenceTaskKind task :
         {SequenceTaskKind::kClassification, SequenceTaskKind::kRegression}) {
      HamiltonianSsmConfig config = SmallConfig(unit, task);
      config.batch_norm = true;
      HamiltonianSsm model(config);
      const Data data = MakeData(config, {9, 9, 7, 9, 7}, 8);
      const Eigen::VectorXd theta = model.Parameters();
      for (bool training : {true, false}) {
        std::optional<std::uint64_t> seed;
        if (training) seed = 3;
        if (!training) {
          // running statistics away from (0, 1): those of a training step, momentum 0.99
          model.SetState(model.Evaluate(data.Batch(), {.training_seed = 3}).state);
        }
        const Eigen::VectorXd bptt =
            model.Evaluate(data.Batch(), {.compute_gradient = true,
                                          .rule = SequenceGradientRule::kBptt,
                                          .training_seed = seed})
                .gradient;
        const Eigen::VectorXd fd = CentralDifferences(
            [&](const Eigen::VectorXd& t) {
              model.SetParameters(t);
              return model.Evaluate(data.Batch(), {.training_seed = seed}).loss;
            },
            theta, 1e-6);
        model.SetParameters(theta);
        const double error = RelativeError(bptt, fd);
        std::cout << fmt::format(
            "HSSM with batch norm, BPTT vs central FD ({}, {}, {} statistics): {:.2e}\n",
            unit == HruKind::kLinear ? "linear" : "logcosh", TaskName(task),
            training ? "batch" : "running", error);
        EXPECT_LT(error, 1e-6);
      }
    }
  }
}

TEST(HamiltonianSsm, RhelEqualsBpttWithBatchNorm) {
  for (SequenceTaskKind task : {SequenceTaskKind::kClassification, SequenceTaskKind::kRegression}) {
    HamiltonianSsmConfig config = SmallConfig(HruKind::kLinear, task);
    config.batch_norm = true;
    config.layers = 3;
    config.hidden = 5;
    config.state = 6;
    const HamiltonianSsm model(config);
    const Data data = MakeData(config, {40, 40, 40, 30}, 6);
    auto gradient = [&](SequenceGradientRule rule, double beta) {
      return model
          .Evaluate(data.Batch(),
                    {.compute_gradient = true, .rule = rule, .beta = beta, .training_seed = 1})
          .gradient;
    };
    const Eigen::VectorXd bptt = gradient(SequenceGradientRule::kBptt, 0.0);
    for (double beta : {1e-4, 1e-1}) {
      const double error = RelativeError(gradient(SequenceGradientRule::kRhel, beta), bptt);
      std::cout << fmt::format(
          "linear stack with batch norm ({}), beta {:g}: RHEL vs BPTT {:.2e}\n", TaskName(task),
          beta, error);
      EXPECT_LT(error, 1e-9);
    }
  }
}

// A training step returns the running statistics m · (0, 1) + (1 − m) · the batch's: block
// 0's are those of the encoder's output, computed here from its parameters. With m = 0 an
// evaluation normalised by them scores the batch as the training step did; an evaluation
// leaves the state alone, and scores a sequence alone as in a batch.
TEST(HamiltonianSsm, EvaluationsUseTheRunningStatistics) {
  HamiltonianSsmConfig config = SmallConfig(HruKind::kLogCosh, SequenceTaskKind::kRegression);
  config.batch_norm = true;
  config.batch_norm_momentum = 0.9;
  HamiltonianSsm model(config);
  const Data data = MakeData(config, {12, 12, 10}, 4);
  EXPECT_EQ(model.Evaluate(data.Batch(), {}).state.size(), 0);
  const Eigen::VectorXd state = model.Evaluate(data.Batch(), {.training_seed = 9}).state;
  // encoder output e = W u + b, W and b first in θ (H × inputs, column-major, then b)
  const int h = config.hidden, inputs = config.input_channels;
  const Eigen::VectorXd& theta = model.Parameters();
  const Eigen::Map<const Eigen::MatrixXd> w(theta.data(), h, inputs);
  const Eigen::VectorXd b = theta.segment(h * inputs, h);
  const std::vector<std::string> names = model.ParameterNames();
  ASSERT_EQ(names[static_cast<size_t>(h * inputs)], "encoder.b[0]");
  Eigen::MatrixXd encoded(h, 0);
  for (const SequenceExample& e : data.examples) {
    Eigen::MatrixXd part = (w * e.inputs.transpose()).colwise() + b;
    encoded.conservativeResize(h, encoded.cols() + part.cols());
    encoded.rightCols(part.cols()) = part;
  }
  const Eigen::VectorXd mean = encoded.rowwise().mean();
  const Eigen::VectorXd variance =
      (encoded.colwise() - mean).array().square().rowwise().mean().matrix();
  EXPECT_LT((state.head(h) - 0.1 * mean).cwiseAbs().maxCoeff(), 1e-13);
  EXPECT_LT((state.segment(h, h) - (0.9 * Eigen::VectorXd::Ones(h) + 0.1 * variance))
                .cwiseAbs()
                .maxCoeff(),
            1e-13);

  config.batch_norm_momentum = 0.0;
  HamiltonianSsm memoryless(config);
  const SequenceEvaluation step = memoryless.Evaluate(data.Batch(), {.training_seed = 9});
  EXPECT_NE(memoryless.Evaluate(data.Batch(), {}).loss, step.loss);
  memoryless.SetState(step.state);
  EXPECT_NEAR(memoryless.Evaluate(data.Batch(), {}).loss, step.loss, 1e-12 * step.loss);
  double sum = 0;
  for (const SequenceExample& e : data.examples) sum += memoryless.Evaluate({&e}, {}).loss;
  EXPECT_NEAR(memoryless.Evaluate(data.Batch(), {}).loss, sum / 3.0, 1e-14);
  EXPECT_THROW(memoryless.SetState(Eigen::VectorXd::Zero(3)), InputError);
  Eigen::VectorXd negative_variance = step.state;
  negative_variance(config.hidden) = -1.0;  // block 0's first variance
  EXPECT_THROW(memoryless.SetState(negative_variance), InputError);
}

// The streamed pass in chunks of 4 steps (sequences of 10 and 7 steps, shards of 2 and 1):
// its losses and RHEL gradients equal those of a single chunk to rounding, for both tasks
// and units, with dropout masks (a training step) and under batch normalisation with running
// statistics; on linear units it still equals BPTT, which keeps every activation.
TEST(HamiltonianSsm, StreamedChunksDoNotChangeLossOrGradient) {
  struct Case {
    HruKind unit;
    SequenceTaskKind task;
    double dropout;
    bool batch_norm;
  };
  for (const Case& c : {Case{HruKind::kLinear, SequenceTaskKind::kClassification, 0.0, false},
                        Case{HruKind::kLinear, SequenceTaskKind::kRegression, 0.2, false},
                        Case{HruKind::kLogCosh, SequenceTaskKind::kRegression, 0.0, false},
                        Case{HruKind::kLogCosh, SequenceTaskKind::kClassification, 0.2, false},
                        Case{HruKind::kLinear, SequenceTaskKind::kRegression, 0.0, true}}) {
    HamiltonianSsmConfig config = SmallConfig(c.unit, c.task);
    config.dropout = c.dropout;
    config.batch_norm = c.batch_norm;
    const Data data = MakeData(config, {10, 10, 7}, 12);
    const HamiltonianSsm whole(config);
    const HamiltonianSsm chunked(config, 4 * static_cast<int>(kShardSequences));
    // Batch normalisation uses the running statistics: no dropout seed.
    const std::optional<std::uint64_t> seed =
        c.batch_norm ? std::nullopt : std::optional<std::uint64_t>(3);
    auto evaluate = [&](const HamiltonianSsm& m, SequenceGradientRule rule) {
      return m.Evaluate(data.Batch(), {.compute_gradient = true, .rule = rule, .beta = 0.1,
                                       .training_seed = seed});
    };
    const SequenceEvaluation a = evaluate(whole, SequenceGradientRule::kRhel);
    const SequenceEvaluation b = evaluate(chunked, SequenceGradientRule::kRhel);
    const std::string name = fmt::format("{} {} dropout {} batch_norm {}",
                                         c.unit == HruKind::kLinear ? "linear" : "log-cosh",
                                         TaskName(c.task), c.dropout, c.batch_norm);
    EXPECT_NEAR(b.loss, a.loss, 1e-13 * a.loss) << name;
    EXPECT_EQ(b.metric, a.metric) << name;
    EXPECT_LT(RelativeError(b.gradient, a.gradient), 1e-12) << name;
    const double loss = chunked.Evaluate(data.Batch(), {.training_seed = seed}).loss;
    EXPECT_NEAR(loss, a.loss, 1e-13 * a.loss) << name;
    if (c.unit == HruKind::kLinear) {
      const Eigen::VectorXd bptt = evaluate(chunked, SequenceGradientRule::kBptt).gradient;
      EXPECT_LT(RelativeError(b.gradient, bptt), 1e-9) << name;
    }
  }
}

TEST(HamiltonianSsm, SameSeedSameParametersBitForBit) {
  const HamiltonianSsmConfig config = SmallConfig(HruKind::kLogCosh, SequenceTaskKind::kRegression);
  const HamiltonianSsm a(config), b(config);
  EXPECT_EQ(a.Parameters(), b.Parameters());
  HamiltonianSsmConfig other = config;
  other.seed = config.seed + 1;
  EXPECT_NE(HamiltonianSsm(other).Parameters(), a.Parameters());
}

// The authors' initialisations: δ̂ ~ U[0, 1] for linear units, ĉ ~ U[−1, 1] for log-cosh.
TEST(HamiltonianSsm, AuthorsInitialisationsOnRequest) {
  auto range = [](const HamiltonianSsm& model, const std::string& name) {
    const std::vector<std::string> names = model.ParameterNames();
    double low = 1e300, high = -1e300;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i].find(name) == std::string::npos) continue;
      low = std::min(low, model.Parameters()(static_cast<Eigen::Index>(i)));
      high = std::max(high, model.Parameters()(static_cast<Eigen::Index>(i)));
    }
    return std::pair{low, high};
  };
  HamiltonianSsmConfig config = SmallConfig(HruKind::kLinear, SequenceTaskKind::kClassification);
  config.state = 16;
  const auto [normal_low, normal_high] = range(HamiltonianSsm(config), ".hru.step[");
  EXPECT_TRUE(normal_low < 0.0 || normal_high > 1.0);
  config.init.uniform_step = true;
  const auto [uniform_low, uniform_high] = range(HamiltonianSsm(config), ".hru.step[");
  EXPECT_GE(uniform_low, 0.0);
  EXPECT_LE(uniform_high, 1.0);

  config = SmallConfig(HruKind::kLogCosh, SequenceTaskKind::kClassification);
  config.state = 16;
  EXPECT_GE(range(HamiltonianSsm(config), ".hru.c[").first, 0.0);
  config.init.symmetric_scale = true;
  const auto [symmetric_low, symmetric_high] = range(HamiltonianSsm(config), ".hru.c[");
  EXPECT_LT(symmetric_low, 0.0);
  EXPECT_GE(symmetric_low, -1.0);
  EXPECT_LE(symmetric_high, 1.0);
}

TEST(HamiltonianSsm, NamesEveryParameter) {
  const HamiltonianSsmConfig config = SmallConfig(HruKind::kLinear, SequenceTaskKind::kRegression);
  const HamiltonianSsm model(config);
  const std::vector<std::string> names = model.ParameterNames();
  ASSERT_EQ(static_cast<Eigen::Index>(names.size()), model.Parameters().size());
  for (const char* expected : {"encoder.W[2,1]", "block1.hru.A[3]", "block0.hru.step[0]",
                               "block0.hru.B[3,2]", "block1.glu2.b[2]", "decoder.b[1]"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
}

// The recurrent parameters are exactly the units' own: A and step (linear),
// W, b, c and alpha (log-cosh), in every block, and nothing else.
TEST(HamiltonianSsm, RecurrentParametersAreTheUnitsOwn) {
  for (HruKind kind : {HruKind::kLinear, HruKind::kLogCosh}) {
    const HamiltonianSsm model(SmallConfig(kind, SequenceTaskKind::kClassification));
    const std::vector<std::string> names = model.ParameterNames();
    const std::vector<int> recurrent = model.RecurrentParameterIndices();
    const std::vector<std::string> unit_fields =
        kind == HruKind::kLinear
            ? std::vector<std::string>{".hru.A[", ".hru.step["}
            : std::vector<std::string>{".hru.W[", ".hru.b[", ".hru.c[", ".hru.alpha"};
    const auto is_unit = [&](const std::string& name) {
      return std::any_of(unit_fields.begin(), unit_fields.end(),
                         [&](const std::string& field) { return name.find(field) != name.npos; });
    };
    for (size_t i = 0; i < names.size(); ++i) {
      const bool listed =
          std::find(recurrent.begin(), recurrent.end(), static_cast<int>(i)) != recurrent.end();
      EXPECT_EQ(listed, is_unit(names[i])) << names[i];
    }
  }
}

void ExpectInputError(const std::function<void()>& f, const std::string& field) {
  try {
    f();
    ADD_FAILURE() << "no InputError for " << field;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(HamiltonianSsm, ValidateNamesTheBadField) {
  const HamiltonianSsmConfig good;
  EXPECT_NO_THROW(good.Validate());
  auto with = [&](auto change, const std::string& field) {
    HamiltonianSsmConfig config = good;
    change(config);
    ExpectInputError([&] { config.Validate(); }, field);
  };
  with([](HamiltonianSsmConfig& c) { c.layers = 0; }, "hssm.layers");
  with([](HamiltonianSsmConfig& c) { c.hidden = 0; }, "hssm.hidden");
  with([](HamiltonianSsmConfig& c) { c.state = -1; }, "hssm.state");
  with([](HamiltonianSsmConfig& c) { c.step = 0.0; }, "hssm.step");
  with([](HamiltonianSsmConfig& c) { c.output_step = 0; }, "hssm.output_step");
  with([](HamiltonianSsmConfig& c) { c.classes = 1; }, "hssm.classes");
  ExpectInputError([] { ParseHruKind("quadratic"); }, "hssm.unit");
  EXPECT_EQ(ParseHruKind("logcosh"), HruKind::kLogCosh);
}

TEST(HamiltonianSsm, RejectsSequencesThatDoNotFit) {
  const HamiltonianSsmConfig config = SmallConfig(HruKind::kLinear, SequenceTaskKind::kRegression);
  HamiltonianSsm model(config);
  const Data good = MakeData(config, {9}, 1);
  EXPECT_NO_THROW(model.Evaluate(good.Batch(), {}));
  Data wrong_channels = good;
  wrong_channels.examples[0].inputs = Eigen::MatrixXd::Zero(9, 3);
  ExpectInputError([&] { model.Evaluate(wrong_channels.Batch(), {}); }, "batch[0].inputs");
  Data wrong_targets = good;
  wrong_targets.examples[0].targets = Eigen::MatrixXd::Zero(2, 2);
  ExpectInputError([&] { model.Evaluate(wrong_targets.Batch(), {}); }, "batch[0].targets");
  ExpectInputError([&] { model.Evaluate({}, {}); }, "batch");
  ExpectInputError([&] { model.SetParameters(Eigen::VectorXd::Zero(3)); }, "theta");
  SequenceEvaluationOptions zero_beta;
  zero_beta.compute_gradient = true;
  zero_beta.beta = 0.0;
  ExpectInputError([&] { model.Evaluate(good.Batch(), zero_beta); }, "beta");

  HamiltonianSsm classifier(SmallConfig(HruKind::kLinear, SequenceTaskKind::kClassification));
  Data wrong_label = MakeData(classifier.config(), {9}, 1);
  wrong_label.examples[0].label = 3;
  ExpectInputError([&] { classifier.Evaluate(wrong_label.Batch(), {}); }, "batch[0].label");
}

TEST(HamiltonianSsm, ASequenceScoresTheSameAloneAndInABatch) {
  const HamiltonianSsmConfig config =
      SmallConfig(HruKind::kLogCosh, SequenceTaskKind::kClassification);
  const HamiltonianSsm model(config);
  const Data data = MakeData(config, {12, 12, 12}, 3);
  double sum = 0;
  for (const SequenceExample& e : data.examples) sum += model.Evaluate({&e}, {}).loss;
  EXPECT_NEAR(model.Evaluate(data.Batch(), {}).loss, sum / 3.0, 1e-14);
}

}  // namespace
}  // namespace echolab

// echolab_hssm_bench: peak memory and wall time of one gradient of a
// Hamiltonian SSM, and of one HRU layer, by discrete RHEL and by BPTT, as the
// sequences grow.
//
//   echolab_hssm_bench [--lengths K1,K2,...] [--batch B] [--layers N]
//                      [--hidden H] [--state P] [--unit linear|logcosh]
//                      [--inputs C] [--threads T] [--model-only]
//                      [--peer DIR] [--quick] [--json FILE]
//
// --peer DIR also writes, per length K, what bench/hssm_torch_peer.py needs to
// run the same model in PyTorch: DIR/checkpoint_K.json (the parameters, in
// echolab's checkpoint format), DIR/batch_K.json (the model's shape, the
// batch, and echolab's RHEL and BPTT gradients).
//
// For each length K, memory is the peak resident memory (VmHWM, reset through
// /proc/self/clear_refs) above the resident memory just before the gradient,
// after freed memory was handed back to the kernel (malloc_trim): what the
// gradient itself adds to the data it is given. Beside it stand the sizes the
// rules must hold by construction:
//   inputs      the batch's input sequences (B · K · channels doubles), or the
//               layer's input u (H × K · B);
//   trajectory  the HRU states that BPTT records and RHEL does not,
//               2 · P · B · (K + 1) doubles per HRU layer;
//   state       what the single layer added beyond the two H × K · B matrices it
//               returns (its output y and its input gradient du): the memory of
//               its states, flat in K under RHEL.
// A benchmark, not a test: figures are printed, never asserted.

#include <fmt/format.h>
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <ctime>
#include <exception>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/resident_memory.h"
#include "learning/hssm/hamiltonian_ssm.h"
#include "learning/hssm/hru_layer.h"
#include "learning/hssm/shard_runner.h"
#include "learning/training/training_checkpoint.h"

namespace echolab::bench {
namespace {

constexpr int kExitBadUsage = 2;
constexpr int kExitFailure = 1;
constexpr double kMiB = 1024.0 * 1024.0;
struct Settings {
  int inputs = 4;
  int threads = 0;
  bool model_only = false;
  std::string peer_dir;
  std::vector<int> lengths = {2'000, 4'000, 8'000, 16'000};
  int batch = 4;
  int layers = 2;
  int hidden = 16;
  int state = 16;
  std::string unit = "linear";
  std::string json_path;
};

struct Measurement {
  double wall_time_s = 0.0;
  double cpu_time_s = 0.0;  // of the whole process, every thread
  double added_MiB = 0.0;  // peak resident memory above the baseline
};

Measurement Measure(const std::function<void()>& body) {
  malloc_trim(0);
  const long baseline = ProcessStatusBytes("VmRSS");
  if (!ResetPeakResidentMemory()) {
    throw std::runtime_error("the kernel refused to reset the peak of resident memory");
  }
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  body();
  Measurement m;
  m.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.cpu_time_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  m.added_MiB = static_cast<double>(ProcessStatusBytes("VmHWM") - baseline) / kMiB;
  return m;
}

// B sequences of K steps of N(0, 1) inputs with labels 0, 1, ...: memory and
// time do not depend on what the data mean.
std::vector<SequenceExample> RandomBatch(int batch, int length, int inputs,
                                         std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<SequenceExample> examples(static_cast<size_t>(batch));
  for (int b = 0; b < batch; ++b) {
    auto& example = examples[static_cast<size_t>(b)];
    example.inputs.resize(length, inputs);
    for (double& x : example.inputs.reshaped()) x = normal(rng);
    example.label = b % inputs;
  }
  return examples;
}

const char* RuleName(SequenceGradientRule rule) {
  return rule == SequenceGradientRule::kRhel ? "rhel" : "bptt";
}

// One gradient of the whole model on the batch, by `rule`, into `gradient`.
Measurement ModelGradient(const HamiltonianSsm& model, const std::vector<SequenceExample>& batch,
                          SequenceGradientRule rule, Eigen::VectorXd& gradient) {
  std::vector<const SequenceExample*> pointers;
  for (const auto& example : batch) pointers.push_back(&example);
  SequenceEvaluationOptions options{.compute_gradient = true, .rule = rule, .beta = 0.1};
  Measurement m = Measure([&] { gradient = model.Evaluate(pointers, options).gradient; });
  if (!std::isfinite(gradient.norm())) {
    throw std::runtime_error("the model's gradient is not finite");
  }
  return m;
}

nlohmann::json VectorJson(const Eigen::VectorXd& v) {
  return std::vector<double>(v.data(), v.data() + v.size());
}

// The parameters as an echolab checkpoint, and the model's shape, the batch and both
// gradients, for the PyTorch peer (bench/hssm_torch_peer.py).
void WritePeerFiles(const std::string& dir, const HamiltonianSsmConfig& config,
                    const HamiltonianSsm& model, const std::vector<SequenceExample>& batch,
                    const Eigen::VectorXd& rhel, const Eigen::VectorXd& bptt) {
  const int length = static_cast<int>(batch.front().inputs.rows());
  TrainingState state;
  state.parameters = model.Parameters();
  SaveCheckpoint(state, fmt::format("{}/checkpoint_{}.json", dir, length));
  nlohmann::json inputs = nlohmann::json::array(), labels = nlohmann::json::array();
  for (const SequenceExample& example : batch) {
    // steps × channels, row-major
    const Eigen::MatrixXd rows = example.inputs.transpose();
    inputs.push_back(VectorJson(rows.reshaped()));
    labels.push_back(example.label);
  }
  const nlohmann::json out{{"inputs_channels", config.input_channels},
                           {"classes", config.classes},
                           {"layers", config.layers},
                           {"hidden", config.hidden},
                           {"state", config.state},
                           {"length", length},
                           {"beta", 0.1},
                           {"inputs", inputs},
                           {"labels", labels},
                           {"rhel_gradient", VectorJson(rhel)},
                           {"bptt_gradient", VectorJson(bptt)}};
  std::ofstream file(fmt::format("{}/batch_{}.json", dir, length));
  file << out.dump() << "\n";
  if (!file) throw InputError(fmt::format("--peer: cannot write into {}", dir));
}

// One forward and backward pass of a single HRU layer on u (H × K · B).
Measurement LayerGradient(const HruLayer& layer, const Eigen::VectorXd& theta,
                          const Eigen::MatrixXd& u, const Eigen::MatrixXd& dy, int batch,
                          SequenceGradientRule rule) {
  SequenceEvaluationOptions options{.compute_gradient = true, .rule = rule, .beta = 0.1};
  return Measure([&] {
    HruLayer::Memory memory;
    const Eigen::MatrixXd y = layer.Forward(theta, u, batch, rule, memory);
    Eigen::VectorXd grad = Eigen::VectorXd::Zero(theta.size());
    const Eigen::MatrixXd du = layer.Backward(theta, u, batch, memory, dy, options, grad);
    if (!std::isfinite(du.sum() + grad.sum() + y.sum())) {
      throw std::runtime_error("the layer's gradient is not finite");
    }
  });
}

int RunBench(const Settings& s) {
  HamiltonianSsmConfig config;
  config.input_channels = s.inputs;
  config.classes = s.inputs;
  config.threads = s.threads;
  config.layers = s.layers;
  config.hidden = s.hidden;
  config.state = s.state;
  config.unit = ParseHruKind(s.unit);
  config.seed = 1;
  const HamiltonianSsm model(config);
  const HruLayer layer(0, s.hidden, s.state, config.unit, config.step);
  Eigen::VectorXd layer_theta = Eigen::VectorXd::Zero(layer.ParameterCount());
  std::mt19937_64 rng(1);
  layer.Initialise(layer_theta, rng);

  fmt::print(
      "Hamiltonian SSM: {} {} block(s), hidden {}, state {}, {} parameters; batch {}; {} "
      "thread(s)\n",
      s.layers, s.unit, s.hidden, s.state, model.Parameters().size(), s.batch,
      ResolveThreadCount(s.threads));
  fmt::print("{:>7} {:>6} | {:>10} {:>10} {:>10} {:>8} {:>8} | {:>10} {:>10} {:>10} {:>10}\n",
             "K", "rule", "model MiB", "inputs MiB", "traj. MiB", "time s", "cpu s", "layer MiB",
             "u MiB", "state MiB", "traj. MiB");
  nlohmann::json rows = nlohmann::json::array();
  for (int length : s.lengths) {
    const auto batch = RandomBatch(s.batch, length, s.inputs, rng);
    const double inputs_MiB = 8.0 * s.batch * length * s.inputs / kMiB;
    const double trajectory_MiB = 8.0 * 2.0 * s.state * s.batch * (length + 1.0) / kMiB;
    Eigen::MatrixXd u =
        Eigen::MatrixXd::Random(s.hidden, static_cast<Eigen::Index>(length) * s.batch);
    Eigen::MatrixXd dy = Eigen::MatrixXd::Random(u.rows(), u.cols());
    const double u_MiB = 8.0 * static_cast<double>(u.size()) / kMiB;
    Eigen::VectorXd gradients[2];
    for (SequenceGradientRule rule : {SequenceGradientRule::kRhel, SequenceGradientRule::kBptt}) {
      const Measurement whole =
          ModelGradient(model, batch, rule, gradients[rule == SequenceGradientRule::kBptt]);
      const Measurement single = s.model_only
                                     ? Measurement{}
                                     : LayerGradient(layer, layer_theta, u, dy, s.batch, rule);
      // The layer's memory beyond its output y and its input gradient du.
      const double state_MiB = s.model_only ? 0.0 : single.added_MiB - 2.0 * u_MiB;
      fmt::print(
          "{:>7} {:>6} | {:>10.2f} {:>10.2f} {:>10.2f} {:>8.3f} {:>8.3f} | {:>10.2f} {:>10.2f} "
          "{:>10.2f} {:>10.2f}\n",
          length, RuleName(rule), whole.added_MiB, inputs_MiB, s.layers * trajectory_MiB,
          whole.wall_time_s, whole.cpu_time_s, single.added_MiB, u_MiB, state_MiB, trajectory_MiB);
      rows.push_back({{"length", length},
                      {"rule", RuleName(rule)},
                      {"model_added_MiB", whole.added_MiB},
                      {"model_wall_time_s", whole.wall_time_s},
                      {"model_cpu_time_s", whole.cpu_time_s},
                      {"inputs_MiB", inputs_MiB},
                      {"model_trajectory_MiB", s.layers * trajectory_MiB},
                      {"layer_added_MiB", single.added_MiB},
                      {"layer_wall_time_s", single.wall_time_s},
                      {"layer_input_MiB", u_MiB},
                      {"layer_state_MiB", state_MiB},
                      {"layer_trajectory_MiB", trajectory_MiB}});
    }
    if (!s.peer_dir.empty()) {
      WritePeerFiles(s.peer_dir, config, model, batch, gradients[0], gradients[1]);
    }
  }
  if (!s.json_path.empty()) {
    std::ofstream file(s.json_path);
    file << nlohmann::json{{"batch", s.batch}, {"layers", s.layers}, {"hidden", s.hidden},
                           {"state", s.state}, {"unit", s.unit},     {"threads", ResolveThreadCount(s.threads)},
                           {"rows", rows}}
                .dump(2)
         << "\n";
    if (!file) throw InputError(fmt::format("--json: cannot write {}", s.json_path));
  }
  return 0;
}

}  // namespace
}  // namespace echolab::bench

int main(int argc, char** argv) {
  CLI::App app{
      "echolab_hssm_bench: memory and time of one gradient of a Hamiltonian SSM by RHEL and "
      "BPTT against the sequence length"};
  echolab::bench::Settings settings;
  bool quick = false;
  CLI::Option* lengths = app.add_option("--lengths", settings.lengths,
                                        "Sequence lengths K (default 2000,4000,8000,16000)")
                             ->delimiter(',')
                             ->check(CLI::Range(1, 10'000'000));
  app.add_option("--batch", settings.batch, "Sequences per gradient (default 4)")
      ->check(CLI::Range(1, 100'000));
  app.add_option("--layers", settings.layers, "HRU blocks (default 2)")->check(CLI::Range(1, 64));
  app.add_option("--hidden", settings.hidden, "Channels H (default 16)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--state", settings.state, "Units P per HRU (default 16)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--unit", settings.unit, "linear or logcosh (default linear)")
      ->check(CLI::IsMember({"linear", "logcosh"}));
  app.add_option("--inputs", settings.inputs, "Input channels, also the classes (default 4)")
      ->check(CLI::Range(2, 4096));
  app.add_option("--threads", settings.threads, "Threads of the model, 0 for all (default 0)")
      ->check(CLI::Range(0, 1024));
  app.add_flag("--model-only", settings.model_only, "Skip the single-layer gradient");
  app.add_option("--peer", settings.peer_dir,
                 "Write the checkpoint, batch and gradients for hssm_torch_peer.py here");
  app.add_flag("--quick", quick, "Smoke run: lengths 200 and 400");
  app.add_option("--json", settings.json_path, "Also write the figures to this JSON file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : echolab::bench::kExitBadUsage;
  }
  if (quick && lengths->count() == 0) settings.lengths = {200, 400};
  try {
    return echolab::bench::RunBench(settings);
  } catch (const echolab::InputError& error) {
    fmt::print(stderr, "echolab_hssm_bench: error: {}\n", error.what());
    return echolab::bench::kExitBadUsage;
  } catch (const std::exception& error) {
    fmt::print(stderr, "echolab_hssm_bench: failed: {}\n", error.what());
    return echolab::bench::kExitFailure;
  }
}

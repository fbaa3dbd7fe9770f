#include "learning/training/training_checkpoint.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/output_file.h"

namespace echolab {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kCheckpointFormat = 1;

json ToJson(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

Eigen::VectorXd VectorFrom(const json& value) {
  const auto entries = value.get<std::vector<double>>();
  return Eigen::Map<const Eigen::VectorXd>(entries.data(),
                                           static_cast<Eigen::Index>(entries.size()));
}

json ToJson(const EvaluationRecord& r) {
  return {{"step", r.step},
          {"epoch", r.epoch},
          {"train_loss", r.train_loss},
          {"validation_loss", r.validation_loss},
          {"validation_metric", r.validation_metric},
          {"wall_time_s", r.wall_time_s}};
}

EvaluationRecord RecordFrom(const json& value) {
  return {.step = value.at("step").get<long>(),
          .epoch = value.at("epoch").get<long>(),
          .train_loss = value.at("train_loss").get<double>(),
          .validation_loss = value.at("validation_loss").get<double>(),
          .validation_metric = value.at("validation_metric").get<double>(),
          .wall_time_s = value.at("wall_time_s").get<double>()};
}

json ToJson(const TrainingState& s) {
  json history = json::array();
  for (const EvaluationRecord& record : s.history) history.push_back(ToJson(record));
  return {{"format", kCheckpointFormat},
          {"step", s.step},
          {"parameters", ToJson(s.parameters)},
          {"model_state", ToJson(s.model_state)},
          {"adam",
           {{"first", ToJson(s.adam.first)},
            {"second", ToJson(s.adam.second)},
            {"steps", s.adam.steps}}},
          {"sampler",
           {{"random_state", s.sampler.random_state},
            {"order", s.sampler.order},
            {"position", s.sampler.position},
            {"epoch", s.sampler.epoch}}},
          {"best_parameters", ToJson(s.best_parameters)},
          {"best_model_state", ToJson(s.best_model_state)},
          {"best_validation_metric", s.best_validation_metric},
          {"best_step", s.best_step},
          {"evaluations_without_improvement", s.evaluations_without_improvement},
          {"stopped_early", s.stopped_early},
          {"wall_time_s", s.wall_time_s},
          {"history", history}};
}

TrainingState StateFrom(const json& j) {
  if (j.at("format").get<int>() != kCheckpointFormat) {
    throw json::other_error::create(0, fmt::format("expected format {}", kCheckpointFormat), &j);
  }
  TrainingState s;
  s.step = j.at("step").get<long>();
  s.parameters = VectorFrom(j.at("parameters"));
  // A model without state (running statistics) may have a checkpoint without the key.
  s.model_state = VectorFrom(j.value("model_state", json::array()));
  const json& adam = j.at("adam");
  s.adam = {.first = VectorFrom(adam.at("first")),
            .second = VectorFrom(adam.at("second")),
            .steps = adam.at("steps").get<long>()};
  const json& sampler = j.at("sampler");
  s.sampler = {.random_state = sampler.at("random_state").get<std::string>(),
               .order = sampler.at("order").get<std::vector<int>>(),
               .position = sampler.at("position").get<long>(),
               .epoch = sampler.at("epoch").get<long>()};
  s.best_parameters = VectorFrom(j.at("best_parameters"));
  s.best_model_state = VectorFrom(j.value("best_model_state", json::array()));
  s.best_validation_metric = j.at("best_validation_metric").get<double>();
  s.best_step = j.at("best_step").get<long>();
  s.evaluations_without_improvement = j.at("evaluations_without_improvement").get<int>();
  s.stopped_early = j.at("stopped_early").get<bool>();
  s.wall_time_s = j.at("wall_time_s").get<double>();
  for (const json& record : j.at("history")) s.history.push_back(RecordFrom(record));
  return s;
}

}  // namespace

void SaveCheckpoint(const TrainingState& state, const fs::path& path) {
  WriteFileAtomically(path, ToJson(state).dump(1) + '\n');
}

TrainingState LoadCheckpoint(const fs::path& path) {
  std::ifstream stream(path);
  if (!stream) throw InputError(fmt::format("{}: cannot open the checkpoint", path.string()));
  try {
    return StateFrom(json::parse(stream));
  } catch (const json::exception& error) {
    throw InputError(fmt::format("{}: not a training checkpoint: {}", path.string(), error.what()));
  }
}

}  // namespace echolab

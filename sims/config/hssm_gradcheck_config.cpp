#include "sims/config/hssm_gradcheck_config.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"
#include "sims/config/sequence_model_factory.h"

namespace echolab {
namespace {

// A non-empty array of finite numbers > 0, or `fallback` when the key is absent.
std::vector<double> PositiveNumbers(const ConfigTable& table, const char* key,
                                    const std::vector<double>& fallback) {
  if (!table.Has(key)) return fallback;
  const Vector values = table.NumberArray(key);
  if (values.size() == 0 || (values.array() <= 0.0).any()) {
    table.Fail(key, "expected a non-empty array of numbers > 0");
  }
  return {values.data(), values.data() + values.size()};
}

}  // namespace

bool IsHssmGradcheckConfig(const ConfigTable& root) { return root.Has("task"); }

HssmGradcheckConfig ParseHssmGradcheckConfig(const ConfigTable& root) {
  root.RejectUnknownKeys({"task", "model", "gradcheck"});
  HssmGradcheckConfig config;
  config.source_file = root.file();
  config.task = BuildTask(root.Table("task"));
  const ConfigTable model = root.Table("model");
  if (model.String("kind") != "hssm") {
    model.Fail("kind", "expected \"hssm\": `echolab gradcheck` with a [task] table compares "
                       "RHEL and BPTT on a Hamiltonian SSM");
  }
  config.model = ReadHssmConfig(model, config.task);
  config.unit_name = model.String("unit", "linear");
  const ConfigTable gradcheck = root.Table("gradcheck");
  gradcheck.RejectUnknownKeys({"sequences", "betas", "steps"});
  const auto examples = static_cast<std::int64_t>(config.task.dataset.examples.size());
  config.sequences = static_cast<int>(gradcheck.IntegerIn("sequences", 1, examples, 1));
  config.betas = PositiveNumbers(gradcheck, "betas", config.betas);
  config.steps = PositiveNumbers(gradcheck, "steps", {config.model.step});
  if (gradcheck.Has("steps") && config.model.unit != HruKind::kLogCosh) {
    gradcheck.Fail("steps", "a sweep over the step δ needs unit = \"logcosh\" in [model]: "
                            "linear units train their steps as parameters");
  }
  for (double step : config.steps) {
    HamiltonianSsmConfig swept = config.model;
    swept.step = step;
    try {
      swept.Validate();
    } catch (const InputError& error) {
      gradcheck.Fail("steps", error.what());
    }
  }
  return config;
}

}  // namespace echolab

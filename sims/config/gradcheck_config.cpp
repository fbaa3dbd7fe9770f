#include "sims/config/gradcheck_config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "sims/config/loss_config.h"

namespace echolab {
namespace {

// The reweighted gain echo is centred only: echo_one_sided cannot run with it.
bool MethodSupportsDamping(const std::string& method, EchoDamping damping) {
  return method != "echo_one_sided" || damping != EchoDamping::kGainReweighted;
}

// Default: every method that runs with the scheme and the echo damping.
std::vector<std::string> ReadMethods(const ConfigTable& table, const std::string& scheme,
                                     EchoDamping damping) {
  std::vector<std::string> methods;
  const std::vector<std::string> known = GradientMethodNames();
  if (!table.Has("methods")) {
    for (const std::string& method : known) {
      if (MethodSupportsScheme(method, scheme) && MethodSupportsDamping(method, damping)) {
        methods.push_back(method);
      }
    }
    return methods;
  }
  for (const std::string& name : table.StringArray("methods")) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      table.Fail("methods", fmt::format("unknown method '{}'; expected some of {}", name,
                                        fmt::join(known, ", ")));
    }
    if (!MethodSupportsScheme(name, scheme)) {
      table.Fail("methods", fmt::format("'{}' runs the schemes {}, not '{}'", name,
                                        fmt::join(SchemesSupportedBy(name), ", "), scheme));
    }
    if (!MethodSupportsDamping(name, damping)) {
      table.Fail("methods",
                 "'echo_one_sided' cannot run with echo_damping = \"gain_reweighted\" (the "
                 "reweighted gain echo is centred only); remove it from methods, or set "
                 "echo_damping = \"gain\" or \"naive\"");
    }
    methods.push_back(name);
  }
  if (methods.empty()) table.Fail("methods", "expected at least one method");
  return methods;
}

NudgeReference ReadNudge(const ConfigTable& table, const std::string& scheme) {
  const bool composition = MethodSupportsScheme("fd", scheme);
  const std::string nudge = table.String("nudge", composition ? "linearized" : "physical");
  if (nudge == "linearized") return NudgeReference::kLinearized;
  if (nudge == "physical") return NudgeReference::kPhysical;
  table.Fail("nudge", fmt::format("unknown nudge '{}', expected linearized or physical", nudge));
}

EchoDamping ReadEchoDamping(const ConfigTable& table) {
  const std::string damping = table.String("echo_damping", "naive");
  if (damping == "naive") return EchoDamping::kNaive;
  if (damping == "gain") return EchoDamping::kGain;
  if (damping == "gain_reweighted") return EchoDamping::kGainReweighted;
  table.Fail(
      "echo_damping",
      fmt::format("unknown echo damping '{}', expected naive, gain or gain_reweighted", damping));
}

// A time of the device (s), >= 0, default 0.
double ReadTime(const ConfigTable& table, const char* key) {
  const double time_s = table.Number(key, 0.0);
  if (!(time_s >= 0.0)) table.Fail(key, fmt::format("expected a time >= 0 s, got {}", time_s));
  return time_s;
}

}  // namespace

GradientProblem GradcheckConfig::Problem() const {
  GradientProblem problem;
  problem.forward = simulation.problem;
  problem.loss = loss;
  problem.integrator = simulation.integrator;
  problem.measure_device_energy = true;
  return problem;
}

GradcheckConfig ParseGradcheckConfig(const ConfigTable& root) {
  GradcheckConfig config;
  config.simulation = ParseSimulationConfig(root, {"loss", "gradcheck"});
  config.loss = BuildLoss(root.Table("loss"), config.simulation.substrate);
  const std::string& scheme = config.simulation.integrator.scheme;
  const ConfigTable options =
      root.OptionalTable("gradcheck").value_or(ConfigTable::ParseText("", root.file()));
  options.RejectUnknownKeys({"methods", "reference", "beta", "nudge", "echo_damping",
                             "fd_relative_step", "flip_time_s", "reset_time_s"});
  config.settings.echo.damping = ReadEchoDamping(options);
  config.methods = ReadMethods(options, scheme, config.settings.echo.damping);
  config.reference = options.String("reference", "adjoint");
  if (std::find(config.methods.begin(), config.methods.end(), config.reference) ==
      config.methods.end()) {
    options.Fail("reference", fmt::format("the reference '{}' is not among the methods {}",
                                          config.reference, fmt::join(config.methods, ", ")));
  }
  config.settings.echo.beta = options.PositiveNumber("beta", 1e-3);
  config.settings.echo.nudge = ReadNudge(options, scheme);
  config.settings.fd_relative_step = options.PositiveNumber("fd_relative_step", 1e-5);
  config.timing.flip_time_s = ReadTime(options, "flip_time_s");
  config.timing.reset_time_s = ReadTime(options, "reset_time_s");
  return config;
}

GradcheckConfig LoadGradcheckConfig(const std::string& path) {
  return ParseGradcheckConfig(ConfigTable::ParseFile(path));
}

}  // namespace echolab

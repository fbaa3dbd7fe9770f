#pragma once

#include <string>
#include <vector>

#include "learning/hssm/hamiltonian_ssm_config.h"
#include "sims/config/config_table.h"
#include "sims/config/task_config.h"

namespace echolab {

/// `echolab gradcheck` on a Hamiltonian SSM: the data ([task], as `echolab train` reads it),
/// the model ([model], kind = "hssm") and the comparison ([gradcheck]):
///   sequences  the first this many sequences of the data set form the batch (1)
///   betas      the nudging strengths of RHEL ([0.1])
///   steps      the step δ of log-cosh units, one model per value (the model's `step`)
/// Every gradient is that of the model's initial parameters (its seed).
struct HssmGradcheckConfig {
  std::string source_file;
  TaskData task;
  HamiltonianSsmConfig model;
  std::string unit_name;
  int sequences = 1;
  std::vector<double> betas = {0.1};
  std::vector<double> steps;
};

/// True for a configuration with a [task] table: the HSSM form of `echolab gradcheck`.
bool IsHssmGradcheckConfig(const ConfigTable& root);

/// Reads and checks the configuration; every error is an InputError that names the file,
/// line and key.
HssmGradcheckConfig ParseHssmGradcheckConfig(const ConfigTable& root);

}  // namespace echolab

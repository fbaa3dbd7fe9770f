#include "sims/cli/cli_command.h"

#include "physics/memory_budget.h"
#include "sims/cli/option_checks.h"

namespace echolab {

void CliCommand::Declare(CLI::App* app) {
  command_ = DoDeclare(app);
  if (!UsesMemoryBudget()) return;
  max_memory_gib_ = MemoryBudget::kDefaultGiB;
  command_
      ->add_option("--max-memory", max_memory_gib_,
                   "Refuse inputs estimated to need more memory than this (GiB; default 8); "
                   "input files may be an eighth of it")
      ->check(FiniteNumber(false));
}

int CliCommand::Execute() {
  if (UsesMemoryBudget()) MemoryBudget::SetLimitGiB(max_memory_gib_);
  return DoRun();
}

}  // namespace echolab

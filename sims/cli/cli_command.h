#pragma once

#include <CLI/CLI.hpp>

namespace echolab {

/// One subcommand of the `echolab` command line. It declares its own
/// arguments and flags and runs once they are parsed; `main` only lists the
/// commands (MakeCliCommands) and reports their errors.
class CliCommand {
 public:
  virtual ~CliCommand() = default;

  /// Adds the subcommand, its flags and, when it uses the memory budget,
  /// `--max-memory` to `app`.
  void Declare(CLI::App* app);
  /// True when the parsed command line chose this command.
  bool Chosen() const { return command_ != nullptr && command_->parsed(); }
  /// Sets the memory budget and runs the command. Returns the exit code;
  /// bad input throws InputError (exit 2).
  int Execute();

 private:
  /// Adds the subcommand and its flags to `app`; returns the subcommand.
  virtual CLI::App* DoDeclare(CLI::App* app) = 0;
  virtual int DoRun() = 0;
  /// Commands that refuse inputs beyond the memory budget (all but `plot`).
  virtual bool UsesMemoryBudget() const { return true; }

  CLI::App* command_ = nullptr;
  double max_memory_gib_ = 0.0;
};

}  // namespace echolab

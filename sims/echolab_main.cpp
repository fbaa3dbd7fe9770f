// The echolab command line: simulate Hamiltonian substrates, check their
// gradients and train them with echo learning. Each command declares its
// own flags (sims/cli/); this file parses and reports.
//
// Exit codes: 0 success; 1 a run failed (numerically, or a file could not be
// written), with the cause printed; 2 bad input (usage, configuration, sizes,
// an unusable output folder), with a message naming the file, line or field;
// 3 the results were written but their figures could not be drawn
// (`echolab plot DIR` redraws them).
// A run that fails leaves no output behind (docs/architecture.md, "Failure
// behaviour").

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <new>

#include "common/error.h"
#include "sims/build_info.h"
#include "sims/cli/cli_commands.h"
#include "sims/output/plotting.h"

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitFailed = 1;

// Runs the chosen command, turning each kind of failure into its exit code
// and a message on stderr.
int ExecuteReportingErrors(echolab::CliCommand& command) {
  try {
    return command.Execute();
  } catch (const echolab::PlotError& error) {
    fmt::print(stderr, "echolab: {}\n", error.what());
    return echolab::kExitPlotFailed;
  } catch (const echolab::InputError& error) {
    fmt::print(stderr, "echolab: error: {}\n", error.what());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr,
               "echolab: failed: out of memory; the problem is too large for this machine's "
               "memory (or its limit: ulimit -v)\n");
    return kExitFailed;
  } catch (const std::exception& error) {
    fmt::print(stderr, "echolab: failed: {}\n", error.what());
    return kExitFailed;
  } catch (...) {
    fmt::print(stderr, "echolab: failed: an unknown error\n");
    return kExitFailed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Past a file size limit, a write fails with EFBIG (reported, with the
  // file's name) instead of the signal ending the process.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"echolab: simulate Hamiltonian hardware and train it with echo learning"};
  app.set_version_flag("--version", fmt::format("echolab {} (commit {})", echolab::kEcholabVersion,
                                                echolab::kGitCommit));
  app.require_subcommand(1);
  const auto commands = echolab::MakeCliCommands();
  for (const auto& command : commands) command->Declare(&app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : kExitBadInput;
  }
  for (const auto& command : commands) {
    if (command->Chosen()) return ExecuteReportingErrors(*command);
  }
  return 0;
}

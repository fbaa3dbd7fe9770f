#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace echolab {

/// The help of every command's --force.
inline constexpr const char* kForceHelp =
    "Replace the output folder even if it was not written by echolab (its files are lost)";

/// A numeric option that must be finite and > 0 (or >= 0 with
/// `zero_allowed`); CLI11 names the option in its message.
CLI::Validator FiniteNumber(bool zero_allowed);

/// An input file that exists, or "-" for standard input.
CLI::Validator FileOrStandardInput();

/// --format: the file format of a command's figures (png, svg or pdf).
void AddFigureFormatOption(CLI::App* command, std::string& format);

/// -o/--output-dir (empty: `default_folder`), -q/--quiet and --force, into
/// the fields of those names of a command's arguments.
template <typename Arguments>
void AddOutputOptions(CLI::App* command, Arguments& arguments, const std::string& default_folder,
                      const std::string& force_help = kForceHelp) {
  command->add_option("-o,--output-dir", arguments.output_dir,
                      "Output directory (default " + default_folder + ")");
  command->add_flag("-q,--quiet", arguments.quiet, "Print nothing but errors");
  command->add_flag("--force", arguments.force, force_help);
}

/// --no-plot (clears the arguments' `plot`; `what_is_written` says what
/// remains) and --format.
template <typename Arguments>
void AddFigureOptions(CLI::App* command, Arguments& arguments,
                      const std::string& what_is_written) {
  command->add_flag(
      "--no-plot", [&arguments](std::int64_t) { arguments.plot = false; }, what_is_written);
  AddFigureFormatOption(command, arguments.figure_format);
}

}  // namespace echolab

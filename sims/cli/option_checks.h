#pragma once

#include <CLI/CLI.hpp>
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

}  // namespace echolab

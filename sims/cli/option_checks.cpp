#include "sims/cli/option_checks.h"

#include <fmt/format.h>

#include <cmath>

#include "sims/output/plotting.h"

namespace echolab {

CLI::Validator FiniteNumber(bool zero_allowed) {
  return CLI::Validator(
      [zero_allowed](std::string& text) -> std::string {
        double value = 0.0;
        if (!CLI::detail::lexical_cast(text, value) || !std::isfinite(value) || value < 0.0 ||
            (value == 0.0 && !zero_allowed)) {
          return fmt::format("expected a finite number {} 0, got '{}'", zero_allowed ? ">=" : ">",
                             text);
        }
        return "";
      },
      zero_allowed ? "NUMBER>=0" : "NUMBER>0");
}

CLI::Validator FileOrStandardInput() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return text == "-" ? std::string() : CLI::ExistingFile(text);
      },
      "FILE or - (stdin)");
}

void AddFigureFormatOption(CLI::App* command, std::string& format) {
  command->add_option("--format", format, "File format of the figures: png (200 dpi), svg or pdf")
      ->check(CLI::IsMember(kFigureFormats))
      ->default_str("png");
}

}  // namespace echolab

#include "physics/input_file.h"

#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

#include "common/error.h"
#include "physics/memory_budget.h"

namespace echolab {

namespace fs = std::filesystem;

void CheckInputFile(const std::string& path, std::string_view what) {
  const auto fail = [&](std::string_view cause) {
    throw InputError(fmt::format("{}: cannot read the {}: {}", path, what, cause));
  };
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (path.empty() || !fs::exists(status)) fail("no such file");
  if (fs::is_directory(status)) fail("it is a directory; expected a file");
  if (!fs::is_regular_file(status)) {
    fail("it is not a regular file (a device, fifo or socket); expected a file on disk");
  }
  const double bytes = static_cast<double>(fs::file_size(path, error));
  if (error) fail(error.message());
  if (bytes > MemoryBudget::MaxInputFileBytes()) {
    fail(fmt::format(
        "it has {:.3g} GiB, more than the limit of {:.3g} GiB for input files (an "
        "eighth of --max-memory, {:.3g} GiB)",
        bytes / MemoryBudget::kBytesPerGiB,
        MemoryBudget::MaxInputFileBytes() / MemoryBudget::kBytesPerGiB, MemoryBudget::LimitGiB()));
  }
  if (!std::ifstream(path)) fail("permission denied");
}

namespace {

// Standard input, read whole on the first call and kept: a command may look
// at it (a netlist or a configuration?) before parsing it.
const std::string& StandardInputText(std::string_view what) {
  static std::optional<std::string> text;
  if (!text) {
    text.emplace();
    std::array<char, 1 << 16> buffer{};
    while (std::cin.read(buffer.data(), buffer.size()) || std::cin.gcount() > 0) {
      text->append(buffer.data(), static_cast<size_t>(std::cin.gcount()));
      if (static_cast<double>(text->size()) > MemoryBudget::MaxInputFileBytes()) {
        throw InputError(fmt::format(
            "<stdin>: cannot read the {}: more than the limit of {:.3g} GiB for input files (an "
            "eighth of --max-memory)",
            what, MemoryBudget::MaxInputFileBytes() / MemoryBudget::kBytesPerGiB));
      }
    }
  }
  return *text;
}

}  // namespace

std::string SourceName(const std::string& path) {
  return path == kStandardInputPath ? "<stdin>" : path;
}

std::string RecordedSourceName(const std::string& path) {
  return path == kStandardInputPath ? "<stdin>" : fs::absolute(path).string();
}

std::string ReadInputFile(const std::string& path, std::string_view what) {
  if (path == kStandardInputPath) return StandardInputText(what);
  CheckInputFile(path, what);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace echolab

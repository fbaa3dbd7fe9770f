#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sims/validation/validation_check.h"

namespace echolab {

/// Writes a self-contained report.html: a summary table of the checks, then
/// each check's plot (<id>.png beside the report) with its paragraph.
void WriteHtmlReport(const std::string& title, const std::string& introduction,
                     const std::vector<ValidationCheck>& checks, const std::filesystem::path& path);

/// Escapes &, < and > for HTML text.
std::string EscapeHtml(const std::string& text);

}  // namespace echolab

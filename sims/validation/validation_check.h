#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace echolab {

/// One check of the validation report: a plot, a paragraph saying what it
/// shows and whether it passed, and the figures behind the verdict.
struct ValidationCheck {
  std::string id;  // stem of its CSV and figure files
  std::string title;
  std::string paragraph;  // HTML-safe text
  bool passed = false;
  nlohmann::json metrics;
};

}  // namespace echolab

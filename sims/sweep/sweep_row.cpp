#include "sims/sweep/sweep_row.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/output_file.h"
#include "sims/sweep/sweep_cost_columns.h"

namespace echolab {

namespace fs = std::filesystem;

const std::vector<SweepResultColumn>& SweepResultColumns() {
  static const std::vector<SweepResultColumn> columns = {
      {"status", &SweepRow::status},
      {"relative_error", &SweepRow::relative_error},
      {"cosine_similarity", &SweepRow::cosine_similarity},
      {"sign_agreement", &SweepRow::sign_agreement},
      {"pathwise_relative_error", &SweepRow::pathwise_relative_error},
      {"pathwise_cosine_similarity", &SweepRow::pathwise_cosine_similarity},
      {"echo", &SweepRow::echo_gradient},
      {"reference", &SweepRow::reference_gradient},
      {"cost", &SweepRow::cost, false, &kSweepCostColumns},
      {"wall_time_s", &SweepRow::wall_time_s, true},
  };
  return columns;
}

std::string SweepCsvHeader(const std::vector<std::string>& parameter_names) {
  std::string header;
  for (const SweepKnob& knob : SweepKnobs()) {
    header += fmt::format("{}{}", header.empty() ? "" : ",", knob.name);
  }
  for (const SweepResultColumn& column : SweepResultColumns()) {
    if (std::holds_alternative<Vector SweepRow::*>(column.field)) {
      for (const std::string& name : parameter_names) {
        header += fmt::format(",{}:{}", column.name, name);
      }
    } else if (column.names != nullptr) {
      for (const std::string& name : *column.names) header += "," + name;
    } else {
      header += fmt::format(",{}", column.name);
    }
  }
  return header + "\n";
}

namespace {

// A text field quoted, with any quote doubled and newlines dropped, so that a
// message with commas stays one field.
std::string QuotedField(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted.push_back('"');
    if (c != '\n') quoted.push_back(c);
  }
  return quoted + "\"";
}

// The fields of one column of `row`, each after a comma.
std::string ColumnFields(const SweepResultColumn& column, const SweepRow& row) {
  if (const auto* text = std::get_if<std::string SweepRow::*>(&column.field)) {
    return fmt::format(",{}", QuotedField(row.**text));
  }
  if (const auto* number = std::get_if<double SweepRow::*>(&column.field)) {
    return column.timing ? fmt::format(",{:.4g}", row.**number)
                         : fmt::format(",{:.17g}", row.**number);
  }
  std::string fields;
  if (const auto* named = std::get_if<std::vector<double> SweepRow::*>(&column.field)) {
    for (double value : row.**named) fields += fmt::format(",{:.17g}", value);
    return fields;
  }
  for (double value : row.*std::get<Vector SweepRow::*>(column.field)) {
    fields += fmt::format(",{:.17g}", value);
  }
  return fields;
}

// How many fields a column takes.
size_t ColumnWidth(const SweepResultColumn& column, size_t num_parameters) {
  if (column.names != nullptr) return column.names->size();
  return std::holds_alternative<Vector SweepRow::*>(column.field) ? num_parameters : 1;
}

// Reads a column's fields from `*next` on into `row`, advancing `*next`.
void ParseColumn(const SweepResultColumn& column, std::vector<std::string>::const_iterator* next,
                 size_t num_parameters, SweepRow* row) {
  if (const auto* text = std::get_if<std::string SweepRow::*>(&column.field)) {
    row->**text = *(*next)++;
  } else if (const auto* number = std::get_if<double SweepRow::*>(&column.field)) {
    row->**number = std::strtod((*next)++->c_str(), nullptr);
  } else if (const auto* named = std::get_if<std::vector<double> SweepRow::*>(&column.field)) {
    std::vector<double>& values = row->**named;
    values.resize(column.names->size());
    for (double& value : values) value = std::strtod((*next)++->c_str(), nullptr);
  } else {
    Vector& vector = row->*std::get<Vector SweepRow::*>(column.field);
    vector.resize(static_cast<Eigen::Index>(num_parameters));
    for (double& value : vector) value = std::strtod((*next)++->c_str(), nullptr);
  }
}

}  // namespace

std::string SweepCsvRow(const SweepRow& row) {
  std::string line = row.point.Key();
  for (const SweepResultColumn& column : SweepResultColumns()) line += ColumnFields(column, row);
  return line + "\n";
}

std::set<std::string> PrepareResultsFile(const fs::path& path, const std::string& header) {
  std::set<std::string> finished;
  if (!fs::exists(path)) {
    WriteFileAtomically(path, header);
    return finished;
  }
  std::string text;
  {
    std::ifstream stream(path);
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    text = buffer.str();
  }
  if (text.rfind(header, 0) != 0) {
    throw InputError(fmt::format(
        "{}: exists but is not the results of this sweep (its header differs: another problem, "
        "other parameters or an older format); choose another output directory",
        path.string()));
  }
  // An interrupted write leaves a last line without its newline: cut it off.
  const size_t complete = text.rfind('\n') + 1;
  if (complete < text.size()) fs::resize_file(path, complete);
  std::istringstream lines(text.substr(header.size(), complete - header.size()));
  const size_t key_fields = SweepKnobs().size();
  for (std::string line; std::getline(lines, line);) {
    size_t end = 0;
    for (size_t field = 0; field < key_fields && end != std::string::npos; ++field) {
      end = line.find(',', end == 0 ? 0 : end + 1);
    }
    if (end != std::string::npos) finished.insert(line.substr(0, end));
  }
  return finished;
}

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back().push_back('"');
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

void WriteResultsInGridOrder(const std::vector<SweepPoint>& points, const fs::path& path) {
  std::ifstream stream(path);
  std::string header;
  std::getline(stream, header);
  const size_t key_fields = SweepKnobs().size();
  std::map<std::string, std::string> line_of_key;
  std::vector<std::string> unknown;
  for (std::string line; std::getline(stream, line);) {
    const std::vector<std::string> fields = SplitCsvLine(line);
    std::string key = fields.empty() ? "" : fields[0];
    for (size_t k = 1; k < key_fields && k < fields.size(); ++k) key += "," + fields[k];
    if (!line_of_key.emplace(key, line).second) unknown.push_back(line);
  }
  std::string text = header + "\n";
  for (const SweepPoint& point : points) {
    const auto found = line_of_key.find(point.Key());
    if (found == line_of_key.end()) continue;
    text += found->second + "\n";
    line_of_key.erase(found);
  }
  for (const auto& [key, line] : line_of_key) unknown.push_back(line);
  for (const std::string& line : unknown) text += line + "\n";
  WriteFileAtomically(path, text);
}

std::map<std::string, SweepRow> ReadSweepRows(const fs::path& path, size_t num_parameters) {
  std::ifstream stream(path);
  std::map<std::string, SweepRow> rows;
  std::string line;
  std::getline(stream, line);  // the header
  const size_t key_fields = SweepKnobs().size();
  size_t expected = key_fields;
  for (const SweepResultColumn& column : SweepResultColumns()) {
    expected += ColumnWidth(column, num_parameters);
  }
  for (int number = 2; std::getline(stream, line); ++number) {
    const std::vector<std::string> fields = SplitCsvLine(line);
    if (fields.size() != expected) {
      throw InputError(fmt::format("{}:{}: expected {} fields in a row of sweep results, got {}",
                                   path.string(), number, expected, fields.size()));
    }
    std::string key = fields[0];
    for (size_t k = 1; k < key_fields; ++k) key += "," + fields[k];
    SweepRow row;
    auto next = fields.cbegin() + static_cast<long>(key_fields);
    for (const SweepResultColumn& column : SweepResultColumns()) {
      ParseColumn(column, &next, num_parameters, &row);
    }
    rows[key] = std::move(row);
  }
  return rows;
}

}  // namespace echolab

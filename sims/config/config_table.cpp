#include "sims/config/config_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "common/error.h"
#include "physics/input_file.h"

namespace echolab {
namespace {

std::string JoinPath(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : fmt::format("{}.{}", base, key);
}

const char* TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date or time";
  }
}

}  // namespace

ConfigTable ConfigTable::ParseFile(const std::string& path) {
  return ParseText(ReadInputFile(path, "configuration file"), SourceName(path));
}

ConfigTable ConfigTable::ParseText(std::string_view text, const std::string& source_name) {
  try {
    auto root = std::make_shared<const toml::table>(toml::parse(text, source_name));
    const toml::table* table = root.get();
    return ConfigTable(std::move(root), table, "",
                       std::make_shared<const std::string>(source_name));
  } catch (const toml::parse_error& error) {
    throw InputError(fmt::format("{}:{}:{}: malformed TOML: {}", source_name,
                                 error.source().begin.line, error.source().begin.column,
                                 error.description()));
  }
}

ConfigTable::ConfigTable(std::shared_ptr<const toml::table> root, const toml::table* table,
                         std::string path, std::shared_ptr<const std::string> file)
    : root_(std::move(root)), table_(table), path_(std::move(path)), file_(std::move(file)) {}

std::string ConfigTable::Location(const toml::node* node) const {
  const toml::source_region& source = (node ? node : table_)->source();
  if (source.begin.line == 0) return *file_;
  return fmt::format("{}:{}:{}", *file_, source.begin.line, source.begin.column);
}

std::string ConfigTable::Where(std::string_view key) const {
  return fmt::format("{}: {}", Location(table_->get(key)), PathOf(key));
}

void ConfigTable::Fail(std::string_view key, const std::string& message) const {
  throw InputError(fmt::format("{}: {}", Where(key), message));
}

std::string ConfigTable::InputFile(std::string_view key, std::string_view what) const {
  const std::filesystem::path file = String(key);
  const std::string path =
      (file.is_absolute() ? file : std::filesystem::path(Directory()) / file).string();
  try {
    CheckInputFile(path, what);
  } catch (const InputError& error) {
    Fail(key, error.what());
  }
  return path;
}

std::string ConfigTable::PathOf(std::string_view key) const { return JoinPath(path_, key); }

std::string ConfigTable::Directory() const {
  return std::filesystem::path(*file_).parent_path().string();
}

bool ConfigTable::Has(std::string_view key) const { return table_->contains(key); }

const toml::node& ConfigTable::Require(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (node == nullptr) {
    throw InputError(
        fmt::format("{}: {}: this key is required but missing", Location(nullptr), PathOf(key)));
  }
  return *node;
}

double ConfigTable::ToNumber(const toml::node& node, const std::string& path) const {
  if (const auto value = node.value<double>(); value && (node.is_number())) {
    if (std::isfinite(*value)) return *value;
    throw InputError(
        fmt::format("{}: {}: expected a finite number, got {}", Location(&node), path, *value));
  }
  throw InputError(
      fmt::format("{}: {}: expected a number, got {}", Location(&node), path, TypeName(node)));
}

double ConfigTable::Number(std::string_view key) const {
  return ToNumber(Require(key), PathOf(key));
}

double ConfigTable::Number(std::string_view key, double fallback) const {
  return Has(key) ? Number(key) : fallback;
}

double ConfigTable::BoundOrInfinity(std::string_view key, double fallback) const {
  if (!Has(key)) return fallback;
  const toml::node& node = Require(key);
  if (const auto value = node.value<double>(); value && node.is_number() && *value == INFINITY) {
    return *value;
  }
  return Number(key);
}

double ConfigTable::PositiveNumber(std::string_view key) const {
  const double value = Number(key);
  if (!(value > 0.0) || !std::isfinite(value)) {
    Fail(key, fmt::format("expected a positive number, got {}", value));
  }
  return value;
}

double ConfigTable::PositiveNumber(std::string_view key, double fallback) const {
  return Has(key) ? PositiveNumber(key) : fallback;
}

std::int64_t ConfigTable::Integer(std::string_view key) const {
  const toml::node& node = Require(key);
  if (!node.is_integer()) {
    Fail(key, fmt::format("expected an integer, got {}", TypeName(node)));
  }
  return *node.value<std::int64_t>();
}

std::int64_t ConfigTable::Integer(std::string_view key, std::int64_t fallback) const {
  return Has(key) ? Integer(key) : fallback;
}

std::int64_t ConfigTable::IntegerIn(std::string_view key, std::int64_t low,
                                    std::int64_t high) const {
  const std::int64_t value = Integer(key);
  if (value < low || value > high) {
    Fail(key, fmt::format("expected an integer from {} to {}, got {}", low, high, value));
  }
  return value;
}

std::int64_t ConfigTable::IntegerIn(std::string_view key, std::int64_t low, std::int64_t high,
                                    std::int64_t fallback) const {
  return Has(key) ? IntegerIn(key, low, high) : fallback;
}

std::uint64_t ConfigTable::Seed(std::string_view key) const {
  return static_cast<std::uint64_t>(IntegerIn(key, 0, std::numeric_limits<std::int64_t>::max()));
}

std::uint64_t ConfigTable::Seed(std::string_view key, std::uint64_t fallback) const {
  return Has(key) ? Seed(key) : fallback;
}

std::string ConfigTable::String(std::string_view key) const {
  const toml::node& node = Require(key);
  if (!node.is_string()) Fail(key, fmt::format("expected a string, got {}", TypeName(node)));
  return *node.value<std::string>();
}

std::string ConfigTable::String(std::string_view key, const std::string& fallback) const {
  return Has(key) ? String(key) : fallback;
}

bool ConfigTable::Boolean(std::string_view key, bool fallback) const {
  if (!Has(key)) return fallback;
  const toml::node& node = Require(key);
  if (!node.is_boolean()) Fail(key, fmt::format("expected true or false, got {}", TypeName(node)));
  return *node.value<bool>();
}

int ConfigTable::ArrayLength(std::string_view key) const {
  const toml::node& node = Require(key);
  const toml::array* array = node.as_array();
  if (array == nullptr) Fail(key, fmt::format("expected an array, got {}", TypeName(node)));
  return static_cast<int>(array->size());
}

Vector ConfigTable::NumberArray(std::string_view key) const {
  const toml::node& node = Require(key);
  const toml::array* array = node.as_array();
  if (array == nullptr)
    Fail(key, fmt::format("expected an array of numbers, got {}", TypeName(node)));
  Vector values(static_cast<Eigen::Index>(array->size()));
  for (size_t k = 0; k < array->size(); ++k) {
    values[static_cast<Eigen::Index>(k)] =
        ToNumber(*array->get(k), fmt::format("{}[{}]", PathOf(key), k));
  }
  return values;
}

Vector ConfigTable::NumberOrArray(std::string_view key, int size) const {
  const toml::node& node = Require(key);
  if (node.is_number()) return Vector::Constant(size, ToNumber(node, PathOf(key)));
  const Vector values = NumberArray(key);
  if (values.size() != size) {
    Fail(key, fmt::format("expected one number or an array of {}, got an array of {}", size,
                          values.size()));
  }
  return values;
}

Vector ConfigTable::NumberOrArray(std::string_view key, int size, double fallback) const {
  return Has(key) ? NumberOrArray(key, size) : Vector::Constant(size, fallback);
}

std::vector<std::int64_t> ConfigTable::IntegerArray(std::string_view key) const {
  const toml::node& node = Require(key);
  const toml::array* array = node.as_array();
  if (array == nullptr)
    Fail(key, fmt::format("expected an array of integers, got {}", TypeName(node)));
  std::vector<std::int64_t> values;
  for (size_t k = 0; k < array->size(); ++k) {
    const toml::node& item = *array->get(k);
    if (!item.is_integer()) {
      throw InputError(fmt::format("{}: {}[{}]: expected an integer, got {}", Location(&item),
                                   PathOf(key), k, TypeName(item)));
    }
    values.push_back(*item.value<std::int64_t>());
  }
  return values;
}

std::vector<std::string> ConfigTable::StringArray(std::string_view key) const {
  const toml::node& node = Require(key);
  const toml::array* array = node.as_array();
  if (array == nullptr)
    Fail(key, fmt::format("expected an array of strings, got {}", TypeName(node)));
  std::vector<std::string> values;
  for (size_t k = 0; k < array->size(); ++k) {
    const toml::node& item = *array->get(k);
    if (!item.is_string()) {
      throw InputError(fmt::format("{}: {}[{}]: expected a string, got {}", Location(&item),
                                   PathOf(key), k, TypeName(item)));
    }
    values.push_back(*item.value<std::string>());
  }
  return values;
}

Eigen::MatrixXd ConfigTable::Matrix(std::string_view key, int rows, int cols) const {
  const toml::node& node = Require(key);
  const toml::array* array = node.as_array();
  if (array == nullptr || static_cast<int>(array->size()) != rows) {
    Fail(key, fmt::format("expected an array of {} rows of {} numbers", rows, cols));
  }
  Eigen::MatrixXd matrix(rows, cols);
  for (int r = 0; r < rows; ++r) {
    const toml::node& row_node = *array->get(static_cast<size_t>(r));
    const toml::array* row = row_node.as_array();
    if (row == nullptr || static_cast<int>(row->size()) != cols) {
      throw InputError(fmt::format("{}: {}[{}]: expected an array of {} numbers",
                                   Location(&row_node), PathOf(key), r, cols));
    }
    for (int c = 0; c < cols; ++c) {
      matrix(r, c) =
          ToNumber(*row->get(static_cast<size_t>(c)), fmt::format("{}[{}][{}]", PathOf(key), r, c));
    }
  }
  return matrix;
}

ConfigTable ConfigTable::Table(std::string_view key) const {
  const toml::node& node = Require(key);
  const toml::table* table = node.as_table();
  if (table == nullptr) Fail(key, fmt::format("expected a table, got {}", TypeName(node)));
  return ConfigTable(root_, table, PathOf(key), file_);
}

std::optional<ConfigTable> ConfigTable::OptionalTable(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  return Table(key);
}

std::vector<ConfigTable> ConfigTable::TableArray(std::string_view key) const {
  std::vector<ConfigTable> tables;
  if (!Has(key)) return tables;
  const toml::node& node = Require(key);
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    Fail(key,
         fmt::format("expected an array of tables ([[{}]] blocks), got {}", key, TypeName(node)));
  }
  for (size_t k = 0; k < array->size(); ++k) {
    const toml::node& item = *array->get(k);
    const toml::table* table = item.as_table();
    if (table == nullptr) {
      throw InputError(fmt::format("{}: {}[{}]: expected a table, got {}", Location(&item),
                                   PathOf(key), k, TypeName(item)));
    }
    tables.push_back(ConfigTable(root_, table, fmt::format("{}[{}]", PathOf(key), k), file_));
  }
  return tables;
}

void ConfigTable::RejectUnknownKeys(const std::vector<std::string_view>& known) const {
  for (const auto& [key, node] : *table_) {
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      throw InputError(fmt::format("{}: {}: unknown key; expected one of {}", Location(&node),
                                   PathOf(key.str()), fmt::join(known, ", ")));
    }
  }
}

}  // namespace echolab

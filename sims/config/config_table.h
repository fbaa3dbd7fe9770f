#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "physics/phase_state.h"

namespace echolab {

/// A table of a TOML configuration file with typed, checked access. Every
/// error is an InputError of the form
///   "FILE:LINE:COLUMN: model.masses_kg[3]: expected a positive number, got -1".
/// Numbers may be written as integers or floats, and must be finite (nan and
/// inf are refused). Integers are read as 64-bit and range-checked before any
/// narrowing.
class ConfigTable {
 public:
  /// Parses a file; a syntax error throws InputError with file, line and column.
  static ConfigTable ParseFile(const std::string& path);
  /// Parses text (for tests); `source_name` stands in for the file name.
  static ConfigTable ParseText(std::string_view text, const std::string& source_name);

  bool Has(std::string_view key) const;
  /// The dotted path of a key in this table, e.g. "model.onsite.k".
  std::string PathOf(std::string_view key) const;

  double Number(std::string_view key) const;
  double Number(std::string_view key, double fallback) const;
  /// A finite number, or inf for "no bound" (the one place infinity is read).
  double BoundOrInfinity(std::string_view key, double fallback) const;
  double PositiveNumber(std::string_view key) const;
  double PositiveNumber(std::string_view key, double fallback) const;
  std::int64_t Integer(std::string_view key) const;
  std::int64_t Integer(std::string_view key, std::int64_t fallback) const;
  /// An integer from `low` to `high`; the message gives the range.
  std::int64_t IntegerIn(std::string_view key, std::int64_t low, std::int64_t high) const;
  std::int64_t IntegerIn(std::string_view key, std::int64_t low, std::int64_t high,
                         std::int64_t fallback) const;
  /// A seed: an integer >= 0.
  std::uint64_t Seed(std::string_view key) const;
  std::uint64_t Seed(std::string_view key, std::uint64_t fallback) const;
  std::string String(std::string_view key) const;
  std::string String(std::string_view key, const std::string& fallback) const;
  bool Boolean(std::string_view key, bool fallback) const;

  /// Number of entries of an array.
  int ArrayLength(std::string_view key) const;
  /// An array of numbers of any length.
  Vector NumberArray(std::string_view key) const;
  /// One number for all `size` entries, or an array of exactly `size` numbers.
  Vector NumberOrArray(std::string_view key, int size) const;
  Vector NumberOrArray(std::string_view key, int size, double fallback) const;
  /// An array of integers of any length.
  std::vector<std::int64_t> IntegerArray(std::string_view key) const;
  /// An array of strings of any length.
  std::vector<std::string> StringArray(std::string_view key) const;
  /// An array of `rows` arrays of `cols` numbers each.
  Eigen::MatrixXd Matrix(std::string_view key, int rows, int cols) const;

  ConfigTable Table(std::string_view key) const;
  std::optional<ConfigTable> OptionalTable(std::string_view key) const;
  /// An array of tables ([[key]] blocks); empty when the key is absent.
  std::vector<ConfigTable> TableArray(std::string_view key) const;

  /// Throws naming the first key of this table that is not in `known`.
  void RejectUnknownKeys(const std::vector<std::string_view>& known) const;

  /// "FILE:LINE:COLUMN: PATH.KEY", where `key` is (or the table when it is
  /// absent): the prefix of every message about the key.
  std::string Where(std::string_view key) const;
  /// Throws InputError located at `key` (or at the table when the key is absent).
  [[noreturn]] void Fail(std::string_view key, const std::string& message) const;

  /// A copy of this table as parsed (keys sorted, comments and layout gone).
  toml::table Document() const { return *table_; }

  const std::string& file() const { return *file_; }
  /// Directory of the file, for resolving relative paths inside it.
  std::string Directory() const;
  /// The file named by `key`, relative to Directory() unless absolute,
  /// checked to be a readable input file (CheckInputFile); a missing or
  /// unusable file fails at the key. `what` names its role ("netlist").
  std::string InputFile(std::string_view key, std::string_view what) const;

 private:
  ConfigTable(std::shared_ptr<const toml::table> root, const toml::table* table, std::string path,
              std::shared_ptr<const std::string> file);
  const toml::node& Require(std::string_view key) const;
  std::string Location(const toml::node* node) const;
  double ToNumber(const toml::node& node, const std::string& path) const;

  std::shared_ptr<const toml::table> root_;  // keeps the parsed document alive
  const toml::table* table_;
  std::string path_;
  std::shared_ptr<const std::string> file_;
};

}  // namespace echolab

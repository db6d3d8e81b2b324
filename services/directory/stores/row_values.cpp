#include "services/directory/stores/row_values.hpp"

#include <limits>

namespace tessera::directory::row_values {

SqlValue Optional(const std::optional<std::string>& value) {
  return value ? SqlValue{*value} : SqlValue{};
}

SqlValue Optional(const std::optional<Bytes>& value) {
  return value ? SqlValue{*value} : SqlValue{};
}

SqlValue Optional(const std::optional<std::int64_t>& value) {
  return value ? SqlValue{*value} : SqlValue{};
}

SqlValue Optional(const std::optional<int>& value) {
  return value ? SqlValue{std::int64_t{*value}} : SqlValue{};
}

SqlValue Optional(const std::optional<std::uint32_t>& value) {
  return value ? SqlValue{std::int64_t{*value}} : SqlValue{};
}

Result<std::optional<std::string>> OptionalText(const SqlRow& row, std::size_t column) {
  if (row.IsNull(column)) return std::optional<std::string>();
  TESSERA_ASSIGN_OR_RETURN(std::string text, row.Text(column));
  return std::optional<std::string>(std::move(text));
}

Result<std::optional<Bytes>> OptionalBlob(const SqlRow& row, std::size_t column) {
  if (row.IsNull(column)) return std::optional<Bytes>();
  TESSERA_ASSIGN_OR_RETURN(Bytes bytes, row.Blob(column));
  return std::optional<Bytes>(std::move(bytes));
}

Result<std::optional<std::int64_t>> OptionalInt(const SqlRow& row, std::size_t column) {
  if (row.IsNull(column)) return std::optional<std::int64_t>();
  TESSERA_ASSIGN_OR_RETURN(std::int64_t value, row.Int(column));
  return std::optional<std::int64_t>(value);
}

Result<std::optional<int>> OptionalSmallInt(const SqlRow& row, std::size_t column) {
  if (row.IsNull(column)) return std::optional<int>();
  TESSERA_ASSIGN_OR_RETURN(std::int64_t value, row.Int(column));
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    return Status::Corrupt("a stored value " + std::to_string(value) + " does not fit an int");
  }
  return std::optional<int>(static_cast<int>(value));
}

Result<std::uint32_t> Serial32(const SqlRow& row, std::size_t column, std::string_view what) {
  TESSERA_ASSIGN_OR_RETURN(std::int64_t value, row.Int(column));
  if (value < 0 || value > std::int64_t{std::numeric_limits<std::uint32_t>::max()}) {
    return Status::Corrupt("a stored " + std::string(what) + " " + std::to_string(value) +
                           " is outside 0..4294967295");
  }
  return static_cast<std::uint32_t>(value);
}

Result<std::optional<std::uint32_t>> OptionalSerial32(const SqlRow& row, std::size_t column,
                                                      std::string_view what) {
  if (row.IsNull(column)) return std::optional<std::uint32_t>();
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t value, Serial32(row, column, what));
  return std::optional<std::uint32_t>(value);
}

Result<std::string> Word(const SqlRow& row, std::size_t column, std::string_view what,
                         std::initializer_list<std::string_view> words) {
  TESSERA_ASSIGN_OR_RETURN(std::string word, row.Text(column));
  for (std::string_view known : words) {
    if (word == known) return word;
  }
  return Status::Corrupt("a stored " + std::string(what) + " '" + word + "' is not one this " +
                         "tessera knows");
}

}  // namespace tessera::directory::row_values

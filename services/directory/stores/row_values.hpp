// Values between records and SQL rows, shared by the stores: optional
// members as NULL, and the checks a decoded row must pass (a serial within
// 32 bits, a known state word), whose failure is kCorrupt: the row breaks
// the record's invariants. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory::row_values {

// The value, or NULL.
SqlValue Optional(const std::optional<std::string>& value);
SqlValue Optional(const std::optional<Bytes>& value);
SqlValue Optional(const std::optional<std::int64_t>& value);
SqlValue Optional(const std::optional<int>& value);
SqlValue Optional(const std::optional<std::uint32_t>& value);

// A column that may be NULL; kInternal for a value of the wrong type.
Result<std::optional<std::string>> OptionalText(const SqlRow& row, std::size_t column);
Result<std::optional<Bytes>> OptionalBlob(const SqlRow& row, std::size_t column);
Result<std::optional<std::int64_t>> OptionalInt(const SqlRow& row, std::size_t column);
Result<std::optional<int>> OptionalSmallInt(const SqlRow& row, std::size_t column);

// An integer column that must fit 32 bits unsigned; kCorrupt naming `what`
// otherwise.
Result<std::uint32_t> Serial32(const SqlRow& row, std::size_t column, std::string_view what);
Result<std::optional<std::uint32_t>> OptionalSerial32(const SqlRow& row, std::size_t column,
                                                      std::string_view what);

// A text column that must be one of `words`; kCorrupt naming `what`
// otherwise.
Result<std::string> Word(const SqlRow& row, std::size_t column, std::string_view what,
                         std::initializer_list<std::string_view> words);

// The first row decoded, or none.
template <typename T, typename Decoder>
Result<std::optional<T>> DecodeFirst(const std::vector<SqlRow>& rows, const Decoder& decode) {
  if (rows.empty()) return std::optional<T>();
  TESSERA_ASSIGN_OR_RETURN(T value, decode(rows.front()));
  return std::optional<T>(std::move(value));
}

}  // namespace tessera::directory::row_values

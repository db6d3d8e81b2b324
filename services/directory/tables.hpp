// The directory's tables as data, for what works on every table alike:
// `tessera directory copy` and `status`, and the tests that compare two
// directories row by row.
//
// Listed in an order that respects the foreign keys (a table after the ones
// it references); `since` is the schema version that made the table, so an
// older directory is read only for the tables and columns it has. Pure
// data; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "services/directory/database.hpp"
#include "services/directory/migrations.hpp"

namespace tessera::directory {

struct TableInfo {
  const char* name;
  const char* columns;   // comma-separated, in the order copies use
  const char* order_by;  // a total order: the rows of two copies line up
  std::int64_t since;    // the migration that made it
  // Columns a later migration added (comma-separated, appended to
  // `columns`), and that migration; "" and 0 when none.
  const char* added = "";
  std::int64_t added_since = 0;
};

const std::vector<TableInfo>& Tables();

// The columns `table` has at schema `version` (a directory made before a
// column was added lacks it; a copy leaves it to its default).
std::string Columns(const TableInfo& table, std::int64_t version = kSchemaVersion);
// "SELECT <columns> FROM <name> ORDER BY <order_by>", at schema `version`.
std::string SelectAll(const TableInfo& table, std::int64_t version = kSchemaVersion);
// "INSERT INTO <name> (<columns>) VALUES ($1, ...)", at schema `version`.
std::string InsertRow(const TableInfo& table, std::int64_t version = kSchemaVersion);

struct TableCount {
  std::string table;
  std::int64_t rows = 0;
  bool operator==(const TableCount&) const = default;
};

// Rows per table of a directory at schema `version` (tables it lacks are
// left out), in one read transaction.
Result<std::vector<TableCount>> CountRows(Database& db, std::int64_t version);

}  // namespace tessera::directory

// CopyDirectory: every row of one directory into another, e.g. an SQLite
// file into PostgreSQL (`tessera directory copy`, docs/directory.md).
//
// The source is read in one read transaction and may be at an older schema
// (only the tables it has are read); the target must be at the newest
// schema and empty, else kConditionsNotSatisfied naming the first table with
// rows. All rows go in in one transaction on the target, so a failed copy
// leaves it empty. Afterwards the row counts of both are compared; a
// difference is kDataMismatch. Values are copied as they are: bytes stay
// bytes, NULL stays NULL. Stateless; the Databases' own thread rules apply.
#pragma once

#include <vector>

#include "common/status.hpp"
#include "services/directory/database.hpp"
#include "services/directory/tables.hpp"

namespace tessera::directory {

// The rows copied per table.
Result<std::vector<TableCount>> CopyDirectory(Database& from, Database& to);

}  // namespace tessera::directory

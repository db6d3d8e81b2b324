// The SQLite directory's schema: its version and the migrations of
// services/directory/migrations.hpp applied to a file.
//
// The schema version is PRAGMA user_version, and PRAGMA application_id marks
// the file as a Tessera directory. OpenSchema() first checks that the file is
// one this build can use, before it writes a byte: a file that is not a
// SQLite database, or a SQLite database of another application, is kCorrupt;
// a newer schema version than kSchemaVersion is kConditionsNotSatisfied.
// Only then does it switch the file to WAL and apply each missing migration in
// its own transaction, re-reading the version inside it, so two processes
// opening a new file at once migrate it once. Migrations are append-only:
// once released, a migration's SQL never changes. Same thread rules as the
// connection.
#pragma once

#include <cstdint>

#include "common/status.hpp"
#include "services/directory/migrations.hpp"
#include "services/directory/sqlite/sqlite_connection.hpp"

namespace tessera::directory::sqlite {

// The newest schema this build knows.
inline constexpr std::int64_t kSqliteSchemaVersion = kSchemaVersion;
// "TSDR": PRAGMA application_id of every Tessera directory file.
inline constexpr std::int64_t kTesseraDirectoryApplicationId = 0x54534452;

// What OpenSchema does with a schema older than this build's.
enum class OldSchema : std::uint8_t { kMigrate, kRefuse, kKeep };

// Checks, configures (WAL, synchronous=FULL, foreign keys) and migrates (or
// refuses an old schema, kConditionsNotSatisfied, or keeps it as it is).
Status OpenSchema(SqliteConnection& db, OldSchema old_schema = OldSchema::kMigrate);
// PRAGMA user_version.
Result<std::int64_t> ReadSchemaVersion(SqliteConnection& db);

}  // namespace tessera::directory::sqlite

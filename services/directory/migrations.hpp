// The directory's schema: one list of versioned migrations for both backends
// (docs/directory.md "Schema").
//
// Each migration is written once; where the dialects differ only in type
// names it is a template whose {INT}, {BLOB} and {STRICT} are filled in per
// backend (SQLite INTEGER, BLOB, STRICT; PostgreSQL BIGINT, BYTEA, nothing).
// A migration's SQL never changes once released: version 1 is the tokens
// table of the first SQLite directories, byte for byte. The backends keep
// the version their own way (SQLite PRAGMA user_version, PostgreSQL a
// schema_version table) and apply each missing migration in one
// transaction. Pure data; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/directory/database.hpp"

namespace tessera::directory {

// The newest schema this build knows.
inline constexpr std::int64_t kSchemaVersion = 5;

struct Migration {
  std::int64_t version = 0;
  std::string sql;  // for one backend, several statements
};

// Every migration, oldest first, in `backend`'s dialect.
std::vector<Migration> Migrations(Backend backend);

// The message for a database whose schema is newer than this build's.
Status SchemaTooNew(const std::string& where, std::int64_t version);
// The message for a database that must be migrated first (migrate = false).
Status SchemaTooOld(const std::string& where, std::int64_t version);

}  // namespace tessera::directory

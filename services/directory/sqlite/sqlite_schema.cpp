#include "services/directory/sqlite/sqlite_schema.hpp"

#include <iterator>
#include <string>
#include <string_view>

#include "services/directory/sqlite/sqlite_transaction.hpp"

namespace tessera::directory::sqlite {
namespace {

struct Migration {
  std::int64_t version;
  std::string_view sql;
};

// The literal sizes are history, not a copy of kUidSize/kCryptogramSize:
// changing them takes a new migration.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE tokens (
  uid BLOB NOT NULL UNIQUE CHECK (length(uid) = 16),
  serial INTEGER NOT NULL UNIQUE CHECK (serial BETWEEN 0 AND 4294967295),
  cryptogram BLOB NOT NULL CHECK (length(cryptogram) = 384),
  krk_version INTEGER NOT NULL CHECK (krk_version BETWEEN 0 AND 255),
  mk_version INTEGER NOT NULL CHECK (mk_version BETWEEN 0 AND 255),
  target_mk_version INTEGER CHECK (target_mk_version BETWEEN 0 AND 255),
  lifecycle TEXT NOT NULL
    CHECK (lifecycle IN ('personalizing', 'personalized', 'terminated')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (target_mk_version IS NULL OR lifecycle = 'personalized')
) STRICT;
PRAGMA application_id = 1414743122;
)sql"},
};
static_assert(kMigrations[std::size(kMigrations) - 1].version == kSqliteSchemaVersion);
static_assert(kTesseraDirectoryApplicationId == 1414743122);

std::string Name(const SqliteConnection& db) { return db.file().string(); }

Status TooNew(const SqliteConnection& db, std::int64_t version) {
  return Status::ConditionsNotSatisfied(
      Name(db) + " has directory schema version " + std::to_string(version) +
      ", newer than this tessera knows (" + std::to_string(kSqliteSchemaVersion) +
      "); use a newer tessera. The file was left as it was");
}

Result<std::int64_t> ReadVersion(SqliteConnection& db) {
  return db.QueryInt("PRAGMA user_version");
}

// Reads only: nothing is written before the file is known to be ours.
Result<std::int64_t> CheckUsable(SqliteConnection& db) {
  auto app_id = db.QueryInt("PRAGMA application_id");
  if (!app_id.ok()) {
    const Status& s = app_id.status();
    if (s.code() != Code::kCorrupt) return s;
    return Status::Corrupt(Name(db) + " is not a token directory (not a SQLite database: " +
                           s.message() + "). The file was left as it was");
  }
  TESSERA_ASSIGN_OR_RETURN(std::int64_t version, ReadVersion(db));
  TESSERA_ASSIGN_OR_RETURN(std::int64_t objects, db.QueryInt("SELECT count(*) FROM sqlite_schema"));
  const bool fresh = *app_id == 0 && version == 0 && objects == 0;
  if (!fresh && *app_id != kTesseraDirectoryApplicationId) {
    return Status::Corrupt(Name(db) +
                           " is a SQLite database of another application "
                           "(application_id " +
                           std::to_string(*app_id) +
                           "), not a token directory. The file was left as it was");
  }
  if (version > kSqliteSchemaVersion) return TooNew(db, version);
  return version;
}

Status Configure(SqliteConnection& db) {
  TESSERA_ASSIGN_OR_RETURN(std::string mode, db.QueryText("PRAGMA journal_mode = WAL"));
  if (mode != "wal") {
    return Status::IoError(Name(db) + ": cannot switch to WAL mode (journal mode is " + mode + ")");
  }
  // FULL: a commit survives power loss. The cryptogram must be on disk before
  // the token's keys are written, or a crash could lose its KRK.
  TESSERA_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL"));
  return db.Exec("PRAGMA foreign_keys = ON");
}

Status Apply(SqliteConnection& db, const Migration& migration) {
  TESSERA_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::BeginImmediate(db));
  // Another process may have migrated between our check and our lock.
  TESSERA_ASSIGN_OR_RETURN(std::int64_t version, ReadVersion(db));
  if (version > kSqliteSchemaVersion) return TooNew(db, version);
  if (version >= migration.version) return Status::Ok();  // rolls back nothing
  if (version != migration.version - 1) {
    return Status::Internal(Name(db) + ": schema version " + std::to_string(version) +
                            " cannot take migration " + std::to_string(migration.version));
  }
  TESSERA_RETURN_IF_ERROR(db.Exec(std::string(migration.sql)));
  TESSERA_RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(migration.version)));
  return tx.Commit();
}

}  // namespace

Status OpenSchema(SqliteConnection& db) {
  TESSERA_ASSIGN_OR_RETURN(std::int64_t version, CheckUsable(db));
  TESSERA_RETURN_IF_ERROR(Configure(db));
  for (const Migration& migration : kMigrations) {
    if (migration.version > version) TESSERA_RETURN_IF_ERROR(Apply(db, migration));
  }
  return Status::Ok();
}

}  // namespace tessera::directory::sqlite

#include "services/directory/sqlite/sqlite_schema.hpp"

#include <iterator>
#include <string>
#include <string_view>

#include "services/directory/sqlite/sqlite_transaction.hpp"

namespace tessera::directory::sqlite {
namespace {

static_assert(kTesseraDirectoryApplicationId == 1414743122);  // as migration 1 sets it

std::string Name(const SqliteConnection& db) { return db.file().string(); }

Status TooNew(const SqliteConnection& db, std::int64_t version) {
  return SchemaTooNew(Name(db), version);
}

Result<std::int64_t> ReadVersion(SqliteConnection& db) { return ReadSchemaVersion(db); }

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
  if (version > kSchemaVersion) return TooNew(db, version);
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
  if (version > kSchemaVersion) return TooNew(db, version);
  if (version >= migration.version) return Status::Ok();  // rolls back nothing
  if (version != migration.version - 1) {
    return Status::Internal(Name(db) + ": schema version " + std::to_string(version) +
                            " cannot take migration " + std::to_string(migration.version));
  }
  TESSERA_RETURN_IF_ERROR(db.Exec(migration.sql));
  TESSERA_RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(migration.version)));
  return tx.Commit();
}

}  // namespace

Result<std::int64_t> ReadSchemaVersion(SqliteConnection& db) {
  return db.QueryInt("PRAGMA user_version");
}

Status OpenSchema(SqliteConnection& db, OldSchema old_schema) {
  TESSERA_ASSIGN_OR_RETURN(std::int64_t version, CheckUsable(db));
  if (version < kSchemaVersion && old_schema == OldSchema::kRefuse) {
    return SchemaTooOld(Name(db), version);
  }
  TESSERA_RETURN_IF_ERROR(Configure(db));
  if (old_schema != OldSchema::kMigrate) return Status::Ok();
  for (const Migration& migration : Migrations(Backend::kSqlite)) {
    if (migration.version > version) TESSERA_RETURN_IF_ERROR(Apply(db, migration));
  }
  return Status::Ok();
}

}  // namespace tessera::directory::sqlite

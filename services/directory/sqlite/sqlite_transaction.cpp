#include "services/directory/sqlite/sqlite_transaction.hpp"

#include <utility>

namespace tessera::directory::sqlite {

Result<SqliteTransaction> SqliteTransaction::BeginImmediate(SqliteConnection& db) {
  TESSERA_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return SqliteTransaction(&db);
}

Result<SqliteTransaction> SqliteTransaction::BeginDeferred(SqliteConnection& db) {
  TESSERA_RETURN_IF_ERROR(db.Exec("BEGIN DEFERRED"));
  return SqliteTransaction(&db);
}

SqliteTransaction::~SqliteTransaction() { Rollback(); }

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

SqliteTransaction& SqliteTransaction::operator=(SqliteTransaction&& other) noexcept {
  if (this != &other) {
    Rollback();
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Status SqliteTransaction::Commit() {
  SqliteConnection* db = std::exchange(db_, nullptr);
  if (db == nullptr) return Status::Internal("commit of a transaction that is over");
  Status status = db->Exec("COMMIT");
  // A failed COMMIT (SQLITE_BUSY, SQLITE_FULL) may leave the transaction
  // open; end it so the connection is usable again.
  if (!status.ok()) (void)db->Exec("ROLLBACK");
  return status;
}

void SqliteTransaction::Rollback() noexcept {
  SqliteConnection* db = std::exchange(db_, nullptr);
  if (db == nullptr) return;
  try {
    // Nothing to do if it fails: SQLite has already rolled back (an I/O
    // error or a full disk ends the transaction itself).
    (void)db->Exec("ROLLBACK");
  } catch (...) {  // std::string allocation in the message; never leave a destructor
  }
}

}  // namespace tessera::directory::sqlite

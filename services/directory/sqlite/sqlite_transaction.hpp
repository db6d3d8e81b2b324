// SqliteTransaction: one open transaction on a SqliteConnection, rolled back
// when the owner goes away without Commit().
//
// Writes begin IMMEDIATE: the write lock is taken at BEGIN, under the busy
// timeout, rather than on the first write, where in WAL mode a reader that
// turns writer can fail at once with SQLITE_BUSY_SNAPSHOT. Move-only; borrows
// the connection, which must outlive it; same thread rules as the connection.
#pragma once

#include "common/status.hpp"
#include "services/directory/sqlite/sqlite_connection.hpp"

namespace tessera::directory::sqlite {

class SqliteTransaction {
 public:
  static Result<SqliteTransaction> BeginImmediate(SqliteConnection& db);
  // A read transaction: a WAL snapshot taken at the first read.
  static Result<SqliteTransaction> BeginDeferred(SqliteConnection& db);

  ~SqliteTransaction();
  SqliteTransaction(SqliteTransaction&& other) noexcept;
  SqliteTransaction& operator=(SqliteTransaction&& other) noexcept;
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  // After Commit(), whatever it returns, the transaction is over.
  Status Commit();

 private:
  explicit SqliteTransaction(SqliteConnection* db) : db_(db) {}
  void Rollback() noexcept;

  SqliteConnection* db_ = nullptr;  // null once committed, rolled back or moved from
};

}  // namespace tessera::directory::sqlite

// SqliteStatement: the sole owner of one prepared sqlite3_stmt, finalized
// when the owner goes away.
//
// Made by SqliteConnection::Prepare. Bind calls chain and never fail on their
// own: the first bind error is kept and reported by the next Step(), so a
// statement reads as one expression. Column accessors are valid only after
// Step() returned true. Move-only; used by one thread at a time, under the
// lock of the connection that made it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace tessera::directory::sqlite {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters are numbered from 1, as in the SQL (?1, ?2...).
  SqliteStatement& Bind(int index, std::int64_t value);
  SqliteStatement& Bind(int index, ByteView blob);
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& BindNull(int index);

  // true: a row is ready; false: the statement is done.
  Result<bool> Step();
  // Steps a statement that returns no rows (INSERT, UPDATE, DDL).
  Status Run();

  // Back to before the first Step(), bindings cleared, for the next use of
  // a cached statement.
  void Reset() noexcept;

  // Columns are numbered from 0.
  int ColumnCount() const;
  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  int ColumnType(int column) const;
  bool IsNull(int column) const;
  std::int64_t Int64(int column) const;
  Bytes Blob(int column) const;
  std::string Text(int column) const;

 private:
  void Check(int rc, int index);

  sqlite3* db_ = nullptr;         // not owned: the connection outlives its statements
  sqlite3_stmt* stmt_ = nullptr;  // null once moved from
  Status bind_error_;
};

}  // namespace tessera::directory::sqlite

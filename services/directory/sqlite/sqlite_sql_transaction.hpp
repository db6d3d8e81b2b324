// SqliteSqlTransaction: the SqlTransaction of the SQLite backend, run on a
// connection whose transaction the caller (SqliteDatabase) has begun.
//
// Statements are written with PostgreSQL's $1..$n placeholders; they are
// rewritten to SQLite's ?1..?n (the same numbers) and prepared once per
// connection, cached by their text in a StatementCache the caller owns.
// Borrows the connection and the cache; used by the one thread that holds
// the connection's lock.
#pragma once

#include <string>
#include <unordered_map>

#include "services/directory/database.hpp"
#include "services/directory/sqlite/sqlite_connection.hpp"

namespace tessera::directory::sqlite {

using StatementCache = std::unordered_map<std::string, SqliteStatement>;

// "$1" -> "?1" outside quoted strings and identifiers.
std::string ToSqlitePlaceholders(std::string_view sql);

class SqliteSqlTransaction final : public SqlTransaction {
 public:
  SqliteSqlTransaction(SqliteConnection& db, StatementCache& cache) : db_(db), cache_(cache) {}

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override;
  Result<std::int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params) override;
  Backend backend() const override { return Backend::kSqlite; }

 private:
  // The cached statement for `sql`, with `params` bound.
  Result<SqliteStatement*> Bound(std::string_view sql, const std::vector<SqlValue>& params);

  SqliteConnection& db_;
  StatementCache& cache_;
};

}  // namespace tessera::directory::sqlite

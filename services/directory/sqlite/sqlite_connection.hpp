// SqliteConnection: the sole owner of one sqlite3 connection, closed when the
// owner goes away.
//
// Open() opens an existing file read/write and never creates one, so the
// caller decides how a new file is made (its mode). Statements it prepares
// borrow the connection and must die first. Move-only. Opened with
// SQLITE_OPEN_NOMUTEX: not thread-safe; the owner serializes all use of the
// connection and of its statements (SqliteDirectory holds a mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "services/directory/sqlite/sqlite_statement.hpp"

struct sqlite3;

namespace tessera::directory::sqlite {

class SqliteConnection {
 public:
  // `busy_timeout`: how long a statement waits for another connection's
  // lock before failing with kIoError.
  static Result<SqliteConnection> Open(const std::filesystem::path& file,
                                       std::chrono::milliseconds busy_timeout);

  ~SqliteConnection();
  SqliteConnection(SqliteConnection&& other) noexcept;
  SqliteConnection& operator=(SqliteConnection&& other) noexcept;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs SQL that returns no rows; several statements may follow each other.
  Status Exec(const std::string& sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
  // The first column of the single row `sql` returns (PRAGMA user_version).
  Result<std::int64_t> QueryInt(std::string_view sql);
  Result<std::string> QueryText(std::string_view sql);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t Changes() const;

  // `what` failed with `rc`: the Status, with this connection's message.
  Status Error(int rc, std::string_view what) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  SqliteConnection(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}
  Result<SqliteStatement> PrepareOneRow(std::string_view sql);

  sqlite3* db_ = nullptr;  // null once moved from
  std::filesystem::path file_;
};

}  // namespace tessera::directory::sqlite

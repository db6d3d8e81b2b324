#include "services/directory/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <utility>

#include "services/directory/sqlite/sqlite_status.hpp"

namespace tessera::directory::sqlite {

Result<SqliteConnection> SqliteConnection::Open(const std::filesystem::path& file,
                                                std::chrono::milliseconds busy_timeout) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  // Even a failed open may allocate a handle, which holds the message.
  SqliteConnection connection(db, file);
  if (rc != SQLITE_OK) return connection.Error(rc, "open " + file.string());
  if (db == nullptr) return Status::Internal("open " + file.string() + ": out of memory");
  const auto ms = std::min<std::chrono::milliseconds::rep>(busy_timeout.count(), INT_MAX);
  const int busy_rc = sqlite3_busy_timeout(db, static_cast<int>(ms));
  if (busy_rc != SQLITE_OK) return connection.Error(busy_rc, "set the busy timeout");
  return connection;
}

SqliteConnection::~SqliteConnection() { sqlite3_close_v2(db_); }  // a no-op on null

SqliteConnection::SqliteConnection(SqliteConnection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), file_(std::move(other.file_)) {}

SqliteConnection& SqliteConnection::operator=(SqliteConnection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    file_ = std::move(other.file_);
  }
  return *this;
}

Status SqliteConnection::Exec(const std::string& sql) {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, file_.string());
  return Status::Ok();
}

Result<SqliteStatement> SqliteConnection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
  SqliteStatement statement(db_, stmt);
  if (rc != SQLITE_OK) return Error(rc, file_.string());
  if (stmt == nullptr) return Status::Internal("no SQL in '" + std::string(sql) + "'");
  return statement;
}

Result<SqliteStatement> SqliteConnection::PrepareOneRow(std::string_view sql) {
  TESSERA_ASSIGN_OR_RETURN(SqliteStatement statement, Prepare(sql));
  TESSERA_ASSIGN_OR_RETURN(bool row, statement.Step());
  if (!row) return Status::Internal("no row from '" + std::string(sql) + "'");
  return statement;
}

Result<std::int64_t> SqliteConnection::QueryInt(std::string_view sql) {
  TESSERA_ASSIGN_OR_RETURN(SqliteStatement statement, PrepareOneRow(sql));
  return statement.Int64(0);
}

Result<std::string> SqliteConnection::QueryText(std::string_view sql) {
  TESSERA_ASSIGN_OR_RETURN(SqliteStatement statement, PrepareOneRow(sql));
  return statement.Text(0);
}

std::int64_t SqliteConnection::Changes() const { return sqlite3_changes64(db_); }

Status SqliteConnection::Error(int rc, std::string_view what) const {
  return SqliteStatus(rc, what, db_ != nullptr ? sqlite3_errmsg(db_) : "");
}

}  // namespace tessera::directory::sqlite

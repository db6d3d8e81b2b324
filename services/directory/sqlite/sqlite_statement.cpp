#include "services/directory/sqlite/sqlite_statement.hpp"

#include <sqlite3.h>

#include <utility>

#include "services/directory/sqlite/sqlite_status.hpp"

namespace tessera::directory::sqlite {

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }  // a no-op on null

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(std::move(other.bind_error_)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

void SqliteStatement::Check(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ = SqliteStatus(rc, "bind parameter " + std::to_string(index), sqlite3_errmsg(db_));
  }
}

SqliteStatement& SqliteStatement::Bind(int index, std::int64_t value) {
  Check(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, ByteView blob) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so the view may die before Step().
  // A zero-length blob must still be a blob, not NULL: pass a non-null pointer.
  static constexpr std::uint8_t kEmpty = 0;
  const void* data = blob.empty() ? &kEmpty : blob.data();
  Check(sqlite3_bind_blob64(stmt_, index, data, blob.size(), SQLITE_TRANSIENT), index);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  Check(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
        index);
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  Check(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Result<bool> SqliteStatement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, std::string("run ") + sqlite3_sql(stmt_), sqlite3_errmsg(db_));
}

Status SqliteStatement::Run() {
  TESSERA_ASSIGN_OR_RETURN(bool row, Step());
  if (row) return Status::Internal(std::string("unexpected row from ") + sqlite3_sql(stmt_));
  return Status::Ok();
}

void SqliteStatement::Reset() noexcept {
  // sqlite3_reset repeats the last step's error, which was reported already.
  (void)sqlite3_reset(stmt_);
  (void)sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::Ok();
}

int SqliteStatement::ColumnCount() const { return sqlite3_column_count(stmt_); }

int SqliteStatement::ColumnType(int column) const { return sqlite3_column_type(stmt_, column); }

bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::Int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

Bytes SqliteStatement::Blob(int column) const {
  // sqlite3_column_blob before sqlite3_column_bytes (SQLite docs, "Result Values").
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return {data, data + size};
}

std::string SqliteStatement::Text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return {data, static_cast<std::size_t>(size)};
}

}  // namespace tessera::directory::sqlite

// Database: the directory's storage, one interface over SQLite and
// PostgreSQL (docs/directory.md), with one transaction type.
//
// The stores (services/directory/stores/) are written once, in the SQL both
// backends speak, with $1..$n placeholders; each backend binds them its own
// way. Every call runs inside Transact(): the body runs in one transaction
// that commits when the body returns Ok and rolls back otherwise. A
// transaction that loses a race (SQLite busy past its timeout, PostgreSQL
// serialization failure or deadlock, SQLSTATE 40001/40P01) fails with
// kAborted inside the body; Transact rolls back and runs the body again, up
// to `max_attempts`, so a body must have no effect outside the transaction
// but its return value.
//
// Errors: a unique constraint is kAlreadyExists; a server that cannot be
// reached, or a connection lost mid-transaction, is kUnavailable (the next
// Transact reconnects); SQL or type errors are kInternal; an unusable file or
// schema is kCorrupt or kConditionsNotSatisfied.
//
// Thread-safety: a Database is thread-safe. The SQLite backend runs one
// transaction at a time per Database (a mutex; other processes are kept apart
// by SQLite's locks); the PostgreSQL backend keeps a pool of connections.
// An SqlTransaction belongs to the thread running the body.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::directory {

// NULL, an integer (INTEGER / BIGINT), text (TEXT) or bytes (BLOB / BYTEA).
using SqlValue = std::variant<std::monostate, std::int64_t, std::string, Bytes>;

// One result row. Accessors take the column index from 0; a column of the
// wrong type or out of range is kInternal.
class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> columns) : columns_(std::move(columns)) {}
  bool IsNull(std::size_t column) const;
  Result<std::int64_t> Int(std::size_t column) const;
  Result<std::string> Text(std::size_t column) const;
  Result<Bytes> Blob(std::size_t column) const;
  const std::vector<SqlValue>& columns() const { return columns_; }

 private:
  std::vector<SqlValue> columns_;
};

// Every row of a query decoded by `decode` (SqlRow -> Result<T>); the first
// row that fails to decode fails the whole.
template <typename T, typename Decoder>
Result<std::vector<T>> DecodeAll(const std::vector<SqlRow>& rows, const Decoder& decode) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const SqlRow& row : rows) {
    TESSERA_ASSIGN_OR_RETURN(T value, decode(row));
    out.push_back(std::move(value));
  }
  return out;
}

enum class Backend : std::uint8_t { kSqlite, kPostgresql };

class SqlTransaction {
 public:
  virtual ~SqlTransaction() = default;
  // A statement that returns rows.
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql,
                                            const std::vector<SqlValue>& params = {}) = 0;
  // A statement that returns none; the number of rows it changed.
  virtual Result<std::int64_t> Execute(std::string_view sql,
                                       const std::vector<SqlValue>& params = {}) = 0;
  virtual Backend backend() const = 0;
};

struct DatabaseOptions {
  // How often Transact runs a body that keeps failing with kAborted.
  int max_attempts = 8;
  // SQLite: how long a writer waits for another process's lock.
  std::chrono::milliseconds busy_timeout{5000};
  // PostgreSQL: connections kept open, and how long a connect may take.
  int pool_size = 4;
  std::chrono::seconds connect_timeout{5};
  // Migrate the schema to the newest version on open (the tools do);
  // false: refuse a schema older than this build (tesserad).
  bool migrate = true;
  // With migrate = false: open an older schema as it is instead of refusing
  // it (`tessera directory migrate` and `status` read the version first).
  bool keep_old_schema = false;
  // SQLite: make a missing file (false: kNotFound, e.g. the source of a
  // copy or `tessera directory status`).
  bool create_missing = true;
};

class Database {
 public:
  Database() = default;
  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Serializable (PostgreSQL) or IMMEDIATE (SQLite) transaction.
  virtual Status Transact(const std::function<Status(SqlTransaction&)>& body) = 0;
  // Read-only: may run beside writers (SQLite WAL readers, PostgreSQL
  // READ ONLY). Writing inside is an error.
  virtual Status Read(const std::function<Status(SqlTransaction&)>& body) = 0;
  // Reachable now (GET /healthz): one round trip.
  virtual Status Ping() = 0;
  virtual Backend backend() const = 0;
  // The URL without its password, for logs and errors.
  virtual std::string Describe() const = 0;
  // The schema version the database has.
  virtual Result<std::int64_t> SchemaVersion() = 0;
};

// `url`: "sqlite:PATH" (a new file is made 0600; its folder must exist) or
// "postgresql://..." / "postgres://..." (libpq's URI; "host=/tmp/x" and a
// password in PGPASSWORD or ~/.pgpass work as libpq says). A bare path is
// sqlite. Anything else is kInvalidArgument naming the URL's scheme.
Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url,
                                               const DatabaseOptions& options = {});

// `url` without its password, for messages and logs:
// "postgresql://u:secret@h/db?password=x" -> "postgresql://u@h/db?password=***".
std::string RedactUrl(std::string_view url);

}  // namespace tessera::directory

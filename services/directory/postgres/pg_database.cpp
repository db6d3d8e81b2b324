#include "services/directory/postgres/pg_database.hpp"

#include <utility>

#include "services/directory/migrations.hpp"
#include "services/directory/postgres/pg_pool.hpp"
#include "services/directory/retry.hpp"

namespace tessera::directory {
namespace {

using pg::PgConnection;
using pg::PgLease;
using pg::PgPool;

// "TSDR", as the SQLite files' application_id: the advisory lock key that
// keeps two nodes from migrating at once.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(1414743122)";

// The advisory lock key writers queue on ("TSDW"); the migration lock is
// 1414743122 ("TSDR").
constexpr long long kWriterLock = 1414743127;

class PgSqlTransaction final : public SqlTransaction {
 public:
  explicit PgSqlTransaction(PgConnection& connection) : connection_(connection) {}

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    return connection_.Query(sql, params);
  }
  Result<std::int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params) override {
    std::int64_t changed = 0;
    TESSERA_RETURN_IF_ERROR(connection_.Query(sql, params, &changed).status());
    return changed;
  }
  Backend backend() const override { return Backend::kPostgresql; }

 private:
  PgConnection& connection_;
};

// Runs `body` between `begin` and COMMIT on `connection`; rolls back unless
// it commits. A kUnavailable anywhere marks the connection broken.
Status RunIn(PgConnection& connection, const std::string& begin,
             const std::function<Status(SqlTransaction&)>& body) {
  Status status = connection.Exec(begin);
  if (status.ok()) {
    PgSqlTransaction tx(connection);
    status = body(tx);
    if (status.ok()) {
      status = connection.Exec("COMMIT");
    } else if (!connection.broken()) {
      (void)connection.Exec("ROLLBACK");  // the body's status is the one to report
    }
  }
  if (status.code() == Code::kUnavailable || connection.broken()) connection.MarkBroken();
  if (connection.broken() && status.ok()) {
    return Status::Unavailable("the connection to the directory broke");
  }
  return status;
}

Result<std::int64_t> ReadVersion(PgConnection& connection) {
  TESSERA_ASSIGN_OR_RETURN(
      auto exists,
      connection.Query("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                       "AND tablename = 'schema_version'",
                       {}));
  if (exists.empty()) return std::int64_t{0};
  TESSERA_ASSIGN_OR_RETURN(auto rows, connection.Query("SELECT version FROM schema_version", {}));
  if (rows.empty()) return std::int64_t{0};
  return rows.front().Int(0);
}

// Every missing migration, in one transaction under the advisory lock.
Status Migrate(PgConnection& connection, const std::string& where) {
  return RunIn(connection, "BEGIN", [&](SqlTransaction&) -> Status {
    TESSERA_RETURN_IF_ERROR(connection.Exec(kMigrationLock));
    TESSERA_ASSIGN_OR_RETURN(std::int64_t version, ReadVersion(connection));
    if (version > kSchemaVersion) return SchemaTooNew(where, version);
    if (version == kSchemaVersion) return Status::Ok();
    if (version == 0) {
      TESSERA_RETURN_IF_ERROR(
          connection.Exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL); "
                          "DELETE FROM schema_version; INSERT INTO schema_version VALUES (0)"));
    }
    for (const Migration& migration : Migrations(Backend::kPostgresql)) {
      if (migration.version <= version) continue;
      TESSERA_RETURN_IF_ERROR(connection.Exec(migration.sql));
    }
    return connection.Exec("UPDATE schema_version SET version = " + std::to_string(kSchemaVersion));
  });
}

class PgDatabase final : public Database {
 public:
  PgDatabase(const std::string& url, std::string description, const DatabaseOptions& options)
      : description_(std::move(description)),
        options_(options),
        pool_(url, description_, options.pool_size, options.connect_timeout) {}

  // Writers queue on a session-level advisory lock taken before BEGIN, so
  // that their snapshots are taken one after another: every state change
  // appends to the one audit head, so concurrent writers would otherwise
  // mostly abort each other (SQLSTATE 40001) and burn their retries.
  // SERIALIZABLE stays as the guarantee; the lock only makes it cheap. The
  // server drops the lock with the session when a connection breaks.
  Status Transact(const std::function<Status(SqlTransaction&)>& body) override {
    return RetryAborted(options_.max_attempts, [&]() -> Status {
      TESSERA_ASSIGN_OR_RETURN(PgLease lease, pool_.Acquire());
      Status locked = lease->Exec("SELECT pg_advisory_lock(" + std::to_string(kWriterLock) + ")");
      if (!locked.ok()) {
        lease->MarkBroken();
        return locked;
      }
      Status status = RunIn(*lease, "BEGIN ISOLATION LEVEL SERIALIZABLE", body);
      if (!lease->broken() &&
          !lease->Exec("SELECT pg_advisory_unlock(" + std::to_string(kWriterLock) + ")").ok()) {
        lease->MarkBroken();  // a session that may still hold the lock is not reused
      }
      return status;
    });
  }

  Status Read(const std::function<Status(SqlTransaction&)>& body) override {
    return Run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body);
  }

  Status Ping() override {
    TESSERA_ASSIGN_OR_RETURN(PgLease lease, pool_.Acquire());
    Status status = lease->Exec("SELECT 1");
    if (!status.ok()) lease->MarkBroken();
    return status;
  }

  Backend backend() const override { return Backend::kPostgresql; }
  std::string Describe() const override { return description_; }

  Result<std::int64_t> SchemaVersion() override {
    TESSERA_ASSIGN_OR_RETURN(PgLease lease, pool_.Acquire());
    Result<std::int64_t> version = ReadVersion(*lease);
    if (!version.ok() && version.status().code() == Code::kUnavailable) lease->MarkBroken();
    return version;
  }

 private:
  Status Run(const std::string& begin, const std::function<Status(SqlTransaction&)>& body) {
    return RetryAborted(options_.max_attempts, [&]() -> Status {
      TESSERA_ASSIGN_OR_RETURN(PgLease lease, pool_.Acquire());
      return RunIn(*lease, begin, body);
    });
  }

  const std::string description_;
  const DatabaseOptions options_;
  PgPool pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url,
                                                       const DatabaseOptions& options) {
  std::string description = RedactUrl(url);
  TESSERA_ASSIGN_OR_RETURN(PgConnection connection,
                           PgConnection::Connect(url, description, options.connect_timeout));
  if (options.migrate) {
    TESSERA_RETURN_IF_ERROR(Migrate(connection, description));
  } else {
    TESSERA_ASSIGN_OR_RETURN(std::int64_t version, ReadVersion(connection));
    if (version > kSchemaVersion) return SchemaTooNew(description, version);
    if (version < kSchemaVersion && !options.keep_old_schema) {
      return SchemaTooOld(description, version);
    }
  }
  return std::unique_ptr<Database>(
      std::make_unique<PgDatabase>(url, std::move(description), options));
}

}  // namespace tessera::directory

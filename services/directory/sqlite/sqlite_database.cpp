#include "services/directory/sqlite/sqlite_database.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <mutex>
#include <system_error>
#include <utility>

#include "common/unique_fd.hpp"
#include "services/directory/retry.hpp"
#include "services/directory/sqlite/sqlite_connection.hpp"
#include "services/directory/sqlite/sqlite_schema.hpp"
#include "services/directory/sqlite/sqlite_sql_transaction.hpp"
#include "services/directory/sqlite/sqlite_transaction.hpp"

namespace tessera::directory {
namespace {

using sqlite::SqliteConnection;
using sqlite::SqliteSqlTransaction;
using sqlite::SqliteTransaction;
using sqlite::StatementCache;

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

// A new file is made here, not by SQLite, so that it is 0600 whatever the
// umask; an existing one is left alone.
Status CreateIfMissing(const std::filesystem::path& file) {
  std::filesystem::path parent = file.parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(parent, ec)) {
    return Status::NotFound("cannot open the token directory " + file.string() + ": " +
                            parent.string() + " is not an existing directory");
  }
  UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST) return Status::Ok();
    return Status::IoError("create " + file.string() + ": " + ErrnoText(errno));
  }
  if (::fchmod(fd.get(), 0600) != 0) {
    return Status::IoError("chmod 600 " + file.string() + ": " + ErrnoText(errno));
  }
  return Status::Ok();
}

// One connection, its statement cache and the mutex that serializes both.
// The cache is declared after the connection: statements die first.
struct Lane {
  explicit Lane(SqliteConnection connection) : db(std::move(connection)) {}
  std::mutex mu;
  SqliteConnection db;
  StatementCache cache;
};

// Runs `body` in a transaction `begin` opens on `lane`; commits on Ok.
template <typename Begin>
Status RunIn(Lane& lane, const Begin& begin, const std::function<Status(SqlTransaction&)>& body) {
  std::lock_guard lock(lane.mu);
  TESSERA_ASSIGN_OR_RETURN(SqliteTransaction tx, begin(lane.db));
  SqliteSqlTransaction sql(lane.db, lane.cache);
  TESSERA_RETURN_IF_ERROR(body(sql));  // tx rolls back as it goes
  return tx.Commit();
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(SqliteConnection writer, SqliteConnection reader, DatabaseOptions options)
      : writer_(std::move(writer)), reader_(std::move(reader)), options_(options) {}

  Status Transact(const std::function<Status(SqlTransaction&)>& body) override {
    return RetryAborted(options_.max_attempts,
                        [&] { return RunIn(writer_, SqliteTransaction::BeginImmediate, body); });
  }

  Status Read(const std::function<Status(SqlTransaction&)>& body) override {
    return RetryAborted(options_.max_attempts,
                        [&] { return RunIn(reader_, SqliteTransaction::BeginDeferred, body); });
  }

  Status Ping() override {
    std::lock_guard lock(reader_.mu);
    return reader_.db.QueryInt("SELECT 1").status();
  }

  Backend backend() const override { return Backend::kSqlite; }
  std::string Describe() const override { return "sqlite:" + writer_.db.file().string(); }

  Result<std::int64_t> SchemaVersion() override {
    std::lock_guard lock(reader_.mu);
    return sqlite::ReadSchemaVersion(reader_.db);
  }

 private:
  Lane writer_;
  Lane reader_;
  DatabaseOptions options_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::filesystem::path& file,
                                                     const DatabaseOptions& options) {
  if (options.create_missing) {
    TESSERA_RETURN_IF_ERROR(CreateIfMissing(file));
  } else if (std::error_code ec; !std::filesystem::exists(file, ec)) {
    return Status::NotFound("there is no directory " + file.string());
  }
  TESSERA_ASSIGN_OR_RETURN(SqliteConnection writer,
                           SqliteConnection::Open(file, options.busy_timeout));
  sqlite::OldSchema old_schema = sqlite::OldSchema::kMigrate;
  if (!options.migrate) {
    old_schema = options.keep_old_schema ? sqlite::OldSchema::kKeep : sqlite::OldSchema::kRefuse;
  }
  TESSERA_RETURN_IF_ERROR(sqlite::OpenSchema(writer, old_schema));
  TESSERA_ASSIGN_OR_RETURN(SqliteConnection reader,
                           SqliteConnection::Open(file, options.busy_timeout));
  // Read() is read-only (database.hpp): a write there fails at once.
  TESSERA_RETURN_IF_ERROR(reader.Exec("PRAGMA query_only = ON; PRAGMA foreign_keys = ON"));
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(std::move(writer), std::move(reader), options));
}

}  // namespace tessera::directory

#include "services/directory/sqlite/sqlite_directory.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <mutex>
#include <system_error>
#include <utility>

#include "common/unique_fd.hpp"
#include "services/directory/sqlite/sqlite_connection.hpp"
#include "services/directory/sqlite/sqlite_schema.hpp"
#include "services/directory/sqlite/sqlite_token_table.hpp"
#include "services/directory/sqlite/sqlite_transaction.hpp"
#include "services/directory/transitions.hpp"

namespace tessera::directory {
namespace {

using sqlite::SqliteConnection;
using sqlite::SqliteTransaction;

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

class SqliteDirectory final : public Directory {
 public:
  SqliteDirectory(SqliteConnection db, UnixClock clock)
      : db_(std::move(db)), clock_(std::move(clock)) {}

  Result<std::optional<TokenRecord>> FindByUid(ByteView uid) const override {
    TESSERA_RETURN_IF_ERROR(ValidateUid(uid));
    std::lock_guard lock(mu_);
    return sqlite::SelectTokenByUid(db_, uid);
  }

  Result<std::optional<TokenRecord>> FindBySerial(std::uint32_t serial) const override {
    std::lock_guard lock(mu_);
    return sqlite::SelectTokenBySerial(db_, serial);
  }

  Result<std::vector<TokenRecord>> List() const override {
    std::lock_guard lock(mu_);
    return sqlite::SelectAllTokens(db_);
  }

  Status RecordPersonalizing(ByteView uid, std::uint32_t serial, ByteView cryptogram,
                             std::uint8_t krk_version, std::uint8_t mk_version) override {
    const PersonalizingRequest request{uid, serial, cryptogram, krk_version, mk_version};
    TESSERA_RETURN_IF_ERROR(ValidateUid(uid));
    TESSERA_RETURN_IF_ERROR(ValidateCryptogram(cryptogram));
    std::lock_guard lock(mu_);
    TESSERA_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::BeginImmediate(db_));
    TESSERA_ASSIGN_OR_RETURN(auto by_uid, sqlite::SelectTokenByUid(db_, uid));
    TESSERA_ASSIGN_OR_RETURN(auto by_serial, sqlite::SelectTokenBySerial(db_, serial));
    TESSERA_ASSIGN_OR_RETURN(TokenRecord next,
                             PlanRecordPersonalizing(by_uid, by_serial, request, clock_()));
    TESSERA_RETURN_IF_ERROR(by_uid ? sqlite::UpdateToken(db_, next)
                                   : sqlite::InsertToken(db_, next));
    return tx.Commit();
  }

  Status MarkPersonalized(ByteView uid, ByteView cryptogram) override {
    return Change(uid, [&](const TokenRecord& current) {
      return PlanMarkPersonalized(current, cryptogram, clock_());
    });
  }

  Status SettleMkVersion(ByteView uid, std::uint8_t proven_mk_version) override {
    return Change(uid, [&](const TokenRecord& current) {
      return PlanSettleMkVersion(current, proven_mk_version, clock_());
    });
  }

  Status BeginReplacement(ByteView uid, std::uint8_t target_mk_version) override {
    return Change(uid, [&](const TokenRecord& current) {
      return PlanBeginReplacement(current, target_mk_version, clock_());
    });
  }

  Status FinishReplacement(ByteView uid, std::uint8_t new_mk_version) override {
    return Change(uid, [&](const TokenRecord& current) {
      return PlanFinishReplacement(current, new_mk_version, clock_());
    });
  }

  Status MarkTerminated(ByteView uid) override {
    return Change(
        uid, [this](const TokenRecord& current) { return PlanMarkTerminated(current, clock_()); });
  }

 private:
  // One transaction: read the UID's row, plan its next state, write it back.
  template <typename Plan>
  Status Change(ByteView uid, const Plan& plan) {
    TESSERA_RETURN_IF_ERROR(ValidateUid(uid));
    std::lock_guard lock(mu_);
    TESSERA_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::BeginImmediate(db_));
    TESSERA_ASSIGN_OR_RETURN(auto current, sqlite::SelectTokenByUid(db_, uid));
    if (!current) return UnknownUid(uid);
    TESSERA_ASSIGN_OR_RETURN(TokenRecord next, plan(*current));
    if (next == *current) return Status::Ok();  // a no-op; nothing to commit
    TESSERA_RETURN_IF_ERROR(sqlite::UpdateToken(db_, next));
    return tx.Commit();
  }

  // Reads are const to callers but use the connection: both sit behind mu_.
  mutable std::mutex mu_;
  mutable SqliteConnection db_;
  UnixClock clock_;
};

}  // namespace

Result<std::unique_ptr<Directory>> OpenSqliteDirectory(const std::filesystem::path& file,
                                                       const SqliteDirectoryOptions& options) {
  if (!options.clock) return Status::InvalidArgument("SqliteDirectoryOptions without a clock");
  TESSERA_RETURN_IF_ERROR(CreateIfMissing(file));
  TESSERA_ASSIGN_OR_RETURN(SqliteConnection db, SqliteConnection::Open(file, options.busy_timeout));
  TESSERA_RETURN_IF_ERROR(sqlite::OpenSchema(db));
  return std::unique_ptr<Directory>(
      std::make_unique<SqliteDirectory>(std::move(db), options.clock));
}

}  // namespace tessera::directory

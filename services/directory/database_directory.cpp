// Directory on a Database: each call is one transaction that reads the row,
// plans its next state with transitions.hpp and writes it back, so the
// lifecycle rules live once and hold on every backend.
#include <utility>

#include "services/directory/directory.hpp"
#include "services/directory/stores/token_store.hpp"
#include "services/directory/transitions.hpp"

namespace tessera::directory {
namespace {

class DatabaseDirectory final : public Directory {
 public:
  DatabaseDirectory(std::shared_ptr<Database> db, UnixClock clock)
      : db_(std::move(db)), clock_(std::move(clock)) {}

  Result<std::optional<TokenRecord>> FindByUid(ByteView uid) const override {
    TESSERA_RETURN_IF_ERROR(ValidateUid(uid));
    std::optional<TokenRecord> found;
    TESSERA_RETURN_IF_ERROR(db_->Read([&](SqlTransaction& tx) {
      TESSERA_ASSIGN_OR_RETURN(found, SelectTokenByUid(tx, uid));
      return Status::Ok();
    }));
    return found;
  }

  Result<std::optional<TokenRecord>> FindBySerial(std::uint32_t serial) const override {
    std::optional<TokenRecord> found;
    TESSERA_RETURN_IF_ERROR(db_->Read([&](SqlTransaction& tx) {
      TESSERA_ASSIGN_OR_RETURN(found, SelectTokenBySerial(tx, serial));
      return Status::Ok();
    }));
    return found;
  }

  Result<std::vector<TokenRecord>> List() const override {
    std::vector<TokenRecord> all;
    TESSERA_RETURN_IF_ERROR(db_->Read([&](SqlTransaction& tx) {
      TESSERA_ASSIGN_OR_RETURN(all, SelectAllTokens(tx));
      return Status::Ok();
    }));
    return all;
  }

  Status RecordPersonalizing(ByteView uid, std::uint32_t serial, ByteView cryptogram,
                             std::uint8_t krk_version, std::uint8_t mk_version) override {
    const PersonalizingRequest request{uid, serial, cryptogram, krk_version, mk_version};
    TESSERA_RETURN_IF_ERROR(ValidateUid(uid));
    TESSERA_RETURN_IF_ERROR(ValidateCryptogram(cryptogram));
    return db_->Transact([&](SqlTransaction& tx) -> Status {
      TESSERA_ASSIGN_OR_RETURN(auto by_uid, SelectTokenByUid(tx, uid));
      TESSERA_ASSIGN_OR_RETURN(auto by_serial, SelectTokenBySerial(tx, serial));
      TESSERA_ASSIGN_OR_RETURN(TokenRecord next,
                               PlanRecordPersonalizing(by_uid, by_serial, request, clock_()));
      return by_uid ? UpdateToken(tx, next) : InsertToken(tx, next);
    });
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
    return db_->Transact([&](SqlTransaction& tx) -> Status {
      TESSERA_ASSIGN_OR_RETURN(auto current, SelectTokenByUid(tx, uid));
      if (!current) return UnknownUid(uid);
      TESSERA_ASSIGN_OR_RETURN(TokenRecord next, plan(*current));
      if (next == *current) return Status::Ok();  // a no-op; nothing to write
      return UpdateToken(tx, next);
    });
  }

  std::shared_ptr<Database> db_;
  UnixClock clock_;
};

}  // namespace

Result<std::unique_ptr<Directory>> OpenDirectory(std::string_view url,
                                                 const DirectoryOptions& options) {
  if (!options.clock) return Status::InvalidArgument("DirectoryOptions without a clock");
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenDatabase(url, options.database));
  return MakeDirectory(std::move(db), options.clock);
}

std::unique_ptr<Directory> MakeDirectory(std::shared_ptr<Database> database, UnixClock clock) {
  return std::make_unique<DatabaseDirectory>(std::move(database), std::move(clock));
}

}  // namespace tessera::directory

// The CMS store (cms_store.hpp): the bindings of users to tokens, and the
// certificates recorded on a token.
#include <string_view>

#include "services/directory/stores/cms_store.hpp"
#include "services/directory/stores/row_values.hpp"

namespace tessera::directory {
namespace {

using row_values::Optional;
using row_values::OptionalInt;
using row_values::OptionalSmallInt;
using row_values::Serial32;
using row_values::Word;

constexpr std::string_view kBindingSelect =
    "SELECT id, user_id, token_serial, state, ca, cert_serial, created_at, updated_at, "
    "activated_at, revoked_at, revoked_reason FROM bindings ";
constexpr std::string_view kLive = "state IN ('pending', 'active')";
constexpr std::string_view kNewestFirst = " ORDER BY created_at DESC, id DESC";

Result<BindingRecord> DecodeBinding(const SqlRow& row) {
  BindingRecord binding;
  TESSERA_ASSIGN_OR_RETURN(binding.id, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(binding.user_id, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(binding.token_serial, Serial32(row, 2, "binding token serial"));
  TESSERA_ASSIGN_OR_RETURN(binding.state,
                           Word(row, 3, "binding state", {"pending", "active", "revoked"}));
  TESSERA_ASSIGN_OR_RETURN(binding.ca, row.Text(4));
  TESSERA_ASSIGN_OR_RETURN(binding.cert_serial, row.Blob(5));
  TESSERA_ASSIGN_OR_RETURN(binding.created_at, row.Int(6));
  TESSERA_ASSIGN_OR_RETURN(binding.updated_at, row.Int(7));
  TESSERA_ASSIGN_OR_RETURN(binding.activated_at, OptionalInt(row, 8));
  TESSERA_ASSIGN_OR_RETURN(binding.revoked_at, OptionalInt(row, 9));
  TESSERA_ASSIGN_OR_RETURN(binding.revoked_reason, OptionalSmallInt(row, 10));
  return binding;
}

std::vector<SqlValue> BindingValues(const BindingRecord& binding) {
  return {binding.id,
          binding.user_id,
          std::int64_t{binding.token_serial},
          binding.state,
          binding.ca,
          binding.cert_serial,
          binding.created_at,
          binding.updated_at,
          Optional(binding.activated_at),
          Optional(binding.revoked_at),
          Optional(binding.revoked_reason)};
}

Result<std::vector<BindingRecord>> Bindings(SqlTransaction& tx, const std::string& where,
                                            const SqlValue& key) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kBindingSelect) + where, {key}));
  return DecodeAll<BindingRecord>(rows, DecodeBinding);
}

// kAlreadyExists naming the live binding `where` finds, if any.
Status RefuseLive(SqlTransaction& tx, const std::string& where, const SqlValue& key,
                  const std::string& whose) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT id FROM bindings WHERE " + where + " AND " + std::string(kLive), {key}));
  if (rows.empty()) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(std::string id, rows.front().Text(0));
  return Status::AlreadyExists(whose + " has a live binding already (" + id + ")");
}

}  // namespace

Status InsertBinding(SqlTransaction& tx, const BindingRecord& binding) {
  // Checked first for the message, and because a failed statement ends a
  // PostgreSQL transaction; the primary key and the partial unique indexes
  // bindings_live_user and bindings_live_token still decide a race.
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM bindings WHERE id = $1", {binding.id}));
  if (!taken.empty()) return Status::AlreadyExists("binding " + binding.id + " exists already");
  if (binding.state == "pending" || binding.state == "active") {
    TESSERA_RETURN_IF_ERROR(
        RefuseLive(tx, "user_id = $1", binding.user_id, "user '" + binding.user_id + "'"));
    TESSERA_RETURN_IF_ERROR(RefuseLive(tx, "token_serial = $1", std::int64_t{binding.token_serial},
                                       "token " + std::to_string(binding.token_serial)));
  }
  return tx
      .Execute(
          "INSERT INTO bindings (id, user_id, token_serial, state, ca, cert_serial, created_at, "
          "updated_at, activated_at, revoked_at, revoked_reason) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
          BindingValues(binding))
      .status();
}

Result<std::optional<BindingRecord>> FindBinding(SqlTransaction& tx, const std::string& id) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<BindingRecord> found, Bindings(tx, "WHERE id = $1", id));
  if (found.empty()) return std::optional<BindingRecord>();
  return std::optional<BindingRecord>(std::move(found.front()));
}

Result<std::vector<BindingRecord>> LiveBindingsOfUser(SqlTransaction& tx,
                                                      const std::string& user_id) {
  return Bindings(tx, "WHERE user_id = $1 AND " + std::string(kLive) + std::string(kNewestFirst),
                  user_id);
}

Result<std::optional<BindingRecord>> LiveBindingOfToken(SqlTransaction& tx, std::uint32_t serial) {
  TESSERA_ASSIGN_OR_RETURN(
      std::vector<BindingRecord> live,
      Bindings(tx, "WHERE token_serial = $1 AND " + std::string(kLive), std::int64_t{serial}));
  if (live.size() > 1) {
    // The partial unique index bindings_live_token forbids it.
    return Status::Corrupt("token " + std::to_string(serial) + " has " +
                           std::to_string(live.size()) + " live bindings");
  }
  if (live.empty()) return std::optional<BindingRecord>();
  return std::optional<BindingRecord>(std::move(live.front()));
}

Result<std::vector<BindingRecord>> BindingsOfUser(SqlTransaction& tx, const std::string& user_id) {
  return Bindings(tx, "WHERE user_id = $1" + std::string(kNewestFirst), user_id);
}

Result<std::vector<BindingRecord>> BindingsOfToken(SqlTransaction& tx, std::uint32_t serial) {
  return Bindings(tx, "WHERE token_serial = $1" + std::string(kNewestFirst), std::int64_t{serial});
}

Status UpdateBinding(SqlTransaction& tx, const BindingRecord& binding) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE bindings SET user_id = $2, token_serial = $3, state = $4, ca = $5, "
                 "cert_serial = $6, created_at = $7, updated_at = $8, activated_at = $9, "
                 "revoked_at = $10, revoked_reason = $11 WHERE id = $1",
                 BindingValues(binding)));
  if (changed == 0) return Status::NotFound("no binding " + binding.id + " in the directory");
  return Status::Ok();
}

Result<std::vector<CertificateRef>> UnrevokedCertificatesOfToken(SqlTransaction& tx,
                                                                 std::uint32_t serial) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT c.ca, c.serial FROM certificates c WHERE c.token_serial = $1 AND NOT "
               "EXISTS (SELECT 1 FROM revocations r WHERE r.ca = c.ca AND r.serial = c.serial) "
               "ORDER BY c.issued_at, c.ca, c.serial",
               {std::int64_t{serial}}));
  return DecodeAll<CertificateRef>(rows, [](const SqlRow& row) -> Result<CertificateRef> {
    CertificateRef ref;
    TESSERA_ASSIGN_OR_RETURN(ref.ca, row.Text(0));
    TESSERA_ASSIGN_OR_RETURN(ref.serial, row.Blob(1));
    return ref;
  });
}

}  // namespace tessera::directory

// The soft-token store (softtoken_store.hpp): issuers and channel-1 nonces.
// Requests are in softtoken_store_requests.cpp, tokens and their statuses
// in softtoken_store_tokens.cpp.
#include "services/directory/stores/softtoken_store.hpp"

#include <string_view>

#include "services/directory/stores/row_values.hpp"

namespace tessera::directory {
namespace {

using row_values::DecodeFirst;
using row_values::Optional;
using row_values::OptionalInt;

constexpr std::string_view kIssuerSelect =
    "SELECT name, hsm, hsm_key_id, ca, cert_serial, created_at FROM st_issuers ";
constexpr std::string_view kNonceSelect =
    "SELECT nonce, created_at, expires_at, used_at FROM st_nonces ";

Result<SoftTokenIssuerRecord> DecodeIssuer(const SqlRow& row) {
  SoftTokenIssuerRecord issuer;
  TESSERA_ASSIGN_OR_RETURN(issuer.name, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(issuer.hsm, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(issuer.hsm_key_id, row.Blob(2));
  TESSERA_ASSIGN_OR_RETURN(issuer.ca, row.Text(3));
  TESSERA_ASSIGN_OR_RETURN(issuer.cert_serial, row.Blob(4));
  TESSERA_ASSIGN_OR_RETURN(issuer.created_at, row.Int(5));
  return issuer;
}

Result<SoftTokenNonceRecord> DecodeNonce(const SqlRow& row) {
  SoftTokenNonceRecord nonce;
  TESSERA_ASSIGN_OR_RETURN(nonce.nonce, row.Blob(0));
  TESSERA_ASSIGN_OR_RETURN(nonce.created_at, row.Int(1));
  TESSERA_ASSIGN_OR_RETURN(nonce.expires_at, row.Int(2));
  TESSERA_ASSIGN_OR_RETURN(nonce.used_at, OptionalInt(row, 3));
  return nonce;
}

}  // namespace

// ---- issuers ----

Status InsertStIssuer(SqlTransaction& tx, const SoftTokenIssuerRecord& issuer) {
  // Checked first for the message, and because a failed statement ends a
  // PostgreSQL transaction; the keys still decide a race.
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM st_issuers WHERE name = $1 OR (ca = $2 AND "
                                    "cert_serial = $3)",
                                    {issuer.name, issuer.ca, issuer.cert_serial}));
  if (!taken.empty()) {
    return Status::AlreadyExists("soft-token issuer '" + issuer.name +
                                 "' or its certificate exists already");
  }
  return tx
      .Execute(
          "INSERT INTO st_issuers (name, hsm, hsm_key_id, ca, cert_serial, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6)",
          {issuer.name, issuer.hsm, issuer.hsm_key_id, issuer.ca, issuer.cert_serial,
           issuer.created_at})
      .status();
}

Result<std::optional<SoftTokenIssuerRecord>> FindStIssuer(SqlTransaction& tx,
                                                          const std::string& name) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(kIssuerSelect) + "WHERE name = $1", {name}));
  return DecodeFirst<SoftTokenIssuerRecord>(rows, DecodeIssuer);
}

Result<std::vector<SoftTokenIssuerRecord>> ListStIssuers(SqlTransaction& tx) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kIssuerSelect) + "ORDER BY name"));
  return DecodeAll<SoftTokenIssuerRecord>(rows, DecodeIssuer);
}

// ---- nonces ----

Status InsertStNonce(SqlTransaction& tx, const SoftTokenNonceRecord& nonce) {
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM st_nonces WHERE nonce = $1", {nonce.nonce}));
  if (!taken.empty()) return Status::AlreadyExists("the nonce was issued before");
  return tx
      .Execute(
          "INSERT INTO st_nonces (nonce, created_at, expires_at, used_at) "
          "VALUES ($1, $2, $3, $4)",
          {nonce.nonce, nonce.created_at, nonce.expires_at, Optional(nonce.used_at)})
      .status();
}

Result<std::optional<SoftTokenNonceRecord>> FindStNonce(SqlTransaction& tx, ByteView nonce) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kNonceSelect) + "WHERE nonce = $1",
                                               {Bytes(nonce.begin(), nonce.end())}));
  return DecodeFirst<SoftTokenNonceRecord>(rows, DecodeNonce);
}

Status ConsumeStNonce(SqlTransaction& tx, ByteView nonce, std::int64_t now) {
  const Bytes key(nonce.begin(), nonce.end());
  // One statement checks and marks: of two transactions only the first to
  // write finds the row unused (SQLite's write lock, PostgreSQL's
  // SERIALIZABLE).
  TESSERA_ASSIGN_OR_RETURN(std::int64_t changed,
                           tx.Execute("UPDATE st_nonces SET used_at = $2 "
                                      "WHERE nonce = $1 AND used_at IS NULL AND expires_at > $2",
                                      {key, now}));
  if (changed == 1) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(std::optional<SoftTokenNonceRecord> found, FindStNonce(tx, nonce));
  if (!found) return Status::NotFound("the nonce was never issued (or was purged)");
  if (found->used_at) {
    return Status::ConditionsNotSatisfied("the nonce was used already, at " +
                                          std::to_string(*found->used_at));
  }
  return Status::ConditionsNotSatisfied("the nonce expired at " +
                                        std::to_string(found->expires_at) + " (now " +
                                        std::to_string(now) + ")");
}

Result<std::int64_t> PurgeStNonces(SqlTransaction& tx, std::int64_t before) {
  return tx.Execute("DELETE FROM st_nonces WHERE expires_at < $1", {before});
}

}  // namespace tessera::directory

// The CMS store (cms_store.hpp): E-form nonces and requests.
#include <string_view>

#include "services/directory/stores/cms_store.hpp"
#include "services/directory/stores/row_values.hpp"

namespace tessera::directory {
namespace {

using row_values::DecodeFirst;
using row_values::Optional;
using row_values::OptionalBlob;
using row_values::OptionalInt;
using row_values::OptionalText;
using row_values::Serial32;
using row_values::Word;

constexpr std::string_view kNonceSelect =
    "SELECT nonce, officer_id, issued_at, expires_at, used_at FROM cms_nonces ";
constexpr std::string_view kRequestSelect =
    "SELECT id, user_id, token_serial, officer_id, state, eform_v1, eform_v2, eform_v2_signed, "
    "ca, cert_serial, created_at, updated_at FROM cms_requests ";

Result<NonceRecord> DecodeNonce(const SqlRow& row) {
  NonceRecord nonce;
  TESSERA_ASSIGN_OR_RETURN(nonce.nonce, row.Blob(0));
  TESSERA_ASSIGN_OR_RETURN(nonce.officer_id, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(nonce.issued_at, row.Int(2));
  TESSERA_ASSIGN_OR_RETURN(nonce.expires_at, row.Int(3));
  TESSERA_ASSIGN_OR_RETURN(nonce.used_at, OptionalInt(row, 4));
  return nonce;
}

Result<CmsRequestRecord> DecodeRequest(const SqlRow& row) {
  CmsRequestRecord request;
  TESSERA_ASSIGN_OR_RETURN(request.id, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(request.user_id, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(request.token_serial, Serial32(row, 2, "request token serial"));
  TESSERA_ASSIGN_OR_RETURN(request.officer_id, row.Text(3));
  TESSERA_ASSIGN_OR_RETURN(
      request.state, Word(row, 4, "request state", {"v2-sent", "bound", "active", "revoked"}));
  TESSERA_ASSIGN_OR_RETURN(request.eform_v1, row.Blob(5));
  TESSERA_ASSIGN_OR_RETURN(request.eform_v2, row.Blob(6));
  TESSERA_ASSIGN_OR_RETURN(request.eform_v2_signed, OptionalBlob(row, 7));
  TESSERA_ASSIGN_OR_RETURN(request.ca, OptionalText(row, 8));
  TESSERA_ASSIGN_OR_RETURN(request.cert_serial, OptionalBlob(row, 9));
  TESSERA_ASSIGN_OR_RETURN(request.created_at, row.Int(10));
  TESSERA_ASSIGN_OR_RETURN(request.updated_at, row.Int(11));
  return request;
}

std::vector<SqlValue> RequestValues(const CmsRequestRecord& request) {
  return {request.id,
          request.user_id,
          std::int64_t{request.token_serial},
          request.officer_id,
          request.state,
          request.eform_v1,
          request.eform_v2,
          Optional(request.eform_v2_signed),
          Optional(request.ca),
          Optional(request.cert_serial),
          request.created_at,
          request.updated_at};
}

}  // namespace

Status InsertNonce(SqlTransaction& tx, const NonceRecord& nonce) {
  // Checked first for the message, and because a failed statement ends a
  // PostgreSQL transaction; the primary key still decides a race.
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM cms_nonces WHERE nonce = $1", {nonce.nonce}));
  if (!taken.empty()) return Status::AlreadyExists("the nonce was issued before");
  return tx
      .Execute(
          "INSERT INTO cms_nonces (nonce, officer_id, issued_at, expires_at, used_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {nonce.nonce, nonce.officer_id, nonce.issued_at, nonce.expires_at,
           Optional(nonce.used_at)})
      .status();
}

Result<std::optional<NonceRecord>> FindNonce(SqlTransaction& tx, ByteView nonce) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kNonceSelect) + "WHERE nonce = $1",
                                               {Bytes(nonce.begin(), nonce.end())}));
  return DecodeFirst<NonceRecord>(rows, DecodeNonce);
}

Status ConsumeNonce(SqlTransaction& tx, ByteView nonce, std::int64_t now) {
  const Bytes key(nonce.begin(), nonce.end());
  // One statement checks and marks (cms_store.hpp): of two transactions only
  // the first to write finds the row unused; SQLite's write lock or
  // PostgreSQL's SERIALIZABLE makes the second see the first's mark or abort.
  TESSERA_ASSIGN_OR_RETURN(std::int64_t changed,
                           tx.Execute("UPDATE cms_nonces SET used_at = $2 "
                                      "WHERE nonce = $1 AND used_at IS NULL AND expires_at > $2",
                                      {key, now}));
  if (changed == 1) return Status::Ok();
  // Nothing changed: find out why, for the message.
  TESSERA_ASSIGN_OR_RETURN(std::optional<NonceRecord> found, FindNonce(tx, nonce));
  if (!found) return Status::NotFound("the nonce was never issued (or was purged)");
  if (found->used_at) {
    return Status::ConditionsNotSatisfied("the nonce was used already, at " +
                                          std::to_string(*found->used_at));
  }
  return Status::ConditionsNotSatisfied("the nonce expired at " +
                                        std::to_string(found->expires_at) + " (now " +
                                        std::to_string(now) + ")");
}

Result<std::int64_t> PurgeNonces(SqlTransaction& tx, std::int64_t before) {
  return tx.Execute("DELETE FROM cms_nonces WHERE expires_at < $1", {before});
}

Status InsertCmsRequest(SqlTransaction& tx, const CmsRequestRecord& request) {
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM cms_requests WHERE id = $1", {request.id}));
  if (!taken.empty()) {
    return Status::AlreadyExists("request " + request.id + " exists already");
  }
  return tx
      .Execute(
          "INSERT INTO cms_requests (id, user_id, token_serial, officer_id, state, eform_v1, "
          "eform_v2, eform_v2_signed, ca, cert_serial, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
          RequestValues(request))
      .status();
}

Result<std::optional<CmsRequestRecord>> FindCmsRequest(SqlTransaction& tx, const std::string& id) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(kRequestSelect) + "WHERE id = $1", {id}));
  return DecodeFirst<CmsRequestRecord>(rows, DecodeRequest);
}

Status UpdateCmsRequest(SqlTransaction& tx, const CmsRequestRecord& request) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE cms_requests SET user_id = $2, token_serial = $3, officer_id = $4, "
                 "state = $5, eform_v1 = $6, eform_v2 = $7, eform_v2_signed = $8, ca = $9, "
                 "cert_serial = $10, created_at = $11, updated_at = $12 WHERE id = $1",
                 RequestValues(request)));
  if (changed == 0) return Status::NotFound("no request " + request.id + " in the directory");
  return Status::Ok();
}

}  // namespace tessera::directory

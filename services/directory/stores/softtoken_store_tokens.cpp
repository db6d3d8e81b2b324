// The soft-token store (softtoken_store.hpp): soft tokens, their status
// list bits and the X.509 ones the CA must revoke.
#include <limits>
#include <string_view>

#include "services/directory/stores/row_values.hpp"
#include "services/directory/stores/softtoken_store.hpp"

namespace tessera::directory {
namespace {

using row_values::DecodeFirst;
using row_values::Optional;
using row_values::OptionalBlob;
using row_values::OptionalInt;
using row_values::OptionalText;
using row_values::Serial32;
using row_values::Word;

constexpr std::string_view kTokenColumns =
    "t.id, t.request_id, t.issuer, t.format, t.status_list, t.status_index, t.user_id, "
    "t.card_serial, t.source_ca, t.source_serial, t.device_key_sha256, t.cert_ca, "
    "t.cert_serial, t.issued_at, t.expires_at, t.revoked_at, t.content";

// A token `t` whose ID token no longer stands (design "The soft token"): its
// source certificate is revoked, or its card has no active binding to its
// user. The same words in both dialects; revocations (ca, serial) and
// bindings_by_token are the indexes these probes use.
constexpr std::string_view kSourceGone =
    "(EXISTS (SELECT 1 FROM revocations r WHERE r.ca = t.source_ca "
    "AND r.serial = t.source_serial) "
    "OR NOT EXISTS (SELECT 1 FROM bindings b WHERE b.token_serial = t.card_serial "
    "AND b.user_id = t.user_id AND b.state = 'active'))";
// Its own certificate (format x509) is revoked.
constexpr std::string_view kCertRevoked =
    "EXISTS (SELECT 1 FROM revocations c WHERE c.ca = t.cert_ca AND c.serial = t.cert_serial)";

std::string TokenSelect() { return "SELECT " + std::string(kTokenColumns) + " FROM st_tokens t "; }

std::string TokenText(const std::string& id) { return "soft token " + id; }

Result<SoftTokenRecord> DecodeToken(const SqlRow& row) {
  SoftTokenRecord t;
  TESSERA_ASSIGN_OR_RETURN(t.id, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(t.request_id, OptionalText(row, 1));
  TESSERA_ASSIGN_OR_RETURN(t.issuer, row.Text(2));
  TESSERA_ASSIGN_OR_RETURN(t.format, Word(row, 3, "soft-token format", {"sd-jwt-vc", "x509"}));
  TESSERA_ASSIGN_OR_RETURN(t.status_list, row.Text(4));
  TESSERA_ASSIGN_OR_RETURN(t.status_index, Serial32(row, 5, "soft-token status index"));
  TESSERA_ASSIGN_OR_RETURN(t.user_id, row.Text(6));
  TESSERA_ASSIGN_OR_RETURN(t.card_serial, Serial32(row, 7, "soft-token card serial"));
  TESSERA_ASSIGN_OR_RETURN(t.source_ca, row.Text(8));
  TESSERA_ASSIGN_OR_RETURN(t.source_serial, row.Blob(9));
  TESSERA_ASSIGN_OR_RETURN(t.device_key_sha256, row.Blob(10));
  TESSERA_ASSIGN_OR_RETURN(t.cert_ca, OptionalText(row, 11));
  TESSERA_ASSIGN_OR_RETURN(t.cert_serial, OptionalBlob(row, 12));
  TESSERA_ASSIGN_OR_RETURN(t.issued_at, row.Int(13));
  TESSERA_ASSIGN_OR_RETURN(t.expires_at, row.Int(14));
  TESSERA_ASSIGN_OR_RETURN(t.revoked_at, OptionalInt(row, 15));
  TESSERA_ASSIGN_OR_RETURN(t.content, OptionalText(row, 16));
  return t;
}

// kNotFound naming `what` when `sql` finds no row.
Status Require(SqlTransaction& tx, const std::string& sql, const std::vector<SqlValue>& params,
               const std::string& what) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  if (rows.empty()) return Status::NotFound("no " + what + " in the directory");
  return Status::Ok();
}

}  // namespace

Status InsertStToken(SqlTransaction& tx, const SoftTokenRecord& t) {
  // Checked first for the message, and because a failed statement ends a
  // PostgreSQL transaction; the keys still decide a race.
  TESSERA_ASSIGN_OR_RETURN(
      auto taken, tx.Query("SELECT id FROM st_tokens WHERE id = $1 OR (status_list = $2 AND "
                           "status_index = $3)",
                           {t.id, t.status_list, std::int64_t{t.status_index}}));
  if (!taken.empty()) {
    return Status::AlreadyExists(TokenText(t.id) + " or index " + std::to_string(t.status_index) +
                                 " of status list " + t.status_list + " exists already");
  }
  TESSERA_RETURN_IF_ERROR(
      Require(tx, "SELECT 1 FROM users WHERE id = $1", {t.user_id}, "user '" + t.user_id + "'"));
  TESSERA_RETURN_IF_ERROR(Require(tx, "SELECT 1 FROM st_issuers WHERE name = $1", {t.issuer},
                                  "soft-token issuer '" + t.issuer + "'"));
  if (t.request_id) {
    TESSERA_RETURN_IF_ERROR(Require(tx, "SELECT 1 FROM st_requests WHERE id = $1", {*t.request_id},
                                    "soft-token request " + *t.request_id));
  }
  TESSERA_RETURN_IF_ERROR(Require(tx, "SELECT 1 FROM certificates WHERE ca = $1 AND serial = $2",
                                  {t.source_ca, t.source_serial},
                                  "certificate of CA " + t.source_ca + " for the soft token"));
  return tx
      .Execute(
          "INSERT INTO st_tokens (id, request_id, issuer, format, status_list, status_index, "
          "user_id, card_serial, source_ca, source_serial, device_key_sha256, cert_ca, "
          "cert_serial, issued_at, expires_at, revoked_at, content) VALUES ($1, $2, $3, $4, $5, "
          "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
          {t.id, Optional(t.request_id), t.issuer, t.format, t.status_list,
           std::int64_t{t.status_index}, t.user_id, std::int64_t{t.card_serial}, t.source_ca,
           t.source_serial, t.device_key_sha256, Optional(t.cert_ca), Optional(t.cert_serial),
           t.issued_at, t.expires_at, Optional(t.revoked_at), Optional(t.content)})
      .status();
}

Result<std::optional<SoftTokenRecord>> FindStToken(SqlTransaction& tx, const std::string& id) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(TokenSelect() + "WHERE t.id = $1", {id}));
  return DecodeFirst<SoftTokenRecord>(rows, DecodeToken);
}

Result<std::uint32_t> NextStatusIndex(SqlTransaction& tx, const std::string& list) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT max(status_index) FROM st_tokens WHERE status_list = $1", {list}));
  if (rows.size() != 1) return Status::Internal("max() gave no row");
  if (rows.front().IsNull(0)) return std::uint32_t{0};
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t largest, Serial32(rows.front(), 0, "status index"));
  if (largest == std::numeric_limits<std::uint32_t>::max()) {
    return Status::NoSpace("status list " + list + " is full");
  }
  return largest + 1;
}

Status RevokeStToken(SqlTransaction& tx, const std::string& id, std::int64_t at) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE st_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                 {id, at}));
  if (changed == 1) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(auto found, FindStToken(tx, id));
  if (!found) return Status::NotFound("no " + TokenText(id));
  return Status::ConditionsNotSatisfied(TokenText(id) + " was revoked already, at " +
                                        std::to_string(found->revoked_at.value_or(0)));
}

Status EraseStTokenContent(SqlTransaction& tx, const std::string& id) {
  TESSERA_ASSIGN_OR_RETURN(std::int64_t changed,
                           tx.Execute("UPDATE st_tokens SET content = NULL WHERE id = $1", {id}));
  if (changed == 0) return Status::NotFound("no " + TokenText(id));
  return Status::Ok();
}

Result<std::vector<SoftTokenRecord>> StTokensOfCard(SqlTransaction& tx, std::uint32_t card_serial) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(TokenSelect() + "WHERE t.card_serial = $1 "
                                                               "ORDER BY t.issued_at, t.id",
                                               {std::int64_t{card_serial}}));
  return DecodeAll<SoftTokenRecord>(rows, DecodeToken);
}

Result<std::vector<SoftTokenStatus>> StTokenStatuses(SqlTransaction& tx, const std::string& list) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT t.status_index, CASE WHEN t.revoked_at IS NOT NULL OR " +
                              std::string(kSourceGone) + " OR " + std::string(kCertRevoked) +
                              " THEN 1 ELSE 0 END FROM st_tokens t WHERE t.status_list = $1 "
                              "ORDER BY t.status_index",
                          {list}));
  return DecodeAll<SoftTokenStatus>(rows, [](const SqlRow& row) -> Result<SoftTokenStatus> {
    SoftTokenStatus status;
    TESSERA_ASSIGN_OR_RETURN(status.index, Serial32(row, 0, "soft-token status index"));
    TESSERA_ASSIGN_OR_RETURN(std::int64_t revoked, row.Int(1));
    status.revoked = revoked != 0;
    return status;
  });
}

Result<std::vector<SoftTokenRecord>> StX509TokensToRevoke(SqlTransaction& tx, std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows, tx.Query(TokenSelect() +
                              "WHERE t.format = 'x509' AND t.cert_ca IS NOT NULL AND "
                              "t.revoked_at IS NULL AND t.expires_at > $1 AND NOT " +
                              std::string(kCertRevoked) + " AND " + std::string(kSourceGone) +
                              " ORDER BY t.issued_at, t.id",
                          {now}));
  return DecodeAll<SoftTokenRecord>(rows, DecodeToken);
}

}  // namespace tessera::directory

// The CMS store (cms_store.hpp): the token inventory and the officers. The
// E-form nonces and requests are in cms_store_eforms.cpp, the bindings and
// the certificates on tokens in cms_store_bindings.cpp.
#include "services/directory/stores/cms_store.hpp"

#include <string_view>

#include "services/directory/stores/row_values.hpp"

namespace tessera::directory {
namespace {

using row_values::DecodeFirst;
using row_values::Optional;
using row_values::OptionalInt;
using row_values::OptionalSmallInt;
using row_values::OptionalText;
using row_values::Serial32;
using row_values::Word;

constexpr std::string_view kTokenSelect =
    "SELECT serial, token_key, attestation, attestation_ca, chuid, transport, state, user_id, "
    "registrations, registered_at, updated_at, revoked_at, revoked_reason FROM cms_tokens ";
constexpr std::string_view kOfficerSelect =
    "SELECT id, name, role, token_serial, ca, cert_serial, certificate, state, created_at, "
    "updated_at FROM officers ";

std::string TokenText(std::uint32_t serial) { return "token " + std::to_string(serial); }

Result<CmsTokenRecord> DecodeToken(const SqlRow& row) {
  CmsTokenRecord token;
  TESSERA_ASSIGN_OR_RETURN(token.serial, Serial32(row, 0, "token serial"));
  TESSERA_ASSIGN_OR_RETURN(token.token_key, row.Blob(1));
  TESSERA_ASSIGN_OR_RETURN(token.attestation, row.Blob(2));
  TESSERA_ASSIGN_OR_RETURN(token.attestation_ca, row.Blob(3));
  TESSERA_ASSIGN_OR_RETURN(token.chuid, row.Blob(4));
  TESSERA_ASSIGN_OR_RETURN(token.transport,
                           Word(row, 5, "token transport", {"sim", "pcsc", "usb"}));
  TESSERA_ASSIGN_OR_RETURN(
      token.state, Word(row, 6, "token state", {"inventory", "bound", "active", "revoked"}));
  TESSERA_ASSIGN_OR_RETURN(token.user_id, OptionalText(row, 7));
  TESSERA_ASSIGN_OR_RETURN(token.registrations, row.Int(8));
  TESSERA_ASSIGN_OR_RETURN(token.registered_at, row.Int(9));
  TESSERA_ASSIGN_OR_RETURN(token.updated_at, row.Int(10));
  TESSERA_ASSIGN_OR_RETURN(token.revoked_at, OptionalInt(row, 11));
  TESSERA_ASSIGN_OR_RETURN(token.revoked_reason, OptionalSmallInt(row, 12));
  return token;
}

// Every column but the key, in the order of the INSERT and the UPDATE.
std::vector<SqlValue> TokenValues(const CmsTokenRecord& token) {
  return {std::int64_t{token.serial},
          token.token_key,
          token.attestation,
          token.attestation_ca,
          token.chuid,
          token.transport,
          token.state,
          Optional(token.user_id),
          token.registrations,
          token.registered_at,
          token.updated_at,
          Optional(token.revoked_at),
          Optional(token.revoked_reason)};
}

Result<OfficerRecord> DecodeOfficer(const SqlRow& row) {
  OfficerRecord officer;
  TESSERA_ASSIGN_OR_RETURN(officer.id, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(officer.name, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(officer.role,
                           Word(row, 2, "officer role", {"officer", "administrator", "auditor"}));
  TESSERA_ASSIGN_OR_RETURN(officer.token_serial, Serial32(row, 3, "officer token serial"));
  TESSERA_ASSIGN_OR_RETURN(officer.ca, row.Text(4));
  TESSERA_ASSIGN_OR_RETURN(officer.cert_serial, row.Blob(5));
  TESSERA_ASSIGN_OR_RETURN(officer.certificate, row.Blob(6));
  TESSERA_ASSIGN_OR_RETURN(officer.state, Word(row, 7, "officer state", {"active", "revoked"}));
  TESSERA_ASSIGN_OR_RETURN(officer.created_at, row.Int(8));
  TESSERA_ASSIGN_OR_RETURN(officer.updated_at, row.Int(9));
  return officer;
}

std::vector<SqlValue> OfficerValues(const OfficerRecord& officer) {
  return {officer.id,          officer.name,
          officer.role,        std::int64_t{officer.token_serial},
          officer.ca,          officer.cert_serial,
          officer.certificate, officer.state,
          officer.created_at,  officer.updated_at};
}

}  // namespace

Status InsertCmsToken(SqlTransaction& tx, const CmsTokenRecord& token) {
  // Checked first for the message, and because a failed statement ends a
  // PostgreSQL transaction; the primary key still decides a race.
  TESSERA_ASSIGN_OR_RETURN(auto taken, tx.Query("SELECT 1 FROM cms_tokens WHERE serial = $1",
                                                {std::int64_t{token.serial}}));
  if (!taken.empty()) {
    return Status::AlreadyExists(TokenText(token.serial) + " is in the inventory already");
  }
  return tx
      .Execute(
          "INSERT INTO cms_tokens (serial, token_key, attestation, attestation_ca, chuid, "
          "transport, state, user_id, registrations, registered_at, updated_at, revoked_at, "
          "revoked_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
          TokenValues(token))
      .status();
}

Result<std::optional<CmsTokenRecord>> FindCmsToken(SqlTransaction& tx, std::uint32_t serial) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kTokenSelect) + "WHERE serial = $1", {std::int64_t{serial}}));
  return DecodeFirst<CmsTokenRecord>(rows, DecodeToken);
}

Result<std::vector<CmsTokenRecord>> ListCmsTokens(SqlTransaction& tx, const std::string& state) {
  std::vector<SqlRow> rows;
  if (state.empty()) {
    TESSERA_ASSIGN_OR_RETURN(rows, tx.Query(std::string(kTokenSelect) + "ORDER BY serial"));
  } else {
    TESSERA_ASSIGN_OR_RETURN(
        rows, tx.Query(std::string(kTokenSelect) + "WHERE state = $1 ORDER BY serial", {state}));
  }
  return DecodeAll<CmsTokenRecord>(rows, DecodeToken);
}

Status UpdateCmsToken(SqlTransaction& tx, const CmsTokenRecord& token) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE cms_tokens SET token_key = $2, attestation = $3, attestation_ca = $4, "
                 "chuid = $5, transport = $6, state = $7, user_id = $8, registrations = $9, "
                 "registered_at = $10, updated_at = $11, revoked_at = $12, "
                 "revoked_reason = $13 WHERE serial = $1",
                 TokenValues(token)));
  if (changed == 0) return Status::NotFound(TokenText(token.serial) + " is not in the inventory");
  return Status::Ok();
}

Status InsertOfficer(SqlTransaction& tx, const OfficerRecord& officer) {
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM officers WHERE id = $1", {officer.id}));
  if (!taken.empty()) {
    return Status::AlreadyExists("officer '" + officer.id + "' exists already");
  }
  if (officer.state == "active") {
    // The partial unique index officers_active_token decides a race.
    TESSERA_ASSIGN_OR_RETURN(
        auto holder,
        tx.Query("SELECT id FROM officers WHERE token_serial = $1 AND state = 'active'",
                 {std::int64_t{officer.token_serial}}));
    if (!holder.empty()) {
      TESSERA_ASSIGN_OR_RETURN(std::string other, holder.front().Text(0));
      return Status::AlreadyExists(TokenText(officer.token_serial) +
                                   " belongs to the active officer '" + other + "' already");
    }
  }
  return tx
      .Execute(
          "INSERT INTO officers (id, name, role, token_serial, ca, cert_serial, certificate, "
          "state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          OfficerValues(officer))
      .status();
}

Result<std::optional<OfficerRecord>> FindOfficer(SqlTransaction& tx, const std::string& id) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(kOfficerSelect) + "WHERE id = $1", {id}));
  return DecodeFirst<OfficerRecord>(rows, DecodeOfficer);
}

Result<std::optional<OfficerRecord>> FindOfficerByCertificate(SqlTransaction& tx,
                                                              const std::string& ca,
                                                              ByteView cert_serial) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kOfficerSelect) + "WHERE ca = $1 AND cert_serial = $2",
                          {ca, Bytes(cert_serial.begin(), cert_serial.end())}));
  return DecodeFirst<OfficerRecord>(rows, DecodeOfficer);
}

Result<std::vector<OfficerRecord>> ListOfficers(SqlTransaction& tx) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kOfficerSelect) + "ORDER BY id"));
  return DecodeAll<OfficerRecord>(rows, DecodeOfficer);
}

Status UpdateOfficer(SqlTransaction& tx, const OfficerRecord& officer) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE officers SET name = $2, role = $3, token_serial = $4, ca = $5, "
                 "cert_serial = $6, certificate = $7, state = $8, created_at = $9, "
                 "updated_at = $10 WHERE id = $1",
                 OfficerValues(officer)));
  if (changed == 0) return Status::NotFound("no officer '" + officer.id + "' in the directory");
  return Status::Ok();
}

}  // namespace tessera::directory

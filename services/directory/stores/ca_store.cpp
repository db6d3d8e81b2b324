#include "services/directory/stores/ca_store.hpp"

#include <string_view>

#include "services/directory/stores/row_values.hpp"

namespace tessera::directory {
namespace {

constexpr std::string_view kCaSelect =
    "SELECT name, parent, hsm, key_label, key_type, certificate, ocsp_key_label, "
    "ocsp_certificate, created_at FROM cas ";
constexpr std::string_view kCertificateSelect =
    "SELECT ca, serial, profile, subject, not_before, not_after, der, user_id, issued_at, "
    "token_serial FROM certificates ";
constexpr std::string_view kRevocationSelect =
    "SELECT ca, serial, revoked_at, reason FROM revocations ";
constexpr std::string_view kCrlSelect =
    "SELECT ca, number, this_update, next_update, der FROM crls ";

Status CheckCaName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-');
  }
  if (ok) return Status::Ok();
  return Status::InvalidArgument("CA name '" + name +
                                 "' must be 1 to 64 characters of letters, digits, '.', '_' "
                                 "and '-'");
}

std::string SerialText(const std::string& ca, ByteView serial) {
  return "serial " + ToHex(serial) + " of CA '" + ca + "'";
}

using row_values::DecodeFirst;
using row_values::Optional;
using row_values::OptionalText;

Result<CaRecord> DecodeCa(const SqlRow& row) {
  CaRecord ca;
  TESSERA_ASSIGN_OR_RETURN(ca.name, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(ca.parent, OptionalText(row, 1));
  TESSERA_ASSIGN_OR_RETURN(ca.hsm, row.Text(2));
  TESSERA_ASSIGN_OR_RETURN(ca.key_label, row.Text(3));
  TESSERA_ASSIGN_OR_RETURN(ca.key_type, row.Text(4));
  TESSERA_ASSIGN_OR_RETURN(ca.certificate, row.Blob(5));
  TESSERA_ASSIGN_OR_RETURN(ca.ocsp_key_label, row.Text(6));
  TESSERA_ASSIGN_OR_RETURN(ca.ocsp_certificate, row.Blob(7));
  TESSERA_ASSIGN_OR_RETURN(ca.created_at, row.Int(8));
  return ca;
}

Result<CertificateRecord> DecodeCertificate(const SqlRow& row) {
  CertificateRecord cert;
  TESSERA_ASSIGN_OR_RETURN(cert.ca, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(cert.serial, row.Blob(1));
  TESSERA_ASSIGN_OR_RETURN(cert.profile, row.Text(2));
  TESSERA_ASSIGN_OR_RETURN(cert.subject, row.Text(3));
  TESSERA_ASSIGN_OR_RETURN(cert.not_before, row.Int(4));
  TESSERA_ASSIGN_OR_RETURN(cert.not_after, row.Int(5));
  TESSERA_ASSIGN_OR_RETURN(cert.der, row.Blob(6));
  TESSERA_ASSIGN_OR_RETURN(cert.user_id, OptionalText(row, 7));
  TESSERA_ASSIGN_OR_RETURN(cert.issued_at, row.Int(8));
  TESSERA_ASSIGN_OR_RETURN(cert.token_serial, row_values::OptionalSerial32(row, 9, "token serial"));
  return cert;
}

Result<RevocationRecord> DecodeRevocation(const SqlRow& row) {
  RevocationRecord revocation;
  TESSERA_ASSIGN_OR_RETURN(revocation.ca, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(revocation.serial, row.Blob(1));
  TESSERA_ASSIGN_OR_RETURN(revocation.revoked_at, row.Int(2));
  TESSERA_ASSIGN_OR_RETURN(std::int64_t reason, row.Int(3));
  revocation.reason = static_cast<int>(reason);
  return revocation;
}

Result<CrlRecord> DecodeCrl(const SqlRow& row) {
  CrlRecord crl;
  TESSERA_ASSIGN_OR_RETURN(crl.ca, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(crl.number, row.Int(1));
  TESSERA_ASSIGN_OR_RETURN(crl.this_update, row.Int(2));
  TESSERA_ASSIGN_OR_RETURN(crl.next_update, row.Int(3));
  TESSERA_ASSIGN_OR_RETURN(crl.der, row.Blob(4));
  return crl;
}

Status RequireCa(SqlTransaction& tx, const std::string& name) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM cas WHERE name = $1", {name}));
  if (rows.empty()) return Status::NotFound("no CA named '" + name + "' in the directory");
  return Status::Ok();
}

}  // namespace

Status InsertCa(SqlTransaction& tx, const CaRecord& ca) {
  TESSERA_RETURN_IF_ERROR(CheckCaName(ca.name));
  TESSERA_ASSIGN_OR_RETURN(auto taken, tx.Query("SELECT 1 FROM cas WHERE name = $1", {ca.name}));
  if (!taken.empty()) return Status::AlreadyExists("a CA named '" + ca.name + "' exists already");
  if (ca.parent) TESSERA_RETURN_IF_ERROR(RequireCa(tx, *ca.parent));
  return tx
      .Execute(
          "INSERT INTO cas (name, parent, hsm, key_label, key_type, certificate, ocsp_key_label, "
          "ocsp_certificate, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          {ca.name, Optional(ca.parent), ca.hsm, ca.key_label, ca.key_type, ca.certificate,
           ca.ocsp_key_label, ca.ocsp_certificate, ca.created_at})
      .status();
}

Result<std::optional<CaRecord>> FindCa(SqlTransaction& tx, const std::string& name) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kCaSelect) + "WHERE name = $1", {name}));
  return DecodeFirst<CaRecord>(rows, DecodeCa);
}

Result<std::vector<CaRecord>> ListCas(SqlTransaction& tx) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kCaSelect) + "ORDER BY name"));
  return DecodeAll<CaRecord>(rows, DecodeCa);
}

Status SetOcspResponder(SqlTransaction& tx, const std::string& ca, const std::string& key_label,
                        ByteView certificate) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE cas SET ocsp_key_label = $2, ocsp_certificate = $3 WHERE name = $1",
                 {ca, key_label, Bytes(certificate.begin(), certificate.end())}));
  if (changed == 0) return Status::NotFound("no CA named '" + ca + "' in the directory");
  return Status::Ok();
}

Status InsertCertificate(SqlTransaction& tx, const CertificateRecord& certificate) {
  if (certificate.serial.empty() || certificate.serial.size() > 20 || certificate.serial[0] == 0) {
    return Status::InvalidArgument(
        "a certificate serial is 1 to 20 bytes without a leading zero (RFC 5280 §4.1.2.2), got " +
        ToHex(certificate.serial));
  }
  TESSERA_RETURN_IF_ERROR(RequireCa(tx, certificate.ca));
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM certificates WHERE ca = $1 AND serial = $2",
                                    {certificate.ca, certificate.serial}));
  if (!taken.empty()) {
    return Status::AlreadyExists(SerialText(certificate.ca, certificate.serial) + " is taken");
  }
  return tx
      .Execute(
          "INSERT INTO certificates (ca, serial, profile, subject, not_before, not_after, der, "
          "user_id, issued_at, token_serial) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          {certificate.ca, certificate.serial, certificate.profile, certificate.subject,
           certificate.not_before, certificate.not_after, certificate.der,
           Optional(certificate.user_id), certificate.issued_at,
           Optional(certificate.token_serial)})
      .status();
}

Result<std::optional<CertificateRecord>> FindCertificate(SqlTransaction& tx, const std::string& ca,
                                                         ByteView serial) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kCertificateSelect) + "WHERE ca = $1 AND serial = $2",
                          {ca, Bytes(serial.begin(), serial.end())}));
  return DecodeFirst<CertificateRecord>(rows, DecodeCertificate);
}

Result<std::vector<CertificateRecord>> ListCertificates(SqlTransaction& tx, const std::string& ca) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(std::string(kCertificateSelect) + "WHERE ca = $1 ORDER BY issued_at, serial", {ca}));
  return DecodeAll<CertificateRecord>(rows, DecodeCertificate);
}

Status InsertRevocation(SqlTransaction& tx, const RevocationRecord& revocation) {
  const Bytes& serial = revocation.serial;
  TESSERA_ASSIGN_OR_RETURN(auto issued,
                           tx.Query("SELECT 1 FROM certificates WHERE ca = $1 AND serial = $2",
                                    {revocation.ca, serial}));
  if (issued.empty()) {
    return Status::NotFound("no certificate with " + SerialText(revocation.ca, serial));
  }
  TESSERA_ASSIGN_OR_RETURN(
      auto revoked,
      tx.Query("SELECT 1 FROM revocations WHERE ca = $1 AND serial = $2", {revocation.ca, serial}));
  if (!revoked.empty()) {
    return Status::AlreadyExists("the certificate with " + SerialText(revocation.ca, serial) +
                                 " is revoked already");
  }
  return tx
      .Execute("INSERT INTO revocations (ca, serial, revoked_at, reason) VALUES ($1, $2, $3, $4)",
               {revocation.ca, serial, revocation.revoked_at, std::int64_t{revocation.reason}})
      .status();
}

Result<std::optional<RevocationRecord>> FindRevocation(SqlTransaction& tx, const std::string& ca,
                                                       ByteView serial) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kRevocationSelect) + "WHERE ca = $1 AND serial = $2",
                          {ca, Bytes(serial.begin(), serial.end())}));
  return DecodeFirst<RevocationRecord>(rows, DecodeRevocation);
}

Result<std::vector<RevocationRecord>> ListRevocations(SqlTransaction& tx, const std::string& ca) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(std::string(kRevocationSelect) + "WHERE ca = $1 ORDER BY revoked_at, serial", {ca}));
  return DecodeAll<RevocationRecord>(rows, DecodeRevocation);
}

Result<std::optional<CrlRecord>> FindLatestCrl(SqlTransaction& tx, const std::string& ca) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(std::string(kCrlSelect) + "WHERE ca = $1 ORDER BY number DESC LIMIT 1", {ca}));
  return DecodeFirst<CrlRecord>(rows, DecodeCrl);
}

Status InsertCrl(SqlTransaction& tx, const CrlRecord& crl) {
  TESSERA_RETURN_IF_ERROR(RequireCa(tx, crl.ca));
  TESSERA_ASSIGN_OR_RETURN(std::optional<CrlRecord> latest, FindLatestCrl(tx, crl.ca));
  // RFC 5280 §5.2.3: CRL numbers only grow.
  if (latest && crl.number <= latest->number) {
    return Status::ConditionsNotSatisfied("CRL number " + std::to_string(crl.number) + " of CA '" +
                                          crl.ca + "' is not above the stored " +
                                          std::to_string(latest->number));
  }
  return tx
      .Execute(
          "INSERT INTO crls (ca, number, this_update, next_update, der) "
          "VALUES ($1, $2, $3, $4, $5)",
          {crl.ca, crl.number, crl.this_update, crl.next_update, crl.der})
      .status();
}

}  // namespace tessera::directory

// The CA aggregate in the directory: certificate authorities, the
// certificates they issued, their revocations and their latest CRL
// (services/ca writes them; docs/ca.md).
//
// Functions run inside a Database transaction. Serials are the certificate's
// serial number as unsigned big-endian bytes without leading zeros (what
// BN_bn2bin gives), unique per CA: a second certificate with the same
// (ca, serial) is kAlreadyExists. Times are unix seconds. Stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory {

struct CaRecord {
  std::string name;                   // [A-Za-z0-9._-]{1,64}
  std::optional<std::string> parent;  // the issuing CA, none for a root
  std::string hsm;                    // HSM token name (label) holding the keys
  std::string key_label;              // CKA_LABEL of the CA key pair in that HSM
  std::string key_type;               // "p256", "p384" or "rsa3072"
  Bytes certificate;                  // DER
  std::string ocsp_key_label;         // the delegated OCSP responder's key
  Bytes ocsp_certificate;             // DER, issued by this CA (profile ocsp)
  std::int64_t created_at = 0;
  bool operator==(const CaRecord&) const = default;
};

struct CertificateRecord {
  std::string ca;
  Bytes serial;
  std::string profile;
  std::string subject;  // RFC 4514 text
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  Bytes der;
  std::optional<std::string> user_id;  // the user it was issued to (CMS)
  std::int64_t issued_at = 0;
  // The token the certificate's key lives on (CMS; schema version 3).
  std::optional<std::uint32_t> token_serial;
  bool operator==(const CertificateRecord&) const = default;
};

struct RevocationRecord {
  std::string ca;
  Bytes serial;
  std::int64_t revoked_at = 0;
  int reason = 0;  // RFC 5280 §5.3.1 CRLReason
  bool operator==(const RevocationRecord&) const = default;
};

struct CrlRecord {
  std::string ca;
  std::int64_t number = 0;  // RFC 5280 §5.2.3 cRLNumber
  std::int64_t this_update = 0;
  std::int64_t next_update = 0;
  Bytes der;
  bool operator==(const CrlRecord&) const = default;
};

// kAlreadyExists when the name is taken.
Status InsertCa(SqlTransaction& tx, const CaRecord& ca);
Result<std::optional<CaRecord>> FindCa(SqlTransaction& tx, const std::string& name);
Result<std::vector<CaRecord>> ListCas(SqlTransaction& tx);
// Sets the delegated OCSP responder of `ca`; kNotFound for an unknown CA.
Status SetOcspResponder(SqlTransaction& tx, const std::string& ca, const std::string& key_label,
                        ByteView certificate);

// kAlreadyExists when (ca, serial) is taken; kNotFound for an unknown CA.
Status InsertCertificate(SqlTransaction& tx, const CertificateRecord& certificate);
Result<std::optional<CertificateRecord>> FindCertificate(SqlTransaction& tx, const std::string& ca,
                                                         ByteView serial);
// Every certificate of `ca`, by issued_at then serial.
Result<std::vector<CertificateRecord>> ListCertificates(SqlTransaction& tx, const std::string& ca);

// kNotFound when `ca` issued no such serial; kAlreadyExists when it is
// revoked already.
Status InsertRevocation(SqlTransaction& tx, const RevocationRecord& revocation);
Result<std::optional<RevocationRecord>> FindRevocation(SqlTransaction& tx, const std::string& ca,
                                                       ByteView serial);
Result<std::vector<RevocationRecord>> ListRevocations(SqlTransaction& tx, const std::string& ca);

// The newest CRL of `ca`, if any.
Result<std::optional<CrlRecord>> FindLatestCrl(SqlTransaction& tx, const std::string& ca);
// Stores a CRL; its number must be above every stored one of that CA
// (kConditionsNotSatisfied otherwise: two nodes raced, the loser retries).
Status InsertCrl(SqlTransaction& tx, const CrlRecord& crl);

}  // namespace tessera::directory

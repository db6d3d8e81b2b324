// The steps CaService's operations share: a fresh serial, a certificate
// built and signed in the HSM, a CRL built and signed, the directory record
// of a certificate, and an audit record inside the caller's transaction.
// Stateless; the HSM session's thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/signing_key.hpp"
#include "services/audit/audit_log.hpp"
#include "services/ca/cert_builder.hpp"
#include "services/directory/stores/ca_store.hpp"

namespace tessera::ca {

// Who signs: a key in `session`, and the certificate that names it (null
// while a root signs its own certificate, `public_key` then its own key).
struct Signer {
  hsm::HsmSession* session = nullptr;
  hsm::SigningKey key;
  X509* certificate = nullptr;
  EVP_PKEY* public_key = nullptr;
};

// 128 random bits, as the unsigned big-endian bytes the directory keys by
// (no leading zeros; never zero). RFC 5280 §4.1.2.2: positive, at most 20
// octets; CA/B BR §7.1: at least 64 bits from a CSPRNG.
Result<Bytes> RandomSerial();

// BuildCertificate with `signer` as issuer, signed in its HSM.
Result<ossl::X509Ptr> MakeCertificate(CertificateSpec spec, Signer& signer);

Result<Bytes> ToDer(X509* certificate);
// `time` as unix seconds; 0 when it cannot be read.
std::int64_t UnixSeconds(const ASN1_TIME* time);
// The certificate's notAfter as unix seconds; 0 when it cannot be read.
std::int64_t NotAfterOf(X509* certificate);

directory::CertificateRecord RecordOf(const std::string& ca, const Bytes& serial,
                                      const Profile& profile, X509* certificate, Bytes der,
                                      std::int64_t now);

// The CRL of `signer`'s CA with `number`, over `revoked`, valid from `now`.
Result<directory::CrlRecord> MakeCrl(const std::string& ca, Signer& signer, std::int64_t number,
                                     std::int64_t now, std::int64_t validity,
                                     std::vector<directory::RevocationRecord> revoked);

// The next CRL of `ca` inside `tx`: number = newest + 1, every revocation.
Result<directory::CrlRecord> NextCrl(directory::SqlTransaction& tx, const std::string& ca,
                                     Signer& signer, std::int64_t now, std::int64_t validity);
// InsertCrl; a lost race (kConditionsNotSatisfied) becomes kAborted so that
// Database::Transact runs the body again.
Status StoreCrl(directory::SqlTransaction& tx, const directory::CrlRecord& crl);

// audit::Append; a race on the chain head (kAlreadyExists) becomes kAborted.
Status AuditIn(directory::SqlTransaction& tx, const audit::AuditEvent& event, std::int64_t now);

// Lower-case hex of a serial, as the CLI and the audit records print it.
std::string SerialHex(ByteView serial);
// A serial typed by a person or sent in JSON: hex, colons allowed, leading
// zeros dropped; kInvalidArgument for anything else or zero.
Result<Bytes> ParseSerialHex(std::string_view text);

}  // namespace tessera::ca

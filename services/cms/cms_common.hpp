// Small helpers the CMS's steps share (cms_*.cpp): random IDs, audit records
// in a transaction, certificate checks. Internal to services/cms. Stateless.
#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <string>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/status.hpp"
#include "services/audit/audit_log.hpp"
#include "services/cms/cms_service.hpp"
#include "services/directory/database.hpp"

namespace tessera::cms {

// `n` random bytes (RAND_bytes); kInternal if the generator fails.
Result<Bytes> RandomBytes(std::size_t n);
// 32 lower-case hex digits.
Result<std::string> NewRequestId();

// audit::Append of {caller, action, object, details} at `now`.
Status AuditIn(directory::SqlTransaction& tx, const Caller& caller, const std::string& action,
               const std::string& object, const std::string& details, std::int64_t now);

std::string TokenObject(std::uint32_t serial);  // "cms/token/57756183"
std::string UserObject(const std::string& id);  // "cms/user/alice"

Result<ossl::X509Ptr> ParseCertificateDer(ByteView der);
// SubjectPublicKeyInfo DER of a certificate's key.
Result<Bytes> PublicKeyInfoOf(X509* certificate);
// The certificate's serial, unsigned big-endian.
Bytes SerialOf(X509* certificate);

}  // namespace tessera::cms

namespace tessera::cms {

// What RevokeTokenIn did.
struct TokenRevocation {
  directory::CmsTokenRecord token;              // as stored afterwards
  std::string binding_id;                       // the live binding revoked, or empty
  std::vector<ca::RevokeRequest> certificates;  // revoked in the transaction
};

// In `tx`: the token's live binding and its request -> "revoked", every
// unrevoked certificate on the token revoked with `reason` (and new CRLs),
// the token -> "revoked". kNotFound for a token not in the inventory,
// kAlreadyExists for one revoked already. The caller writes its own audit
// record for the step and calls CaService::ForgetRevoked after the commit.
Status RevokeTokenIn(directory::SqlTransaction& tx, ca::CaService& ca, const Caller& caller,
                     std::uint32_t serial, int reason, std::int64_t now, TokenRevocation* out);

}  // namespace tessera::cms

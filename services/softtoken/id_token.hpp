// Channel 2's caller: the user's ID token, known by the certificate its 9A
// key authenticated the TLS connection with (seed 002; docs/softtoken-api.md
// "Channel 2"). The status comes first: the certificate must be one the CA
// issued (same DER), unrevoked, valid now, on a token (token_serial) whose
// CMS binding to the certificate's user is active. Only after an OTP match
// are the attributes read (ReadAttributes).
//
// Errors: kSecurityStatus for no certificate, a certificate no CA here
// issued, revoked, expired, or a card without an active binding (each in
// words for the page); the directory's errors. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/ca/ca_service.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/ca_store.hpp"
#include "services/softtoken/softtoken_service.hpp"

namespace tessera::softtoken {

struct IdToken {
  directory::CertificateRecord certificate;
  std::string user_id;
  std::uint32_t card_serial = 0;
  std::string binding_id;
  Bytes spki;           // the certificate's SubjectPublicKeyInfo DER
  std::string subject;  // RFC 4514
};

Result<IdToken> CheckIdToken(directory::Database& db, ca::CaService& ca, ByteView certificate,
                             std::int64_t now);

// The attributes the soft token binds, in this order: user_id, name,
// organization, email, document, subject, card_serial (empty ones left
// out). kNotFound when the user's directory entry is gone.
Result<Attributes> ReadAttributes(directory::SqlTransaction& tx, const IdToken& id);

}  // namespace tessera::softtoken

// The public half of the audit checkpoint key, on the host: checking a
// checkpoint's signature with OpenSSL, and the PEM form an operator pins
// (`tessera audit key` prints it, `tessera audit verify --key FILE` reads it).
//
// Signatures are the ones hsm::SignForX509 makes (hsm/signing_key.hpp):
// ECDSA with SHA-256 on P-256, ECDSA with SHA-384 on P-384, a DER
// Ecdsa-Sig-Value (RFC 3279 §2.2.3); RSASSA-PKCS1-v1_5 with SHA-256 on RSA
// (RFC 8017 §8.2). The key is a DER SubjectPublicKeyInfo (RFC 5280
// §4.1.2.7). Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::audit {

// Ok when `signature` is `spki`'s signature over `message`;
// kSignatureInvalid when it is not; kInvalidArgument for a key that is not
// a P-256, P-384 or RSA SubjectPublicKeyInfo.
Status VerifyCheckpointSignature(ByteView spki, ByteView message, ByteView signature);

// "-----BEGIN PUBLIC KEY-----..." (RFC 7468 §13).
Result<std::string> PublicKeyPem(ByteView spki);
// The DER SubjectPublicKeyInfo inside a PEM "PUBLIC KEY"; kInvalidArgument
// for anything else.
Result<Bytes> PublicKeyFromPem(std::string_view pem);
// "sha256:" and the lower-case hex SHA-256 of the DER, to name a key in
// reports.
std::string KeyFingerprint(ByteView spki);

}  // namespace tessera::audit

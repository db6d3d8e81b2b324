// The registration gateway's key pair (docs/registration-protocol.md, issue
// 14 design §4.4): one P-256 pair inside the HSM that does both the static
// ECDH of registration (R1, ecdh.hpp) and the ES256 signatures of
// entitlement documents (RFC 7515/7518 §3.4).
//
// The private half is CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE, not
// CKA_EXTRACTABLE, and carries CKA_DERIVE and CKA_SIGN only; the public half
// CKA_VERIFY only. Both halves carry the label and one CKA_ID, as signing
// keys do (signing_key.hpp), so the pair is a SigningKey of type kP256 and
// SigningPublicKeyInfo / SignForX509 work on it unchanged (the X.509
// certificate the CA issues for it, the CSR-less PrepareForKey path).
// Every error names the function, the CK_RV and the HSM token. Stateless;
// the session's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/signing_key.hpp"

namespace tessera::hsm {

inline constexpr std::size_t kP256PointBytes = 65;         // 04 || X || Y
inline constexpr std::size_t kP256RawSignatureBytes = 64;  // r || s

// kAlreadyExists when a private key with `label` is already there.
Result<SigningKey> GenerateAgreementKey(HsmSession& session, const std::string& label);
// kNotFound when no key pair has `label`; kDataMismatch when it is not P-256
// or its private half lacks CKA_DERIVE (a plain signing key of that label).
Result<SigningKey> FindAgreementKey(HsmSession& session, const std::string& label);
// The public point, uncompressed (65 bytes; SEC 1 §2.3.3).
Result<Bytes> AgreementPublicPoint(HsmSession& session, const SigningKey& key);
// ES256 over `data`: SHA-256 on the host, CKM_ECDSA in the HSM, the
// signature as JWS carries it, r || s with 32 bytes each (RFC 7518 §3.4).
Result<Bytes> SignEs256(HsmSession& session, const SigningKey& key, ByteView data);

}  // namespace tessera::hsm

// Signing keys inside an HSM: the CA keys, the OCSP responder keys and the
// audit checkpoint key (docs/ca.md, docs/audit.md).
//
// A key pair is generated in the HSM with the private half CKA_TOKEN,
// CKA_PRIVATE, CKA_SENSITIVE, not CKA_EXTRACTABLE and CKA_SIGN only; both
// halves carry the label and one CKA_ID. The private key never leaves the
// HSM; SignForX509 hashes on the host (the data is public: a TBS, a CRL, an
// OCSP response, an audit head) and signs the digest inside the HSM
// (CKM_ECDSA, or CKM_RSA_PKCS over a DigestInfo), so any HSM with the plain
// mechanisms will do. Every error names the function, the CK_RV and the HSM
// token. Stateless; the session's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_session.hpp"

namespace tessera::hsm {

enum class SigningKeyType : std::uint8_t { kP256, kP384, kRsa3072 };

// "p256", "p384", "rsa3072"; kInvalidArgument for any other word.
Result<SigningKeyType> SigningKeyTypeFromString(std::string_view word);
std::string_view ToString(SigningKeyType type);

struct SigningKey {
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  SigningKeyType type = SigningKeyType::kP256;
  std::string label;
};

// kAlreadyExists when a private key with `label` is already there.
Result<SigningKey> GenerateSigningKey(HsmSession& session, SigningKeyType type,
                                      const std::string& label);
// kNotFound when no key pair has `label`.
Result<SigningKey> FindSigningKey(HsmSession& session, const std::string& label);
// The public key as DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
Result<Bytes> SigningPublicKeyInfo(HsmSession& session, const SigningKey& key);
// The type of a public key object, from CKA_KEY_TYPE and the curve or the
// modulus size; kDataMismatch for any other key. `what` names it in errors.
Result<SigningKeyType> SigningKeyTypeOf(HsmSession& session, CK_OBJECT_HANDLE public_key,
                                        const std::string& what);
// CKA_EC_PARAMS of an EC type: the DER OID of its named curve (RFC 5480
// §2.1.1.1); empty for RSA.
ByteView EcCurveParams(SigningKeyType type);
// DER AlgorithmIdentifier of the signatures SignForX509 makes:
// ecdsa-with-SHA256 (P-256), ecdsa-with-SHA384 (P-384), sha256WithRSAEncryption
// (RSA-3072; parameters NULL) (RFC 5758 §3.2, RFC 4055 §5).
Bytes SignatureAlgorithmDer(SigningKeyType type);
// The signature over `data` in the form X.509, CRLs and OCSP carry it: a DER
// Ecdsa-Sig-Value for ECDSA (RFC 5480 §2.2... RFC 3279 §2.2.3), the raw
// RSASSA-PKCS1-v1_5 signature for RSA.
Result<Bytes> SignForX509(HsmSession& session, const SigningKey& key, ByteView data);

}  // namespace tessera::hsm

// The independent side of the api_*_test.cpp checks: OpenSSL computes or
// verifies what the module did (signatures, ciphertexts, digests, ECDH), and
// makes the keys and certificates the tests import. Nothing here goes
// through the module. Stateless functions; failures are GoogleTest failures
// and an empty or false result.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string>

#include "common/bytes.hpp"
#include "common/ossl.hpp"

namespace tessera::testing {

// How a signature is made, in OpenSSL's terms.
enum class Scheme { kRsaPkcs1, kRsaRaw, kRsaPss, kEcdsa, kEddsa };
struct SignSpec {
  Scheme scheme = Scheme::kEcdsa;
  const EVP_MD* hash = nullptr;      // hash-and-sign: the data is hashed with it first
  const EVP_MD* pss_hash = nullptr;  // PSS: hashAlg, also MGF1's hash
  int salt_len = 0;                  // PSS
};

// nullptr for anything but CKM_SHA_1 .. CKM_SHA512.
const EVP_MD* MdOf(CK_MECHANISM_TYPE digest_mechanism);
Bytes Digest(const EVP_MD* md, ByteView data);
// PKCS#1 v1.5 DigestInfo: the input CKM_RSA_PKCS signs (RFC 8017 §9.2).
Bytes DigestInfo(const EVP_MD* md, ByteView digest);

bool VerifiedByOpenSsl(EVP_PKEY* key, const SignSpec& spec, ByteView data, ByteView signature);

// RSA encryption: RSA_PKCS1_PADDING, or RSA_PKCS1_OAEP_PADDING with `oaep`
// (also MGF1's hash) and `label`.
Bytes RsaEncrypt(EVP_PKEY* key, int padding, const EVP_MD* oaep, ByteView label, ByteView plain);
// ECDH (or X25519) shared secret of `mine` and `peer`.
Bytes SharedSecret(EVP_PKEY* mine, EVP_PKEY* peer);

// "P-256", "P-384", "ED25519", "X25519" or "RSA" (2048 bits).
ossl::PkeyPtr NewKey(const std::string& kind);
Bytes EcPrivateScalar(EVP_PKEY* key);                  // big-endian, the field's width
Bytes EcPublicPoint(EVP_PKEY* key);                    // 04 || X || Y, or the raw X25519 key
Bytes RsaPart(EVP_PKEY* key, const char* ossl_param);  // OSSL_PKEY_PARAM_RSA_*
// A self-signed certificate for `key`, DER.
Bytes SelfSignedCertificate(EVP_PKEY* key, const std::string& common_name, long serial);

}  // namespace tessera::testing

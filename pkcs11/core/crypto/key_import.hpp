// EVP_PKEYs from PKCS#11 key attributes, for C_CreateObject and C_UnwrapKey
// of keys the module then imports to the card or uses on the host. Inputs are
// attribute values as PKCS#11 defines them (big-endian integers, CKA_EC_PARAMS
// DER, CKA_EC_POINT); anything inconsistent is kInvalidArgument (map to
// CKR_TEMPLATE_INCONSISTENT or CKR_ATTRIBUTE_VALUE_INVALID). Stateless and
// thread-safe; private numbers live in secure-heap BIGNUMs while in use.
#pragma once

#include "common/ossl.hpp"
#include "common/secure_bytes.hpp"

namespace tessera::p11::crypto {

// CKA_MODULUS, CKA_PUBLIC_EXPONENT, CKA_PRIVATE_EXPONENT, CKA_PRIME_1,
// CKA_PRIME_2, CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT. Empty means
// absent.
struct RsaPrivateParts {
  SecureBytes n, e, d, p, q, dp, dq, qinv;
};

// Requires e, p and q. n defaults to p*q and must equal it when given; d
// defaults to e^-1 mod lcm(p-1, q-1) and must satisfy e*d = 1 mod p-1 and
// mod q-1 when given (FIPS 186-4 §B.3.1); dp, dq and qinv are derived and
// must match when given. Primality is not checked.
[[nodiscard]] Result<ossl::PkeyPtr> RsaPrivateKey(const RsaPrivateParts& parts);
// A public key from CKA_MODULUS and CKA_PUBLIC_EXPONENT (both non-empty).
[[nodiscard]] Result<ossl::PkeyPtr> RsaPublicKey(ByteView modulus, ByteView public_exponent);

// A key pair from CKA_EC_PARAMS and CKA_VALUE: a big-endian scalar in
// [1, order-1] for P-256/P-384, whose public point is derived; the raw 32-byte
// private key for Ed25519/X25519 (RFC 8032 §5.1.5, RFC 7748 §5).
[[nodiscard]] Result<ossl::PkeyPtr> EcPrivateKey(ByteView ec_params_der, ByteView private_value);
// A public key from CKA_EC_PARAMS and CKA_EC_POINT (wrapped or bare, see
// UnwrapEcPoint); P-256/P-384 points must lie on the curve.
[[nodiscard]] Result<ossl::PkeyPtr> EcPublicKey(ByteView ec_params_der, ByteView ec_point);

}  // namespace tessera::p11::crypto

// Public-key attributes as PKCS#11 spells them, read from an EVP_PKEY:
// CKA_MODULUS / CKA_PUBLIC_EXPONENT (big-endian unsigned, no leading zeros),
// CKA_EC_PARAMS (the curve OID's DER) and CKA_EC_POINT (a DER OCTET STRING
// around the point, as OpenSC and most clients expect; PKCS#11 3.0 §2.3.3,
// §2.3.5, §2.3.7). Also the reverse for ECDH peer points, which clients send
// either wrapped or bare. Stateless and thread-safe.
#pragma once

#include <cstddef>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "pkcs11/core/crypto/curve.hpp"

namespace tessera::p11::crypto {

struct RsaPublicParts {
  Bytes modulus;
  Bytes public_exponent;
};

// kInvalidArgument for non-RSA keys.
[[nodiscard]] Result<RsaPublicParts> RsaPublic(EVP_PKEY* key);
// 0 for non-RSA keys.
std::size_t RsaModulusBits(EVP_PKEY* key);

// CurveParamsDer of the key's curve; kInvalidArgument for other keys.
[[nodiscard]] Result<Bytes> EcParamsDer(EVP_PKEY* key);
// The bare public point: 04 || X || Y for P-256/P-384 (re-encoded uncompressed
// whatever form the key holds), the 32-byte key for Ed25519/X25519.
[[nodiscard]] Result<Bytes> EcPoint(EVP_PKEY* key);
// DER OCTET STRING around EcPoint: 67, 99 or 34 bytes.
[[nodiscard]] Result<Bytes> EcPointDer(EVP_PKEY* key);
// FieldBytes of the key's curve; 0 for non-EC keys.
std::size_t EcFieldBytes(EVP_PKEY* key);

// The bare point of `curve` from either a DER OCTET STRING holding it or the
// bare point itself (CKM_ECDH1_DERIVE pPublicData arrives both ways). The
// curve resolves what the bytes alone cannot: a 32-byte X25519 key may look
// like an OCTET STRING header. Only uncompressed points for P-256/P-384;
// kInvalidArgument for anything else. Does not check the point is on the curve.
[[nodiscard]] Result<Bytes> UnwrapEcPoint(ByteView data, Curve curve);

}  // namespace tessera::p11::crypto

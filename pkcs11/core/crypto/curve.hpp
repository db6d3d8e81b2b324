// The elliptic curves the module handles and how PKCS#11 names them: the DER
// of CKA_EC_PARAMS (a namedCurve OID, RFC 5480 §2.1.1.1 and RFC 8410 §3) and
// the sizes of scalars and public points. Stateless and thread-safe.
#pragma once

#include <openssl/evp.h>

#include <cstddef>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::p11::crypto {

enum class Curve { kP256, kP384, kEd25519, kX25519 };

// Bytes of a field element / private scalar: 32, 48, 32, 32.
std::size_t FieldBytes(Curve curve);
// Bytes of a bare public point: 65 and 97 (04 || X || Y), 32 for Ed25519 and
// X25519 (RFC 8032 / RFC 7748 encodings).
std::size_t PublicPointBytes(Curve curve);
// P-256 and P-384: points are 04 || X || Y and keys are OpenSSL "EC" keys.
bool IsWeierstrass(Curve curve);

// DER of the curve's OID: 06082A8648CE3D030107 (P-256), 06052B81040022 (P-384),
// 06032B6570 (Ed25519), 06032B656E (X25519).
Bytes CurveParamsDer(Curve curve);
// The curve named by CKA_EC_PARAMS: one of the OIDs above or, for the
// Montgomery and Edwards curves, the PrintableString "curve25519" /
// "edwards25519" that PKCS#11 3.0 §2.3.5 also allows. kInvalidArgument else.
[[nodiscard]] Result<Curve> CurveFromParamsDer(ByteView ec_params_der);
// The curve of an EC, Ed25519 or X25519 key; kInvalidArgument for others.
[[nodiscard]] Result<Curve> CurveOf(EVP_PKEY* key);

// OpenSSL's group name for IsWeierstrass curves ("prime256v1", "secp384r1"),
// its key type name for the others ("ED25519", "X25519").
const char* OsslName(Curve curve);

}  // namespace tessera::p11::crypto

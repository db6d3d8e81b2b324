// Shared by the token and its hosts: building EVP_PKEYs from raw components (RSA
// primes, EC scalars and points) and the facts about the two PIV curves. The
// key generation, PIV encoding and IMPORT KEY files share these so that a key
// is assembled one way only. Functions are thread-safe (no shared state);
// returned BIGNUMs that hold secrets come from the secure heap and are cleared
// on free.
#pragma once

#include <cstddef>

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"

namespace tessera::piv {

// RSA public exponent for every key the token makes or imports (F4, as
// yubico-piv-tool and ykman use).
inline constexpr unsigned long kRsaPublicExponent = 65537;

// An ECDSA/ECDH curve of PIV (SP 800-78-4 Table 3-1).
struct Curve {
  piv::Algorithm alg;
  const char* group_name;  // OpenSSL short name, as EVP_PKEY reports it
  int nid;
  std::size_t field_bytes;                                         // coordinate and scalar size
  std::size_t point_bytes() const { return 1 + 2 * field_bytes; }  // uncompressed
};

// The curve of a PIV algorithm, or nullptr for non-EC algorithms.
const Curve* CurveOf(piv::Algorithm alg);
// The curve of an EC key, or nullptr for other keys and other curves.
const Curve* CurveOf(EVP_PKEY* key);

// A BIGNUM on the secure heap (cleared on free), flagged for constant-time
// arithmetic, holding the big-endian `bytes` (0 when empty).
Result<ossl::BnPtr> SecretBnFromBytes(ByteView bytes);
// A numeric parameter of a key (OSSL_PKEY_PARAM_RSA_N, ...).
Result<ossl::BnPtr> GetBnParam(EVP_PKEY* key, const char* name);
// EVP_PKEY_fromdata over the parameters in `bld`; `selection` is
// EVP_PKEY_KEYPAIR or EVP_PKEY_PUBLIC_KEY. `type` is "RSA", "EC", ...
Result<ossl::PkeyPtr> PkeyFromParams(const char* type, int selection, OSSL_PARAM_BLD* bld);

// All the numbers of an RSA private key, CRT included.
struct RsaComponents {
  ossl::BnPtr n, e, d, p, q, dp, dq, qinv;
};
// Derives n, d = e^-1 mod lcm(p-1, q-1), dP, dQ and qInv = q^-1 mod p from the
// primes (FIPS 186-4 §B.3.1), with e = kRsaPublicExponent unless given.
// kInvalidArgument when e or q is not invertible. Primality is the caller's
// business.
Result<RsaComponents> RsaFromPrimes(const BIGNUM* p, const BIGNUM* q, const BIGNUM* e = nullptr);
Result<ossl::PkeyPtr> BuildRsaPrivateKey(const RsaComponents& c);
Result<ossl::PkeyPtr> BuildRsaPublicKey(const BIGNUM* n, const BIGNUM* e);

Result<ossl::EcGroupPtr> NewGroup(const Curve& curve);
// 1 <= d < order (SEC 1 §3.2.1).
bool IsValidScalar(const EC_GROUP* group, const BIGNUM* d);
// The private key with scalar `d` and public point d*G; kInvalidArgument if
// `d` is out of range.
Result<ossl::PkeyPtr> EcKeyFromScalar(const Curve& curve, const BIGNUM* d);
// A public key from an uncompressed point (04 || X || Y); kInvalidArgument
// unless the point has the curve's length and lies on the curve.
Result<ossl::PkeyPtr> EcPublicKeyFromPoint(const Curve& curve, ByteView point);
// The uncompressed public point of an EC key, whatever form it was loaded in.
Result<Bytes> EcPublicPoint(EVP_PKEY* key, const Curve& curve);

}  // namespace tessera::piv

// Keys and OpenSSL stand-ins for the card, shared by the crypto unit tests.
// Keys are generated once per process (RSA generation is slow under the
// sanitizers) and owned by the helpers; callers borrow the pointers.
#pragma once

#include <openssl/evp.h>

#include <cstddef>

#include "common/bytes.hpp"
#include "common/ossl.hpp"

namespace tessera::p11::crypto::testing {

EVP_PKEY* Rsa2048();
EVP_PKEY* Rsa1025();  // modulus bits = 1 mod 8: the PSS block starts with 00
EVP_PKEY* P256();
EVP_PKEY* P384();
EVP_PKEY* Ed25519();
EVP_PKEY* X25519();

// What the card does: block^d mod n, k bytes (RSA without padding).
Bytes RawRsaPrivate(EVP_PKEY* key, ByteView block);
// OpenSSL's raw signature over a precomputed digest (ECDSA gives DER).
Bytes SignDigest(EVP_PKEY* key, ByteView digest);
// A number parameter of a key, big-endian, minimal.
Bytes BnParam(EVP_PKEY* key, const char* name);
// An owning copy, for comparisons.
inline Bytes Copy(ByteView b) { return {b.begin(), b.end()}; }
// Copy with bit 0 of byte `index` flipped.
Bytes FlipBit(ByteView data, std::size_t index);

}  // namespace tessera::p11::crypto::testing

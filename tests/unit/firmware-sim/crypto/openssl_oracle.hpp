// Test-only helpers that answer questions with OpenSSL directly, never with
// firmware-sim/crypto, so that the tests check the token's crypto against an
// independent implementation. Each helper fails the current test (ADD_FAILURE)
// and returns an empty value when OpenSSL refuses. Thread-compatible.
#pragma once

#include <string>

#include "common/ossl.hpp"

namespace tessera::sim::testing {

// A fresh key from OpenSSL's own generator: "RSA" (bits), "EC" (curve name),
// "ED25519", "X25519".
ossl::PkeyPtr OpensslRsaKey(unsigned bits);
ossl::PkeyPtr OpensslEcKey(const char* curve);
ossl::PkeyPtr OpensslRawKey(const char* type);

// SHA-256/384 of `data`.
Bytes Sha256(ByteView data);
Bytes Sha384(ByteView data);

// Type-specific private key DER (i2d_PrivateKey), to compare whole keys.
Bytes PrivateDer(EVP_PKEY* key);
// SubjectPublicKeyInfo DER (i2d_PUBKEY).
Bytes PublicDer(EVP_PKEY* key);

Bytes BnParam(EVP_PKEY* key, const char* name, std::size_t width = 0);
std::string GroupName(EVP_PKEY* key);

// Uncompressed point of an EC key / raw 32-byte public key of a 25519 key.
Bytes EcPoint(EVP_PKEY* key);
Bytes RawPublic(EVP_PKEY* key);

// Public-key operations.
bool EcdsaVerifies(EVP_PKEY* key, ByteView tbs, ByteView der_sig);
bool Ed25519Verifies(EVP_PKEY* key, ByteView message, ByteView sig);
// EMSA-PKCS1-v1_5 block (RFC 8017 §9.2) of k bytes around a SHA-256
// DigestInfo, as a host sends it for CKM_SHA256_RSA_PKCS. Built by hand:
// OpenSSL 3 only offers it through deprecated RSA_* calls.
Bytes Pkcs1Sha256Block(std::size_t k, ByteView sha256);
// m^e mod n with no padding.
Bytes RsaPublicRaw(EVP_PKEY* key, ByteView block);
Bytes Derive(EVP_PKEY* ours, EVP_PKEY* peer);

}  // namespace tessera::sim::testing

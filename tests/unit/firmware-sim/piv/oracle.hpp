// The PIV tests' independent OpenSSL side: everything a test uses to judge
// the token's output is computed here with plain OpenSSL calls, not with the
// token's crypto library (public keys are rebuilt from the 7F49 bytes, the
// management-key block cipher is EVP ECB). Test-only; thread-compatible.
#pragma once

#include <ctime>
#include <string>

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"

namespace tessera::sim::pivtest {

// Single-block ECB under the management key (3DES or AES), no padding.
Bytes EcbEncrypt(piv::Algorithm alg, ByteView key, ByteView block);
Bytes EcbDecrypt(piv::Algorithm alg, ByteView key, ByteView block);

// A public key from 7F49 contents (81/82 for RSA, 86 otherwise).
ossl::PkeyPtr PublicKeyFrom7F49(piv::Algorithm alg, ByteView contents);

// RSA: `raw` is block^d mod n, so raw^e mod n must give back `block`.
bool RsaRawMatches(EVP_PKEY* pub, ByteView block, ByteView raw);
// EMSA-PKCS1-v1_5 block of SHA-256(message) for a modulus of `size` bytes.
Bytes Pkcs1SignatureBlock(ByteView message, std::size_t size);
// RSAES-PKCS1-v1_5 encryption of `message` with OpenSSL.
Bytes RsaEncryptPkcs1(EVP_PKEY* pub, ByteView message);
bool EcdsaVerifyDigest(EVP_PKEY* pub, ByteView digest, ByteView der_signature);
bool Ed25519Verify(EVP_PKEY* pub, ByteView message, ByteView signature);
Bytes Sha256(ByteView data);
Bytes Sha384(ByteView data);

// A fresh host key for key agreement with the token's key type, its PIV
// public encoding (uncompressed point or 32 raw bytes), and the shared secret.
struct HostKey {
  ossl::PkeyPtr key;
  Bytes public_encoding;
};
HostKey NewHostKey(piv::Algorithm alg);
Bytes Derive(EVP_PKEY* own, EVP_PKEY* peer);

// Certificate helpers for attestation.
std::string SubjectCn(X509* cert);
std::string IssuerCn(X509* cert);
// The DER extnValue of extension `oid`, empty when absent.
Bytes ExtensionValue(X509* cert, const std::string& oid);
bool SignedBy(X509* cert, EVP_PKEY* issuer_key);
bool SamePublicKey(EVP_PKEY* a, EVP_PKEY* b);

}  // namespace tessera::sim::pivtest

namespace tessera::sim::pivtest {

// A key made by OpenSSL and the IMPORT KEY data that carries it
// (01..05 RSA CRT, 06 EC scalar, 07 Ed25519, 08 X25519).
struct ImportedKey {
  ossl::PkeyPtr key;
  Bytes data;
};
ImportedKey NewImportableKey(piv::Algorithm alg);

// Full X.509 path validation leaf -> intermediate -> root at time `at`.
bool ChainVerifies(X509* leaf, X509* intermediate, X509* root, std::time_t at);

}  // namespace tessera::sim::pivtest

// The independent OpenSSL side of the secret-key and unwrap tests: MACs,
// AES-GCM, HKDF, the X9.63 KDF and AES-KWP computed with plain EVP calls
// (EVP_MAC, EVP_KDF, EVP_CIPHER), never with common/crypto, so a test that
// compares the token's answer with these checks the token against OpenSSL.
// Each function fails the running test (ADD_FAILURE) when OpenSSL refuses.
// Test-only; thread-compatible.
#pragma once

#include <string>

#include "common/ossl.hpp"

namespace tessera::sim::pivtest {

// AES-CMAC (SP 800-38B) and HMAC; `digest` is "SHA256", "SHA384", "SHA512".
Bytes OsslCmac(ByteView key, ByteView message);
Bytes OsslHmac(const char* digest, ByteView key, ByteView message);
// AES-GCM: ciphertext || tag.
Bytes OsslGcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext, std::size_t tag_len);
// HKDF-SHA-256 (RFC 5869): extract then expand, or expand only from a PRK.
Bytes OsslHkdf(ByteView ikm, ByteView salt, ByteView info, std::size_t length);
Bytes OsslHkdfExpand(ByteView prk, ByteView info, std::size_t length);
// ANSI X9.63 KDF with `digest`.
Bytes OsslX963(const char* digest, ByteView z, ByteView shared_info, std::size_t length);

// CKM_ECDH_AES_KEY_WRAP to `recipient` (P-256) done by hand: an ephemeral
// key, ECDH, X9.63 with `digest`, AES-KWP (RFC 5649) under the first
// `kek_bytes` bytes. Returns point || wrapped.
Bytes OsslEcdhAesWrap(EVP_PKEY* recipient, const char* digest, std::size_t kek_bytes,
                      ByteView shared_data, ByteView key_material);

// A key made by OpenSSL and its PKCS#8 PrivateKeyInfo DER.
struct Pkcs8Key {
  ossl::PkeyPtr key;
  Bytes der;
};
// `type`: "RSA" (with `bits`), "P-256", "P-384", "ED25519", "X25519".
Pkcs8Key NewPkcs8Key(const std::string& type, unsigned bits = 0);

}  // namespace tessera::sim::pivtest

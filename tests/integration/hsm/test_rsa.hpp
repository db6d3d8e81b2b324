// RSA helpers for the cryptogram tests: a known key pair made by OpenSSL,
// planted in a test token as a version's cryptogram pair, and reference
// RSA encryption and decryption on the host with OpenSSL's EVP_PKEY API,
// independent of hsm/. Test code only: known private keys are fine here.
#pragma once

#include <openssl/evp.h>

#include <optional>
#include <string>

#include "common/bytes.hpp"
#include "hsm/hsm_token.hpp"

namespace tessera::hsm::testing {

// One RSA-3072 pair (e = 65537) per test process, made on first use: key
// generation is slow under the sanitizers. Owned by the helper.
EVP_PKEY* SharedRsa3072();

// `key` as the token objects `label`: a public key with CKA_ENCRYPT and a
// sensitive private key with CKA_DECRYPT, like a version's cryptogram pair.
void PlantRsaPair(HsmToken& token, const std::string& label, EVP_PKEY* key);

// kNone is raw RSA of a k-byte input; OAEP uses the same hash for MGF1 and
// an empty label.
enum class RsaPadding { kNone, kOaepSha1, kOaepSha256 };

Bytes ReferenceRsaEncrypt(EVP_PKEY* key, RsaPadding padding, ByteView data);
// std::nullopt when OpenSSL refuses the ciphertext.
std::optional<Bytes> ReferenceRsaDecrypt(EVP_PKEY* key, RsaPadding padding, ByteView data);

}  // namespace tessera::hsm::testing

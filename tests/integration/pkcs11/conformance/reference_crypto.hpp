// The independent side of the conformance checks for symmetric mechanisms,
// key wrapping and key derivation: plain OpenSSL 3 EVP calls, written from
// the algorithms' own specifications (SP 800-38A/B/D/F, RFC 3394, RFC 5649,
// RFC 5869, ANSI X9.63), never from the module's or common/crypto's code.
// Asymmetric checks live in api_openssl.hpp. Stateless; a failing OpenSSL
// call is a GoogleTest failure and an empty result.
#pragma once

#include <string>

#include "common/bytes.hpp"
#include "common/ossl.hpp"

namespace tessera::testing::conformance {

// One block-cipher pass. `cipher` is an OpenSSL name with the key size in it
// ("AES-128-CBC", "DES-EDE3-ECB", "AES-256-CTR"); `iv` empty for ECB; `pad`
// adds/removes PKCS#7 padding.
Bytes Cipher(const std::string& cipher, ByteView key, ByteView iv, ByteView data, bool encrypt,
             bool pad = false);
// "AES-128-" + mode for a 16-byte key, "AES-256-" + mode for 32 bytes, ...
std::string AesName(std::size_t key_bytes, const std::string& mode);
// AES-GCM (SP 800-38D): ciphertext followed by a `tag_bytes` tag.
Bytes AesGcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plain, std::size_t tag_bytes);
// AES-CMAC (SP 800-38B), the full 16 bytes.
Bytes AesCmac(ByteView key, ByteView data);
// HMAC with "SHA256", "SHA384" or "SHA512".
Bytes Hmac(const std::string& digest, ByteView key, ByteView data);
// AES key wrap: RFC 3394 (KW) or, with `kwp`, RFC 5649 (KWP).
Bytes AesKeyWrap(ByteView kek, ByteView key, bool kwp);
// ANSI X9.63 KDF (what CKD_SHA*_KDF names) over Z and the shared info.
Bytes X963Kdf(const std::string& digest, ByteView z, ByteView shared_info, std::size_t length);
// RFC 5869 HKDF, extract then expand.
Bytes Hkdf(const std::string& digest, ByteView ikm, ByteView salt, ByteView info,
           std::size_t length);

// PKCS#8 PrivateKeyInfo DER of a private key (what an unwrapped key holds).
Bytes Pkcs8(EVP_PKEY* key);

// A P-256 public key from its uncompressed point (04 || X || Y).
ossl::PkeyPtr P256FromPoint(ByteView point);
// The public key a PKCS#11 EC object describes: CKA_EC_PARAMS (P-256, P-384,
// Ed25519 or X25519 OID) and CKA_EC_POINT (DER OCTET STRING or raw).
ossl::PkeyPtr EcPublicFromAttributes(ByteView ec_params, ByteView ec_point);

// CKM_ECDH_AES_KEY_WRAP as docs/piv-extensions.md describes the token's F2
// blob: a fresh P-256 key, Z with `recipient`, KEK = the first kek_bytes of
// X9.63-SHA-256(Z, shared_data), and the blob = ephemeral point || KWP(KEK,
// plaintext).
Bytes EcdhAesKeyWrapBlob(EVP_PKEY* recipient, std::size_t kek_bytes, ByteView shared_data,
                         ByteView plaintext);

}  // namespace tessera::testing::conformance

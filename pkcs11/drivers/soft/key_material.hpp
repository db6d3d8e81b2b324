// Key material made and opened on the host for session keys (PKCS#11 3.0
// §5.14): secret values and key pairs from OpenSSL's DRBG, the KDFs over an
// ECDH secret (CKD_NULL, X9.63), HKDF (CKM_HKDF_DERIVE), and wrapping and
// unwrapping of session keys under session keys (AES key wrap RFC 3394 and
// RFC 5649, AES and 3DES block modes, CKM_ECDH_AES_KEY_WRAP). Stateless;
// secrets stay in SecureBytes.
#pragma once

#include "common/ossl.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "pkcs11/model/key_spec.hpp"
#include "pkcs11/model/mechanism.hpp"
#include "pkcs11/model/object.hpp"

namespace tessera::p11::soft {

// `len` random bytes for a secret key of `type`; 3DES keys get odd parity.
[[nodiscard]] Result<SecureBytes> RandomSecret(KeyType type, std::size_t len);
[[nodiscard]] Result<ossl::PkeyPtr> GenerateKeyPair(const KeySpec& spec);

// The KDF of CKM_ECDH1_DERIVE over the shared secret `z`: CKD_NULL gives z's
// first `len` bytes; CKD_SHA*_KDF the X9.63 KDF with the shared data.
[[nodiscard]] Result<SecureBytes> EcdhKdf(const EcdhParams& params, ByteView z, std::size_t len);
// HKDF (RFC 5869) as CKM_HKDF_DERIVE asks: extract and/or expand.
[[nodiscard]] Result<SecureBytes> HkdfDerive(const HkdfParams& params, ByteView key, ByteView salt,
                                             std::size_t len);

// C_WrapKey: `key` (a session secret key's value, or a private key as
// PKCS#8) under `wrapping_key`. The caller checked both keys' attributes.
[[nodiscard]] Result<Bytes> WrapKey(const Mechanism& mechanism, const Object& wrapping_key,
                                    const Object& key);
// C_UnwrapKey's plaintext: a secret key's value or a PKCS#8 private key.
[[nodiscard]] Result<SecureBytes> UnwrapKey(const Mechanism& mechanism,
                                            const Object& unwrapping_key, ByteView wrapped);

}  // namespace tessera::p11::soft

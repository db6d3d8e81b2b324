// The PKCS#11 calls of the key benchmark (p11_key_bench), the same for every
// module: secret keys made or created, MACs, AES-GCM, C_UnwrapKey, object
// lookup. Each returns Status with the function's name and CK_RV
// (P11Error). Used by one thread per session.
#pragma once

#include <p11-kit/pkcs11.h>

#include <optional>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "tests/bench/pkcs11/p11_client.hpp"

namespace tessera::bench {

// What a secret key may do; the rest of its attributes are the module's
// defaults.
enum class SecretUse { kMac, kCipher, kUnwrap };

// A sensitive secret key with the value `value` (C_CreateObject): a token
// object when `token` (on a Tessera token: imported into a free card slot
// C0..DF), else a session object.
Result<CK_OBJECT_HANDLE> CreateSecretKey(P11Session& s, CK_KEY_TYPE type, ByteView value,
                                         bool token, SecretUse use);

// The one object of class `cls` with CKA_ID `id`.
Result<CK_OBJECT_HANDLE> FindById(P11Session& s, CK_OBJECT_CLASS cls, ByteView id);
Result<Bytes> GetAttribute(P11Session& s, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
// CK_TOKEN_INFO.serialNumber, trailing blanks removed.
Result<std::string> TokenSerial(const P11Module& module, CK_SLOT_ID slot);

// C_SignInit + C_Sign with a parameterless MAC mechanism.
Status Mac(P11Session& s, CK_MECHANISM_TYPE mechanism, CK_OBJECT_HANDLE key, ByteView data,
           Bytes& out);
// C_EncryptInit + C_Encrypt, CKM_AES_GCM with a 12-byte IV and a 128-bit
// tag; `out` is the ciphertext and tag.
Status AesGcmEncrypt(P11Session& s, CK_OBJECT_HANDLE key, ByteView iv, ByteView data, Bytes& out);

// C_UnwrapKey into a token private key of type `key_type` with CKA_SIGN and
// CKA_ID `id`. `params` is the mechanism parameter (nullptr for none).
Result<CK_OBJECT_HANDLE> UnwrapPrivateKey(P11Session& s, CK_MECHANISM mechanism,
                                          CK_OBJECT_HANDLE unwrapping_key, ByteView blob,
                                          CK_KEY_TYPE key_type, ByteView id);
Status DestroyObject(P11Session& s, CK_OBJECT_HANDLE object);

}  // namespace tessera::bench

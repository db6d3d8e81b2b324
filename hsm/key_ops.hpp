// Making keys inside an HSM: generate, import, derive, wrap and unwrap.
//
// Thin typed calls over C_GenerateKey, C_GenerateKeyPair, C_CreateObject,
// C_DeriveKey, C_WrapKey and C_UnwrapKey. Every key made comes back as a
// KeyObject, so it is destroyed unless the caller keeps it. `description`
// names the key in errors and in its KeyObject; every error names the
// function, the CK_RV and the HSM token. Stateless; the session's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/attribute_template.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/key_object.hpp"
#include "hsm/mechanism.hpp"

namespace tessera::hsm {

struct KeyPair {
  KeyObject public_key;
  KeyObject private_key;
};

Result<KeyObject> GenerateKey(HsmSession& session, MechanismSpec mechanism,
                              AttributeTemplate key_template, std::string description);
Result<KeyPair> GenerateKeyPair(HsmSession& session, MechanismSpec mechanism,
                                AttributeTemplate public_template,
                                AttributeTemplate private_template, std::string_view description);
Result<KeyObject> CreateObject(HsmSession& session, AttributeTemplate object_template,
                               std::string description);
// C_DeriveKey from `base` (e.g. CKM_AES_ECB_ENCRYPT_DATA, whose new key's
// value is AES-ECB(base, data); PKCS#11 3.0 §2.15.6).
Result<KeyObject> DeriveKey(HsmSession& session, MechanismSpec mechanism, CK_OBJECT_HANDLE base,
                            AttributeTemplate key_template, std::string description);
// C_WrapKey of `key` under `wrapping_key`; `what` names `key`.
Result<Bytes> WrapKey(HsmSession& session, MechanismSpec mechanism, CK_OBJECT_HANDLE wrapping_key,
                      CK_OBJECT_HANDLE key, std::string_view what);
Result<KeyObject> UnwrapKey(HsmSession& session, MechanismSpec mechanism,
                            CK_OBJECT_HANDLE unwrapping_key, ByteView wrapped,
                            AttributeTemplate key_template, std::string description);

}  // namespace tessera::hsm

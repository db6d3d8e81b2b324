// Derivation inside the HSM, the one primitive of Tessera's key scheme:
// new key = AES-256-ECB(base, data) with C_DeriveKey(CKM_AES_ECB_ENCRYPT_DATA)
// (PKCS#11 3.0 §2.15.6), `data` two AES blocks, the new key AES-256.
//
// ECB, not CBC: CKM_AES_CBC_ENCRYPT_DATA chains the two blocks and gives a
// different key, and the scheme (docs/hsm-adapter.md "Diversification") is
// pinned by test vectors. An HSM without ECB_ENCRYPT_DATA in its quirks is
// refused with kFunctionNotSupported instead of silently deriving other keys.
// Stateless; the token's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/attribute_template.hpp"
#include "hsm/hsm_quirks.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/key_object.hpp"

namespace tessera::hsm {

inline constexpr std::size_t kDerivationDataSize = 32;

// kFunctionNotSupported naming the HSM and the token unless the quirks have
// CKM_AES_ECB_ENCRYPT_DATA.
Status RequireEcbEncryptData(const HsmQuirks& quirks, std::string_view token_label);

// `data` must be kDerivationDataSize bytes (kInvalidArgument otherwise);
// `key_template` comes from key_templates.hpp and sets CKA_VALUE_LEN 32.
Result<KeyObject> DeriveByEcbEncryptData(HsmToken& token, CK_OBJECT_HANDLE base, ByteView data,
                                         AttributeTemplate key_template, std::string description);

}  // namespace tessera::hsm

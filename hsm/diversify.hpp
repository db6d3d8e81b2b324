// Per-token key diversification inside the HSM (seed 003 claims 4, 11, 20,
// 21; docs/hsm-adapter.md "Diversification"):
//
//   MK  = AES-256-ECB(MK block V,  UID || (UID XOR FF..FF))   UID 16 bytes
//   KRK = AES-256-ECB(KRK block V, R)                          R 32 bytes
//
// each by C_DeriveKey(CKM_AES_ECB_ENCRYPT_DATA) from the block's token
// object, into a session KeyObject (PerTokenKeyTemplate: sensitive,
// extractable only by C_WrapKey, CKA_SIGN, CKA_ENCRYPT, CKA_DERIVE). The
// keys never exist in host memory. Stateless; the token's thread, and the
// KeyObject must go before the token does.
#pragma once

#include <cstdint>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/key_object.hpp"

namespace tessera::hsm {

inline constexpr std::size_t kUidSize = 16;
inline constexpr std::size_t kRSize = 32;

// UID || (UID XOR FF*16); kInvalidArgument unless the UID is 16 bytes.
Result<Bytes> MkDiversificationData(ByteView uid);

// Errors: kInvalidArgument (version, UID or R size), kNotFound (the token
// does not hold that version's block), kFunctionNotSupported (no
// CKM_AES_ECB_ENCRYPT_DATA), and the HSM's own.
Result<KeyObject> DeriveTokenMk(HsmToken& token, std::uint8_t version, ByteView uid);
Result<KeyObject> DeriveTokenKrk(HsmToken& token, std::uint8_t version, const SecureBytes& r);

}  // namespace tessera::hsm

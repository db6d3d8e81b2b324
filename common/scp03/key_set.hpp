// Tessera's key material around SCP03 (docs/card-manager.md "Keys"): the
// factory transport key, the three static keys derived from one base key,
// the session S-DEK, key check values, and PUT KEY key data.
//
// StaticKeyDerivationData and SessionDekDerivationData give the 32 bytes an
// HSM feeds to CKM_AES_ECB_ENCRYPT_DATA to derive the same static keys, and
// the same S-DEK, inside the HSM: the host never holds S-DEK, so it cannot
// read the keys it installs. The byte versions here are the token's.
// Stateless functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>

#include "common/bytes.hpp"
#include "common/scp03/session_keys.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::scp03 {

enum class KeyRole : std::uint8_t { kEnc = 'E', kMac = 'M', kDek = 'D' };

inline constexpr std::uint8_t kFactoryKvn = 0xFF;
// 40 41 .. 5F: public, like GlobalPlatform's default key.
std::array<std::uint8_t, 32> FactoryBaseKey();

// D(role) = B(role,1) || B(role,2), B = "TESSERA-SCP03" || role || 00 || i.
Bytes StaticKeyDerivationData(KeyRole role);
// AES-256-ECB(base, D(role)); `base` must be 32 bytes.
Result<SecureBytes> StaticKeyFromBase(ByteView base, KeyRole role);
// K-ENC and K-MAC of `base` as OpenSSL-backed PRFs (K-DEK only derives
// S-DEK: StaticKeyFromBase(base, KeyRole::kDek)).
Result<StaticKeys> StaticKeysFromBase(ByteView base);

// docs/card-manager.md "Session keys": X = SHA-256("TESSERA-S-DEK" ||
// context), 32 bytes, context = host challenge || card challenge. Empty only
// if OpenSSL fails, which every user refuses as a wrong length.
Bytes SessionDekDerivationData(ByteView context);
// S-DEK = AES-256-ECB(K-DEK, X). `k_dek` must be 32 bytes (kInvalidArgument)
// and `context` 16 or 32 bytes (kWrongLength).
Result<SecureBytes> SessionDekFromStatic(ByteView k_dek, ByteView context);

// First 3 bytes of AES-ECB(key, 16 x 01) (GlobalPlatform AES KCV).
Result<Bytes> KeyCheckValue(ByteView key);
// PUT KEY key data under S-DEK: AES-CBC with a zero ICV, no padding;
// `key_data` a multiple of 16 bytes.
Result<Bytes> EncryptKeyData(ByteView dek, ByteView key_data);
Result<SecureBytes> DecryptKeyData(ByteView dek, ByteView encrypted);

// UNLOCK response: CMAC(KRK, "TESSERA-UNLOCK" || challenge || UID). The
// message is exposed so an HSM can MAC it under a KRK handle.
Bytes UnlockMessage(ByteView challenge, ByteView uid);

}  // namespace tessera::scp03

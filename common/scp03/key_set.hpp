// Tessera's key material around SCP03 (docs/card-manager.md "Keys"): the
// factory transport key, the three static keys derived from one base key,
// key check values, and PUT KEY key data.
//
// StaticKeyDerivationData gives the 32 bytes an HSM feeds to
// CKM_AES_ECB_ENCRYPT_DATA to derive the same static keys inside the HSM.
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
// The three static keys of `base` as OpenSSL-backed PRFs.
Result<StaticKeys> StaticKeysFromBase(ByteView base);

// First 3 bytes of AES-ECB(key, 16 x 01) (GlobalPlatform AES KCV).
Result<Bytes> KeyCheckValue(ByteView key);
// AES-CBC with a zero ICV, no padding; `key_data` a multiple of 16 bytes.
Result<Bytes> EncryptKeyData(ByteView dek, ByteView key_data);
Result<SecureBytes> DecryptKeyData(ByteView dek, ByteView encrypted);

// UNLOCK response: CMAC(KRK, "TESSERA-UNLOCK" || challenge || UID). The
// message is exposed so an HSM can MAC it under a KRK handle.
Bytes UnlockMessage(ByteView challenge, ByteView uid);

}  // namespace tessera::scp03

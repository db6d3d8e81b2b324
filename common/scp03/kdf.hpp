// SCP03 key derivation (GlobalPlatform Card Spec v2.3 Amendment D §6.2.1):
// NIST SP 800-108 counter-mode KDF with AES-CMAC as the PRF, and the
// cryptograms and pseudo-random card challenge built on it.
//
// The PRF is a callable so that the same derivation runs over key bytes (the
// token, OpenSSL) or over a key handle inside an HSM (C_Sign with
// CKM_AES_CMAC): the HSM never has to hand out the static key. Stateless
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::scp03 {

// Amd D table 6-1 derivation constants. Tessera's S-DEK is not made with
// this KDF (key_set.hpp SessionDekFromStatic).
inline constexpr std::uint8_t kCardCryptogram = 0x00;
inline constexpr std::uint8_t kHostCryptogram = 0x01;
inline constexpr std::uint8_t kCardChallenge = 0x02;
inline constexpr std::uint8_t kSessionEnc = 0x04;
inline constexpr std::uint8_t kSessionMac = 0x06;
inline constexpr std::uint8_t kSessionRmac = 0x07;

// AES-CMAC (NIST SP 800-38B) of `data` under an AES key of the PRF's choice;
// returns the full 16-byte tag.
using Prf = std::function<Result<SecureBytes>(ByteView data)>;

// A Prf over AES key bytes (16, 24 or 32), computed with OpenSSL. The key is
// copied into the callable and wiped with it.
Prf CmacPrf(ByteView key);
// One-shot AES-CMAC (crypto::AesCmacSecret); kInvalidArgument for a key that
// is not 16/24/32 bytes.
Result<SecureBytes> AesCmac(ByteView key, ByteView data);

// D(i) = 00*11 || constant || 00 || L (2 bytes BE, bits) || i || context.
Bytes KdfInput(std::uint8_t constant, std::uint16_t l_bits, std::uint8_t i, ByteView context);
// PRF(D(1)) || PRF(D(2)) ... truncated to l_bits / 8 bytes.
Result<SecureBytes> Kdf(const Prf& prf, std::uint8_t constant, std::uint16_t l_bits,
                        ByteView context);

}  // namespace tessera::scp03

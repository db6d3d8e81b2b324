// The key package (seed 000 claims 6-8; docs/piv-extensions.md "The key
// package object"): a key wrapped to one token's F0, stored on that token as
// a data object until the user activates it.
//
// The CMS makes it, the officer's terminal writes it to the token (PIV data
// object 5FFF20, through PKCS#11 as a CKO_DATA token object with
// CKA_APPLICATION "Tessera key package"), and `tessera token activate`
// reads it back and hands its fields to C_UnwrapKey (CKM_ECDH_AES_KEY_WRAP,
// F0) -- the token opens it with F2 and, in the same state commit, empties
// 5FFF20 when the blob it opened is the one stored there.
//
// Encoding: the F2 command's own tags (wrapped_key.hpp), in this order,
// inside one constructed tag 7F71:
//   7F71 len
//     80 01 alg        the PIV algorithm byte of the key inside (optional)
//     85 01 family     the key family (CKK_ low byte), required
//     81 01 kdf        06 / 07 / 08, required
//     82 01 kek-len    10 / 18 / 20, required
//     83 n  shared     "TSW1" || serial || target slot || context (9..73)
//     84 n  blob       point (65) || AES-KWP output (>= 16, multiple of 8)
// Anything else (an unknown or repeated tag, trailing bytes, a length out of
// range) is kInvalidArgument naming the fault. Value code; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::piv {

inline constexpr std::uint32_t kKeyPackageObject = 0x5FFF20;             // PIV data object tag
inline constexpr std::uint32_t kKeyPackageTag = 0x7F71;                  // outer TLV
inline constexpr char kKeyPackageApplication[] = "Tessera key package";  // CKA_APPLICATION

struct KeyPackage {
  std::optional<std::uint8_t> algorithm;  // tag 80
  std::uint8_t family = 0x03;             // tag 85 (03: EC)
  std::uint8_t kdf = 0x06;                // tag 81 (06: CKD_SHA256_KDF)
  std::uint8_t kek_length = 32;           // tag 82
  Bytes shared;                           // tag 83: the shared data
  Bytes blob;                             // tag 84
  bool operator==(const KeyPackage&) const = default;
};

Bytes EncodeKeyPackage(const KeyPackage& package);
Result<KeyPackage> ParseKeyPackage(ByteView encoded);

}  // namespace tessera::piv

// A key wrapped to one token (docs/piv-extensions.md "F2: UNWRAP AND
// STORE"; DESIGN.md "Wrapped keys for a token"): the shared data that binds a
// CKM_ECDH_AES_KEY_WRAP blob to a token serial and a target slot, and the
// F2 command's tags and KDF bytes. The token parses the shared data, the
// host, the tests and the CMS build it; this is the one definition.
//
//   offset 0  "TSW1" (54 53 57 31)
//   offset 4  serial, 4 bytes big-endian
//   offset 8  target slot: a PIV key slot, C0..DF, or FF (any secret-key slot)
//   offset 9  context, 0..64 bytes, opaque to the token
//
// Header-only value code; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "common/crypto/hash.hpp"
#include "common/status.hpp"

namespace tessera::piv::wrap {

inline constexpr std::uint8_t kMagic[4] = {0x54, 0x53, 0x57, 0x31};  // "TSW1"
inline constexpr std::size_t kHeaderSize = 9;
inline constexpr std::size_t kMaxContext = 64;
// Shared data target: "the lowest free secret-key slot" (P2 FF) or any one.
inline constexpr std::uint8_t kAnySecretSlot = 0xFF;
// The ephemeral P-256 point that opens the blob (uncompressed).
inline constexpr std::size_t kPointSize = 65;

// F2 command data tags.
namespace tag {
inline constexpr std::uint32_t kAlgorithm = 0x80;   // PIV algorithm or secret-key type byte
inline constexpr std::uint32_t kKdf = 0x81;         // KdfByte()
inline constexpr std::uint32_t kKekLength = 0x82;   // 16, 24 or 32
inline constexpr std::uint32_t kSharedData = 0x83;  // EncodeSharedData()
inline constexpr std::uint32_t kBlob = 0x84;        // point || AES-KWP output
inline constexpr std::uint32_t kKeyFamily = 0x85;   // CKK_ low byte: 00 RSA, 03 EC, 40, 41, 1F, 10
inline constexpr std::uint32_t kPinPolicy = 0xAA;   // private keys, as IMPORT KEY
inline constexpr std::uint32_t kTouchPolicy = 0xAB;
}  // namespace tag

// The low byte of PKCS#11's CKD_SHA256_KDF, CKD_SHA384_KDF, CKD_SHA512_KDF.
inline std::optional<crypto::Hash> KdfFromByte(std::uint8_t b) {
  switch (b) {
    case 0x06: return crypto::Hash::kSha256;
    case 0x07: return crypto::Hash::kSha384;
    case 0x08: return crypto::Hash::kSha512;
    default: return std::nullopt;
  }
}
inline std::optional<std::uint8_t> KdfByte(crypto::Hash h) {
  switch (h) {
    case crypto::Hash::kSha256: return 0x06;
    case crypto::Hash::kSha384: return 0x07;
    case crypto::Hash::kSha512: return 0x08;
    default: return std::nullopt;
  }
}

struct Binding {
  std::uint32_t serial = 0;
  std::uint8_t target = 0;
  Bytes context;
};

// Precondition: context at most kMaxContext bytes (longer is cut there).
inline Bytes EncodeSharedData(const Binding& b) {
  Bytes out(std::begin(kMagic), std::end(kMagic));
  PutU32(out, b.serial);
  out.push_back(b.target);
  const std::size_t n = b.context.size() < kMaxContext ? b.context.size() : kMaxContext;
  out.insert(out.end(), b.context.begin(), b.context.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

// kInvalidArgument for a wrong prefix or a length outside 9..73.
inline Result<Binding> ParseSharedData(ByteView data) {
  if (data.size() < kHeaderSize || data.size() > kHeaderSize + kMaxContext) {
    return Status::InvalidArgument("wrapped key: shared data must be 9 to 73 bytes");
  }
  for (std::size_t i = 0; i < sizeof kMagic; ++i) {
    if (data[i] != kMagic[i]) return Status::InvalidArgument("wrapped key: shared data not TSW1");
  }
  Binding b;
  b.serial = GetU32(data.subspan(4));
  b.target = data[8];
  b.context.assign(data.begin() + kHeaderSize, data.end());
  return b;
}

}  // namespace tessera::piv::wrap

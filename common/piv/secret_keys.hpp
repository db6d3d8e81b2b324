// The wire vocabulary of the PIV applet's secret-key objects
// (docs/piv-extensions.md): slot references, key types and sizes, usage
// bits, metadata and data tags, and the F4/F5 operation codes. The token
// writes these bytes and the host reads them, so both include this one
// list. Constants and constexpr functions only; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace tessera::piv::secret {

// 32 slots, C0..DF; FF in P2 asks for the lowest free one.
inline constexpr std::uint8_t kFirstSlot = 0xC0;
inline constexpr std::uint8_t kLastSlot = 0xDF;
inline constexpr std::size_t kSlotCount = 32;
inline constexpr std::uint8_t kAnyFreeSlot = 0xFF;
constexpr bool IsSlot(std::uint8_t ref) { return ref >= kFirstSlot && ref <= kLastSlot; }

// 08, 0A, 0C are SP 800-78-4's AES identifiers; 20 is Tessera's.
enum class KeyType : std::uint8_t {
  kAes128 = 0x08,
  kAes192 = 0x0A,
  kAes256 = 0x0C,
  kGeneric = 0x20
};

constexpr std::optional<KeyType> KeyTypeFromByte(std::uint8_t b) {
  switch (b) {
    case 0x08: return KeyType::kAes128;
    case 0x0A: return KeyType::kAes192;
    case 0x0C: return KeyType::kAes256;
    case 0x20: return KeyType::kGeneric;
    default: return std::nullopt;
  }
}
constexpr bool IsAes(KeyType t) { return t != KeyType::kGeneric; }

inline constexpr std::size_t kGenericMinLength = 16;
inline constexpr std::size_t kGenericMaxLength = 64;
inline constexpr std::size_t kGenericDefaultLength = 32;
// The AES key size, or the generic default when F4 gives no 0E.
constexpr std::size_t DefaultLength(KeyType t) {
  switch (t) {
    case KeyType::kAes128: return 16;
    case KeyType::kAes192: return 24;
    case KeyType::kAes256: return 32;
    case KeyType::kGeneric: return kGenericDefaultLength;
  }
  return 0;
}
constexpr bool IsValidLength(KeyType t, std::size_t n) {
  if (t == KeyType::kGeneric) return n >= kGenericMinLength && n <= kGenericMaxLength;
  return n == DefaultLength(t);
}

// Usage bits (2 bytes, big-endian on the wire). Bits not listed must be 0.
namespace usage {
inline constexpr std::uint16_t kSign = 0x0001;           // MAC generation
inline constexpr std::uint16_t kVerify = 0x0002;         // MAC verification
inline constexpr std::uint16_t kEncrypt = 0x0004;        // AES-GCM encryption
inline constexpr std::uint16_t kDecrypt = 0x0008;        // AES-GCM decryption
inline constexpr std::uint16_t kDerive = 0x0010;         // base of F4 04
inline constexpr std::uint16_t kExportDerived = 0x0020;  // F5 40, HKDF output to the host
// The bits a host may give a key (F4 import and derive).
inline constexpr std::uint16_t kAll = 0x003F;
// K of the registration protocol (docs/registration-protocol.md): set only
// by the token's own registration, never by a host, and good for nothing
// but that protocol's login.
inline constexpr std::uint16_t kRegistration = 0x0040;
// The bits a stored record may hold.
inline constexpr std::uint16_t kDefined = kAll | kRegistration;
}  // namespace usage

inline constexpr std::size_t kMaxLabel = 32;
inline constexpr std::size_t kMaxId = 32;
inline constexpr std::size_t kMaxMessage = 64512;
inline constexpr std::size_t kMaxHkdfOutput = 1024;
inline constexpr std::size_t kMinGcmTag = 12;
inline constexpr std::size_t kMaxGcmTag = 16;
inline constexpr std::size_t kMaxGcmIv = 128;

namespace tag {
// Metadata (GET METADATA C0..DF, the F5 list, F2/F4 answers) and the
// attributes F2 and F4 take.
inline constexpr std::uint32_t kAlgorithm = 0x01;
inline constexpr std::uint32_t kPolicy = 0x02;  // metadata: PIN, touch; commands: PIN only
inline constexpr std::uint32_t kOrigin = 0x03;
inline constexpr std::uint32_t kUsage = 0x0A;
inline constexpr std::uint32_t kLabel = 0x0B;
inline constexpr std::uint32_t kId = 0x0C;
inline constexpr std::uint32_t kSlot = 0x0D;
inline constexpr std::uint32_t kLength = 0x0E;
inline constexpr std::uint32_t kListEntry = 0xA0;
// F4 data.
inline constexpr std::uint32_t kValue = 0x81;
inline constexpr std::uint32_t kBaseKey = 0x90;
inline constexpr std::uint32_t kPeerPublic = 0x91;
inline constexpr std::uint32_t kEcdhKdf = 0x92;
inline constexpr std::uint32_t kHkdfMode = 0x93;
inline constexpr std::uint32_t kSalt = 0x86;
inline constexpr std::uint32_t kInfo = 0x87;
// F5 data.
inline constexpr std::uint32_t kMessage = 0x81;  // message, plaintext or ciphertext || tag
inline constexpr std::uint32_t kMac = 0x82;      // generate: MAC length; verify: the MAC
inline constexpr std::uint32_t kIv = 0x83;
inline constexpr std::uint32_t kAad = 0x84;
inline constexpr std::uint32_t kTagLength = 0x85;
inline constexpr std::uint32_t kOutputLength = 0x88;
}  // namespace tag

// F4 P1.
namespace manage {
inline constexpr std::uint8_t kImport = 0x01;
inline constexpr std::uint8_t kGenerate = 0x02;
inline constexpr std::uint8_t kDeriveEcdh = 0x03;
inline constexpr std::uint8_t kDeriveHkdf = 0x04;
inline constexpr std::uint8_t kDelete = 0x05;
}  // namespace manage

// F4 03 tag 92 and F4 04 tag 93.
enum class EcdhKdf : std::uint8_t { kNone = 0x00, kHkdfSha256 = 0x01 };
enum class HkdfMode : std::uint8_t { kExtractExpand = 0x01, kExpandOnly = 0x02 };

// F5 P1.
namespace operate {
inline constexpr std::uint8_t kList = 0x00;
inline constexpr std::uint8_t kCmacSign = 0x10;
inline constexpr std::uint8_t kCmacVerify = 0x11;
inline constexpr std::uint8_t kHmacSha256Sign = 0x20;
inline constexpr std::uint8_t kHmacSha256Verify = 0x21;
inline constexpr std::uint8_t kHmacSha384Sign = 0x22;
inline constexpr std::uint8_t kHmacSha384Verify = 0x23;
inline constexpr std::uint8_t kHmacSha512Sign = 0x24;
inline constexpr std::uint8_t kHmacSha512Verify = 0x25;
inline constexpr std::uint8_t kGcmEncrypt = 0x30;
inline constexpr std::uint8_t kGcmDecrypt = 0x31;
inline constexpr std::uint8_t kHkdf = 0x40;
}  // namespace operate

// The MACs of F5: P1 of generation; verification is P1 + 1.
enum class MacAlgorithm : std::uint8_t {
  kAesCmac = operate::kCmacSign,
  kHmacSha256 = operate::kHmacSha256Sign,
  kHmacSha384 = operate::kHmacSha384Sign,
  kHmacSha512 = operate::kHmacSha512Sign,
};

}  // namespace tessera::piv::secret

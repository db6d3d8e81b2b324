// Constants of the card manager application (applet 1), shared by the token
// and the host: docs/card-manager.md is the contract they implement.
#pragma once

#include <cstdint>

namespace tessera::cm {

// F0 + "TESSERACM": ISO 7816-5 category F (proprietary) AID.
inline constexpr std::uint8_t kAid[] = {0xF0, 0x54, 0x45, 0x53, 0x53, 0x45, 0x52, 0x41, 0x43, 0x4D};

inline constexpr std::uint8_t kClaGp = 0x80;
inline constexpr std::uint8_t kClaSecure = 0x84;

namespace ins {
inline constexpr std::uint8_t kGetData = 0xCA;
inline constexpr std::uint8_t kInitializeUpdate = 0x50;
inline constexpr std::uint8_t kExternalAuthenticate = 0x82;
inline constexpr std::uint8_t kGetChallenge = 0x84;
inline constexpr std::uint8_t kUnlock = 0x5A;  // Tessera
inline constexpr std::uint8_t kDeleteKey = 0xE4;
inline constexpr std::uint8_t kPutKey = 0xD8;
inline constexpr std::uint8_t kSetStatus = 0xF0;
}  // namespace ins

// GET DATA P1 P2.
namespace tag {
inline constexpr std::uint16_t kUid = 0xDF30;
inline constexpr std::uint16_t kCplc = 0x9F7F;
inline constexpr std::uint16_t kKeyInfo = 0x00E0;
inline constexpr std::uint16_t kExecutiveStatus = 0xDF31;
}  // namespace tag

inline constexpr std::uint8_t kKeyIdKrk = 1;
inline constexpr std::uint8_t kKeyIdMk = 2;
// The registration issuer's P-256 public key (issue 14; GPC Amd F's
// PK.CA-KLOC.ECDSA layout): PUT KEY P2 10, GET DATA 00E0 type B0.
inline constexpr std::uint8_t kKeyIdIssuer = 0x10;
inline constexpr std::uint8_t kKeyTypeAes = 0x88;
inline constexpr std::uint8_t kKeyTypeEccPublic = 0xB0;
inline constexpr std::size_t kKeyLength = 32;  // AES-256
inline constexpr std::size_t kUidLength = 16;
inline constexpr std::size_t kUnlockChallengeLength = 16;
inline constexpr int kKrkTryLimit = 5;

enum class Lifecycle : std::uint8_t {
  kManufactured = 0x01,
  kPersonalized = 0x0F,
  kUnlocked = 0x1F,
  kTerminated = 0xFF,
};

// "manufactured", "personalized", "unlocked", "terminated"; "unknown" else.
inline const char* LifecycleName(std::uint8_t value) {
  switch (static_cast<Lifecycle>(value)) {
    case Lifecycle::kManufactured: return "manufactured";
    case Lifecycle::kPersonalized: return "personalized";
    case Lifecycle::kUnlocked: return "unlocked";
    case Lifecycle::kTerminated: return "terminated";
  }
  return "unknown";
}

}  // namespace tessera::cm

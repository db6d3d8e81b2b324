// The one table from Status to ISO 7816-4 status words (§5.6) on the token.
#pragma once

#include <cstdint>

#include "common/status.hpp"

namespace tessera::sim {

// 9000 for OK; kPinIncorrect gives 63Cx with x = tries left (capped at 15).
// kPowerLost has no word: the card answers nothing. It maps to 6F00 here for
// completeness; the card OS never sends it.
std::uint16_t StatusToSw(const Status& status);

namespace sw {
inline constexpr std::uint16_t kOk = 0x9000;
inline constexpr std::uint16_t kBytesRemaining = 0x6100;  // | count (00 = 256 or more)
inline constexpr std::uint16_t kPinTriesLeft = 0x63C0;    // | tries
inline constexpr std::uint16_t kWrongLength = 0x6700;
inline constexpr std::uint16_t kLogicalChannelNotSupported = 0x6881;
inline constexpr std::uint16_t kLastCommandOfChainExpected = 0x6883;
inline constexpr std::uint16_t kSecurityStatusNotSatisfied = 0x6982;
inline constexpr std::uint16_t kAuthMethodBlocked = 0x6983;
inline constexpr std::uint16_t kConditionsNotSatisfied = 0x6985;
inline constexpr std::uint16_t kIncorrectData = 0x6A80;
inline constexpr std::uint16_t kFunctionNotSupported = 0x6A81;
inline constexpr std::uint16_t kFileNotFound = 0x6A82;
inline constexpr std::uint16_t kNotEnoughMemory = 0x6A84;
inline constexpr std::uint16_t kIncorrectP1P2 = 0x6A86;
inline constexpr std::uint16_t kReferenceNotFound = 0x6A88;
inline constexpr std::uint16_t kInsNotSupported = 0x6D00;
inline constexpr std::uint16_t kClaNotSupported = 0x6E00;
inline constexpr std::uint16_t kNoPreciseDiagnosis = 0x6F00;
}  // namespace sw

}  // namespace tessera::sim

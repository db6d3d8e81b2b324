// ISO 7816-4 §5.6 status words by name: the one list both sides of the wire
// use. The token writes them (firmware-sim/os/sw_map.cpp, Status -> SW) and
// the host reads them (host/card/sw_status.cpp, SW -> Status). Constants only.
#pragma once

#include <cstdint>

namespace tessera::sw {

inline constexpr std::uint16_t kOk = 0x9000;
inline constexpr std::uint16_t kBytesRemaining = 0x6100;  // | count (00 = 256 or more)
// A MAC, an authentication tag or a key wrap's integrity check failed
// (ISO 7816-4 "verification failed", no further information).
inline constexpr std::uint16_t kVerificationFailed = 0x6300;
inline constexpr std::uint16_t kPinTriesLeft = 0x63C0;  // | tries
inline constexpr std::uint16_t kWrongLength = 0x6700;
inline constexpr std::uint16_t kLogicalChannelNotSupported = 0x6881;
inline constexpr std::uint16_t kLastCommandOfChainExpected = 0x6883;
inline constexpr std::uint16_t kSecurityStatusNotSatisfied = 0x6982;
inline constexpr std::uint16_t kAuthMethodBlocked = 0x6983;
// Well-formed, authentic data that cannot serve the request: an unwrapped
// key that is not of the declared algorithm.
inline constexpr std::uint16_t kReferenceDataNotUsable = 0x6984;
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

}  // namespace tessera::sw

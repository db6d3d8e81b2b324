// ISO 7816-4 command and response APDUs (§5.1), short and extended length,
// and splitting a long command into a chain (CLA bit 0x10, §5.4.1).
//
// Le is held as the number of bytes the host accepts: a short Le of 00 means
// 256 and an extended Le of 0000 means 65536 (§5.1). Plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.hpp"

namespace tessera {

inline constexpr std::uint8_t kClaChaining = 0x10;
inline constexpr std::size_t kShortMaxLc = 255;
inline constexpr std::size_t kShortMaxLe = 256;
inline constexpr std::size_t kExtendedMaxLc = 65535;
inline constexpr std::size_t kExtendedMaxLe = 65536;

struct CommandApdu {
  std::uint8_t cla = 0;
  std::uint8_t ins = 0;
  std::uint8_t p1 = 0;
  std::uint8_t p2 = 0;
  Bytes data;
  std::optional<std::size_t> le;  // absent: no response data expected
  bool extended = false;          // force the extended encoding

  // Decodes cases 1, 2S, 3S, 4S, 2E, 3E and 4E; anything else is kWrongLength.
  static Result<CommandApdu> Parse(ByteView raw);
  // Encodes short when everything fits and `extended` is not set.
  Bytes Serialize() const;

  bool chained() const { return (cla & kClaChaining) != 0; }
};

struct ResponseApdu {
  Bytes data;
  std::uint16_t sw = 0x9000;

  static Result<ResponseApdu> Parse(ByteView raw);  // needs at least SW1 SW2
  Bytes Serialize() const;
  std::uint8_t sw1() const { return static_cast<std::uint8_t>(sw >> 8); }
  std::uint8_t sw2() const { return static_cast<std::uint8_t>(sw); }
  bool ok() const { return sw == 0x9000; }
};

// Splits `apdu` into short commands of at most `chunk` data bytes; all but the
// last carry the chaining bit. A command that fits is returned unchanged.
std::vector<CommandApdu> SplitForChaining(const CommandApdu& apdu, std::size_t chunk = kShortMaxLc);

}  // namespace tessera

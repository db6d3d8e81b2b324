// CRC-32 as zlib and IEEE 802.3 compute it: polynomial 0x04C11DB7 in its
// reflected form 0xEDB88320, initial value and final XOR 0xFFFFFFFF. The
// state file (docs/state-file.md) checks its snapshot and each journal record
// with it. A pure function over a constant table; thread-safe.
#pragma once

#include <cstdint>

#include "common/bytes.hpp"

namespace tessera::sim {

// CRC of `data`; pass a previous result as `crc` to continue over more data.
std::uint32_t Crc32(ByteView data, std::uint32_t crc = 0);

}  // namespace tessera::sim

// Strict field extraction from the flat TLV
// lists PIV uses for key material (the 7F49 template, IMPORT KEY data).
// Stateless and thread-safe; results are views into the caller's buffer.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "common/tlv.hpp"

namespace tessera::piv {

// The values of the `wanted` tags, in the order asked. Each wanted tag must
// appear exactly once; any other tag not in `ignored` is an error.
// kInvalidArgument names `where` and the offending tag.
Result<std::vector<ByteView>> ExpectFields(const std::vector<Tlv>& fields,
                                           std::initializer_list<std::uint32_t> wanted,
                                           std::initializer_list<std::uint32_t> ignored,
                                           std::string_view where);

}  // namespace tessera::piv

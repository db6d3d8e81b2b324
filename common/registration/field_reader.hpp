// The strict field reader behind the registration codecs (messages.cpp,
// user_info.cpp): the fields of a TLV body in a fixed order, each at most
// once, each with a length in its range. Internal to common/registration.
//
// Errors: kInvalidArgument naming the message and the field (an unknown,
// repeated, misplaced or missing tag, a length out of range, a trailing
// byte, a non-canonical encoding). Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::registration::detail {

struct FieldSpec {
  std::uint8_t tag;
  std::size_t min;
  std::size_t max;
  bool optional;
  const char* name;
};
using Fields = std::vector<std::optional<ByteView>>;

Status Malformed(std::string_view message, const std::string& why);

// The fields of `body` in the order of `specs` (absent optional ones empty).
[[nodiscard]] Result<Fields> ReadFields(ByteView body, std::span<const FieldSpec> specs,
                                        std::string_view message);

// The body of a message that is one constructed tag `outer`.
[[nodiscard]] Result<Fields> ReadMessage(ByteView data, std::uint8_t outer,
                                         std::span<const FieldSpec> specs,
                                         std::string_view message);

// Ok when `data` is exactly `reencoded`: transcripts hash the exact bytes,
// so only the encoding the encoder makes is accepted.
[[nodiscard]] Status Canonical(ByteView data, ByteView reencoded, std::string_view message);

Bytes Copy(const std::optional<ByteView>& v);
std::string Text(const std::optional<ByteView>& v);

}  // namespace tessera::registration::detail

// Test helper: a host and a token SecureChannel over the same session keys,
// opened the way docs/card-manager.md opens a channel (EXTERNAL AUTHENTICATE
// under C-MAC only, then Activate on both sides), and a Send() that carries
// one command and its answer through the serialized wire bytes. Test code
// only; one thread.
#pragma once

#include <gtest/gtest.h>

#include <utility>

#include "common/apdu.hpp"
#include "common/scp03/secure_channel.hpp"

namespace tessera::scp03::testing {

inline SessionKeys Clone(const SessionKeys& k) {
  return {k.enc.Clone(), k.mac.Clone(), k.rmac.Clone()};
}

inline SessionKeys FixedKeys() {
  return {SecureBytes(Bytes(32, 0xE1)), SecureBytes(Bytes(32, 0x3A)), SecureBytes(Bytes(32, 0x4B))};
}

inline CommandApdu Command(std::uint8_t ins, Bytes data = {},
                           std::optional<std::size_t> le = std::nullopt, bool extended = false) {
  CommandApdu c;
  c.cla = 0x80;
  c.ins = ins;
  c.p1 = 0x01;
  c.p2 = 0x02;
  c.data = std::move(data);
  c.le = le;
  c.extended = extended;
  return c;
}

inline Bytes Pattern(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
  return b;
}

// What the other side decodes from the bytes on the wire.
inline CommandApdu OverTheWire(const CommandApdu& c) {
  auto parsed = CommandApdu::Parse(c.Serialize());
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : CommandApdu{};
}
inline ResponseApdu OverTheWire(const ResponseApdu& r) {
  auto parsed = ResponseApdu::Parse(r.Serialize());
  EXPECT_TRUE(parsed.ok());
  return parsed.ok() ? *parsed : ResponseApdu{};
}

struct ChannelPair {
  SecureChannel host;
  SecureChannel token;

  static ChannelPair Open(std::uint8_t level, Mode mode, SessionKeys keys = FixedKeys()) {
    ChannelPair p{SecureChannel(Clone(keys), mode), SecureChannel(std::move(keys), mode)};
    CommandApdu external_authenticate{0x80, 0x82, level, 0x00, Bytes(Len(mode), 0xEA), {}, false};
    auto wrapped = p.host.WrapCommand(external_authenticate);
    EXPECT_TRUE(wrapped.ok()) << wrapped.status().ToString();
    if (wrapped.ok()) {
      auto unwrapped = p.token.UnwrapCommand(OverTheWire(*wrapped));
      EXPECT_TRUE(unwrapped.ok()) << unwrapped.status().ToString();
    }
    p.host.Activate(level);
    p.token.Activate(level);
    return p;
  }

  // One command and its answer, host -> token -> host; the token's
  // unwrapped command lands in *seen. Returns what the host got back.
  Result<ResponseApdu> Send(const CommandApdu& plain, const ResponseApdu& answer,
                            CommandApdu* seen = nullptr) {
    TESSERA_ASSIGN_OR_RETURN(CommandApdu wrapped, host.WrapCommand(plain));
    TESSERA_ASSIGN_OR_RETURN(CommandApdu got, token.UnwrapCommand(OverTheWire(wrapped)));
    if (seen != nullptr) *seen = got;
    TESSERA_ASSIGN_OR_RETURN(ResponseApdu out, token.WrapResponse(answer));
    return host.UnwrapResponse(OverTheWire(out));
  }
};

}  // namespace tessera::scp03::testing

// SecureChannel against pySim's recordings of a real card (pysim_vectors.hpp):
// our host side must produce the very bytes pySim sent, our token side must
// accept them and produce the card's answer, for AES-128/192/256 at levels
// 11, 03 and 33 in S8 mode.
#include <gtest/gtest.h>

#include "common/scp03/secure_channel.hpp"
#include "tests/unit/common/scp03/channel_pair.hpp"
#include "tests/unit/common/scp03/pysim_vectors.hpp"

namespace tessera::scp03 {
namespace {

using testing::Clone;

Bytes Slice(const Bytes& b, std::size_t offset, std::size_t n) {
  return {b.begin() + static_cast<std::ptrdiff_t>(offset),
          b.begin() + static_cast<std::ptrdiff_t>(offset + n)};
}

CommandApdu ParseHex(const char* hex) {
  auto c = CommandApdu::Parse(HexOrDie(hex));
  EXPECT_TRUE(c.ok()) << hex;
  return c.ok() ? *c : CommandApdu{};
}

// Host wraps `plain` into `expected`; the token unwraps `expected` back to
// `plain`.
void ExpectCommand(SecureChannel& host, SecureChannel& token, const char* plain,
                   const char* expected) {
  SCOPED_TRACE(plain);
  auto wrapped = host.WrapCommand(ParseHex(plain));
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  EXPECT_EQ(ToHex(wrapped->Serialize()), expected);
  auto unwrapped = token.UnwrapCommand(ParseHex(expected));
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.status().ToString();
  CommandApdu want = ParseHex(plain);
  EXPECT_EQ(unwrapped->cla, want.cla);
  EXPECT_EQ(ToHex(unwrapped->data), ToHex(want.data));
}

TEST(PublishedVectors, SecureChannelMatchesARealCardExchange) {
  for (const auto& v : pysim::kVectors) {
    SCOPED_TRACE(v.name);
    Bytes host_challenge = Slice(HexOrDie(v.init_update), 5, 8);
    Bytes card_challenge = Slice(HexOrDie(v.init_update_response), 13, 8);
    StaticKeys statics{CmacPrf(HexOrDie(v.keys->enc)), CmacPrf(HexOrDie(v.keys->mac))};
    Bytes context = Concat({host_challenge, card_challenge});
    auto keys = DeriveSessionKeys(statics, context, static_cast<std::uint16_t>(v.key_bits));
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    auto host_cryptogram = Cryptogram(keys->mac.view(), kHostCryptogram, Mode::kS8, context);
    ASSERT_TRUE(host_cryptogram.ok());
    SecureChannel host(Clone(*keys), Mode::kS8);
    SecureChannel token(std::move(*keys), Mode::kS8);

    Bytes external_authenticate = HexOrDie(v.external_authenticate);
    std::uint8_t level = external_authenticate[2];
    CommandApdu ea{0x80, 0x82, level, 0x00, *host_cryptogram, {}, false};
    auto wrapped_ea = host.WrapCommand(ea);
    ASSERT_TRUE(wrapped_ea.ok());
    EXPECT_EQ(ToHex(wrapped_ea->Serialize()), v.external_authenticate);
    auto seen_ea = token.UnwrapCommand(ParseHex(v.external_authenticate));
    ASSERT_TRUE(seen_ea.ok()) << seen_ea.status().ToString();
    EXPECT_EQ(ToHex(seen_ea->data), ToHex(*host_cryptogram));
    host.Activate(level);
    token.Activate(level);

    // GET EID and the card's answer.
    ExpectCommand(host, token, pysim::kGetEidPlain, v.get_eid);
    auto answer = token.WrapResponse(ResponseApdu{HexOrDie(pysim::kGetEidAnswerPlain), 0x9000});
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_EQ(ToHex(answer->data), v.get_eid_answer);
    auto got = host.UnwrapResponse(ResponseApdu{HexOrDie(v.get_eid_answer), 0x9000});
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(ToHex(got->data), pysim::kGetEidAnswerPlain);

    // The four ISO cases; pySim recorded no answers for these, so our token
    // answers a bare 9000 to keep both counters moving as the card's did.
    for (int i = 0; i < 4; ++i) {
      ExpectCommand(host, token, pysim::kCasePlain[i], v.cases[i]);
      auto ok = token.WrapResponse(ResponseApdu{{}, 0x9000});
      ASSERT_TRUE(ok.ok());
      ASSERT_TRUE(host.UnwrapResponse(*ok).ok());
    }
  }
}

}  // namespace
}  // namespace tessera::scp03

#include "common/scp03/secure_channel.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "common/scp03/aes.hpp"
#include "tests/unit/common/scp03/channel_pair.hpp"
#include "tests/unit/common/scp03/oracle.hpp"

namespace tessera::scp03 {
namespace {

using testing::ChannelPair;
using testing::Command;
using testing::OverTheWire;
using testing::Pattern;

constexpr std::uint8_t kLevels[] = {0x01, 0x03, 0x11, 0x13, 0x33};
constexpr Mode kModes[] = {Mode::kS8, Mode::kS16};
const ResponseApdu kOk{{}, 0x9000};

TEST(IsValidSecurityLevel, AcceptsTheFiveDocumentedLevels) {
  for (int level = 0; level < 256; ++level) {
    bool documented =
        level == 0x01 || level == 0x03 || level == 0x11 || level == 0x13 || level == 0x33;
    EXPECT_EQ(IsValidSecurityLevel(static_cast<std::uint8_t>(level)), documented) << level;
  }
}

struct Exchange {
  const char* what;
  CommandApdu command;
  Bytes answer;
};

std::vector<Exchange> Exchanges() {
  return {
      {"case 1", Command(0xF0), {}},
      {"case 2 short", Command(0xCA, {}, 16), Pattern(16, 0x10)},
      {"case 3 short", Command(0x5A, Pattern(16, 0x20)), {}},
      {"case 4 short", Command(0xD8, Pattern(75, 0x30), 256), Pattern(7, 0x40)},
      {"one-block data", Command(0xE2, Pattern(15, 0x50)), Pattern(15, 0x51)},
      {"short plain, extended once secured", Command(0xE2, Pattern(250, 0x60), 256),
       Pattern(250, 0x61)},
      {"extended data", Command(0xE2, Pattern(1000, 0x70), 65536, true), Pattern(1000, 0x71)},
      {"extended by Le", Command(0xCA, {}, 1000), Pattern(300, 0x80)},
  };
}

TEST(SecureChannel, RoundTripsEveryLevelAndModeOverTheWire) {
  for (std::uint8_t level : kLevels) {
    for (Mode mode : kModes) {
      ChannelPair pair = ChannelPair::Open(level, mode);
      for (const Exchange& x : Exchanges()) {
        SCOPED_TRACE(::testing::Message()
                     << "level " << int{level} << ", S" << Len(mode) << ", " << x.what);
        CommandApdu seen;
        auto back = pair.Send(x.command, ResponseApdu{x.answer, 0x9000}, &seen);
        ASSERT_TRUE(back.ok()) << back.status().ToString();
        EXPECT_EQ(seen.cla, x.command.cla);
        EXPECT_EQ(seen.ins, x.command.ins);
        EXPECT_EQ(seen.p1, x.command.p1);
        EXPECT_EQ(seen.p2, x.command.p2);
        EXPECT_EQ(ToHex(seen.data), ToHex(x.command.data));
        EXPECT_EQ(seen.le.has_value(), x.command.le.has_value());
        if (x.command.le) {
          EXPECT_GE(*seen.le, *x.command.le);
        }
        EXPECT_EQ(back->sw, 0x9000);
        EXPECT_EQ(ToHex(back->data), ToHex(x.answer));
      }
    }
  }
}

TEST(SecureChannel, SecuredBytesFollowTheLevel) {
  for (std::uint8_t level : kLevels) {
    for (Mode mode : kModes) {
      SCOPED_TRACE(::testing::Message() << "level " << int{level} << ", S" << Len(mode));
      ChannelPair pair = ChannelPair::Open(level, mode);
      Bytes data = Pattern(20, 0x01);
      auto wrapped = pair.host.WrapCommand(Command(0x5A, data, 16));
      ASSERT_TRUE(wrapped.ok());
      EXPECT_EQ(wrapped->cla, 0x84);
      bool c_dec = (level & kLevelCDec) != 0;
      EXPECT_EQ(wrapped->data.size(), (c_dec ? 32 : 20) + Len(mode));
      Bytes head(wrapped->data.begin(), wrapped->data.begin() + 20);
      EXPECT_EQ(head == data, !c_dec);
      bool r_mac = (level & kLevelRMac) != 0;
      EXPECT_EQ(*wrapped->le, r_mac ? 256u : 16u);

      ASSERT_TRUE(pair.token.UnwrapCommand(OverTheWire(*wrapped)).ok());
      Bytes answer = Pattern(20, 0x02);
      auto out = pair.token.WrapResponse(ResponseApdu{answer, 0x9000});
      ASSERT_TRUE(out.ok());
      bool r_enc = (level & kLevelREnc) != 0;
      EXPECT_EQ(out->data.size(), (r_enc ? 32 : 20) + (r_mac ? Len(mode) : 0));
      Bytes answer_head(out->data.begin(), out->data.begin() + 20);
      EXPECT_EQ(answer_head == answer, !r_enc);
    }
  }
}

// Amd D §6.2.4-§6.2.7 byte by byte against the raw-OpenSSL oracle, in S16
// with an extended command (3-byte Lc in the MAC input), over two commands
// so the chaining value and the counter both move.
TEST(SecureChannel, MatchesTheOracleForAnExtendedS16Exchange) {
  ChannelPair pair = ChannelPair::Open(0x33, Mode::kS16);
  const SessionKeys& k = pair.host.keys();
  // EXTERNAL AUTHENTICATE: zero chaining value, C-MAC only, short Lc.
  Bytes chaining =
      oracle::Cmac(k.mac.view(), Concat({Bytes(16, 0), HexOrDie("84823300 20"), Bytes(16, 0xEA)}));

  for (std::uint64_t counter = 1; counter <= 2; ++counter) {
    SCOPED_TRACE(counter);
    Bytes data = Pattern(300, static_cast<std::uint8_t>(counter));
    auto wrapped = pair.host.WrapCommand(Command(0xE2, data, 16));
    ASSERT_TRUE(wrapped.ok());
    Bytes ctr_block(16, 0);
    ctr_block[15] = static_cast<std::uint8_t>(counter);
    Bytes cipher =
        oracle::AesEncrypt(k.enc.view(), oracle::Ecb(k.enc.view(), ctr_block), oracle::Pad(data));
    ASSERT_EQ(cipher.size(), 304u);
    Bytes mac_input = Concat({chaining, HexOrDie("84E20102 000140"), cipher});  // Lc' = 320
    chaining = oracle::Cmac(k.mac.view(), mac_input);
    EXPECT_TRUE(wrapped->extended);
    EXPECT_EQ(ToHex(wrapped->data), ToHex(Concat({cipher, chaining})));
    EXPECT_EQ(*wrapped->le, kExtendedMaxLe);
    ASSERT_TRUE(pair.token.UnwrapCommand(OverTheWire(*wrapped)).ok());

    Bytes answer = Pattern(5, 0xA0);
    auto out = pair.token.WrapResponse(ResponseApdu{answer, 0x9000});
    ASSERT_TRUE(out.ok());
    Bytes r_block = ctr_block;
    r_block[0] = 0x80;
    Bytes r_cipher =
        oracle::AesEncrypt(k.enc.view(), oracle::Ecb(k.enc.view(), r_block), oracle::Pad(answer));
    Bytes r_mac = oracle::Cmac(k.rmac.view(), Concat({chaining, r_cipher, HexOrDie("9000")}));
    EXPECT_EQ(ToHex(out->data), ToHex(Concat({r_cipher, r_mac})));
    auto back = pair.host.UnwrapResponse(*out);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(ToHex(back->data), ToHex(answer));
  }
}

TEST(SecureChannel, ExternalAuthenticateCarriesOnlyACMac) {
  SecureChannel host(testing::FixedKeys(), Mode::kS8);
  Bytes cryptogram = Pattern(8, 0xC0);
  auto wrapped = host.WrapCommand(CommandApdu{0x80, 0x82, 0x33, 0x00, cryptogram, {}, false});
  ASSERT_TRUE(wrapped.ok());
  Bytes mac =
      oracle::Cmac(Bytes(32, 0x3A), Concat({Bytes(16, 0), HexOrDie("84823300 10"), cryptogram}));
  EXPECT_EQ(ToHex(wrapped->Serialize()),
            "8482330010" + ToHex(cryptogram) + ToHex(mac).substr(0, 16));
}

TEST(SecureChannel, ResponsesBeforeActivateAreRefused) {
  SecureChannel host(testing::FixedKeys(), Mode::kS8);
  SecureChannel token(testing::FixedKeys(), Mode::kS8);
  EXPECT_EQ(token.WrapResponse(kOk).status().code(), Code::kConditionsNotSatisfied);
  EXPECT_EQ(host.UnwrapResponse(kOk).status().code(), Code::kConditionsNotSatisfied);
}

TEST(SecureChannel, ReplayedCommandFailsOnTheToken) {
  ChannelPair pair = ChannelPair::Open(0x13, Mode::kS8);
  auto wrapped = pair.host.WrapCommand(Command(0x5A, Pattern(16, 1)));
  ASSERT_TRUE(wrapped.ok());
  ASSERT_TRUE(pair.token.UnwrapCommand(*wrapped).ok());
  ASSERT_TRUE(pair.token.WrapResponse(kOk).ok());
  auto replay = pair.token.UnwrapCommand(*wrapped);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.status().code(), Code::kSecurityStatus);
}

TEST(SecureChannel, ReorderedCommandFailsOnTheToken) {
  // Two identical channels: on `a` the host sends A then B; `b`'s token
  // stands for a token that receives B before A.
  ChannelPair a = ChannelPair::Open(0x33, Mode::kS8);
  ChannelPair b = ChannelPair::Open(0x33, Mode::kS8);
  auto first = a.host.WrapCommand(Command(0xCA, {}, 16));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(a.token.UnwrapCommand(*first).ok());
  auto answer = a.token.WrapResponse(ResponseApdu{Pattern(16, 3), 0x9000});
  ASSERT_TRUE(answer.ok());
  ASSERT_TRUE(a.host.UnwrapResponse(*answer).ok());
  auto second = a.host.WrapCommand(Command(0x5A, Pattern(16, 4)));
  ASSERT_TRUE(second.ok());
  auto reordered = b.token.UnwrapCommand(*second);  // B arrives before A
  ASSERT_FALSE(reordered.ok());
  EXPECT_EQ(reordered.status().code(), Code::kSecurityStatus);
  // In order, the same two commands go through.
  ASSERT_TRUE(b.token.UnwrapCommand(*first).ok());
  ASSERT_TRUE(b.token.WrapResponse(ResponseApdu{Pattern(16, 3), 0x9000}).ok());
  EXPECT_TRUE(b.token.UnwrapCommand(*second).ok());
}

TEST(SecureChannel, FlippedMacBitFailsAndLeavesTheStateAlone) {
  for (Mode mode : kModes) {
    ChannelPair pair = ChannelPair::Open(0x01, mode);
    auto wrapped = pair.host.WrapCommand(Command(0x5A, Pattern(16, 5)));
    ASSERT_TRUE(wrapped.ok());
    CommandApdu tampered = *wrapped;
    tampered.data.back() ^= 0x01;
    auto bad = pair.token.UnwrapCommand(tampered);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.status().code(), Code::kSecurityStatus);
    EXPECT_TRUE(pair.token.UnwrapCommand(*wrapped).ok());
  }
}

TEST(SecureChannel, FlippedCiphertextOrHeaderBitFails) {
  ChannelPair pair = ChannelPair::Open(0x03, Mode::kS8);
  auto wrapped = pair.host.WrapCommand(Command(0x5A, Pattern(16, 6)));
  ASSERT_TRUE(wrapped.ok());
  CommandApdu cipher_flip = *wrapped;
  cipher_flip.data[3] ^= 0x80;
  EXPECT_EQ(pair.token.UnwrapCommand(cipher_flip).status().code(), Code::kSecurityStatus);
  CommandApdu p2_flip = *wrapped;
  p2_flip.p2 ^= 0x01;
  EXPECT_EQ(pair.token.UnwrapCommand(p2_flip).status().code(), Code::kSecurityStatus);
}

TEST(SecureChannel, CommandWithoutSecureMessagingOrWithAShortMacFails) {
  ChannelPair pair = ChannelPair::Open(0x01, Mode::kS16);
  auto wrapped = pair.host.WrapCommand(Command(0xCA));
  ASSERT_TRUE(wrapped.ok());
  CommandApdu plain_cla = *wrapped;
  plain_cla.cla = 0x80;
  EXPECT_EQ(pair.token.UnwrapCommand(plain_cla).status().code(), Code::kSecurityStatus);
  CommandApdu short_mac = *wrapped;
  short_mac.data.resize(15);
  EXPECT_EQ(pair.token.UnwrapCommand(short_mac).status().code(), Code::kSecurityStatus);
  CommandApdu no_data = *wrapped;
  no_data.data.clear();
  EXPECT_EQ(pair.token.UnwrapCommand(no_data).status().code(), Code::kSecurityStatus);

  // An S8 MAC on an S16 channel.
  ChannelPair s8 = ChannelPair::Open(0x01, Mode::kS8);
  auto eight = s8.host.WrapCommand(Command(0xCA));
  ASSERT_TRUE(eight.ok());
  EXPECT_EQ(pair.token.UnwrapCommand(*eight).status().code(), Code::kSecurityStatus);
}

// A host at level 01 and a token at level 03 share the chaining value, so the
// token's C-MAC check passes and its decryption sees the host's clear data.
TEST(SecureChannel, BadEncryptedDataFailsAfterAGoodMac) {
  const Bytes bad_data[] = {Pattern(5, 7), Bytes(16, 0x00)};
  for (const Bytes& data : bad_data) {
    ChannelPair pair = ChannelPair::Open(0x01, Mode::kS8);
    pair.token.Activate(0x03);
    auto wrapped = pair.host.WrapCommand(Command(0x5A, data));
    ASSERT_TRUE(wrapped.ok());
    auto got = pair.token.UnwrapCommand(*wrapped);
    ASSERT_FALSE(got.ok()) << ToHex(data);
    EXPECT_EQ(got.status().code(), Code::kSecurityStatus) << got.status().ToString();
  }
}

TEST(SecureChannel, TamperedRMacOrREncFailsOnTheHost) {
  for (std::uint8_t level : {std::uint8_t{0x11}, std::uint8_t{0x33}}) {
    ChannelPair pair = ChannelPair::Open(level, Mode::kS8);
    auto wrapped = pair.host.WrapCommand(Command(0xCA, {}, 16));
    ASSERT_TRUE(wrapped.ok());
    ASSERT_TRUE(pair.token.UnwrapCommand(*wrapped).ok());
    auto out = pair.token.WrapResponse(ResponseApdu{Pattern(16, 8), 0x9000});
    ASSERT_TRUE(out.ok());
    for (std::size_t i : {std::size_t{0}, out->data.size() - 1}) {
      ResponseApdu tampered = *out;
      tampered.data[i] ^= 0x04;
      EXPECT_EQ(pair.host.UnwrapResponse(tampered).status().code(), Code::kSecurityStatus) << i;
    }
    ResponseApdu truncated = *out;
    truncated.data.resize(7);
    EXPECT_EQ(pair.host.UnwrapResponse(truncated).status().code(), Code::kSecurityStatus);
    EXPECT_EQ(pair.host.UnwrapResponse(kOk).status().code(), Code::kSecurityStatus);
    EXPECT_TRUE(pair.host.UnwrapResponse(*out).ok());
  }
}

TEST(SecureChannel, RMacCoversTheStatusWord) {
  ChannelPair pair = ChannelPair::Open(0x11, Mode::kS8);
  auto wrapped = pair.host.WrapCommand(Command(0xCA, {}, 16));
  ASSERT_TRUE(wrapped.ok());
  ASSERT_TRUE(pair.token.UnwrapCommand(*wrapped).ok());
  auto out = pair.token.WrapResponse(ResponseApdu{Pattern(16, 9), 0x9000});
  ASSERT_TRUE(out.ok());
  const SessionKeys& k = pair.host.keys();
  Bytes chaining =
      oracle::Cmac(k.mac.view(), Concat({Bytes(16, 0), HexOrDie("84821100 10"), Bytes(8, 0xEA)}));
  chaining = oracle::Cmac(k.mac.view(), Concat({chaining, HexOrDie("84CA0102 08")}));
  Bytes r_mac = oracle::Cmac(k.rmac.view(), Concat({chaining, Pattern(16, 9), HexOrDie("9000")}));
  EXPECT_EQ(ToHex(out->data), ToHex(Concat({Pattern(16, 9), ByteView(r_mac).first(8)})));
}

TEST(SecureChannel, NonOkAnswersPassBareAndStillMoveTheCounter) {
  for (std::uint8_t level : kLevels) {
    SCOPED_TRACE(int{level});
    ChannelPair pair = ChannelPair::Open(level, Mode::kS8);
    for (std::uint16_t sw : {std::uint16_t{0x6A88}, std::uint16_t{0x63C4}, std::uint16_t{0x6982}}) {
      auto back = pair.Send(Command(0x5A, Pattern(16, 10), 16), ResponseApdu{Pattern(4, 1), sw});
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(back->sw, sw);
      EXPECT_TRUE(back->data.empty());
    }
    auto next =
        pair.Send(Command(0x5A, Pattern(40, 11), 16), ResponseApdu{Pattern(40, 12), 0x9000});
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    EXPECT_EQ(ToHex(next->data), ToHex(Pattern(40, 12)));
  }
}

TEST(SecureChannel, LeIsKeptWithoutRMacAndWidenedWithIt) {
  ChannelPair plain = ChannelPair::Open(0x03, Mode::kS8);
  auto kept = plain.host.WrapCommand(Command(0xCA, {}, 16));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept->le, 16u);
  auto none = plain.host.WrapCommand(Command(0xF0));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->le.has_value());

  ChannelPair rmac = ChannelPair::Open(0x11, Mode::kS8);
  auto widened = rmac.host.WrapCommand(Command(0xCA, {}, 16));
  ASSERT_TRUE(widened.ok());
  EXPECT_EQ(*widened->le, kShortMaxLe);
  EXPECT_FALSE(widened->extended);
  auto extended = rmac.host.WrapCommand(Command(0xCA, {}, 16, /*extended=*/true));
  ASSERT_TRUE(extended.ok());
  EXPECT_EQ(*extended->le, kExtendedMaxLe);
  auto absent = rmac.host.WrapCommand(Command(0xF0));
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->le.has_value());
}

TEST(SecureChannel, RefusesDataThatCannotFitAnExtendedLc) {
  ChannelPair pair = ChannelPair::Open(0x01, Mode::kS8);
  auto big = pair.host.WrapCommand(Command(0xE2, Bytes(kExtendedMaxLc - 7, 0x00)));
  EXPECT_EQ(big.status().code(), Code::kWrongLength);
  EXPECT_TRUE(pair.host.WrapCommand(Command(0xE2, Bytes(kExtendedMaxLc - 8, 0x00))).ok());
}

TEST(Pad80, AlwaysPadsAndUnpadsStrictly) {
  EXPECT_EQ(ToHex(Pad80({}).view()), "80000000000000000000000000000000");
  EXPECT_EQ(Pad80(Bytes(16, 1)).size(), 32u);
  EXPECT_EQ(Pad80(Bytes(15, 1)).size(), 16u);
  for (std::size_t n : {0, 1, 15, 16, 17, 40}) {
    auto len = Unpad80Length(Pad80(Pattern(n, 0x81)).view());
    ASSERT_TRUE(len.ok()) << n;
    EXPECT_EQ(*len, n);
  }
  Bytes all_zero(16, 0);
  EXPECT_EQ(Unpad80Length(all_zero).status().code(), Code::kSecurityStatus);
  Bytes no_marker = HexOrDie("000102030405060708090a0b0c0d0e01");
  EXPECT_EQ(Unpad80Length(no_marker).status().code(), Code::kSecurityStatus);
  // The 80 must lie in the last block: 80 then seventeen zeros is not padding.
  Bytes too_long = Concat({Bytes(15, 1), HexOrDie("80"), Bytes(16, 0)});
  EXPECT_EQ(Unpad80Length(too_long).status().code(), Code::kSecurityStatus);
  EXPECT_EQ(Unpad80Length(Bytes(5, 0x80)).status().code(), Code::kSecurityStatus);
}

}  // namespace
}  // namespace tessera::scp03

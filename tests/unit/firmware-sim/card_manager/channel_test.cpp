// The SCP03 channel of the card manager (docs/card-manager.md
// "INITIALIZE UPDATE", "EXTERNAL AUTHENTICATE", "Secure messaging"): key
// version selection, the handshake, every security level in S8 and S16, and
// the channel closing on every tampered, replayed or reordered command.
#include <gtest/gtest.h>

#include <set>

#include "common/card_manager_constants.hpp"
#include "common/scp03/key_set.hpp"
#include "firmware-sim/os/file_storage.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_host.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_token.hpp"

namespace tessera::sim::cmtest {
namespace {

using scp03::Mode;

CommandApdu GetData(std::uint16_t tag) {
  return Apdu(cm::kClaGp, cm::ins::kGetData, static_cast<std::uint8_t>(tag >> 8),
              static_cast<std::uint8_t>(tag), {}, 256);
}

CommandApdu GetChallenge() { return Apdu(cm::kClaGp, cm::ins::kGetChallenge, 0, 0, {}, 16); }

class CardManagerChannel : public CardManagerTest {
 protected:
  void Personalized() { ASSERT_EQ(Personalize(token()), 0x9000); }
  // True when the token has no channel: a command correctly wrapped by a
  // host whose chaining matches the token's last good command is refused.
  void ExpectClosed(Host& host, const CommandApdu& next) {
    EXPECT_EQ(token().Send(next).sw, 0x6982) << "the channel is closed";
    host.Close();
  }
};

TEST_F(CardManagerChannel, InitializeUpdateAnswerIsLaidOutAsAmendmentD) {
  for (Mode mode : {Mode::kS8, Mode::kS16}) {
    for (std::uint8_t p1 : {std::uint8_t{0xFF}, std::uint8_t{0x00}}) {
      SCOPED_TRACE("P1 " + ToHex(Bytes{p1}) + (mode == Mode::kS8 ? " S8" : " S16"));
      Host host(token());
      ResponseApdu r = host.InitializeUpdate(FactoryKeySet(), p1, mode);
      ASSERT_EQ(r.sw, 0x9000) << "the card cryptogram checks under the factory key";
      const std::size_t n = scp03::Len(mode);
      EXPECT_EQ(ToHex(ByteView(r.data).first(10)), ToHex(ByteView(token().uid()).first(10)));
      EXPECT_EQ(ToHex(ByteView(r.data).subspan(10, 3)), mode == Mode::kS8 ? "ff0370" : "ff0371");
      // Amd D §6.2.2.1: the card challenge is KDF(K-ENC, 02, counter || AID).
      auto statics = scp03::StaticKeysFromBase(FactoryKeySet().base);
      ASSERT_TRUE(statics.ok());
      ByteView sequence = ByteView(r.data).last(3);
      auto challenge = scp03::PseudoRandomCardChallenge(statics->enc, sequence, cm::kAid, mode);
      ASSERT_TRUE(challenge.ok());
      EXPECT_EQ(ToHex(ByteView(r.data).subspan(13, n)), ToHex(*challenge));
      EXPECT_EQ(ToHex(host.last_card_challenge()), ToHex(*challenge));
      EXPECT_EQ(host.ExternalAuthenticate(0x01).sw, 0x9000);
    }
  }
}

TEST_F(CardManagerChannel, SequenceCounterGoesUpByOneAndSurvivesPowerCycles) {
  Host host(token());
  std::set<std::string> challenges;
  for (std::uint32_t expected = 1; expected <= 4; ++expected) {
    ASSERT_EQ(host.InitializeUpdate(FactoryKeySet(), 0x00, Mode::kS8).sw, 0x9000);
    EXPECT_EQ(host.last_sequence(), expected);
    EXPECT_TRUE(challenges.insert(ToHex(host.last_card_challenge())).second);
    if (expected == 2) token().PowerCycle();
  }
}

TEST_F(CardManagerChannel, AnExhaustedSequenceCounterIs6985) {
  const std::filesystem::path path = file();
  token_.reset();
  {
    auto storage = FileStorage::Open(path);
    ASSERT_TRUE(storage.ok());
    ASSERT_TRUE((*storage)->Put("cm/sequence", HexOrDie("fffffe")).ok());
  }
  token_ = CmToken::Load(path);
  ASSERT_NE(token_, nullptr);
  token().Select();
  Host host(token());
  ASSERT_EQ(host.InitializeUpdate(FactoryKeySet(), 0x00, Mode::kS8).sw, 0x9000);
  EXPECT_EQ(host.last_sequence(), 0xFFFFFFu);
  EXPECT_EQ(host.InitializeUpdate(FactoryKeySet(), 0x00, Mode::kS8).sw, 0x6985);
  EXPECT_EQ(token().Send("80cadf3100").sw, 0x9000) << "GET DATA still answers";
}

TEST_F(CardManagerChannel, AKeyVersionTheTokenDoesNotHoldIs6A88) {
  Host host(token());
  EXPECT_EQ(host.InitializeUpdate(Mk1(), 0x01, Mode::kS8).sw, 0x6A88) << "no MK before perso";
  EXPECT_EQ(host.InitializeUpdate(Mk1(), 0x7F, Mode::kS8).sw, 0x6A88);
  Personalized();
  EXPECT_EQ(host.InitializeUpdate(FactoryKeySet(), 0xFF, Mode::kS8).sw, 0x6A88)
      << "the factory key is gone once personalized";
  EXPECT_EQ(host.InitializeUpdate(Mk2(), 0x02, Mode::kS8).sw, 0x6A88);
  EXPECT_EQ(host.InitializeUpdate(Mk1(), 0x00, Mode::kS8).sw, 0x9000) << "00 = current";
  EXPECT_EQ(host.InitializeUpdate(Mk1(), 0x01, Mode::kS8).sw, 0x9000);
}

TEST_F(CardManagerChannel, MalformedInitializeUpdateIsAClearStatusWord) {
  token().Run({
      {"no challenge", "8050000000", "", 0x6700},
      {"7-byte challenge", "8050000007 01020304050607", "", 0x6700},
      {"9-byte challenge", "8050000009 010203040506070809", "", 0x6700},
      {"P2 not 00", "8050000108 0102030405060708", "", 0x6A86},
  });
}

TEST_F(CardManagerChannel, AWrongHostCryptogramIs6982AndOpensNothing) {
  Host host(token());
  ASSERT_EQ(host.InitializeUpdate(FactoryKeySet(), 0xFF, Mode::kS8).sw, 0x9000);
  EXPECT_EQ(host.ExternalAuthenticate(0x01, /*corrupt_cryptogram=*/true).sw, 0x6982);
  EXPECT_FALSE(host.open());
  token().Run({{"a secure command finds no channel", "84cadf3108 0001020304050607", "", 0x6982}});
  EXPECT_EQ(host.Open(FactoryKeySet()), 0x9000) << "a new handshake works";
}

TEST_F(CardManagerChannel, ExternalAuthenticateMustFollowInitializeUpdateDirectly) {
  token().Run({{"no handshake", "8482010008 0001020304050607", "", 0x6985}});
  Host host(token());
  ASSERT_EQ(host.InitializeUpdate(FactoryKeySet(), 0xFF, Mode::kS8).sw, 0x9000);
  ASSERT_EQ(token().Send("80cadf3100").sw, 0x9000);
  EXPECT_EQ(host.ExternalAuthenticate(0x01).sw, 0x6985) << "GET DATA consumed the handshake";
}

TEST_F(CardManagerChannel, AnUndefinedSecurityLevelIs6A86) {
  Host host(token());
  for (std::uint8_t level : {0x00, 0x02, 0x10, 0x12, 0x23, 0x31, 0xFF}) {
    SCOPED_TRACE("level " + ToHex(Bytes{level}));
    ASSERT_EQ(host.InitializeUpdate(FactoryKeySet(), 0xFF, Mode::kS8).sw, 0x9000);
    EXPECT_EQ(host.ExternalAuthenticate(level).sw, 0x6A86);
  }
}

TEST_F(CardManagerChannel, EveryLevelAndModeCarriesCommandsUnderTheMk) {
  Personalized();
  for (Mode mode : {Mode::kS8, Mode::kS16}) {
    for (std::uint8_t level : {0x01, 0x03, 0x11, 0x13, 0x33}) {
      SCOPED_TRACE("level " + ToHex(Bytes{level}) + (mode == Mode::kS8 ? " S8" : " S16"));
      Host host(token());
      ASSERT_EQ(host.Open(Mk1(), level, mode), 0x9000);
      ResponseApdu status = host.Transmit(GetData(cm::tag::kExecutiveStatus));
      EXPECT_EQ(status.sw, 0x9000);
      EXPECT_EQ(ToHex(status.data), "df31030f0505");
      ResponseApdu keys = host.Transmit(GetData(cm::tag::kKeyInfo));
      EXPECT_EQ(ToHex(keys.data), "e00cc00401018820c00402018820");
      ResponseApdu challenge = host.Transmit(GetChallenge());
      EXPECT_EQ(challenge.sw, 0x9000);
      EXPECT_EQ(challenge.data.size(), 16u);
      EXPECT_EQ(Unlock(host, token()), 0x9000) << "UNLOCK data goes through C-DEC too";
      EXPECT_EQ(ToHex(host.Transmit(GetData(cm::tag::kExecutiveStatus)).data), "df31031f0505")
          << "UNLOCKED inside this channel";
      token().Select();
    }
  }
}

TEST_F(CardManagerChannel, AReplayedCommandIs6982AndClosesTheChannel) {
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x11), 0x9000);
  CommandApdu first = host.Wrap(GetData(cm::tag::kUid));
  ASSERT_EQ(token().Send(first).sw, 0x9000);
  EXPECT_EQ(token().Send(first).sw, 0x6982) << "the same bytes again";
  ExpectClosed(host, host.Wrap(GetData(cm::tag::kUid)));
}

TEST_F(CardManagerChannel, AReorderedCommandIs6982AndClosesTheChannel) {
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x13), 0x9000);
  CommandApdu first = host.Wrap(GetData(cm::tag::kUid));
  CommandApdu second = host.Wrap(GetData(cm::tag::kExecutiveStatus));
  EXPECT_EQ(token().Send(second).sw, 0x6982);
  ExpectClosed(host, first);
}

TEST_F(CardManagerChannel, AFlippedMacIs6982AndClosesTheChannel) {
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x01), 0x9000);
  CommandApdu good = host.Wrap(GetData(cm::tag::kUid));
  CommandApdu bad = good;
  bad.data.back() ^= 0x01;
  EXPECT_EQ(token().Send(bad).sw, 0x6982);
  ExpectClosed(host, good);
}

TEST_F(CardManagerChannel, AFlippedCiphertextBitIs6982AndClosesTheChannel) {
  Personalized();
  Host host(token());
  ASSERT_EQ(host.Open(Mk1(), 0x03), 0x9000);
  ASSERT_EQ(host.Transmit(GetChallenge()).sw, 0x9000);
  CommandApdu good = host.Wrap(Apdu(cm::kClaGp, cm::ins::kUnlock, 0x01, 0x00, Bytes(16, 0x00)));
  CommandApdu bad = good;
  bad.data[0] ^= 0x01;  // ciphertext, covered by the C-MAC
  EXPECT_EQ(token().Send(bad).sw, 0x6982);
  ExpectClosed(host, good);
  EXPECT_EQ(ToHex(token().Send("80cadf3100").data), "df31030f0505") << "no try was spent";
}

TEST_F(CardManagerChannel, APlainCommandInsideTheChannelIs6982AndClosesIt) {
  Personalized();
  Host host(token());
  ASSERT_EQ(host.Open(Mk1(), 0x01), 0x9000);
  CommandApdu next = host.Wrap(GetData(cm::tag::kUid));
  EXPECT_EQ(token().Send("8084000010").sw, 0x6982) << "GET CHALLENGE without a C-MAC";
  ExpectClosed(host, next);
}

TEST_F(CardManagerChannel, InitializeUpdateInsideTheChannelEndsItAndStartsANewOne) {
  Host old_host(token());
  ASSERT_EQ(old_host.Open(FactoryKeySet(), 0x01), 0x9000);
  CommandApdu next = old_host.Wrap(GetData(cm::tag::kUid));
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x33), 0x9000);
  EXPECT_EQ(token().Send(next).sw, 0x6982) << "the old channel is gone";
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x33), 0x9000);
  EXPECT_EQ(ToHex(host.Transmit(GetData(cm::tag::kExecutiveStatus)).data), "df3103010505");
}

TEST_F(CardManagerChannel, APlainGetDataInsideTheChannelLeavesItOpen) {
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x33), 0x9000);
  EXPECT_EQ(ToHex(token().Send("80cadf3100").data), "df3103010505");
  EXPECT_EQ(ToHex(token().Send("00ca00e000").data), "e006c00401ff8820");
  ResponseApdu r = host.Transmit(GetData(cm::tag::kExecutiveStatus));
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(r.data), "df3103010505");
}

TEST_F(CardManagerChannel, AnErrorInsideTheChannelClosesIt) {
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x01), 0x9000);
  EXPECT_EQ(token().Send(host.Wrap(GetData(0xDF32))).sw, 0x6A88);
  ExpectClosed(host, host.Wrap(GetData(cm::tag::kUid)));
}

TEST_F(CardManagerChannel, SelectAndPowerCycleDropTheChannel) {
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x01), 0x9000);
  CommandApdu next = host.Wrap(GetData(cm::tag::kUid));
  token().Select();
  ExpectClosed(host, next);

  ASSERT_EQ(host.Open(FactoryKeySet(), 0x01), 0x9000);
  next = host.Wrap(GetData(cm::tag::kUid));
  token().PowerCycle();
  ExpectClosed(host, next);

  ASSERT_EQ(host.Open(FactoryKeySet(), 0x01), 0x9000);
  next = host.Wrap(GetData(cm::tag::kUid));
  EXPECT_EQ(token().Send("00a4040005a000000308").sw, 0x9000) << "select PIV";
  token().Select();
  ExpectClosed(host, next);
}

}  // namespace
}  // namespace tessera::sim::cmtest

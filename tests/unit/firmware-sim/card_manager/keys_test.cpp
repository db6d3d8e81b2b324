// Personalization, UNLOCK, MK replacement and termination (docs/card-
// manager.md "PUT KEY", "UNLOCK", "Lifecycle"; seed 003): the happy paths,
// and each refusal with its status word and with nothing changed.
#include <gtest/gtest.h>

#include "common/card_manager_constants.hpp"
#include "common/scp03/key_set.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_host.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_token.hpp"

namespace tessera::sim::cmtest {
namespace {

KeySet Mk3() { return {0x03, Bytes(32, 0xD3)}; }

CommandApdu PutKey(std::uint8_t p1, std::uint8_t p2, Bytes data) {
  return Apdu(cm::kClaGp, cm::ins::kPutKey, p1, p2, std::move(data), 256);
}
CommandApdu DeleteMk(std::uint8_t kvn) {
  return Apdu(cm::kClaGp, cm::ins::kDeleteKey, 0, 0, Bytes{0xD0, 0x01, 0x02, 0xD2, 0x01, kvn});
}
CommandApdu GetChallenge() { return Apdu(cm::kClaGp, cm::ins::kGetChallenge, 0, 0, {}, 16); }
CommandApdu SetStatus(std::uint8_t p1 = 0x80, std::uint8_t p2 = 0xFF) {
  return Apdu(cm::kClaGp, cm::ins::kSetStatus, p1, p2);
}

std::string Kcv(ByteView key) { return ToHex(*scp03::KeyCheckValue(key)); }

class CardManagerKeys : public CardManagerTest {
 protected:
  std::string Status() { return ToHex(token().Send("80cadf3100").data); }
  std::string KeyInfo() { return ToHex(token().Send("80ca00e000").data); }
  void Personalized() { ASSERT_EQ(Personalize(token()), 0x9000); }
  // A channel under Mk1(), unlocked with the KRK.
  void OpenUnlocked(Host& host) {
    ASSERT_EQ(host.Open(Mk1()), 0x9000);
    ASSERT_EQ(Unlock(host, token()), 0x9000);
  }
};

TEST_F(CardManagerKeys, PersonalizationInstallsBothKeysAndLocks) {
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x03), 0x9000);
  ResponseApdu r =
      host.Transmit(PutKey(0x00, 0x81, PutKeyData(host.s_dek(), 0x01, {Krk().base, Mk1().base})));
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(r.data), "01" + Kcv(Krk().base) + Kcv(Mk1().base));
  EXPECT_EQ(token().Send(host.Wrap(GetChallenge())).sw, 0x6982) << "the channel closed";
  EXPECT_EQ(Status(), "df31030f0505");
  EXPECT_EQ(KeyInfo(), "e00cc00401018820c00402018820");
  EXPECT_EQ(ProbeKeySet(token(), FactoryKeySet()), 0x6A88);
  EXPECT_EQ(ProbeKeySet(token(), Mk1()), 0x9000);
  token().PowerCycle();
  EXPECT_EQ(ProbeKeySet(token(), Mk1()), 0x9000) << "persisted";
}

TEST_F(CardManagerKeys, PersonalizationNeedsCDecryption) {
  for (std::uint8_t level : {0x01, 0x11}) {
    Host host(token());
    ASSERT_EQ(host.Open(FactoryKeySet(), level), 0x9000);
    EXPECT_EQ(
        host.Transmit(PutKey(0x00, 0x81, PutKeyData(host.s_dek(), 0x01, {Krk().base, Mk1().base})))
            .sw,
        0x6982);
  }
  EXPECT_EQ(Status(), "df3103010505");
  EXPECT_EQ(Personalize(token()), 0x9000) << "at level 03";
}

TEST_F(CardManagerKeys, PersonalizationIsRefusedOncePersonalized) {
  Personalized();
  Host host(token());
  ASSERT_EQ(host.Open(Mk1(), 0x33), 0x9000);
  EXPECT_EQ(
      host.Transmit(PutKey(0x00, 0x81, PutKeyData(host.s_dek(), 0x05, {Krk().base, Mk2().base})))
          .sw,
      0x6985);
  EXPECT_EQ(KeyInfo(), "e00cc00401018820c00402018820");
}

TEST_F(CardManagerKeys, AKcvMismatchIs6A80AndChangesNothing) {
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x03), 0x9000);
  EXPECT_EQ(host.Transmit(PutKey(0x00, 0x81,
                                 PutKeyData(host.s_dek(), 0x01, {Krk().base, Mk1().base},
                                            /*corrupt_kcv=*/true)))
                .sw,
            0x6A80);
  EXPECT_EQ(Status(), "df3103010505");
  EXPECT_EQ(KeyInfo(), "e006c00401ff8820");
  EXPECT_EQ(ProbeKeySet(token(), FactoryKeySet()), 0x9000);

  Personalized();
  OpenUnlocked(host);
  ASSERT_EQ(host.Transmit(DeleteMk(0x01)).sw, 0x9000);
  EXPECT_EQ(host.Transmit(PutKey(0x01, 0x02,
                                 PutKeyData(host.s_dek(), 0x02, {Mk2().base},
                                            /*corrupt_kcv=*/true)))
                .sw,
            0x6A80);
  EXPECT_EQ(Status(), "df31030f0505") << "relocked: the error ended the channel";
  EXPECT_EQ(ProbeKeySet(token(), Mk1()), 0x9000);
  EXPECT_EQ(ProbeKeySet(token(), Mk2()), 0x6A88);
}

// S-DEK is bound to its channel (docs/card-manager.md "Session keys"): key
// data recorded from one channel, or encrypted under the static K-DEK as Amd
// D would, does not decrypt to its KCV in another.
TEST_F(CardManagerKeys, KeyDataUnderAnotherChannelsOrTheStaticDekIs6A80) {
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x03), 0x9000);
  const Bytes recorded = PutKeyData(host.s_dek(), 0x01, {Krk().base, Mk1().base});
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x03), 0x9000);
  EXPECT_EQ(host.Transmit(PutKey(0x00, 0x81, recorded)).sw, 0x6A80);

  auto k_dek = scp03::StaticKeyFromBase(FactoryKeySet().base, scp03::KeyRole::kDek);
  ASSERT_TRUE(k_dek.ok());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x03), 0x9000);
  EXPECT_EQ(
      host.Transmit(PutKey(0x00, 0x81, PutKeyData(k_dek->view(), 0x01, {Krk().base, Mk1().base})))
          .sw,
      0x6A80);
  EXPECT_EQ(Status(), "df3103010505");
  EXPECT_EQ(ProbeKeySet(token(), FactoryKeySet()), 0x9000);
}

TEST_F(CardManagerKeys, MalformedPutKeyDataIsAClearStatusWord) {
  struct Case {
    const char* name;
    std::function<Bytes(ByteView s_dek)> data;
    std::uint16_t sw;
  };
  auto good = [](ByteView s) { return PutKeyData(s, 0x01, {Krk().base, Mk1().base}); };
  const std::vector<Case> cases = {
      {"no data", [](const auto&) { return Bytes{}; }, 0x6700},
      {"one key only", [](const auto& s) { return PutKeyData(s, 0x01, {Krk().base}); }, 0x6700},
      {"truncated",
       [&](const auto& s) {
         Bytes d = good(s);
         d.pop_back();
         return d;
       },
       0x6700},
      {"KVN 00",
       [](const auto& s) {
         return PutKeyData(s, 0x00, {Krk().base, Mk1().base});
       },
       0x6A80},
      {"KVN 80",
       [](const auto& s) {
         return PutKeyData(s, 0x80, {Krk().base, Mk1().base});
       },
       0x6A80},
      {"KVN FF",
       [](const auto& s) {
         return PutKeyData(s, 0xFF, {Krk().base, Mk1().base});
       },
       0x6A80},
      {"key type 80",
       [&](const auto& s) {
         Bytes d = good(s);
         d[1] = 0x80;
         return d;
       },
       0x6A80},
      {"KCV length 02",
       [&](const auto& s) {
         Bytes d = good(s);
         d[36] = 0x02;
         return d;
       },
       0x6A80},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Host host(token());
    ASSERT_EQ(host.Open(FactoryKeySet(), 0x33), 0x9000);
    EXPECT_EQ(host.Transmit(PutKey(0x00, 0x81, c.data(host.s_dek()))).sw, c.sw);
    EXPECT_EQ(Status(), "df3103010505");
  }
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x33), 0x9000);
  EXPECT_EQ(host.Transmit(PutKey(0x01, 0x81, good(host.s_dek()))).sw, 0x6A86) << "P1";
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x33), 0x9000);
  EXPECT_EQ(host.Transmit(PutKey(0x00, 0x01, good(host.s_dek()))).sw, 0x6A86) << "P2";
}

TEST_F(CardManagerKeys, ReplacementSwapsTheMasterKeyAndKeepsTheKrk) {
  Personalized();
  Host host(token());
  OpenUnlocked(host);
  EXPECT_EQ(ToHex(host.Transmit(Apdu(cm::kClaGp, cm::ins::kGetData, 0xDF, 0x31, {}, 256)).data),
            "df31031f0505");
  ASSERT_EQ(host.Transmit(DeleteMk(0x01)).sw, 0x9000);
  ResponseApdu r = host.Transmit(PutKey(0x01, 0x02, PutKeyData(host.s_dek(), 0x02, {Mk2().base})));
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(r.data), "02" + Kcv(Mk2().base));
  EXPECT_EQ(token().Send(host.Wrap(GetChallenge())).sw, 0x6982) << "the channel closed";

  EXPECT_EQ(Status(), "df31030f0505") << "relocked";
  EXPECT_EQ(KeyInfo(), "e00cc00401018820c00402028820") << "the KRK keeps its KVN";
  EXPECT_EQ(ProbeKeySet(token(), Mk1()), 0x6A88) << "the old KVN is gone";
  EXPECT_EQ(ProbeKeySet(token(), Mk2()), 0x9000);
  token().PowerCycle();
  EXPECT_EQ(ProbeKeySet(token(), Mk2()), 0x9000);
  EXPECT_EQ(ReplaceMasterKey(token(), Mk2(), Mk3()), 0x9000) << "and again, with the same KRK";
  EXPECT_EQ(ProbeKeySet(token(), Mk3()), 0x9000);
}

TEST_F(CardManagerKeys, PutKeyOutOfOrderOrStateIs6985) {
  Personalized();
  Host host(token());
  // Without UNLOCK.
  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  EXPECT_EQ(host.Transmit(PutKey(0x01, 0x02, PutKeyData(host.s_dek(), 0x02, {Mk2().base}))).sw,
            0x6985);
  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  EXPECT_EQ(host.Transmit(DeleteMk(0x01)).sw, 0x6985) << "DELETE KEY needs UNLOCK too";
  // Unlocked, without DELETE KEY.
  OpenUnlocked(host);
  EXPECT_EQ(host.Transmit(PutKey(0x01, 0x02, PutKeyData(host.s_dek(), 0x02, {Mk2().base}))).sw,
            0x6985);
  // Unlocked and deleted, but a personalization.
  OpenUnlocked(host);
  ASSERT_EQ(host.Transmit(DeleteMk(0x01)).sw, 0x9000);
  EXPECT_EQ(
      host.Transmit(PutKey(0x00, 0x81, PutKeyData(host.s_dek(), 0x02, {Krk().base, Mk2().base})))
          .sw,
      0x6985);
  EXPECT_EQ(KeyInfo(), "e00cc00401018820c00402018820") << "nothing changed";
  EXPECT_EQ(ProbeKeySet(token(), Mk1()), 0x9000);
}

TEST_F(CardManagerKeys, ReplacementInManufacturedIs6985) {
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x33), 0x9000);
  EXPECT_EQ(host.Transmit(PutKey(0xFF, 0x02, PutKeyData(host.s_dek(), 0x02, {Mk2().base}))).sw,
            0x6985);
  for (const CommandApdu& apdu : {GetChallenge(), DeleteMk(0xFF), SetStatus()}) {
    ASSERT_EQ(host.Open(FactoryKeySet(), 0x33), 0x9000);
    EXPECT_EQ(host.Transmit(apdu).sw, 0x6985) << ToHex(apdu.Serialize());
  }
  EXPECT_EQ(Status(), "df3103010505");
}

TEST_F(CardManagerKeys, DeleteKeyOfAnythingButTheCurrentMkIsRefused) {
  Personalized();
  Host host(token());
  OpenUnlocked(host);
  EXPECT_EQ(host.Transmit(DeleteMk(0x02)).sw, 0x6A88) << "wrong KVN";
  OpenUnlocked(host);
  EXPECT_EQ(host.Transmit(Apdu(cm::kClaGp, cm::ins::kDeleteKey, 0, 0,
                               Bytes{0xD0, 0x01, 0x01, 0xD2, 0x01, 0x01}))
                .sw,
            0x6A80)
      << "the KRK";
  OpenUnlocked(host);
  EXPECT_EQ(host.Transmit(Apdu(cm::kClaGp, cm::ins::kDeleteKey, 0, 0, Bytes{0xD0, 0x01})).sw,
            0x6A80);
  OpenUnlocked(host);
  EXPECT_EQ(host.Transmit(Apdu(cm::kClaGp, cm::ins::kDeleteKey, 1, 0,
                               Bytes{0xD0, 0x01, 0x02, 0xD2, 0x01, 0x01}))
                .sw,
            0x6A86);
  OpenUnlocked(host);
  EXPECT_EQ(host.Transmit(PutKey(0x02, 0x02, PutKeyData(host.s_dek(), 0x02, {Mk2().base}))).sw,
            0x6985)
      << "no deletion staged";
  EXPECT_EQ(ProbeKeySet(token(), Mk1()), 0x9000);
}

TEST_F(CardManagerKeys, UnlockedEndsWithTheChannel) {
  Personalized();
  Host host(token());
  OpenUnlocked(host);
  ASSERT_EQ(host.Transmit(DeleteMk(0x01)).sw, 0x9000);
  token().Select();
  EXPECT_EQ(Status(), "df31030f0505");
  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  EXPECT_EQ(host.Transmit(PutKey(0x01, 0x02, PutKeyData(host.s_dek(), 0x02, {Mk2().base}))).sw,
            0x6985)
      << "neither the unlock nor the staged deletion survive the channel";
  EXPECT_EQ(ProbeKeySet(token(), Mk1()), 0x9000);
}

TEST_F(CardManagerKeys, TheUnlockChallengeIsSingleUseAndBoundToItsChannel) {
  Personalized();
  Host host(token());
  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  EXPECT_EQ(host.Transmit(Apdu(cm::kClaGp, cm::ins::kUnlock, 0x01, 0x00, Bytes(16, 0))).sw, 0x6985)
      << "no challenge yet";

  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  ResponseApdu challenge = host.Transmit(GetChallenge());
  ASSERT_EQ(challenge.sw, 0x9000);
  Bytes response = UnlockResponse(Krk().base, challenge.data, token().uid());
  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  EXPECT_EQ(host.Transmit(Apdu(cm::kClaGp, cm::ins::kUnlock, 0x01, 0x00, response)).sw, 0x6985)
      << "the challenge of another channel";

  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  challenge = host.Transmit(GetChallenge());
  response = UnlockResponse(Krk().base, challenge.data, token().uid());
  ASSERT_EQ(host.Transmit(Apdu(cm::kClaGp, cm::ins::kGetData, 0xDF, 0x30, {}, 256)).sw, 0x9000);
  EXPECT_EQ(host.Transmit(Apdu(cm::kClaGp, cm::ins::kUnlock, 0x01, 0x00, response)).sw, 0x9000)
      << "kept across other commands until UNLOCK uses it";
  EXPECT_EQ(Status(), "df31031f0505") << "unlocked, and no try was spent";
}

TEST_F(CardManagerKeys, MalformedUnlockIsAClearStatusWordAndSpendsNoTry) {
  Personalized();
  Host host(token());
  struct Case {
    std::uint8_t p1, p2;
    std::size_t length;
    std::uint16_t sw;
  };
  for (const Case& c : {Case{0x02, 0x00, 16, 0x6A88}, Case{0x01, 0x01, 16, 0x6A86},
                        Case{0x01, 0x00, 15, 0x6700}, Case{0x01, 0x00, 0, 0x6700}}) {
    ASSERT_EQ(host.Open(Mk1()), 0x9000);
    ASSERT_EQ(host.Transmit(GetChallenge()).sw, 0x9000);
    EXPECT_EQ(host.Transmit(Apdu(cm::kClaGp, cm::ins::kUnlock, c.p1, c.p2, Bytes(c.length, 0))).sw,
              c.sw);
  }
  EXPECT_EQ(Status(), "df31030f0505");
}

TEST_F(CardManagerKeys, WrongKrkResponsesCountDownTo6983ForGoodEvenAfterPowerCycles) {
  Personalized();
  const KeySet wrong_krk{0x01, Bytes(32, 0xEE)};
  for (int left = 4; left >= 0; --left) {
    Host host(token());
    ASSERT_EQ(host.Open(Mk1()), 0x9000);
    EXPECT_EQ(Unlock(host, token(), wrong_krk), 0x63C0 | left);
    if (left == 2) token().PowerCycle();
  }
  EXPECT_EQ(Status(), "df31030f0005");
  for (int round = 0; round < 2; ++round) {
    Host host(token());
    ASSERT_EQ(host.Open(Mk1()), 0x9000);
    EXPECT_EQ(Unlock(host, token()), 0x6983) << "even the right KRK";
    token().PowerCycle();
  }
  EXPECT_EQ(Status(), "df31030f0005");
  EXPECT_EQ(ProbeKeySet(token(), Mk1()), 0x9000) << "the token keeps working under its MK";
  EXPECT_EQ(ReplaceMasterKey(token()), 0x6983) << "but the MK can never be replaced";
}

TEST_F(CardManagerKeys, ARightKrkResponseRestoresTheTries) {
  Personalized();
  Host host(token());
  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  EXPECT_EQ(Unlock(host, token(), KeySet{0x01, Bytes(32, 0xEE)}), 0x63C4);
  EXPECT_EQ(Status(), "df31030f0405");
  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  EXPECT_EQ(Unlock(host, token()), 0x9000);
  EXPECT_EQ(Status(), "df31031f0505") << "unlocked in the open channel, tries restored";
}

TEST_F(CardManagerKeys, TerminatedRefusesEverythingButGetData) {
  Personalized();
  Host host(token());
  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  EXPECT_EQ(host.Transmit(SetStatus(0x80, 0x0F)).sw, 0x6A86);
  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  ASSERT_EQ(host.Transmit(SetStatus()).sw, 0x9000);
  EXPECT_EQ(token().Send(host.Wrap(GetChallenge())).sw, 0x6985) << "the channel is gone";
  token().PowerCycle();
  const std::string uid = ToHex(token().uid());
  token().Run({
      {"UID", "80cadf3000", "df3010" + uid},
      {"status", "80cadf3100", "df3103ff0505"},
      {"keys", "80ca00e000", "e00cc00401018820c00402018820"},
      {"INITIALIZE UPDATE", "8050000008 0102030405060708", "", 0x6985},
      {"INITIALIZE UPDATE FF", "8050ff0008 0102030405060708", "", 0x6985},
      {"EXTERNAL AUTHENTICATE", "8482010008 0102030405060708", "", 0x6985},
      {"GET CHALLENGE", "8084000010", "", 0x6985},
      {"PUT KEY", "80d8008101 01", "", 0x6985},
      {"SET STATUS", "80f080ff", "", 0x6985},
      {"unknown instruction", "80ee000000", "", 0x6985},
  });
}

}  // namespace
}  // namespace tessera::sim::cmtest

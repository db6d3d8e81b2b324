// Bad input of any kind is one of the documented status words, never a
// crash or a 6F00 (docs/card-manager.md "Status words"): seeded random
// commands, plain and inside real channels, in MANUFACTURED and in
// PERSONALIZED, under ASan and UBSan. The token keeps working afterwards.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "common/card_manager_constants.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_host.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_token.hpp"

namespace tessera::sim::cmtest {
namespace {

bool Documented(std::uint16_t sw) {
  static const std::set<std::uint16_t> kWords = {0x9000, 0x6700, 0x6982, 0x6983, 0x6985, 0x6A80,
                                                 0x6A86, 0x6A88, 0x6D00,
                                                 // CardOs: class byte checks
                                                 0x6E00, 0x6881};
  return kWords.count(sw) != 0 || (sw & 0xFFF0) == 0x63C0;
}

CommandApdu RandomCommand(std::mt19937& gen) {
  static constexpr std::uint8_t kIns[] = {cm::ins::kGetData,
                                          cm::ins::kInitializeUpdate,
                                          cm::ins::kExternalAuthenticate,
                                          cm::ins::kGetChallenge,
                                          cm::ins::kUnlock,
                                          cm::ins::kDeleteKey,
                                          cm::ins::kPutKey,
                                          cm::ins::kSetStatus,
                                          0x00,
                                          0xEE};
  static constexpr std::uint8_t kCla[] = {0x00, 0x80, 0x84, 0x04, 0x8C, 0xA0, 0xE0};
  std::uniform_int_distribution<int> byte(0, 255);
  auto pick = [&](auto& table) {
    return table[std::uniform_int_distribution<std::size_t>(0, std::size(table) - 1)(gen)];
  };
  CommandApdu apdu;
  apdu.cla = pick(kCla);
  apdu.ins = pick(kIns);
  // Mostly the parameters the commands use, sometimes anything.
  static constexpr std::uint8_t kP[] = {0x00, 0x01, 0x02, 0x80, 0x81, 0xFF, 0xDF, 0x30, 0x31};
  apdu.p1 = byte(gen) < 200 ? pick(kP) : static_cast<std::uint8_t>(byte(gen));
  apdu.p2 = byte(gen) < 200 ? pick(kP) : static_cast<std::uint8_t>(byte(gen));
  static constexpr std::size_t kLengths[] = {0, 1, 6, 8, 15, 16, 17, 32, 40, 79, 80, 200};
  apdu.data.resize(pick(kLengths));
  for (auto& b : apdu.data) b = static_cast<std::uint8_t>(byte(gen));
  if (byte(gen) < 128) apdu.le = 256;
  return apdu;
}

void Hammer(CmToken& token, const KeySet& keys, std::uint32_t seed) {
  std::mt19937 gen(seed);
  for (int i = 0; i < 400; ++i) {
    CommandApdu apdu = RandomCommand(gen);
    // The one well-formed command that changes the token for good.
    if (apdu.ins == cm::ins::kSetStatus && apdu.p2 == 0xFF) apdu.p2 = 0x0F;
    SCOPED_TRACE(ToHex(apdu.Serialize()));
    std::uint16_t sw = 0;
    if (i % 3 == 0) {
      Host host(token);
      ASSERT_EQ(host.Open(keys, 0x13), 0x9000);
      apdu.cla = cm::kClaGp;
      sw = token.Send(host.Wrap(apdu)).sw;
    } else {
      sw = token.Send(apdu).sw;
    }
    EXPECT_TRUE(Documented(sw)) << std::hex << sw;
  }
}

class CardManagerRobustness : public CardManagerTest {};

TEST_F(CardManagerRobustness, RandomCommandsGetDocumentedStatusWordsWhenManufactured) {
  Hammer(token(), FactoryKeySet(), 1);
  token().Select();
  EXPECT_EQ(Personalize(token()), 0x9000) << "the token still personalizes";
}

TEST_F(CardManagerRobustness, RandomCommandsGetDocumentedStatusWordsWhenPersonalized) {
  ASSERT_EQ(Personalize(token()), 0x9000);
  Hammer(token(), Mk1(), 2);
  token().Select();
  EXPECT_EQ(ProbeKeySet(token(), Mk1()), 0x9000);
  const std::string status = ToHex(token().Send("80cadf3100").data);
  EXPECT_EQ(status.substr(0, 8), "df31030f") << status;
}

}  // namespace
}  // namespace tessera::sim::cmtest

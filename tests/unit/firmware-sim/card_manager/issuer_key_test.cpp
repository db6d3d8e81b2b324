// PUT KEY of the registration issuer key, key ID 10 (docs/card-manager.md
// "PUT KEY", issue 14): where it is accepted, each refusal with its status
// word and nothing stored, the record it leaves (cm/key/10) and GET DATA
// 00E0's entry for it.
#include <gtest/gtest.h>

#include <functional>

#include "common/card_manager_constants.hpp"
#include "firmware-sim/applets/shared/issuer_key_record.hpp"
#include "firmware-sim/os/file_storage.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_host.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_token.hpp"

namespace tessera::sim::cmtest {
namespace {

constexpr std::string_view kFactoryInfo = "e006c00401ff8820";
constexpr std::string_view kPersonalizedInfo = "e00cc00401018820c00402018820";

CommandApdu PutIssuer(std::uint8_t p1, std::uint8_t p2, Bytes data) {
  return Apdu(cm::kClaGp, cm::ins::kPutKey, p1, p2, std::move(data), 256);
}

class IssuerKey : public CardManagerTest {
 protected:
  std::string KeyInfo() { return ToHex(token().Send("80ca00e000").data); }
  // cm/key/10 as the PIV applet reads it, from the state file.
  std::optional<sim::IssuerKey> Stored() {
    token().token().PowerOff();
    std::optional<sim::IssuerKey> out;
    {
      auto storage = FileStorage::Open(file(), nullptr);
      EXPECT_TRUE(storage.ok());
      auto key = LoadIssuerKey(**storage);
      EXPECT_TRUE(key.ok()) << key.status().ToString();
      if (key.ok()) out = *key;
    }
    token().PowerOnAndSelect();
    return out;
  }
};

TEST_F(IssuerKey, ManufacturedTokenTakesItUnderTheFactoryKeyAtLevel01) {
  const Bytes point = TestIssuerPoint();
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet(), 0x01), 0x9000);
  ResponseApdu r = host.Transmit(PutIssuer(0x00, 0x10, IssuerKeyData(0x01, point)));
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(r.data), "01");
  // The channel's keys did not change, so it stays open: personalization
  // sends the PUT KEY of the KRK and MK in it next.
  EXPECT_EQ(host.Transmit(Apdu(cm::kClaGp, cm::ins::kGetData, 0xDF, 0x31, {}, 256)).sw, 0x9000);
  EXPECT_EQ(KeyInfo(), "e00cc00401ff8820c0041001b041");
  std::optional<sim::IssuerKey> stored = Stored();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->kvn, 0x01);
  EXPECT_EQ(ToHex(stored->point), ToHex(point));

  ASSERT_EQ(Personalize(token()), 0x9000);
  EXPECT_EQ(KeyInfo(), "e012c00401018820c00402018820c0041001b041") << "kept";
}

TEST_F(IssuerKey, PersonalizedTokenTakesItUnderTheMkAndReplacesItByVersion) {
  ASSERT_EQ(Personalize(token()), 0x9000);
  ASSERT_EQ(PutIssuerKey(token(), Mk1(), 0x03, TestIssuerPoint(0x1C)), 0x9000);
  EXPECT_EQ(KeyInfo(), "e012c00401018820c00402018820c0041003b041");
  EXPECT_EQ(PutIssuerKey(token(), Mk1(), 0x04, TestIssuerPoint(0x2D), /*p1=*/0x05), 0x6A88)
      << "P1 names a version that is not there";
  ASSERT_EQ(PutIssuerKey(token(), Mk1(), 0x04, TestIssuerPoint(0x2D), /*p1=*/0x03), 0x9000);
  ASSERT_EQ(PutIssuerKey(token(), Mk1(), 0x05, TestIssuerPoint(0x3E), /*p1=*/0x00), 0x9000);
  EXPECT_EQ(KeyInfo(), "e012c00401018820c00402018820c0041005b041") << "one issuer key";
  token().PowerCycle();
  std::optional<sim::IssuerKey> stored = Stored();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->kvn, 0x05);
  EXPECT_EQ(ToHex(stored->point), ToHex(TestIssuerPoint(0x3E)));
}

TEST_F(IssuerKey, OutsideItsChannelsItIsRefused) {
  EXPECT_EQ(token().Send(PutIssuer(0x00, 0x10, IssuerKeyData(0x01, TestIssuerPoint()))).sw, 0x6982)
      << "no channel";
  ASSERT_EQ(Personalize(token()), 0x9000);
  Host host(token());
  ASSERT_EQ(host.Open(Mk1()), 0x9000);
  ASSERT_EQ(Unlock(host, token()), 0x9000);
  EXPECT_EQ(host.Transmit(PutIssuer(0x00, 0x10, IssuerKeyData(0x01, TestIssuerPoint()))).sw, 0x6985)
      << "UNLOCKED";
  EXPECT_EQ(KeyInfo(), kPersonalizedInfo);
  EXPECT_FALSE(Stored().has_value());
}

TEST_F(IssuerKey, MalformedDataIsAClearStatusWordAndStoresNothing) {
  const Bytes good = IssuerKeyData(0x01, TestIssuerPoint());
  auto changed = [&](std::size_t index, std::uint8_t value) {
    Bytes d = good;
    d[index] = value;
    return d;
  };
  Bytes off_curve = good;
  off_curve[3 + 64] ^= 0x01;  // the last byte of Y
  Bytes short_data = good;
  short_data.pop_back();
  struct Case {
    const char* name;
    std::uint8_t p2;
    Bytes data;
    std::uint16_t sw;
  };
  const std::vector<Case> cases = {
      {"point off the curve", 0x10, off_curve, 0x6A80},
      {"curve 01 (not P-256)", 0x10, changed(3 + 65 + 2, 0x01), 0x6A80},
      {"KVN 00", 0x10, changed(0, 0x00), 0x6A80},
      {"KVN 80", 0x10, changed(0, 0x80), 0x6A80},
      {"KVN FF", 0x10, changed(0, 0xFF), 0x6A80},
      {"key type 88", 0x10, changed(1, 0x88), 0x6A80},
      {"compressed point tag", 0x10, changed(3, 0x02), 0x6A80},
      {"a KCV length", 0x10, changed(3 + 65 + 3, 0x03), 0x6A80},
      {"one byte short", 0x10, short_data, 0x6700},
      {"key ID 11", 0x11, good, 0x6A86},
      {"key ID 90", 0x90, good, 0x6A86},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Host host(token());
    ASSERT_EQ(host.Open(FactoryKeySet(), 0x01), 0x9000);
    EXPECT_EQ(host.Transmit(PutIssuer(0x00, c.p2, c.data)).sw, c.sw);
    EXPECT_EQ(KeyInfo(), kFactoryInfo);
  }
  EXPECT_FALSE(Stored().has_value());
}

}  // namespace
}  // namespace tessera::sim::cmtest

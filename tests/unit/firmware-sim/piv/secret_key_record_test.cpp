// The secret-key record "piv/skey/<hh>" (secret_key_record.hpp): its bytes
// are pinned, it round-trips, and every malformed variant reads as kCorrupt.
#include "firmware-sim/applets/piv/secret_key_record.hpp"

#include <gtest/gtest.h>

namespace tessera::sim::piv_applet {
namespace {

SecretKeyRecord Sample() {
  SecretKeyRecord r;
  r.type = piv::secret::KeyType::kGeneric;
  r.pin_policy = piv::PinPolicy::kAlways;
  r.origin = piv::KeyOrigin::kDerived;
  r.usage = 0x0031;
  r.label = {'k'};
  r.id = {0x01, 0x02};
  r.value = SecureBytes(Bytes(16, 0xAB));
  return r;
}

constexpr char kSampleHex[] =
    "01"
    "20"
    "03"
    "03"
    "0031"
    "01"
    "6b"
    "02"
    "0102"
    "10"
    "abababababababababababababababab";

TEST(PivSecretKeyRecord, EncodesAsDocumented) {
  EXPECT_EQ(ToHex(EncodeSecretKey(Sample()).view()), kSampleHex);
  EXPECT_EQ(SecretKeySlotKey(0xC7), "piv/skey/c7");
}

TEST(PivSecretKeyRecord, RoundTrips) {
  auto decoded = DecodeSecretKey(HexOrDie(kSampleHex));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->type, piv::secret::KeyType::kGeneric);
  EXPECT_EQ(decoded->pin_policy, piv::PinPolicy::kAlways);
  EXPECT_EQ(decoded->origin, piv::KeyOrigin::kDerived);
  EXPECT_EQ(decoded->usage, 0x0031);
  EXPECT_EQ(ToHex(decoded->label), "6b");
  EXPECT_EQ(ToHex(decoded->id), "0102");
  EXPECT_EQ(ToHex(decoded->value.view()), "abababababababababababababababab");
  EXPECT_TRUE(decoded->Allows(0x0011));
  EXPECT_FALSE(decoded->Allows(0x0002));
}

// A registration key (usage 0040) is stored and loaded like any other; only
// hosts may not ask for that bit (secret_key_manage_test).
TEST(PivSecretKeyRecord, KeepsTheRegistrationUsage) {
  SecretKeyRecord r = Sample();
  r.usage = piv::secret::usage::kRegistration;
  auto decoded = DecodeSecretKey(EncodeSecretKey(r).view());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->usage, 0x0040);
}

TEST(PivSecretKeyRecord, RejectsEveryMalformedVariant) {
  const std::string value16 = "10abababababababababababababababab";
  const struct {
    const char* name;
    std::string hex;
  } cases[] = {
      {"empty", ""},
      {"version 02",
       "02200303003101"
       "6b020102" +
           value16},
      {"type 11",
       "01110303003101"
       "6b020102" +
           value16},
      {"PIN policy 00 (unresolved)",
       "01200003003101"
       "6b020102" +
           value16},
      {"PIN policy 04",
       "01200403003101"
       "6b020102" +
           value16},
      {"origin 00",
       "01200300003101"
       "6b020102" +
           value16},
      {"origin 04",
       "01200304003101"
       "6b020102" +
           value16},
      {"usage bit 0080",
       "01200303008001"
       "6b020102" +
           value16},
      {"label of 33 bytes",
       "0120030300312"
       "1" +
           std::string(66, '4') + "00" + value16},
      {"truncated ID",
       "01200303003101"
       "6b0501"},
      {"generic of 15 bytes",
       "01200303003101"
       "6b0201020f" +
           std::string(30, 'a')},
      {"AES-128 of 32 bytes",
       "01080303003100"
       "00"
       "20" +
           std::string(64, 'a')},
      {"trailing byte",
       "01200303003101"
       "6b020102" +
           value16 + "00"},
      {"key length past the end",
       "01200303003101"
       "6b020102"
       "11" +
           value16.substr(2)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto decoded = DecodeSecretKey(HexOrDie(c.hex));
    EXPECT_EQ(decoded.status().code(), Code::kCorrupt);
  }
}

TEST(PivSecretKeyRecord, LoadsFromStorageAndFindsTheLowestFreeSlot) {
  MemoryStorage storage;
  EXPECT_EQ(LowestFreeSecretSlot(storage), std::optional<std::uint8_t>(0xC0));
  Transaction txn;
  PutSecretKey(txn, 0xC0, Sample());
  PutSecretKey(txn, 0xC1, Sample());
  ASSERT_TRUE(storage.Commit(txn).ok());
  EXPECT_EQ(LowestFreeSecretSlot(storage), std::optional<std::uint8_t>(0xC2));
  auto loaded = LoadSecretKey(storage, 0xC1);
  ASSERT_TRUE(loaded.ok());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->usage, 0x0031);
  EXPECT_FALSE(LoadSecretKey(storage, 0xC2)->has_value());
  ASSERT_TRUE(storage.Put(SecretKeySlotKey(0xC2), HexOrDie("0120")).ok());
  EXPECT_EQ(LoadSecretKey(storage, 0xC2).status().code(), Code::kCorrupt);
}

}  // namespace
}  // namespace tessera::sim::piv_applet

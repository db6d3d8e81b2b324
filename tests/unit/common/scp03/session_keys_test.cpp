#include "common/scp03/session_keys.hpp"

#include <gtest/gtest.h>

#include "tests/unit/common/scp03/oracle.hpp"
#include "tests/unit/common/scp03/pysim_vectors.hpp"

namespace tessera::scp03 {
namespace {

StaticKeys KeysOf(const pysim::KeySet& set) {
  return {CmacPrf(HexOrDie(set.enc)), CmacPrf(HexOrDie(set.mac))};
}

Bytes Slice(const Bytes& b, std::size_t offset, std::size_t n) {
  return {b.begin() + static_cast<std::ptrdiff_t>(offset),
          b.begin() + static_cast<std::ptrdiff_t>(offset + n)};
}

std::string Hex(const Result<Bytes>& r) { return r.ok() ? ToHex(*r) : r.status().ToString(); }

TEST(ModeForChallengeLength, KnowsS8AndS16Only) {
  ASSERT_TRUE(ModeForChallengeLength(8).ok());
  EXPECT_EQ(*ModeForChallengeLength(8), Mode::kS8);
  ASSERT_TRUE(ModeForChallengeLength(16).ok());
  EXPECT_EQ(*ModeForChallengeLength(16), Mode::kS16);
  for (std::size_t n : {0, 7, 9, 15, 32}) {
    EXPECT_EQ(ModeForChallengeLength(n).status().code(), Code::kWrongLength) << n;
  }
}

// pySim's card recordings (pysim_vectors.hpp): the pseudo-random card
// challenge, the card cryptogram the card sent and the host cryptogram the
// card accepted, for AES-128, -192 and -256 static keys.
TEST(PublishedVectors, ChallengeAndCryptogramsMatchARealCard) {
  for (const auto& v : pysim::kVectors) {
    SCOPED_TRACE(v.name);
    Bytes command = HexOrDie(v.init_update);
    Bytes response = HexOrDie(v.init_update_response);
    Bytes host_challenge = Slice(command, 5, 8);
    Bytes card_challenge = Slice(response, 13, 8);
    Bytes card_cryptogram = Slice(response, 21, 8);
    Bytes sequence_counter = Slice(response, 29, 3);
    Bytes host_cryptogram = Slice(HexOrDie(v.external_authenticate), 5, 8);

    StaticKeys keys = KeysOf(*v.keys);
    EXPECT_EQ(Hex(PseudoRandomCardChallenge(keys.enc, sequence_counter, HexOrDie(pysim::kIsdrAid),
                                            Mode::kS8)),
              ToHex(card_challenge));
    Bytes context = Concat({host_challenge, card_challenge});
    auto session = DeriveSessionKeys(keys, context, static_cast<std::uint16_t>(v.key_bits));
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    EXPECT_EQ(session->enc.size(), static_cast<std::size_t>(v.key_bits / 8));
    EXPECT_EQ(Hex(Cryptogram(session->mac.view(), kCardCryptogram, Mode::kS8, context)),
              ToHex(card_cryptogram));
    EXPECT_EQ(Hex(Cryptogram(session->mac.view(), kHostCryptogram, Mode::kS8, context)),
              ToHex(host_cryptogram));
  }
}

// S16 has no published vector: an oracle written against raw OpenSSL
// (oracle.hpp) computes D(1) || D(2) by hand.
TEST(DeriveSessionKeys, MatchesAnIndependentKdfInS16) {
  Bytes k_enc(32, 0x11);
  Bytes k_mac(32, 0x22);
  Bytes context = HexOrDie(
      "000102030405060708090a0b0c0d0e0f"    // host challenge
      "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");  // card challenge
  auto expected = [&](ByteView key, std::uint8_t constant) {
    Bytes d1 = Concat({Bytes(11, 0x00), Bytes{constant, 0x00, 0x01, 0x00, 0x01}, context});
    Bytes d2 = Concat({Bytes(11, 0x00), Bytes{constant, 0x00, 0x01, 0x00, 0x02}, context});
    return ToHex(oracle::Cmac(key, d1)) + ToHex(oracle::Cmac(key, d2));
  };
  auto keys = DeriveSessionKeys({CmacPrf(k_enc), CmacPrf(k_mac)}, context);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(ToHex(keys->enc.view()), expected(k_enc, 0x04));
  EXPECT_EQ(ToHex(keys->mac.view()), expected(k_mac, 0x06));
  EXPECT_EQ(ToHex(keys->rmac.view()), expected(k_mac, 0x07));

  Bytes d_card = Concat({Bytes(11, 0x00), Bytes{0x00, 0x00, 0x00, 0x80, 0x01}, context});
  EXPECT_EQ(Hex(Cryptogram(keys->mac.view(), kCardCryptogram, Mode::kS16, context)),
            ToHex(oracle::Cmac(keys->mac.view(), d_card)));
  Bytes d_host = Concat({Bytes(11, 0x00), Bytes{0x01, 0x00, 0x00, 0x80, 0x01}, context});
  EXPECT_EQ(Hex(Cryptogram(keys->mac.view(), kHostCryptogram, Mode::kS16, context)),
            ToHex(oracle::Cmac(keys->mac.view(), d_host)));
}

TEST(DeriveSessionKeys, RejectsBadLengthsAndMissingKeys) {
  StaticKeys keys = KeysOf(pysim::kAes256);
  Bytes context(16, 0x01);
  EXPECT_EQ(DeriveSessionKeys(keys, context, 64).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DeriveSessionKeys(keys, Bytes(24, 0x01)).status().code(), Code::kWrongLength);
  for (Prf StaticKeys::*member : {&StaticKeys::enc, &StaticKeys::mac}) {
    StaticKeys partial = KeysOf(pysim::kAes256);
    partial.*member = nullptr;
    EXPECT_EQ(DeriveSessionKeys(partial, context).status().code(), Code::kInvalidArgument);
  }
}

TEST(Cryptogram, RejectsOtherConstantsAndContexts) {
  Bytes s_mac(32, 0x44);
  EXPECT_EQ(Cryptogram(s_mac, kSessionMac, Mode::kS8, Bytes(16, 0)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Cryptogram(s_mac, kCardCryptogram, Mode::kS8, Bytes(8, 0)).status().code(),
            Code::kWrongLength);
  EXPECT_EQ(Cryptogram(Bytes(5, 0), kCardCryptogram, Mode::kS8, Bytes(16, 0)).status().code(),
            Code::kInvalidArgument);
}

TEST(PseudoRandomCardChallenge, ChecksCounterAndAidLengthsAndHonoursS16) {
  Prf k_enc = CmacPrf(Bytes(32, 0x55));
  Bytes aid = HexOrDie("f054455353455241434d");
  EXPECT_EQ(PseudoRandomCardChallenge(k_enc, Bytes(2, 0), aid, Mode::kS8).status().code(),
            Code::kWrongLength);
  EXPECT_EQ(PseudoRandomCardChallenge(k_enc, Bytes(3, 0), Bytes(4, 0), Mode::kS8).status().code(),
            Code::kWrongLength);
  auto s16 = PseudoRandomCardChallenge(k_enc, HexOrDie("000001"), aid, Mode::kS16);
  ASSERT_TRUE(s16.ok());
  Bytes d = Concat({Bytes(11, 0x00), Bytes{0x02, 0x00, 0x00, 0x80, 0x01}, HexOrDie("000001"), aid});
  EXPECT_EQ(ToHex(*s16), ToHex(oracle::Cmac(Bytes(32, 0x55), d)));
}

}  // namespace
}  // namespace tessera::scp03

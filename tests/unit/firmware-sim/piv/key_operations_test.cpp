// GENERATE ASYMMETRIC KEY PAIR (INS 47) and GENERAL AUTHENTICATE with the
// generated keys (SP 800-73-4 Part 2 §3.3.2, §3.2.4). Every signature,
// decryption and shared secret is checked with OpenSSL in the test.
#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"
#include "tests/unit/firmware-sim/piv/piv_token.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

constexpr std::uint8_t kNever = 1;

TEST(PivGenerate, TableOfErrorPaths) {
  PivToken token;
  token.Run({{"needs the management key", "0047009a05ac03800111", "", 0x6982}});
  token.AuthenticateManagementKey();
  token.Run({
      {"P1 01", "0047019a05ac03800111", "", 0x6A86},
      {"P2 9B (management key)", "0047009b05ac03800111", "", 0x6A86},
      {"P2 F9 (attestation key)", "004700f905ac03800111", "", 0x6A86},
      {"P2 F0 (token key)", "004700f005ac03800111", "", 0x6A86},
      {"P2 80 (PIN)", "0047008005ac03800111", "", 0x6A86},
      {"P2 96 (past the retired slots)", "0047009605ac03800111", "", 0x6A86},
      {"3DES", "0047009a05ac03800103", "", 0x6A80},
      {"AES-256", "0047009a05ac0380010c", "", 0x6A80},
      {"unknown algorithm 99", "0047009a05ac03800199", "", 0x6A80},
      {"no AC template", "0047009a03800111", "", 0x6A80},
      {"AC without 80", "0047009a05ac03aa0101", "", 0x6A80},
      {"algorithm of 2 bytes", "0047009a06ac0480021111", "", 0x6A80},
      {"PIN policy 04", "0047009a08ac06800111aa0104", "", 0x6A80},
      {"touch policy 04", "0047009a08ac06800111ab0104", "", 0x6A80},
      {"no data", "0047009a", "", 0x6A80},
      {"nothing was stored", "00f7009a", "", 0x6A88},
      {"P-256 into 9A", "0047009a05ac03800111", "", 0x9000,
       [](ByteView d) { return d.size() == 70 && ToHex(d).starts_with("7f4943864104"); }},
      {"first retired slot 82", "0047008205ac038001e0", "", 0x9000,
       [](ByteView d) { return d.size() == 37 && ToHex(d).starts_with("7f49228620"); }},
      {"last retired slot 95", "0047009505ac038001e1", "", 0x9000,
       [](ByteView d) { return d.size() == 37 && ToHex(d).starts_with("7f49228620"); }},
  });
}

TEST(PivGeneralAuthenticate, TableOfErrorPaths) {
  PivToken token;
  token.AuthenticateManagementKey();
  token.Generate(0x9A, Algorithm::kEccP256);  // PIN policy once
  const std::string sign = "7c2482008120" + std::string(64, 'a');
  token.Run({
      {"empty slot 9C", "0087119c26" + sign, "", 0x6A88},
      {"P1 RSA-2048 for a P-256 key", "0087079a26" + sign, "", 0x6A86},
      {"P1 P-384 for a P-256 key", "0087149a26" + sign, "", 0x6A86},
      {"attestation key F9", "008711f926" + sign, "", 0x6A86},
      {"token key F0", "008711f026" + sign, "", 0x6A86},
      {"PIN reference 80", "0087118026" + sign, "", 0x6A86},
      {"PIN not verified", "0087119a26" + sign, "", 0x6982},
  });
  token.VerifyPin();
  token.Run({
      {"no 7C", "0087119a0482008100", "", 0x6A80},
      {"only 82", "0087119a047c028200", "", 0x6A80},
      {"empty 81", "0087119a067c0482008100", "", 0x6A80},
      {"81 and 85", "0087119a0a7c08820081010185010a", "", 0x6A80},
      {"non-empty 82", "0087119a077c058201008101aa", "", 0x6A80},
      {"unknown tag 83", "0087119a077c058200830101", "", 0x6A80},
      {"ECDH with a bad point", "0087119a087c06820085020401", "", 0x6A80},
      {"signs once the template is right", "0087119a26" + sign, "", 0x9000,
       [](ByteView d) { return ToHex(d).starts_with("7c") && d.size() > 70; }},
  });
}

void CheckRsa(PivToken& token, Algorithm alg, EVP_PKEY* pub) {
  const std::size_t size = piv::RsaBits(alg) / 8;
  Bytes block = Pkcs1SignatureBlock(AsBytes("sign me"), size);
  ResponseApdu r = token.Operate(0x9A, alg, 0x81, block);
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_TRUE(RsaRawMatches(pub, block, AuthResponse(r.data)));

  Bytes ciphertext = RsaEncryptPkcs1(pub, AsBytes("a secret"));
  r = token.Operate(0x9A, alg, 0x81, ciphertext);
  ASSERT_EQ(r.sw, 0x9000);
  std::string plain = ToHex(AuthResponse(r.data));
  EXPECT_EQ(plain.size(), 2 * size);
  EXPECT_TRUE(plain.starts_with("0002")) << plain;
  EXPECT_TRUE(plain.ends_with("00" + ToHex(AsBytes("a secret")))) << plain;

  EXPECT_EQ(token.Operate(0x9A, alg, 0x81, Bytes(size - 1, 0x01)).sw, 0x6A80);
  EXPECT_EQ(token.Operate(0x9A, alg, 0x81, Bytes(size, 0xFF)).sw, 0x6A80);  // above n
  EXPECT_EQ(token.Operate(0x9A, alg, 0x85, Bytes(size, 0x01)).sw, 0x6A80);
}

void CheckEc(PivToken& token, Algorithm alg, EVP_PKEY* pub) {
  Bytes digest = alg == Algorithm::kEccP256 ? Sha256(AsBytes("m")) : Sha384(AsBytes("m"));
  ResponseApdu r = token.Operate(0x9A, alg, 0x81, digest);
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_TRUE(EcdsaVerifyDigest(pub, digest, AuthResponse(r.data)));
  Bytes other = Sha256(AsBytes("other"));
  EXPECT_FALSE(EcdsaVerifyDigest(pub, other, AuthResponse(r.data)));

  // A hash longer than the field is truncated to its leftmost bytes.
  Bytes longer = Concat({digest, Sha256(AsBytes("tail"))});
  r = token.Operate(0x9A, alg, 0x81, longer);
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_TRUE(EcdsaVerifyDigest(pub, longer, AuthResponse(r.data)));

  HostKey host = NewHostKey(alg);
  r = token.Operate(0x9A, alg, 0x85, host.public_encoding);
  ASSERT_EQ(r.sw, 0x9000);
  Bytes expected = Derive(host.key.get(), pub);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(ToHex(AuthResponse(r.data)), ToHex(expected));
}

void CheckEd25519(PivToken& token, EVP_PKEY* pub) {
  const ByteView text = AsBytes("an entire message, not a hash");
  const Bytes message(text.begin(), text.end());
  ResponseApdu r = token.Operate(0x9A, Algorithm::kEd25519, 0x81, message);
  ASSERT_EQ(r.sw, 0x9000);
  Bytes signature = AuthResponse(r.data);
  EXPECT_EQ(signature.size(), 64u);
  EXPECT_TRUE(Ed25519Verify(pub, message, signature));
  EXPECT_FALSE(Ed25519Verify(pub, AsBytes("another message"), signature));
  EXPECT_EQ(token.Operate(0x9A, Algorithm::kEd25519, 0x85, Bytes(32, 9)).sw, 0x6A80);
}

void CheckX25519(PivToken& token, EVP_PKEY* pub) {
  HostKey host = NewHostKey(Algorithm::kX25519);
  ResponseApdu r = token.Operate(0x9A, Algorithm::kX25519, 0x85, host.public_encoding);
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(AuthResponse(r.data)), ToHex(Derive(host.key.get(), pub)));
  EXPECT_EQ(token.Operate(0x9A, Algorithm::kX25519, 0x81, Bytes(32, 9)).sw, 0x6A80);
  EXPECT_EQ(token.Operate(0x9A, Algorithm::kX25519, 0x85, Bytes(31, 9)).sw, 0x6A80);
}

class PivKeyAlgorithms : public ::testing::TestWithParam<Algorithm> {};

TEST_P(PivKeyAlgorithms, GeneratedKeyWorksAsOpenSslExpects) {
  const Algorithm alg = GetParam();
  PivToken token;
  token.AuthenticateManagementKey();
  Bytes public_key = token.Generate(0x9A, alg, kNever);
  ossl::PkeyPtr pub = PublicKeyFrom7F49(alg, public_key);
  ASSERT_NE(pub, nullptr) << ToHex(public_key);
  if (piv::IsRsa(alg)) {
    EXPECT_EQ(EVP_PKEY_get_bits(pub.get()), static_cast<int>(piv::RsaBits(alg)));
    CheckRsa(token, alg, pub.get());
  } else if (piv::IsEcdsaCurve(alg)) {
    CheckEc(token, alg, pub.get());
  } else if (alg == Algorithm::kEd25519) {
    CheckEd25519(token, pub.get());
  } else {
    CheckX25519(token, pub.get());
  }
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, PivKeyAlgorithms,
                         ::testing::Values(Algorithm::kRsa1024, Algorithm::kRsa2048,
                                           Algorithm::kRsa3072, Algorithm::kRsa4096,
                                           Algorithm::kEccP256, Algorithm::kEccP384,
                                           Algorithm::kEd25519, Algorithm::kX25519),
                         [](const ::testing::TestParamInfo<Algorithm>& p) {
                           std::string name(piv::AlgorithmName(p.param));
                           std::erase(name, '-');
                           return name;
                         });

TEST(PivGenerate, SameSeedGivesTheSameKeyAndAnotherSeedDoesNot) {
  auto generate = [](std::uint64_t seed, Algorithm alg) {
    PivToken token(seed);
    token.AuthenticateManagementKey();
    return ToHex(token.Generate(0x9C, alg));
  };
  EXPECT_EQ(generate(7, Algorithm::kEccP256), generate(7, Algorithm::kEccP256));
  EXPECT_NE(generate(7, Algorithm::kEccP256), generate(8, Algorithm::kEccP256));
  EXPECT_EQ(generate(7, Algorithm::kRsa1024), generate(7, Algorithm::kRsa1024));
}

TEST(PivGenerate, ReplacesTheKeyInTheSlot) {
  PivToken token;
  token.AuthenticateManagementKey();
  Bytes first = token.Generate(0x9E, Algorithm::kEccP256);
  Bytes second = token.Generate(0x9E, Algorithm::kEccP256);
  EXPECT_NE(ToHex(first), ToHex(second));
  ResponseApdu meta = token.Send("00f7009e");
  EXPECT_TRUE(ToHex(meta.data).ends_with(ToHex(second)));
}

// The applet keeps decoded keys in RAM (KeyCache); a new key must replace the
// cached one at once, and a power cycle must not serve a stale key either.
TEST(PivGenerate, SignsWithTheNewKeyRightAfterReplacingACachedOne) {
  PivToken token;
  token.AuthenticateManagementKey();
  const Bytes digest = Sha256(AsBytes("cached"));
  auto sign = [&] {
    ResponseApdu r = token.Operate(0x9E, Algorithm::kEccP256, 0x81, digest);
    EXPECT_EQ(r.sw, 0x9000);
    return AuthResponse(r.data);
  };
  ossl::PkeyPtr first =
      PublicKeyFrom7F49(Algorithm::kEccP256, token.Generate(0x9E, Algorithm::kEccP256));
  EXPECT_TRUE(EcdsaVerifyDigest(first.get(), digest, sign()));  // now cached
  ossl::PkeyPtr second =
      PublicKeyFrom7F49(Algorithm::kEccP256, token.Generate(0x9E, Algorithm::kEccP256));
  Bytes after = sign();
  EXPECT_TRUE(EcdsaVerifyDigest(second.get(), digest, after));
  EXPECT_FALSE(EcdsaVerifyDigest(first.get(), digest, after));
  token.PowerCycle();
  EXPECT_TRUE(EcdsaVerifyDigest(second.get(), digest, sign()));
}

}  // namespace
}  // namespace tessera::sim::pivtest

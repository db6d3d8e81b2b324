// YubiKey IMPORT KEY (INS FE): keys made by OpenSSL land in a slot, report
// origin "imported", and sign as OpenSSL expects.
#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"
#include "tests/unit/firmware-sim/piv/piv_token.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

// The public key GET METADATA reports (tag 04), rebuilt with OpenSSL.
ossl::PkeyPtr MetadataPublicKey(PivToken& token, std::uint8_t slot, Algorithm alg) {
  ResponseApdu meta = token.Send(Apdu(0xF7, 0x00, slot));
  auto fields = ParseTlvs(meta.data);
  if (!fields.ok()) return nullptr;
  auto pub = FindTag(*fields, 0x04);
  return pub ? PublicKeyFrom7F49(alg, *pub) : nullptr;
}

TEST(PivImportKey, TableOfErrorPaths) {
  PivToken token;
  const std::string scalar = "0620" + std::string(62, '1') + "01";  // a valid P-256 scalar
  token.Run({{"needs the management key", "00fe119a22" + scalar, "", 0x6982}});
  token.AuthenticateManagementKey();
  token.Run({
      {"P1 3DES", "00fe039a22" + scalar, "", 0x6A86},
      {"P1 unknown 99", "00fe999a22" + scalar, "", 0x6A86},
      {"P2 9B", "00fe119b22" + scalar, "", 0x6A86},
      {"P2 F9 (attestation key)", "00fe11f922" + scalar, "", 0x6A86},
      {"P2 F0 (token key)", "00fe11f022" + scalar, "", 0x6A86},
      {"no data", "00fe119a", "", 0x6A80},
      {"truncated TLV", "00fe119a030620aa", "", 0x6A80},
      {"scalar of 31 bytes", "00fe119a21061f" + std::string(62, '1'), "", 0x6A80},
      {"P-384 with a 32-byte scalar", "00fe149a22" + scalar, "", 0x6A80},
      {"Ed25519 tag for P-256", "00fe119a220720" + std::string(64, '1'), "", 0x6A80},
      {"scalar of zero", "00fe119a220620" + std::string(64, '0'), "", 0x6A80},
      {"RSA without the CRT fields", "00fe079a060101030201 0b", "", 0x6A80},
      {"PIN policy 05", "00fe119a25" + scalar + "aa0105", "", 0x6A80},
      {"slot still empty", "00f7009a", "", 0x6A88},
      {"valid scalar with policies", "00fe119a28" + scalar + "aa0101ab0102", ""},
      {"metadata: P-256, never/always, imported", "00f7009a", "", 0x9000,
       [](ByteView d) { return ToHex(d).starts_with("010111020201020301020443864104"); }},
      {"imported keys cannot be attested", "00f99a00", "", 0x6A80},
  });
}

class PivImportAlgorithms : public ::testing::TestWithParam<Algorithm> {};

TEST_P(PivImportAlgorithms, ImportedKeyIsTheOneOpenSslMade) {
  const Algorithm alg = GetParam();
  PivToken token;
  token.AuthenticateManagementKey();
  ImportedKey imported = NewImportableKey(alg);
  Bytes data = Concat({imported.data, HexOrDie("aa0101")});  // PIN policy never
  ASSERT_EQ(token.Send(Apdu(0xFE, static_cast<std::uint8_t>(alg), 0x9D, data)).sw, 0x9000);

  ossl::PkeyPtr reported = MetadataPublicKey(token, 0x9D, alg);
  ASSERT_NE(reported, nullptr);
  EXPECT_TRUE(SamePublicKey(reported.get(), imported.key.get()));

  if (piv::IsRsa(alg)) {
    Bytes block = Pkcs1SignatureBlock(AsBytes("imported"), piv::RsaBits(alg) / 8);
    ResponseApdu r = token.Operate(0x9D, alg, 0x81, block);
    EXPECT_TRUE(RsaRawMatches(imported.key.get(), block, AuthResponse(r.data)));
  } else if (piv::IsEcdsaCurve(alg)) {
    Bytes digest = Sha256(AsBytes("imported"));
    ResponseApdu r = token.Operate(0x9D, alg, 0x81, digest);
    EXPECT_TRUE(EcdsaVerifyDigest(imported.key.get(), digest, AuthResponse(r.data)));
  } else if (alg == Algorithm::kEd25519) {
    ResponseApdu r = token.Operate(0x9D, alg, 0x81, AsBytes("imported"));
    EXPECT_TRUE(Ed25519Verify(imported.key.get(), AsBytes("imported"), AuthResponse(r.data)));
  } else {
    HostKey host = NewHostKey(alg);
    ResponseApdu r = token.Operate(0x9D, alg, 0x85, host.public_encoding);
    EXPECT_EQ(ToHex(AuthResponse(r.data)), ToHex(Derive(host.key.get(), imported.key.get())));
  }
  EXPECT_EQ(token.Send("00f99d00").sw, 0x6A80);
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, PivImportAlgorithms,
                         ::testing::Values(Algorithm::kRsa1024, Algorithm::kRsa2048,
                                           Algorithm::kRsa3072, Algorithm::kRsa4096,
                                           Algorithm::kEccP256, Algorithm::kEccP384,
                                           Algorithm::kEd25519, Algorithm::kX25519),
                         [](const ::testing::TestParamInfo<Algorithm>& p) {
                           std::string name(piv::AlgorithmName(p.param));
                           std::erase(name, '-');
                           return name;
                         });

}  // namespace
}  // namespace tessera::sim::pivtest

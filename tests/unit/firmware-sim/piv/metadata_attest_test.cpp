// YubiKey GET METADATA (INS F7) and ATTEST (INS F9): the attestation
// certificate chains to the manufacturer CA and each statement to the
// attestation certificate, names the right key and carries the YubiKey
// extensions.
#include <gtest/gtest.h>

#include <chrono>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"
#include "tests/unit/firmware-sim/piv/piv_token.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

constexpr char kYubico[] = "1.3.6.1.4.1.41482.3.";

bool IsTokenKeyMetadata(ByteView d) {
  // P-256, PIN never, touch never, generated, 04 { 86 <65-byte point> }.
  return d.size() == 79 && ToHex(d).starts_with("010111020201010301010443864104");
}

TEST(PivGetMetadata, TableOfEveryOutcome) {
  PivToken token;
  token.Run({
      {"P1 01", "00f7019a", "", 0x6A86},
      {"P2 00", "00f70000", "", 0x6A86},
      {"P2 96", "00f70096", "", 0x6A86},
      {"empty slot 9A", "00f7009a", "", 0x6A88},
      {"empty retired slot 82", "00f70082", "", 0x6A88},
      {"PIN", "00f70080", "0101ff 050101 06020303"},
      {"PUK", "00f70081", "0101ff 050101 06020303"},
      {"management key", "00f7009b", "010103 02020001 050101"},
      {"attestation key F9", "00f700f9", "", 0x9000, IsTokenKeyMetadata},
      {"token key F0", "00f700f0", "", 0x9000, IsTokenKeyMetadata},
  });
  token.AuthenticateManagementKey();
  Bytes pub = token.Generate(0x9E, Algorithm::kEd25519, 0x02, 0x03);
  ResponseApdu meta = token.Send("00f7009e");
  EXPECT_EQ(ToHex(meta.data),
            "0101e0"
            "02020203"
            "030101"
            "0422" +
                ToHex(pub));
}

TEST(PivGetMetadata, TokenKeysDifferPerTokenAndStayPut) {
  PivToken a(1);
  PivToken b(2);
  EXPECT_NE(ToHex(a.Send("00f700f0").data), ToHex(b.Send("00f700f0").data));
  EXPECT_NE(ToHex(a.Send("00f700f0").data), ToHex(a.Send("00f700f9").data));
  EXPECT_EQ(ToHex(a.Send("00f700f0").data), ToHex(PivToken(1).Send("00f700f0").data));
}

ossl::X509Ptr AttestationCertificate(PivToken& token) {
  ResponseApdu r = token.Send("00cb3fff055c035fff01");
  auto object = ParseSingle(r.data, 0x53);
  if (!object.ok()) return nullptr;
  auto fields = ParseTlvs(*object);
  if (!fields.ok()) return nullptr;
  auto der = FindTag(*fields, 0x70);
  if (!der) return nullptr;
  auto cert = ossl::CertFromDer(*der);
  return cert.ok() ? std::move(*cert) : nullptr;
}

TEST(PivAttest, TableOfErrorPaths) {
  PivToken token;
  token.Run({
      {"P2 01", "00f99a01", "", 0x6A86},
      {"P1 9B", "00f99b00", "", 0x6A86},
      {"P1 F9 cannot attest itself", "00f9f900", "", 0x6A86},
      {"P1 80", "00f98000", "", 0x6A86},
      {"empty slot", "00f99a00", "", 0x6A88},
      {"token key F0", "00f9f000", "", 0x9000, [](ByteView d) { return d[0] == 0x30; }},
  });
}

TEST(PivAttest, AttestationCertificateChainsToTheManufacturerCa) {
  PivToken token;
  ossl::X509Ptr cert = AttestationCertificate(token);
  ASSERT_NE(cert, nullptr);
  EXPECT_TRUE(SignedBy(cert.get(), TestCa().key()));
  EXPECT_EQ(IssuerCn(cert.get()), SubjectCn(TestCa().cert()));
  EXPECT_EQ(SubjectCn(cert.get()), "Tessera PIV Attestation S/N 12345678");
  // Its key is the attestation key F9.
  const ResponseApdu meta_response = token.Send("00f700f9");
  auto meta = ParseTlvs(meta_response.data);
  ASSERT_TRUE(meta.ok());
  ossl::PkeyPtr f9 = PublicKeyFrom7F49(Algorithm::kEccP256, *FindTag(*meta, 0x04));
  EXPECT_TRUE(SamePublicKey(X509_get0_pubkey(cert.get()), f9.get()));
}

struct AttestCase {
  std::uint8_t slot;
  Algorithm alg;
  std::uint8_t pin_policy;
  std::uint8_t touch_policy;
  const char* policy_ext;  // the 2 raw policy bytes the statement must carry
};

class PivAttestStatements : public ::testing::TestWithParam<AttestCase> {};

TEST_P(PivAttestStatements, StatementNamesTheKeyAndChains) {
  const AttestCase& p = GetParam();
  PivToken token;
  token.AuthenticateManagementKey();
  ossl::PkeyPtr pub =
      PublicKeyFrom7F49(p.alg, token.Generate(p.slot, p.alg, p.pin_policy, p.touch_policy));
  ASSERT_NE(pub, nullptr);
  ResponseApdu r = token.Send(Apdu(0xF9, p.slot, 0x00));
  ASSERT_EQ(r.sw, 0x9000);
  auto statement = ossl::CertFromDer(r.data);
  ASSERT_TRUE(statement.ok());
  ossl::X509Ptr attestation = AttestationCertificate(token);
  ASSERT_NE(attestation, nullptr);
  X509* leaf = statement->get();

  EXPECT_TRUE(SignedBy(leaf, X509_get0_pubkey(attestation.get())));
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(leaf), X509_get_subject_name(attestation.get())), 0);
  const auto now = std::chrono::system_clock::to_time_t(token.clock().Now());
  EXPECT_TRUE(ChainVerifies(leaf, attestation.get(), TestCa().cert(), now));
  EXPECT_TRUE(SamePublicKey(X509_get0_pubkey(leaf), pub.get()));
  EXPECT_EQ(SubjectCn(leaf), "Tessera PIV Attestation " + ToHex(Bytes{p.slot}));

  const std::string yk = kYubico;
  EXPECT_EQ(ToHex(ExtensionValue(leaf, yk + "3")), "050702");        // firmware 5.7.2
  EXPECT_EQ(ToHex(ExtensionValue(leaf, yk + "7")), "020400bc614e");  // serial 12345678
  EXPECT_EQ(ToHex(ExtensionValue(leaf, yk + "8")), p.policy_ext);
  EXPECT_EQ(ToHex(ExtensionValue(leaf, yk + "9")), "01");  // USB-A keychain
}

INSTANTIATE_TEST_SUITE_P(Slots, PivAttestStatements,
                         ::testing::Values(AttestCase{0x9A, Algorithm::kEccP256, 0, 0, "0201"},
                                           AttestCase{0x9C, Algorithm::kRsa2048, 0, 2, "0302"},
                                           AttestCase{0x9D, Algorithm::kEccP384, 1, 3, "0103"},
                                           AttestCase{0x9E, Algorithm::kEd25519, 0, 0, "0101"},
                                           AttestCase{0x95, Algorithm::kX25519, 3, 1, "0301"}));

TEST(PivAttest, TokenKeyIsAttestable) {
  PivToken token;
  const ResponseApdu meta_response = token.Send("00f700f0");
  auto meta = ParseTlvs(meta_response.data);
  ASSERT_TRUE(meta.ok());
  ossl::PkeyPtr f0 = PublicKeyFrom7F49(Algorithm::kEccP256, *FindTag(*meta, 0x04));
  ResponseApdu r = token.Send("00f9f000");
  ASSERT_EQ(r.sw, 0x9000);
  auto statement = ossl::CertFromDer(r.data);
  ASSERT_TRUE(statement.ok());
  ossl::X509Ptr attestation = AttestationCertificate(token);
  EXPECT_TRUE(SignedBy(statement->get(), X509_get0_pubkey(attestation.get())));
  EXPECT_TRUE(SamePublicKey(X509_get0_pubkey(statement->get()), f0.get()));
  EXPECT_EQ(SubjectCn(statement->get()), "Tessera PIV Attestation f0");
  EXPECT_EQ(ToHex(ExtensionValue(statement->get(), std::string(kYubico) + "8")), "0101");
}

}  // namespace
}  // namespace tessera::sim::pivtest

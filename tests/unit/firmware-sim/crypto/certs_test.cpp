#include "firmware-sim/crypto/certs.hpp"

#include <gtest/gtest.h>
#include <openssl/objects.h>
#include <openssl/x509_vfy.h>

#include "firmware-sim/crypto/keys.hpp"
#include "openssl_oracle.hpp"

namespace tessera::sim {
namespace {

using std::chrono::hours;
using std::chrono::system_clock;

constexpr system_clock::time_point kStart{std::chrono::seconds(1'800'000'000)};

CertSpec Spec(std::string cn, bool is_ca) {
  CertSpec spec;
  spec.subject_cn = std::move(cn);
  spec.not_before = kStart;
  spec.not_after = kStart + hours(24 * 365);
  spec.is_ca = is_ca;
  return spec;
}

ossl::PkeyPtr Key(piv::Algorithm alg, std::string_view label) {
  SeededRng rng(4, label);
  auto key = GenerateKey(alg, rng);
  EXPECT_TRUE(key.ok());
  return key.ok() ? std::move(key).value() : nullptr;
}

// X509_verify_cert with `root` as the only trust anchor, at kStart + 1h.
int VerifyChain(X509* root, X509* leaf) {
  std::unique_ptr<X509_STORE, ossl::Deleter<X509_STORE_free>> store(X509_STORE_new());
  std::unique_ptr<X509_STORE_CTX, ossl::Deleter<X509_STORE_CTX_free>> ctx(X509_STORE_CTX_new());
  X509_STORE_add_cert(store.get(), root);
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()),
                             system_clock::to_time_t(kStart + hours(1)));
  int ok = X509_verify_cert(ctx.get());
  return ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx.get());
}

Bytes ExtensionData(X509* cert, const char* oid, bool* critical) {
  ossl::Asn1ObjectPtr obj(OBJ_txt2obj(oid, 1));
  int index = X509_get_ext_by_OBJ(cert, obj.get(), -1);
  if (index < 0) return {};
  X509_EXTENSION* ext = X509_get_ext(cert, index);
  *critical = X509_EXTENSION_get_critical(ext) == 1;
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
  return Bytes(data->data, data->data + data->length);
}

class IssuedChain : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_key_ = Key(piv::Algorithm::kEccP256, "ca");
    leaf_key_ = Key(piv::Algorithm::kEccP384, "leaf");
    SeededRng rng(4, "serials");
    auto ca = IssueCertificate(Spec("Test CA", true), ca_key_.get(), ca_key_.get(), nullptr, rng);
    ASSERT_TRUE(ca.ok()) << ca.status().ToString();
    ca_ = std::move(ca).value();
    CertSpec leaf_spec = Spec("Leaf 9a", false);
    // YubiKey firmware version extension (1.3.6.1.4.1.41482.3.3): raw bytes.
    leaf_spec.extensions.push_back({"1.3.6.1.4.1.41482.3.3", HexOrDie("050701"), false});
    auto leaf = IssueCertificate(leaf_spec, leaf_key_.get(), ca_key_.get(), ca_.get(), rng);
    ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
    leaf_ = std::move(leaf).value();
  }

  ossl::PkeyPtr ca_key_, leaf_key_;
  ossl::X509Ptr ca_, leaf_;
};

TEST_F(IssuedChain, LeafVerifiesUnderTheCaAndTheChainValidates) {
  EXPECT_EQ(X509_verify(leaf_.get(), ca_key_.get()), 1);
  EXPECT_EQ(X509_verify(ca_.get(), ca_key_.get()), 1);
  EXPECT_NE(X509_verify(leaf_.get(), leaf_key_.get()), 1);
  EXPECT_EQ(X509_check_issued(ca_.get(), leaf_.get()), X509_V_OK);
  EXPECT_EQ(X509_check_issued(ca_.get(), ca_.get()), X509_V_OK);
  EXPECT_EQ(VerifyChain(ca_.get(), leaf_.get()), X509_V_OK)
      << X509_verify_cert_error_string(VerifyChain(ca_.get(), leaf_.get()));
}

TEST_F(IssuedChain, NamesVersionValidityAndSignatureAreAsSpecified) {
  EXPECT_EQ(X509_get_version(leaf_.get()), X509_VERSION_3);
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(leaf_.get()), X509_get_subject_name(ca_.get())), 0);
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(ca_.get()), X509_get_subject_name(ca_.get())), 0);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(leaf_.get()), NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "Leaf 9a");
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notBefore(leaf_.get()), 1'800'000'000), 0);
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notAfter(leaf_.get()), 1'800'000'000 + 365 * 86400), 0);
  EXPECT_EQ(X509_get_signature_nid(leaf_.get()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(leaf_.get()), leaf_key_.get()), 1);
}

TEST_F(IssuedChain, CaAndLeafCarryTheirConstraintsAndKeyUsage) {
  EXPECT_TRUE(X509_get_extension_flags(ca_.get()) & EXFLAG_CA);
  EXPECT_FALSE(X509_get_extension_flags(leaf_.get()) & EXFLAG_CA);
  EXPECT_EQ(X509_get_key_usage(ca_.get()), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_EQ(X509_get_key_usage(leaf_.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  for (X509* cert : {ca_.get(), leaf_.get()}) {
    int index = X509_get_ext_by_NID(cert, NID_basic_constraints, -1);
    ASSERT_GE(index, 0);
    EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(cert, index)), 1);
    ASSERT_NE(X509_get0_subject_key_id(cert), nullptr);
  }
  ASSERT_NE(X509_get0_authority_key_id(leaf_.get()), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf_.get()),
                                  X509_get0_subject_key_id(ca_.get())),
            0);
}

TEST_F(IssuedChain, CustomExtensionCarriesItsBytes) {
  bool critical = true;
  EXPECT_EQ(ToHex(ExtensionData(leaf_.get(), "1.3.6.1.4.1.41482.3.3", &critical)), "050701");
  EXPECT_FALSE(critical);
}

TEST_F(IssuedChain, CriticalCustomExtensionIsMarkedSoVerifiersRefuseIt) {
  CertSpec spec = Spec("Critical", false);
  spec.extensions.push_back({"1.3.6.1.4.1.99999.1", HexOrDie("0403010203"), true});
  SeededRng rng(4, "critical");
  auto leaf = IssueCertificate(spec, leaf_key_.get(), ca_key_.get(), ca_.get(), rng);
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  bool critical = false;
  EXPECT_EQ(ToHex(ExtensionData(leaf->get(), "1.3.6.1.4.1.99999.1", &critical)), "0403010203");
  EXPECT_TRUE(critical);
  EXPECT_EQ(VerifyChain(ca_.get(), leaf->get()), X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION);
}

TEST_F(IssuedChain, SerialIsSixteenRngBytesWithTheTopBitCleared) {
  SeededRng replay(4, "serials");
  Bytes expected = replay.Generate(16);
  expected[0] &= 0x7F;
  ossl::BnPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(ca_.get()), nullptr));
  EXPECT_FALSE(BN_is_negative(serial.get()));
  Bytes actual(16);
  BN_bn2binpad(serial.get(), actual.data(), 16);
  EXPECT_EQ(ToHex(actual), ToHex(expected));
  ossl::BnPtr leaf_serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf_.get()), nullptr));
  EXPECT_NE(BN_cmp(serial.get(), leaf_serial.get()), 0);
}

TEST(IssueCertificate, Ed25519IssuerSignsWithPureEdDsa) {
  auto ca_key = Key(piv::Algorithm::kEd25519, "ed ca");
  auto leaf_key = Key(piv::Algorithm::kX25519, "x leaf");
  SystemRng rng;
  auto ca = IssueCertificate(Spec("Ed CA", true), ca_key.get(), ca_key.get(), nullptr, rng);
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  auto leaf = IssueCertificate(Spec("X leaf", false), leaf_key.get(), ca_key.get(), ca->get(), rng);
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_EQ(X509_get_signature_nid(leaf->get()), NID_ED25519);
  EXPECT_EQ(X509_verify(leaf->get(), ca_key.get()), 1);
  EXPECT_EQ(X509_check_issued(ca->get(), leaf->get()), X509_V_OK);
}

TEST(IssueCertificate, RsaIssuerSignsWithSha256) {
  auto ca_key = testing::OpensslRsaKey(2048);
  SystemRng rng;
  auto ca = IssueCertificate(Spec("RSA CA", true), ca_key.get(), ca_key.get(), nullptr, rng);
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  EXPECT_EQ(X509_get_signature_nid(ca->get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_verify(ca->get(), ca_key.get()), 1);
}

TEST(IssueCertificate, UsesGeneralizedTimeFrom2050) {
  auto key = Key(piv::Algorithm::kEccP256, "2050");
  CertSpec spec = Spec("Long lived", true);
  spec.not_after = system_clock::from_time_t(2'600'000'000);  // 2052
  SystemRng rng;
  auto cert = IssueCertificate(spec, key.get(), key.get(), nullptr, rng);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(ASN1_STRING_type(X509_get0_notBefore(cert->get())), V_ASN1_UTCTIME);
  EXPECT_EQ(ASN1_STRING_type(X509_get0_notAfter(cert->get())), V_ASN1_GENERALIZEDTIME);
}

TEST(IssueCertificate, RejectsBadOidsMismatchedIssuersAndInvertedValidity) {
  auto ca_key = Key(piv::Algorithm::kEccP256, "ca");
  auto other_key = Key(piv::Algorithm::kEccP256, "other");
  SystemRng rng;
  auto ca = IssueCertificate(Spec("CA", true), ca_key.get(), ca_key.get(), nullptr, rng);
  ASSERT_TRUE(ca.ok());

  CertSpec bad_oid = Spec("x", false);
  bad_oid.extensions.push_back({"not an oid", HexOrDie("0500"), false});
  EXPECT_EQ(
      IssueCertificate(bad_oid, other_key.get(), ca_key.get(), ca->get(), rng).status().code(),
      Code::kInvalidArgument);
  EXPECT_EQ(IssueCertificate(Spec("x", false), other_key.get(), other_key.get(), ca->get(), rng)
                .status()
                .code(),
            Code::kInvalidArgument);
  CertSpec inverted = Spec("x", false);
  std::swap(inverted.not_before, inverted.not_after);
  EXPECT_EQ(
      IssueCertificate(inverted, other_key.get(), ca_key.get(), ca->get(), rng).status().code(),
      Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::sim

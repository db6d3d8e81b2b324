// The gateway certificate check (common/registration/server_certificate.hpp)
// on certificates made here with OpenSSL: the good one passes and gives the
// server's point, and each rule, broken alone, is refused with its code.
#include "common/registration/server_certificate.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"

namespace tessera::registration {
namespace {

constexpr std::uint64_t kNow = 1'800'000'000;  // 2027-01-15

ossl::PkeyPtr NewKey(const char* curve = "P-256") { return ossl::PkeyPtr(EVP_EC_gen(curve)); }

Bytes PointOf(EVP_PKEY* key) {
  return piv::EcPublicPoint(key, *piv::CurveOf(piv::Algorithm::kEccP256)).value();
}

// What the certificate under test has; each test breaks one thing.
struct Shape {
  EVP_PKEY* signer = nullptr;
  EVP_PKEY* subject = nullptr;
  const EVP_MD* digest = EVP_sha256();
  long version = X509_VERSION_3;
  std::int64_t not_before = kNow - 3600;
  std::int64_t not_after = kNow + 86400;
  const char* key_usage = "critical,keyAgreement,digitalSignature";
  std::string extended_usage = std::string(kRegServerOid);
  const char* basic_constraints = nullptr;
};

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  ASSERT_NE(ext, nullptr) << value;
  ASSERT_EQ(X509_add_ext(cert, ext.get(), -1), 1);
}

Bytes Make(const Shape& shape) {
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), shape.version);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("gateway"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(shape.not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(shape.not_after));
  X509_set_pubkey(cert.get(), shape.subject);
  if (shape.version == X509_VERSION_3) {
    if (shape.key_usage != nullptr) AddExtension(cert.get(), NID_key_usage, shape.key_usage);
    if (!shape.extended_usage.empty()) {
      AddExtension(cert.get(), NID_ext_key_usage, shape.extended_usage.c_str());
    }
    if (shape.basic_constraints != nullptr) {
      AddExtension(cert.get(), NID_basic_constraints, shape.basic_constraints);
    }
  }
  EXPECT_GT(X509_sign(cert.get(), shape.signer, shape.digest), 0);
  return ossl::CertToDer(cert.get()).value();
}

class ServerCertificateTest : public ::testing::Test {
 protected:
  Shape Good() {
    Shape s;
    s.signer = issuer_.get();
    s.subject = server_.get();
    return s;
  }
  Code CodeOf(const Shape& shape, std::uint64_t now = kNow, std::uint64_t floor = 0) {
    auto checked = CheckServerCertificate(Make(shape), PointOf(issuer_.get()), now, floor);
    return checked.ok() ? Code::kOk : checked.status().code();
  }

  ossl::PkeyPtr issuer_ = NewKey();
  ossl::PkeyPtr server_ = NewKey();
};

TEST_F(ServerCertificateTest, TheIssuersRegistrationServerCertificatePasses) {
  const Bytes der = Make(Good());
  auto key = CheckServerCertificate(der, PointOf(issuer_.get()), kNow, kNow - 10);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->point, PointOf(server_.get()));
  EXPECT_EQ(key->not_before, kNow - 3600);
  const Bytes spki = ossl::PublicKeyToDer(server_.get()).value();
  EXPECT_EQ(key->spki_sha256, crypto::DigestOnce(crypto::Hash::kSha256, spki).value());
}

TEST_F(ServerCertificateTest, ACertificateNotSignedByTheIssuerIsRefused) {
  ossl::PkeyPtr stranger = NewKey();
  Shape s = Good();
  s.signer = stranger.get();
  EXPECT_EQ(CodeOf(s), Code::kSignatureInvalid);
  // Self-signed by the server key itself.
  s.signer = server_.get();
  EXPECT_EQ(CodeOf(s), Code::kSignatureInvalid);
}

TEST_F(ServerCertificateTest, TimeOutsideTheValidityOrBelowTheFloorIsRefused) {
  EXPECT_EQ(CodeOf(Good(), kNow - 7200), Code::kConditionsNotSatisfied);          // not yet valid
  EXPECT_EQ(CodeOf(Good(), kNow + 2ULL * 86400), Code::kConditionsNotSatisfied);  // expired
  EXPECT_EQ(CodeOf(Good(), kNow, kNow + 1), Code::kConditionsNotSatisfied);       // below the floor
  EXPECT_EQ(CodeOf(Good(), kNow, kNow), Code::kOk);
}

TEST_F(ServerCertificateTest, UsagesWrongForARegistrationServerAreRefused) {
  Shape s = Good();
  s.key_usage = "critical,digitalSignature";
  EXPECT_EQ(CodeOf(s), Code::kDataMismatch);
  s = Good();
  s.key_usage = nullptr;
  EXPECT_EQ(CodeOf(s), Code::kDataMismatch);
  s = Good();
  s.extended_usage = "serverAuth";
  EXPECT_EQ(CodeOf(s), Code::kDataMismatch);
  s = Good();
  s.extended_usage.clear();
  EXPECT_EQ(CodeOf(s), Code::kDataMismatch);
  s = Good();
  s.basic_constraints = "critical,CA:TRUE";
  EXPECT_EQ(CodeOf(s), Code::kDataMismatch);
  s = Good();
  s.basic_constraints = "critical,CA:FALSE";
  EXPECT_EQ(CodeOf(s), Code::kOk);
}

TEST_F(ServerCertificateTest, OtherAlgorithmsVersionsAndGarbageAreMalformed) {
  Shape s = Good();
  s.digest = EVP_sha384();
  EXPECT_EQ(CodeOf(s), Code::kInvalidArgument);
  ossl::PkeyPtr p384 = NewKey("P-384");
  s = Good();
  s.subject = p384.get();
  EXPECT_EQ(CodeOf(s), Code::kInvalidArgument);
  s = Good();
  s.version = X509_VERSION_1;
  EXPECT_EQ(CodeOf(s), Code::kInvalidArgument);
  const Bytes der = Make(Good());
  EXPECT_EQ(
      CheckServerCertificate(Bytes(der.begin(), der.end() - 1), PointOf(issuer_.get()), kNow, 0)
          .status()
          .code(),
      Code::kInvalidArgument);
  Bytes off_curve = PointOf(issuer_.get());
  off_curve[40] ^= 0x01;
  EXPECT_EQ(CheckServerCertificate(der, off_curve, kNow, 0).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::registration

// The `registration-server` profile (issue 14, seed 001): a certificate the
// CA issues with it for a key the caller made (CaService::PrepareForKey, as
// `reg init` does) passes the token's check, registration::
// CheckServerCertificate, against the CA's P-256 key; `openssl x509 -text`
// shows its extensions; and no CSR gets one (`ca issue`).
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "common/ossl.hpp"
#include "common/registration/server_certificate.hpp"
#include "tests/integration/services/ca/ca_fixture.hpp"

namespace tessera::ca::testing {
namespace {

using tessera::testing::ToolResult;

constexpr std::int64_t kDay = 86400;

// 04 || X || Y of an EC key.
Bytes PointOf(EVP_PKEY* key) {
  std::size_t size = 0;
  EXPECT_EQ(
      EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0, &size),
      1);
  Bytes point(size);
  EXPECT_EQ(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                            point.size(), &size),
            1);
  return point;
}

class CaRegistrationProfileTest : public CaTest {
 protected:
  void SetUp() override {
    CaTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(InitCa("regca"));  // a P-256 root, as `reg init` requires
    gateway_key_.reset(EVP_EC_gen("P-256"));
    ASSERT_TRUE(gateway_key_);
  }

  Result<PreparedCertificate> Prepare(const std::string& cn) {
    KeyIssueRequest request;
    request.ca = "regca";
    request.profile = "registration-server";
    request.public_key = ossl::PublicKeyToDer(gateway_key_.get()).value();
    request.subject = {{"CN", cn}};
    return Service().PrepareForKey(request, Actor{"test", "rid-1"});
  }

  Bytes CaPoint() {
    const Bytes ca_der = Service().Certificate("regca").value();
    ossl::X509Ptr ca = ossl::CertFromDer(ca_der).value();
    return PointOf(X509_get0_pubkey(ca.get()));
  }

  ossl::PkeyPtr gateway_key_;
};

TEST_F(CaRegistrationProfileTest, ACertificatePassesTheTokensCheckWithTheCaKey) {
  auto prepared = Prepare("Tessera registration gateway default");
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  const std::int64_t now = Service().Now();
  auto checked = registration::CheckServerCertificate(prepared->record.der, CaPoint(),
                                                      static_cast<std::uint64_t>(now), 0);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->point, PointOf(gateway_key_.get()));
  EXPECT_LE(checked->not_before, static_cast<std::uint64_t>(now));
  EXPECT_EQ(prepared->record.profile, "registration-server");
  EXPECT_EQ(prepared->event.action, "ca.issue");

  // 397 days, then the token's check fails on time (kConditionsNotSatisfied).
  const auto end = static_cast<std::uint64_t>(now + 397 * kDay);
  EXPECT_TRUE(
      registration::CheckServerCertificate(prepared->record.der, CaPoint(), end - 60, 0).ok());
  EXPECT_EQ(registration::CheckServerCertificate(prepared->record.der, CaPoint(), end + 60, 0)
                .status()
                .code(),
            Code::kConditionsNotSatisfied);

  // Another CA's key: kSignatureInvalid.
  ossl::PkeyPtr other(EVP_EC_gen("P-256"));
  EXPECT_EQ(registration::CheckServerCertificate(prepared->record.der, PointOf(other.get()),
                                                 static_cast<std::uint64_t>(now), 0)
                .status()
                .code(),
            Code::kSignatureInvalid);
}

TEST_F(CaRegistrationProfileTest, ItCarriesKeyAgreementTheEkuAndRevocationPointersButNoSan) {
  auto prepared = Prepare("reg.example.test");
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  const std::string der_path = Work("reg.der");
  WriteFile(der_path, prepared->record.der);
  ToolResult text = Run({"openssl", "x509", "-inform", "DER", "-in", der_path, "-noout", "-text"});
  ASSERT_EQ(text.exit_code, 0) << text.Describe();
  const std::vector<std::string> wanted_lines = {"X509v3 Key Usage: critical",
                                                 "Digital Signature, Key Agreement",
                                                 "X509v3 Extended Key Usage:",
                                                 std::string(registration::kRegServerOid),
                                                 "CA:FALSE",
                                                 "Subject: CN = reg.example.test",
                                                 "URI:http://127.0.0.1:8088/ca/regca/crl",
                                                 "OCSP - URI:http://127.0.0.1:8088/ca/regca/ocsp"};
  for (const std::string& wanted : wanted_lines) {
    EXPECT_NE(text.out.find(wanted), std::string::npos) << wanted << "\n" << text.out;
  }
  EXPECT_EQ(text.out.find("Subject Alternative Name"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("Key Encipherment"), std::string::npos) << text.out;
}

TEST_F(CaRegistrationProfileTest, NoCsrGetsOne) {
  const std::string csr = MakeCsr("reg", "/CN=reg.example.test");
  const std::int64_t before = CountRows("certificates");
  ToolResult refused =
      Tessera({"ca", "issue", "--ca", "regca", "--profile", "registration-server", "--csr", csr});
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_NE(refused.err.find("is not issued from a CSR"), std::string::npos) << refused.err;
  EXPECT_EQ(CountRows("certificates"), before);
}

}  // namespace
}  // namespace tessera::ca::testing

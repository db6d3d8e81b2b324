// The profiles of issue 15 (seed 002): `piv-authentication` (the CMS's 9A
// certificate), `softtoken-issuer` (the soft-token service's signer) and
// `softtoken-device` (a soft token's X.509 form), issued for keys the caller
// vouches for (CaService::PrepareForKey) and read back with `openssl x509
// -text`; and KeyIssueRequest::not_after, the cap that keeps a soft token
// inside its ID card certificate's life.
#include <gtest/gtest.h>

#include "common/ossl.hpp"
#include "services/ca/issuance.hpp"
#include "services/ca/profiles.hpp"
#include "tests/integration/services/ca/ca_fixture.hpp"

namespace tessera::ca::testing {
namespace {

using tessera::testing::ToolResult;

constexpr std::int64_t kDay = 86400;

class CaSoftTokenProfileTest : public CaTest {
 protected:
  void SetUp() override {
    CaTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(InitCa("root"));
    ASSERT_NO_FATAL_FAILURE(InitCa("issuing", "root"));
    key_.reset(EVP_EC_gen("P-256"));
    ASSERT_TRUE(key_);
  }

  KeyIssueRequest Person(const std::string& profile) {
    KeyIssueRequest request;
    request.ca = "issuing";
    request.profile = profile;
    request.public_key = ossl::PublicKeyToDer(key_.get()).value();
    request.subject = {{"CN", "Alice Example"}, {"O", "Tessera"}, {"UID", "alice"}};
    request.email = "alice@example.test";
    request.user_id = "alice";
    request.token_serial = 12345678;
    return request;
  }

  std::string TextOf(const Bytes& der, const std::string& name) {
    const std::string path = Work(name + ".der");
    WriteFile(path, der);
    ToolResult text = Run({"openssl", "x509", "-inform", "DER", "-in", path, "-noout", "-text"});
    EXPECT_EQ(text.exit_code, 0) << text.Describe();
    return text.out;
  }

  static void ExpectAll(const std::string& text, const std::vector<std::string>& wanted) {
    for (const std::string& w : wanted)
      EXPECT_NE(text.find(w), std::string::npos) << w << "\n" << text;
  }

  // notAfter - now of a prepared certificate, in seconds.
  std::int64_t Lifetime(const PreparedCertificate& prepared, std::int64_t now) {
    ossl::X509Ptr cert = ossl::CertFromDer(prepared.record.der).value();
    return NotAfterOf(cert.get()) - now;
  }

  ossl::PkeyPtr key_;
};

TEST_F(CaSoftTokenProfileTest, PivAuthenticationIsAClientCertificateForTwoYears) {
  const std::int64_t now = Service().Now();
  auto prepared = Service().PrepareForKey(Person("piv-authentication"), Actor{"test", "rid"});
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(prepared->record.profile, "piv-authentication");
  EXPECT_EQ(prepared->record.user_id, "alice");
  EXPECT_EQ(prepared->record.token_serial, 12345678u);
  const std::string text = TextOf(prepared->record.der, "piv-auth");
  ExpectAll(text, {"X509v3 Key Usage: critical", "Digital Signature",
                   "TLS Web Client Authentication", "email:alice@example.test", "CA:FALSE",
                   "CN = Alice Example", "URI:http://127.0.0.1:8088/ca/issuing/crl"});
  EXPECT_EQ(text.find("Non Repudiation"), std::string::npos) << text;
  EXPECT_EQ(text.find("E-mail Protection"), std::string::npos) << text;
  EXPECT_NEAR(Lifetime(*prepared, now), 730 * kDay, 60);

  // Like user-signature, a CSR may ask for it too.
  const std::string pem =
      Issue("issuing", "piv-authentication", MakeCsr("bob", "/CN=Bob Example/UID=bob"), "bob");
  ExpectAll(Text(pem), {"TLS Web Client Authentication"});
}

TEST_F(CaSoftTokenProfileTest, SoftTokenIssuerCarriesItsOwnEkuAndNoSan) {
  EXPECT_EQ(kSoftTokenIssuerOid.substr(0, 5), "2.25.");
  KeyIssueRequest request;
  request.ca = "issuing";
  request.profile = "softtoken-issuer";
  request.public_key = ossl::PublicKeyToDer(key_.get()).value();
  request.subject = {{"CN", "Tessera soft-token issuer default"}, {"O", "Tessera"}};
  const std::int64_t now = Service().Now();
  auto prepared = Service().PrepareForKey(request, Actor{"test", "rid"});
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  const std::string text = TextOf(prepared->record.der, "issuer");
  ExpectAll(text, {"X509v3 Key Usage: critical", "Digital Signature", "X509v3 Extended Key Usage",
                   std::string(kSoftTokenIssuerOid), "CA:FALSE"});
  EXPECT_EQ(text.find("Subject Alternative Name"), std::string::npos) << text;
  EXPECT_EQ(text.find("TLS Web"), std::string::npos) << text;
  EXPECT_NEAR(Lifetime(*prepared, now), 397 * kDay, 60);

  // The EKU is that OID, read back by OpenSSL.
  ossl::X509Ptr cert = ossl::CertFromDer(prepared->record.der).value();
  auto* eku = static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert.get(), NID_ext_key_usage, nullptr, nullptr));
  ASSERT_NE(eku, nullptr);
  ASSERT_EQ(sk_ASN1_OBJECT_num(eku), 1);
  char oid[128];
  OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku, 0), 1);
  EXTENDED_KEY_USAGE_free(eku);
  EXPECT_EQ(std::string(oid), kSoftTokenIssuerOid);
}

TEST_F(CaSoftTokenProfileTest, SoftTokenDeviceLastsThirtyDaysAtMostAndTheCapShortensIt) {
  const std::int64_t now = Service().Now();
  auto plain = Service().PrepareForKey(Person("softtoken-device"), Actor{"test", "rid"});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  ExpectAll(TextOf(plain->record.der, "device"),
            {"Digital Signature", "TLS Web Client Authentication", "email:alice@example.test"});
  EXPECT_NEAR(Lifetime(*plain, now), 30 * kDay, 60);

  // The ID card certificate ends in 3 days: so does the soft token.
  KeyIssueRequest capped = Person("softtoken-device");
  capped.not_after = now + 3 * kDay;
  auto short_lived = Service().PrepareForKey(capped, Actor{"test", "rid"});
  ASSERT_TRUE(short_lived.ok()) << short_lived.status().ToString();
  ossl::X509Ptr cert = ossl::CertFromDer(short_lived->record.der).value();
  EXPECT_EQ(NotAfterOf(cert.get()), now + 3 * kDay);
  EXPECT_EQ(short_lived->record.not_after, now + 3 * kDay);

  // A cap beyond the profile's validity changes nothing: it never extends.
  capped.not_after = now + 90 * kDay;
  auto not_extended = Service().PrepareForKey(capped, Actor{"test", "rid"});
  ASSERT_TRUE(not_extended.ok()) << not_extended.status().ToString();
  EXPECT_NEAR(Lifetime(*not_extended, now), 30 * kDay, 60);

  // A cap in the past: the ID certificate is over, nothing is issued.
  capped.not_after = now - 1;
  auto refused = Service().PrepareForKey(capped, Actor{"test", "rid"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("notAfter cap"), std::string::npos);
}

TEST_F(CaSoftTokenProfileTest, NoCsrGetsAServiceProfile) {
  const std::string csr = MakeCsr("device", "/CN=Alice Example");
  const std::int64_t before = CountRows("certificates");
  for (const char* profile : {"softtoken-issuer", "softtoken-device"}) {
    ToolResult refused =
        Tessera({"ca", "issue", "--ca", "issuing", "--profile", profile, "--csr", csr});
    EXPECT_EQ(refused.exit_code, 1) << profile << ": " << refused.Describe();
    EXPECT_NE(refused.err.find("is not issued from a CSR"), std::string::npos) << refused.err;
  }
  EXPECT_EQ(CountRows("certificates"), before);
}

}  // namespace
}  // namespace tessera::ca::testing

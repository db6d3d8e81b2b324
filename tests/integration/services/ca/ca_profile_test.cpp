// Each profile's extensions as `openssl x509 -text` shows them, and the
// keys a CA keeps in the HSM: sensitive and never extractable.
#include <gtest/gtest.h>

#include "hsm/attribute_template.hpp"
#include "hsm/signing_key.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tests/integration/services/ca/ca_fixture.hpp"

namespace tessera::ca::testing {
namespace {

using tessera::testing::ToolResult;

void ExpectAll(const std::string& text, const std::vector<std::string>& wanted) {
  for (const std::string& w : wanted)
    EXPECT_NE(text.find(w), std::string::npos) << w << "\n" << text;
}

class CaProfileTest : public CaTest {
 protected:
  void SetUp() override {
    CaTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(InitCa("root"));
    ASSERT_NO_FATAL_FAILURE(InitCa("issuing", "root"));
  }
};

TEST_F(CaProfileTest, EachProfileCarriesItsExtensions) {
  const std::string user = Issue(
      "issuing", "user-signature",
      MakeCsr("user", "/CN=Alice Example/O=Tessera", "subjectAltName=email:alice@example.test"),
      "user");
  ExpectAll(Text(user),
            {"Digital Signature, Non Repudiation", "E-mail Protection", "email:alice@example.test",
             "CA:FALSE", "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier",
             "URI:http://127.0.0.1:8088/ca/issuing/crl",
             "OCSP - URI:http://127.0.0.1:8088/ca/issuing/ocsp"});

  const std::string server = Issue(
      "issuing", "tls-server",
      MakeCsr("server", "/CN=www.example.test", "subjectAltName=DNS:www.example.test,IP:127.0.0.1"),
      "server");
  ExpectAll(Text(server), {"X509v3 Key Usage: critical", "TLS Web Server Authentication",
                           "DNS:www.example.test", "IP Address:127.0.0.1"});
  EXPECT_EQ(Text(server).find("Key Encipherment"), std::string::npos);  // an EC key

  const std::string officer =
      Issue("issuing", "officer", MakeCsr("officer", "/CN=Officer One"), "officer");
  ExpectAll(Text(officer), {"TLS Web Client Authentication, E-mail Protection"});

  // The CA certificates: the issuing CA limited to end entities.
  ExpectAll(Text(Work("issuing.pem")), {"CA:TRUE, pathlen:0", "Certificate Sign, CRL Sign",
                                        "URI:http://127.0.0.1:8088/ca/root/crl"});
  ExpectAll(Text(Work("root.pem")), {"X509v3 Basic Constraints: critical", "CA:TRUE"});
  EXPECT_EQ(Text(Work("root.pem")).find("pathlen"), std::string::npos);
}

TEST_F(CaProfileTest, ValidityFollowsTheProfile) {
  const std::string server =
      Issue("issuing", "tls-server",
            MakeCsr("server", "/CN=a.example.test", "subjectAltName=DNS:a.example.test"), "server");
  // 397 days: checkend passes at 396 days and fails at 398.
  EXPECT_EQ(
      Run({"openssl", "x509", "-in", server, "-noout", "-checkend", std::to_string(396 * 86400)})
          .exit_code,
      0);
  EXPECT_NE(
      Run({"openssl", "x509", "-in", server, "-noout", "-checkend", std::to_string(398 * 86400)})
          .exit_code,
      0);
}

TEST_F(CaProfileTest, TlsServerWithoutSubjectAltNameIsRefused) {
  const std::string csr = MakeCsr("nosan", "/CN=www.example.test");
  const std::int64_t before = CountRows("certificates");
  ToolResult refused =
      Tessera({"ca", "issue", "--ca", "issuing", "--profile", "tls-server", "--csr", csr});
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_NE(refused.err.find("subjectAltName"), std::string::npos) << refused.err;
  EXPECT_EQ(CountRows("certificates"), before);
}

TEST_F(CaProfileTest, CaKeysAreSensitiveAndNeverExtractable) {
  std::vector<directory::CaRecord> cas;
  auto db = directory::OpenDatabase(directory_url());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Status read = (*db)->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(cas, directory::ListCas(tx));
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.ToString();
  ASSERT_EQ(cas.size(), 2U);
  // One module load per process (PKCS#11 3.0 §5.4): Service() is not used here.
  ::setenv("SOFTHSM2_CONF", (CaTest::home() / "softhsm2.conf").c_str(), 1);
  runtime::Home home{CaTest::home()};
  auto access = runtime::HsmAccess::Load(home, runtime::Settings{});
  ASSERT_TRUE(access.ok()) << access.status().ToString();
  auto token = access->Open(kHsm);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  for (const directory::CaRecord& record : cas) {
    for (const std::string& label : {record.key_label, record.ocsp_key_label}) {
      auto key = hsm::FindSigningKey(token->session(), label);
      ASSERT_TRUE(key.ok()) << key.status().ToString();
      EXPECT_TRUE(*hsm::ReadBool(token->session(), key->private_key, hsm::Attr::kSensitive, label));
      EXPECT_FALSE(
          *hsm::ReadBool(token->session(), key->private_key, hsm::Attr::kExtractable, label));
      EXPECT_FALSE(
          hsm::ReadBytes(token->session(), key->private_key, hsm::Attr::kValue, label).ok());
    }
  }
}

}  // namespace
}  // namespace tessera::ca::testing

// tessera ca end to end on SQLite and PostgreSQL: a root and an issuing CA
// with their keys in SoftHSM2, certificates that openssl verifies, and the
// CRL that turns a revoked one down.
#include <gtest/gtest.h>

#include "tests/integration/services/ca/ca_fixture.hpp"

namespace tessera::ca::testing {
namespace {

using tessera::testing::ToolResult;

class CaChainTest : public CaTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    CaTest::SetUp();
    if (HasFatalFailure()) return;
    if (GetParam() == "postgresql") UsePostgres();
  }
};

TEST_P(CaChainTest, IssuedCertificateVerifiesThenFailsOnTheCrlAfterRevocation) {
  ASSERT_NO_FATAL_FAILURE(InitCa("root"));
  ASSERT_NO_FATAL_FAILURE(InitCa("issuing", "root"));
  const std::string csr =
      MakeCsr("server", "/CN=www.example.test/O=Tessera", "subjectAltName=DNS:www.example.test");
  const std::string leaf = Issue("issuing", "tls-server", csr, "server");

  ToolResult crl = Tessera({"ca", "crl", "--ca", "issuing"});
  ASSERT_EQ(crl.exit_code, 0) << crl.Describe();
  WriteFile(Work("crl1.pem"), AsBytes(crl.out));
  ToolResult good = Run({"openssl", "verify", "-CAfile", Work("root.pem"), "-untrusted",
                         Work("issuing.pem"), "-crl_check", "-CRLfile", Work("crl1.pem"), leaf});
  EXPECT_EQ(good.exit_code, 0) << good.Describe();
  EXPECT_NE(good.out.find(": OK"), std::string::npos) << good.Describe();

  const std::string serial = SerialOf(leaf);
  ToolResult revoked =
      Tessera({"ca", "revoke", "--ca", "issuing", "--serial", serial, "--reason", "keyCompromise"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.Describe();

  ToolResult crl2 = Tessera({"ca", "crl", "--ca", "issuing", "--out", Work("crl2.der")});
  ASSERT_EQ(crl2.exit_code, 0) << crl2.Describe();
  ToolResult pem =
      Run({"openssl", "crl", "-inform", "DER", "-in", Work("crl2.der"), "-out", Work("crl2.pem")});
  ASSERT_EQ(pem.exit_code, 0) << pem.Describe();
  ToolResult bad = Run({"openssl", "verify", "-CAfile", Work("root.pem"), "-untrusted",
                        Work("issuing.pem"), "-crl_check", "-CRLfile", Work("crl2.pem"), leaf});
  EXPECT_NE(bad.exit_code, 0) << bad.Describe();
  EXPECT_NE((bad.out + bad.err).find("certificate revoked"), std::string::npos) << bad.Describe();

  // The CRL: version 2, number 2 (init made 1), the AKI, the entry's reason.
  ToolResult text = Run({"openssl", "crl", "-in", Work("crl2.pem"), "-noout", "-text"});
  ASSERT_EQ(text.exit_code, 0) << text.Describe();
  EXPECT_NE(text.out.find("Version 2"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("X509v3 CRL Number: \n                2"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("X509v3 Authority Key Identifier"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Key Compromise"), std::string::npos) << text.out;

  // `ca cert --chain`: the issuing CA, then the root.
  ToolResult chain = Tessera({"ca", "cert", "--ca", "issuing", "--chain"});
  ASSERT_EQ(chain.exit_code, 0) << chain.Describe();
  EXPECT_EQ(chain.out, ReadFile(Work("issuing.pem")) + ReadFile(Work("root.pem")));
  // One audit record per change: two inits, an issue, a revoke.
  EXPECT_EQ(CountRows("audit"), 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, CaChainTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

TEST_F(CaTest, ListShowsRootAndIssuingCa) {
  ASSERT_NO_FATAL_FAILURE(InitCa("root"));
  ASSERT_NO_FATAL_FAILURE(InitCa("issuing", "root", "p384"));
  ToolResult list = Tessera({"ca", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  EXPECT_NE(list.out.find("root\tp256\troot"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("issuing\tp384\tparent=root"), std::string::npos) << list.out;
}

TEST_F(CaTest, RsaRootSignsWhatOpensslVerifies) {
  ASSERT_NO_FATAL_FAILURE(InitCa("rsa-root", "", "rsa3072"));
  const std::string leaf =
      Issue("rsa-root", "officer", MakeCsr("officer", "/CN=Officer One/O=Tessera"), "officer");
  ToolResult good = Run({"openssl", "verify", "-CAfile", Work("rsa-root.pem"), leaf});
  EXPECT_EQ(good.exit_code, 0) << good.Describe();
  EXPECT_NE(Text(leaf).find("sha256WithRSAEncryption"), std::string::npos);
}

}  // namespace
}  // namespace tessera::ca::testing

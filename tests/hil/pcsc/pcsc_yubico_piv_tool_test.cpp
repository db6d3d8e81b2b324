// yubico-piv-tool (Yubico's own tool, libykpiv over PC/SC) drives the
// simulated token through pcscd: every action the issue lists, checked by
// exit code, by the bytes it prints and, for keys and certificates, with
// OpenSSL.
#include <openssl/pem.h>

#include "common/ossl.hpp"
#include "tests/hil/pcsc/openssl_checks.hpp"
#include "tests/hil/pcsc/pcsc_fixture.hpp"

namespace tessera::testing {
namespace {

using ossl::BioPtr;
using ossl::PkeyPtr;
using ossl::X509Ptr;

// The YubiKey factory defaults the simulator ships with (docs/tessera-sim.md).
constexpr char kPin[] = "123456";
constexpr char kPuk[] = "12345678";
constexpr char kDefaultMgmKey[] = "010203040506070801020304050607080102030405060708";

class PcscYubicoPivToolTest : public PcscTest {
 protected:
  // Generates a key in `slot` and returns the public key it printed.
  PkeyPtr Generate(const std::string& slot, const std::string& algorithm) {
    std::filesystem::path out = Path("pub-" + slot + ".pem");
    ToolResult gen = PivTool({"-a", "generate", "-s", slot, "-A", algorithm, "-o", out.string()});
    EXPECT_EQ(gen.exit_code, 0) << gen.Describe();
    Result<PkeyPtr> key = ReadPublicKeyPem(out);
    EXPECT_TRUE(key.ok()) << key.status().message();
    return key.ok() ? std::move(key).value() : nullptr;
  }

  // A certificate for `public_key_pem` signed by a throwaway CA key: enough
  // for import-certificate, which does not check who signed it.
  std::filesystem::path MakeCertificate(const std::filesystem::path& public_key_pem) {
    std::filesystem::path ca = Path("ca.key");
    std::filesystem::path cert = Path("cert-" + public_key_pem.stem().string() + ".pem");
    ToolResult key = Openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                              "-out", ca.string()});
    EXPECT_EQ(key.exit_code, 0) << key.Describe();
    ToolResult made =
        Openssl({"x509", "-new", "-subj", "/CN=Tessera PCSC test", "-key", ca.string(),
                 "-force_pubkey", public_key_pem.string(), "-days", "30", "-out", cert.string()});
    EXPECT_EQ(made.exit_code, 0) << made.Describe();
    return cert;
  }

  // Three wrong PINs.
  void BlockPin() {
    for (int i = 0; i < 3; ++i) {
      ToolResult wrong = PivTool({"-a", "verify-pin", "-P", "999999"});
      ASSERT_NE(wrong.exit_code, 0) << wrong.Describe();
    }
  }
};

TEST_F(PcscYubicoPivToolTest, StatusAndVersionDescribeTheToken) {
  ToolResult status = PivTool({"-a", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.Describe() << Logs();
  EXPECT_NE(status.out.find("Serial Number:\t" + std::to_string(serial())), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("PIN tries left:\t3"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("CHUID:\t"), std::string::npos) << status.out;

  ToolResult version = PivTool({"-a", "version"});
  ASSERT_EQ(version.exit_code, 0) << version.Describe();
  EXPECT_NE(version.out.find("Application version 5.7.2 found."), std::string::npos) << version.out;
}

TEST_F(PcscYubicoPivToolTest, GeneratesRsa2048P256AndP384KeysThatOpensslParses) {
  PkeyPtr rsa = Generate("9a", "RSA2048");
  ASSERT_NE(rsa, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(rsa.get()), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(rsa.get()), 2048);

  PkeyPtr p256 = Generate("9c", "ECCP256");
  ASSERT_NE(p256, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(p256.get()), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits(p256.get()), 256);

  PkeyPtr p384 = Generate("9d", "ECCP384");
  ASSERT_NE(p384, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(p384.get()), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits(p384.get()), 384);
}

TEST_F(PcscYubicoPivToolTest, VerifiesThePinAndCountsWrongOnes) {
  ToolResult good = PivTool({"-a", "verify-pin", "-P", kPin});
  EXPECT_EQ(good.exit_code, 0) << good.Describe();
  EXPECT_NE((good.out + good.err).find("Successfully verified PIN."), std::string::npos)
      << good.Describe();

  ToolResult bad = PivTool({"-a", "verify-pin", "-P", "000000"});
  EXPECT_EQ(bad.exit_code, 1) << bad.Describe();
  EXPECT_NE((bad.out + bad.err).find("2 tries left"), std::string::npos) << bad.Describe();
}

TEST_F(PcscYubicoPivToolTest, SelfSignsACertificateOpensslVerifies) {
  PkeyPtr key = Generate("9a", "ECCP256");
  ASSERT_NE(key, nullptr);
  const std::string before = Trace();
  ToolResult signed_cert = PivTool({"-a", "verify-pin", "-P", kPin, "-a", "selfsign-certificate",
                                    "-s", "9a", "-S", "/CN=Tessera selfsigned/", "-i",
                                    Path("pub-9a.pem").string(), "-o", Path("self.pem").string()});
  if (signed_cert.exit_code != 0 &&
      signed_cert.err.find("Failed signing certificate.") != std::string::npos &&
      Trace().substr(before.size()).find(" > 0087") == std::string::npos) {
    // yubico-piv-tool 2.2.0 hooks a legacy RSA/EC_KEY method that OpenSSL 3
    // never calls, so it fails before sending GENERAL AUTHENTICATE to any
    // card (Yubico/yubico-piv-tool#388). Nothing reached the token.
    GTEST_SKIP() << "this yubico-piv-tool cannot sign with OpenSSL 3 (no APDU was sent)";
  }
  ASSERT_EQ(signed_cert.exit_code, 0) << signed_cert.Describe();
  Result<X509Ptr> cert = ReadCertPem(Path("self.pem"));
  ASSERT_TRUE(cert.ok()) << cert.status().message();
  EXPECT_EQ(X509_verify(cert->get(), key.get()), 1);
}

TEST_F(PcscYubicoPivToolTest, ImportsACertificateAndReadsTheSameBytesBack) {
  ASSERT_NE(Generate("9a", "ECCP256"), nullptr);
  std::filesystem::path cert = MakeCertificate(Path("pub-9a.pem"));
  ToolResult imported = PivTool({"-a", "import-certificate", "-s", "9a", "-i", cert.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.Describe() << Logs();

  ToolResult read =
      PivTool({"-a", "read-certificate", "-s", "9a", "-o", Path("read.pem").string()});
  ASSERT_EQ(read.exit_code, 0) << read.Describe();
  EXPECT_EQ(ReadFile(Path("read.pem")), ReadFile(cert));
  ToolResult status = PivTool({"-a", "status"});
  EXPECT_NE(status.out.find("Subject DN:\tCN=Tessera PCSC test"), std::string::npos) << status.out;
}

TEST_F(PcscYubicoPivToolTest, SetsANewManagementKeyThatThenAloneWorks) {
  const std::string new_key = "00112233445566778899aabbccddeeff0011223344556677";
  ToolResult set = PivTool({"-a", "set-mgm-key", "-n", new_key});
  ASSERT_EQ(set.exit_code, 0) << set.Describe();

  ToolResult with_old = PivTool({"--key=" + std::string(kDefaultMgmKey), "-a", "generate", "-s",
                                 "9e", "-A", "ECCP256", "-o", Path("old.pem").string()});
  EXPECT_NE(with_old.exit_code, 0) << with_old.Describe();
  ToolResult with_new = PivTool({"--key=" + new_key, "-a", "generate", "-s", "9e", "-A", "ECCP256",
                                 "-o", Path("new.pem").string()});
  EXPECT_EQ(with_new.exit_code, 0) << with_new.Describe();

  ToolResult back =
      PivTool({"--key=" + new_key, "-a", "set-mgm-key", "-n", std::string(kDefaultMgmKey)});
  EXPECT_EQ(back.exit_code, 0) << back.Describe();
}

TEST_F(PcscYubicoPivToolTest, ChangesThePinAndUnblocksItWithThePuk) {
  ToolResult changed = PivTool({"-a", "change-pin", "-P", kPin, "-N", "654321"});
  ASSERT_EQ(changed.exit_code, 0) << changed.Describe();
  EXPECT_EQ(PivTool({"-a", "verify-pin", "-P", "654321"}).exit_code, 0);
  EXPECT_NE(PivTool({"-a", "verify-pin", "-P", kPin}).exit_code, 0);

  ASSERT_NO_FATAL_FAILURE(BlockPin());
  ToolResult blocked = PivTool({"-a", "verify-pin", "-P", "654321"});
  EXPECT_NE(blocked.exit_code, 0);
  EXPECT_NE((blocked.out + blocked.err).find("blocked"), std::string::npos) << blocked.Describe();

  ToolResult unblocked = PivTool({"-a", "unblock-pin", "-P", kPuk, "-N", "112233"});
  ASSERT_EQ(unblocked.exit_code, 0) << unblocked.Describe();
  EXPECT_EQ(PivTool({"-a", "verify-pin", "-P", "112233"}).exit_code, 0);
}

TEST_F(PcscYubicoPivToolTest, AttestsAGeneratedKeyUnderTheTokensAttestationCertificate) {
  PkeyPtr key = Generate("9a", "ECCP256");
  ASSERT_NE(key, nullptr);
  ToolResult attest = PivTool({"-a", "attest", "-s", "9a", "-o", Path("attest.pem").string()});
  ASSERT_EQ(attest.exit_code, 0) << attest.Describe();
  Result<X509Ptr> statement = ReadCertPem(Path("attest.pem"));
  ASSERT_TRUE(statement.ok()) << statement.status().message();
  // The statement certifies exactly the generated key...
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(statement->get()), key.get()), 1);

  // ...and is signed by the token's attestation key (slot F9).
  ToolResult f9 = PivTool({"-a", "read-certificate", "-s", "f9", "-o", Path("f9.pem").string()});
  ASSERT_EQ(f9.exit_code, 0) << f9.Describe();
  Result<X509Ptr> device = ReadCertPem(Path("f9.pem"));
  ASSERT_TRUE(device.ok()) << device.status().message();
  EXPECT_EQ(X509_verify(statement->get(), X509_get0_pubkey(device->get())), 1);
}

TEST_F(PcscYubicoPivToolTest, ResetsOnlyOnceThePinAndPukAreBlocked) {
  ASSERT_NE(Generate("9a", "ECCP256"), nullptr);
  ToolResult early = PivTool({"-a", "reset"});
  EXPECT_NE(early.exit_code, 0) << early.Describe();

  ASSERT_NO_FATAL_FAILURE(BlockPin());
  for (int i = 0; i < 3; ++i) {
    ToolResult wrong = PivTool({"-a", "unblock-pin", "-P", "87654321", "-N", "999999"});
    ASSERT_NE(wrong.exit_code, 0) << wrong.Describe();
  }
  ToolResult reset = PivTool({"-a", "reset"});
  ASSERT_EQ(reset.exit_code, 0) << reset.Describe() << Logs();
  EXPECT_NE((reset.out + reset.err).find("Successfully reset the application."), std::string::npos);

  // Factory state: default PIN, three tries, and the key in 9A gone.
  EXPECT_EQ(PivTool({"-a", "verify-pin", "-P", kPin}).exit_code, 0);
  ToolResult status = PivTool({"-a", "status"});
  EXPECT_NE(status.out.find("PIN tries left:\t3"), std::string::npos) << status.out;
  ToolResult attest = PivTool({"-a", "attest", "-s", "9a", "-o", Path("gone.pem").string()});
  EXPECT_NE(attest.exit_code, 0) << attest.Describe();
}

}  // namespace
}  // namespace tessera::testing

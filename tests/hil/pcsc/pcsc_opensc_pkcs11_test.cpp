// OpenSC's own PIV driver (opensc-pkcs11.so through pkcs11-tool) reads the
// simulated token through pcscd: it lists the objects yubico-piv-tool put
// there and signs with ECDSA and RSA, and openssl verifies the signatures
// with the public keys the token gave out at generation.
#include <fstream>

#include "tests/hil/pcsc/pcsc_fixture.hpp"

namespace tessera::testing {
namespace {

constexpr char kOpenscModule[] = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

class PcscOpenscPkcs11Test : public PcscTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PcscTest::SetUp());
    if (IsSkipped()) return;
    if (!std::filesystem::exists(kOpenscModule)) GTEST_SKIP() << kOpenscModule << " missing";
    // OpenSC's PIV driver shows a key only next to its certificate: give
    // 9A (ID 01) a P-256 key and 9C (ID 02) an RSA-2048 one, each with one.
    ASSERT_NO_FATAL_FAILURE(GenerateWithCertificate("9a", "ECCP256", "PIV auth"));
    ASSERT_NO_FATAL_FAILURE(GenerateWithCertificate("9c", "RSA2048", "PIV sign"));
    std::ofstream(Path("data.txt")) << "signed through pcscd by OpenSC\n";
  }

  void GenerateWithCertificate(const std::string& slot, const std::string& algorithm,
                               const std::string& cn) {
    std::string pub = Path("pub-" + slot + ".pem").string();
    ToolResult gen = PivTool({"-a", "generate", "-s", slot, "-A", algorithm, "-o", pub});
    ASSERT_EQ(gen.exit_code, 0) << gen.Describe();
    std::string ca = Path("ca.key").string();
    std::string cert = Path("cert-" + slot + ".pem").string();
    ToolResult key =
        Openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ca});
    ASSERT_EQ(key.exit_code, 0) << key.Describe();
    ToolResult made = Openssl({"x509", "-new", "-subj", "/CN=" + cn, "-key", ca, "-force_pubkey",
                               pub, "-days", "30", "-out", cert});
    ASSERT_EQ(made.exit_code, 0) << made.Describe();
    ToolResult imported = PivTool({"-a", "import-certificate", "-s", slot, "-i", cert});
    ASSERT_EQ(imported.exit_code, 0) << imported.Describe();
  }

  ToolResult Pkcs11Tool(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"pkcs11-tool", "--module", kOpenscModule};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunTool(argv, std::chrono::seconds(90));
  }

  // Signs data.txt with the key `id` and checks the signature with openssl.
  void SignAndVerify(const std::string& id, const std::string& mechanism,
                     const std::vector<std::string>& extra, const std::string& slot) {
    std::string sig = Path("sig-" + id).string();
    std::vector<std::string> args = {
        "--login", "--pin", "123456",  "--sign", "--id",
        id,        "-m",    mechanism, "-i",     Path("data.txt").string(),
        "-o",      sig};
    args.insert(args.end(), extra.begin(), extra.end());
    ToolResult signed_data = Pkcs11Tool(args);
    ASSERT_EQ(signed_data.exit_code, 0) << signed_data.Describe() << Logs();
    ToolResult verified =
        Openssl({"dgst", "-sha256", "-verify", Path("pub-" + slot + ".pem").string(), "-signature",
                 sig, Path("data.txt").string()});
    EXPECT_EQ(verified.exit_code, 0) << verified.Describe();
    EXPECT_NE(verified.out.find("Verified OK"), std::string::npos) << verified.Describe();
  }
};

TEST_F(PcscOpenscPkcs11Test, ListsTheReaderTokenCertificatesAndKeys) {
  ToolResult slots = Pkcs11Tool({"--list-slots"});
  ASSERT_EQ(slots.exit_code, 0) << slots.Describe();
  EXPECT_NE(slots.out.find(reader()), std::string::npos) << slots.out;

  ToolResult objects = Pkcs11Tool({"--login", "--pin", "123456", "--list-objects"});
  ASSERT_EQ(objects.exit_code, 0) << objects.Describe();
  for (const char* expected :
       {"Certificate for PIV Authentication", "subject:    DN: CN=PIV auth",
        "Certificate for Digital Signature", "subject:    DN: CN=PIV sign", "EC_POINT 256 bits",
        "Private Key Object; EC", "Private Key Object; RSA", "Public Key Object; RSA 2048 bits"}) {
    EXPECT_NE(objects.out.find(expected), std::string::npos) << expected << "\n" << objects.out;
  }
}

TEST_F(PcscOpenscPkcs11Test, SignsWithEcdsaAndRsaAndOpensslVerifies) {
  ASSERT_NO_FATAL_FAILURE(
      SignAndVerify("01", "ECDSA-SHA256", {"--signature-format", "openssl"}, "9a"));
  ASSERT_NO_FATAL_FAILURE(SignAndVerify("02", "SHA256-RSA-PKCS", {}, "9c"));
}

}  // namespace
}  // namespace tessera::testing

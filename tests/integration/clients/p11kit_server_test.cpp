// p11-kit server remoting the module: `p11-kit server --provider <module>
// pkcs11:token=...` serves one token on a UNIX socket, and pkcs11-tool
// loads p11-kit-client.so (P11_KIT_SERVER_ADDRESS) to list and sign.
//
// Debian 12's p11-kit 0.24 forwards only the mechanisms whose parameters
// its RPC can carry. Through it, RSA PKCS#1 v1.5 (raw and hashed), raw
// RSA-PSS and raw ECDSA sign, and OpenSSL verifies what they produce;
// hashed ECDSA, hashed RSA-PSS and EdDSA are missing from the mechanism
// list and C_SignInit refuses them with CKR_MECHANISM_INVALID, while the
// module itself signs with all three. The last test pins that, for
// docs/pkcs11-clients.md.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/clients/client_matrix.hpp"

namespace tessera::testing {
namespace {

class P11KitServerTest : public MatrixTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MatrixTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(GenerateKey(kAuthKeyId));               // 9A, P-256
    ASSERT_NO_FATAL_FAILURE(GenerateKey("03", "rsa:2048"));         // 9D
    ASSERT_NO_FATAL_FAILURE(GenerateKey("04", "EC:edwards25519"));  // 9E
    WriteFile("data.txt", "data signed through p11-kit server\n");
    CommandResult r = Run({"openssl", "dgst", "-sha256", "-binary", "-out",
                           File("data.sha256").string(), File("data.txt").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;

    const std::string socket = File("p11-kit.sock").string();
    std::vector<std::string> env;
    const std::string preload = TESSERA_SANITIZER_PRELOAD;
    if (!preload.empty()) {
      // The p11-kit tool with ASan: libp11-kit first (docs/pkcs11-clients.md).
      env = {"LD_PRELOAD=libp11-kit.so.0 " + preload,
             "ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0"};
    }
    // -f: in the foreground, our child; -s: prints the address when ready.
    server_ = BackgroundProcess::Start({"p11-kit", "server", "-f", "-s", "-n", socket, "--provider",
                                        ModulePath().string(), TokenObjectUri(TokenLabel())},
                                       env, run_dir(), File("p11-kit-server.log"));
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE(server_->WaitForLine("P11_KIT_SERVER_ADDRESS=").has_value()) << server_->Log();
    address_ = "P11_KIT_SERVER_ADDRESS=unix:path=" + socket;
  }

  // pkcs11-tool through p11-kit-client.so, logged in when `login`.
  CommandResult Remote(const std::vector<std::string>& args, bool login = false) const {
    std::vector<std::string> argv = {"pkcs11-tool", "--module", TESSERA_P11KIT_CLIENT};
    if (login) argv.insert(argv.end(), {"--login", "--pin", kUserPin});
    argv.insert(argv.end(), args.begin(), args.end());
    // The module is in the server: pkcs11-tool needs no sanitizer runtime.
    // (With ASan preloaded, `-M` stops on a heap read overflow inside
    // p11-kit-client.so's C_GetMechanismList, p11-kit 0.24's own.)
    return RunWithEnv({address_, "LD_PRELOAD="}, argv);
  }

  // `--sign` with key `id_hex` and `mechanism` over `input`, into `out`.
  std::vector<std::string> SignArgs(std::string_view id_hex, std::string_view mechanism,
                                    const std::string& input, const std::filesystem::path& out,
                                    const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"--sign",
                                     "--id",
                                     std::string(id_hex),
                                     "--mechanism",
                                     std::string(mechanism),
                                     "--input-file",
                                     File(input).string(),
                                     "--output-file",
                                     out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::unique_ptr<BackgroundProcess> server_;
  std::string address_;
};

TEST_F(P11KitServerTest, PkcsToolListsTheRemotedTokenAndItsObjects) {
  CommandResult r = Remote({"-L"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("token label        : " + TokenLabel()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("serial num         : " + std::to_string(serial_)), std::string::npos)
      << r.output;

  r = Remote({"-O"}, /*login=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* label : {"Private key for PIV Authentication", "Public key for Key Management",
                            "Private key for Card Authentication", "Attestation of Token Key"}) {
    EXPECT_NE(r.output.find(std::string("label:      ") + label), std::string::npos)
        << label << "\n"
        << r.output;
  }
}

TEST_F(P11KitServerTest, PkcsToolSignsWithRsaAndRawEcdsaAndOpensslVerifies) {
  ASSERT_NO_FATAL_FAILURE(ExportPublicKey(TokenLabel(), kAuthKeyId, File("ec.pem")));
  ASSERT_NO_FATAL_FAILURE(ExportPublicKey(TokenLabel(), "03", File("rsa.pem")));

  // SHA256-RSA-PKCS: the token hashes.
  CommandResult r =
      Remote(SignArgs("03", "SHA256-RSA-PKCS", "data.txt", File("rsa.sig")), /*login=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Run({"openssl", "dgst", "-sha256", "-verify", File("rsa.pem").string(), "-signature",
           File("rsa.sig").string(), File("data.txt").string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Verified OK"), std::string::npos) << r.output;

  // RSA-PKCS-PSS over a SHA-256 digest, with its parameters.
  r = Remote(SignArgs("03", "RSA-PKCS-PSS", "data.sha256", File("pss.sig"),
                      {"--hash-algorithm", "SHA256", "--mgf", "MGF1-SHA256", "--salt-len", "-1"}),
             /*login=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Run({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", File("rsa.pem").string(), "-in",
           File("data.sha256").string(), "-sigfile", File("pss.sig").string(), "-pkeyopt",
           "digest:sha256", "-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt",
           "rsa_pss_saltlen:digest"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Signature Verified Successfully"), std::string::npos) << r.output;

  // Raw ECDSA over a SHA-256 digest, DER-encoded by pkcs11-tool.
  r = Remote(SignArgs(kAuthKeyId, "ECDSA", "data.sha256", File("ec.sig"),
                      {"--signature-format", "openssl"}),
             /*login=*/true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Run({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", File("ec.pem").string(), "-in",
           File("data.sha256").string(), "-sigfile", File("ec.sig").string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Signature Verified Successfully"), std::string::npos) << r.output;
}

TEST_F(P11KitServerTest, HashedEcdsaHashedPssAndEddsaAreNotRemoted) {
  struct Case {
    const char* id;
    const char* mechanism;
  };
  const Case cases[] = {{"01", "ECDSA-SHA256"}, {"03", "SHA256-RSA-PKCS-PSS"}, {"04", "EDDSA"}};

  CommandResult listed = Remote({"-M"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  CommandResult direct_list = Tool({"-M"});
  ASSERT_EQ(direct_list.exit_code, 0) << direct_list.output;
  for (const Case& c : cases) {
    const std::string line = std::string("\n  ") + c.mechanism + ",";
    EXPECT_EQ(listed.output.find(line), std::string::npos) << c.mechanism << "\n" << listed.output;
    EXPECT_NE(direct_list.output.find(line), std::string::npos) << c.mechanism;

    CommandResult r = Remote(SignArgs(c.id, c.mechanism, "data.txt", File("remote.sig")),
                             /*login=*/true);
    EXPECT_NE(r.exit_code, 0) << c.mechanism << "\n" << r.output;
    EXPECT_NE(r.output.find("C_SignInit failed: rv = CKR_MECHANISM_INVALID"), std::string::npos)
        << c.mechanism << "\n"
        << r.output;
    // The module signs with it when loaded directly.
    r = Tool(SignArgs(c.id, c.mechanism, "data.txt", File("direct.sig")), /*login=*/true);
    EXPECT_EQ(r.exit_code, 0) << c.mechanism << "\n" << r.output;
  }
}

}  // namespace
}  // namespace tessera::testing

// Java (Debian's default JDK, 17) with the SunPKCS11 provider: keytool lists
// the token's key entry, jarsigner signs a jar with it and verifies it, and
// OpenSSL verifies the jar's signature block on its own. A second token is
// chosen with slotListIndex.
//
// SunPKCS11 shows a private key as a key entry only with a certificate
// object beside it, so each key here gets a CA certificate on the token.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/clients/client_matrix.hpp"

namespace tessera::testing {
namespace {

// The alias SunPKCS11 gives slot 9A's key entry: its certificate's label.
constexpr char kJavaAlias[] = "X.509 Certificate for PIV Authentication";

class JavaTest : public MatrixTest {
 protected:
  // A SunPKCS11 configuration for the module's slot `slot_list_index`.
  std::filesystem::path JavaConfig(int slot_list_index) {
    return WriteFile("java-" + std::to_string(slot_list_index) + ".cfg",
                     "name = Tessera\nlibrary = " + ModulePath().string() +
                         "\nslotListIndex = " + std::to_string(slot_list_index) + "\n");
  }

  // keytool or jarsigner `args` with the token's keystore.
  CommandResult WithToken(const std::string& program, const std::filesystem::path& config,
                          const std::vector<std::string>& args) {
    std::vector<std::string> argv = {
        program,        "-keystore",      "NONE",
        "-storetype",   "PKCS11",         "-storepass",
        kUserPin,       "-providerClass", "sun.security.pkcs11.SunPKCS11",
        "-providerArg", config.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv);
  }

  // A P-256 key in 9A of `token` with a code-signing certificate (CN=`cn`),
  // kept in `pem`.
  void ProvisionSigner(const std::string& token, const std::string& cn,
                       const std::filesystem::path& pem) {
    ASSERT_NO_FATAL_FAILURE(GenerateKeyOn(token, kAuthKeyId, "EC:prime256v1"));
    ASSERT_NO_FATAL_FAILURE(IssueCertificate(token, kAuthKeyId, cn, "codeSigning", pem));
    ASSERT_NO_FATAL_FAILURE(WriteCertificateOn(token, pem, kAuthKeyId));
  }

  // test.jar with one file, made by the JDK's jar tool.
  void MakeJar() {
    std::filesystem::create_directories(File("content"));
    WriteFile("content/hello.txt", "hello from the client matrix\n");
    CommandResult r =
        Run({"jar", "cf", File("test.jar").string(), "-C", File("content").string(), "hello.txt"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  // jarsigner signs test.jar into `signed_jar` with the key entry; then
  // jarsigner verifies it, and OpenSSL verifies the signature block
  // (META-INF/*.EC, CMS SignedData over the .SF file) against the CA and
  // `signer_pem`.
  void SignAndVerify(const std::filesystem::path& config, const std::filesystem::path& signed_jar,
                     const std::filesystem::path& signer_pem) {
    CommandResult r =
        WithToken("jarsigner", config,
                  {"-signedjar", signed_jar.string(), File("test.jar").string(), kJavaAlias});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("jar signed."), std::string::npos) << r.output;

    r = Run({"jarsigner", "-verify", "-verbose", "-certs", signed_jar.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("jar verified."), std::string::npos) << r.output;
    // -verbose marks hello.txt "sm": signature verified, listed in the manifest.
    bool signed_entry = false;
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) {
      signed_entry = signed_entry || (line.starts_with("sm ") && line.ends_with(" hello.txt"));
    }
    EXPECT_TRUE(signed_entry) << r.output;

    const auto extracted = File(signed_jar.stem().string());
    std::filesystem::create_directories(extracted);
    r = Run({"env", "-C", extracted.string(), "jar", "xf", signed_jar.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // The block's name is the alias's first 8 characters, made safe.
    const auto meta = extracted / "META-INF";
    r = Run({"openssl", "cms", "-verify", "-inform", "DER", "-in", (meta / "X_509_CE.EC").string(),
             "-content", (meta / "X_509_CE.SF").string(), "-binary", "-CAfile",
             File("ca.pem").string(), "-purpose", "any", "-certsout",
             File("jar-signer.pem").string(), "-out", "/dev/null"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("Verification successful"), std::string::npos) << r.output;
    EXPECT_EQ(Sha256Fingerprint(File("jar-signer.pem")), Sha256Fingerprint(signer_pem));
  }
};

TEST_F(JavaTest, KeytoolListsTheKeyEntryAndJarsignerSignsAndVerifies) {
  const auto cert = File("signer.pem");
  ASSERT_NO_FATAL_FAILURE(ProvisionSigner(TokenLabel(), "Java signer", cert));
  const auto config = JavaConfig(0);

  CommandResult r = WithToken("keytool", config, {"-list"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Keystore provider: SunPKCS11-Tessera"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(std::string(kJavaAlias) + ", PrivateKeyEntry"), std::string::npos)
      << r.output;
  const std::string fingerprint = Sha256Fingerprint(cert);
  ASSERT_FALSE(fingerprint.empty());
  EXPECT_NE(r.output.find("Certificate fingerprint (SHA-256): " + fingerprint), std::string::npos)
      << r.output;

  ASSERT_NO_FATAL_FAILURE(MakeJar());
  ASSERT_NO_FATAL_FAILURE(SignAndVerify(config, File("signed.jar"), cert));
}

TEST_F(JavaTest, SlotListIndexSelectsTheSecondToken) {
  // A fresh state: the simulator makes two tokens only on its first start.
  sim_.reset();
  std::filesystem::remove_all(state_dir());
  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "2"}));
  // The module's slot order, which slotListIndex counts in.
  CommandResult r = Tool({"-L"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> labels;
  const std::string field = "token label        : ";
  for (std::size_t at = r.output.find(field); at != std::string::npos;
       at = r.output.find(field, at + 1)) {
    const std::size_t start = at + field.size();
    labels.push_back(r.output.substr(start, r.output.find('\n', start) - start));
  }
  ASSERT_EQ(labels.size(), 2u) << r.output;
  const auto first = File("first.pem");
  const auto second = File("second.pem");
  ASSERT_NO_FATAL_FAILURE(ProvisionSigner(labels[0], "Java signer one", first));
  ASSERT_NO_FATAL_FAILURE(ProvisionSigner(labels[1], "Java signer two", second));

  const auto config = JavaConfig(1);
  r = WithToken("keytool", config, {"-list"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Certificate fingerprint (SHA-256): " + Sha256Fingerprint(second)),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find(Sha256Fingerprint(first)), std::string::npos) << r.output;

  ASSERT_NO_FATAL_FAILURE(MakeJar());
  ASSERT_NO_FATAL_FAILURE(SignAndVerify(config, File("signed-two.jar"), second));
}

}  // namespace
}  // namespace tessera::testing

// Certificates through pkcs11-tool (write, read back, delete), and
// pkcs11-tool's own self-test on a token with RSA and EC keys.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/pkcs11/tool_fixture.hpp"

namespace tessera::testing {
namespace {

TEST_F(ToolTest, WritesReadsBackAndDeletesACertificate) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey("EC:prime256v1", 0x01));
  const std::filesystem::path token_pem = PublicKeyPem(0x01);
  ASSERT_FALSE(token_pem.empty());
  // A certificate for the token's key, signed by a host key: openssl cannot
  // sign with the token, and the module only needs the slot's public key in it.
  CommandResult csr =
      Openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
               "-keyout", File("issuer.key"), "-subj", "/CN=Tessera test issuer", "-out",
               File("issuer.csr")});
  ASSERT_EQ(csr.exit_code, 0) << csr.output;
  CommandResult made =
      Openssl({"x509", "-req", "-in", File("issuer.csr"), "-signkey", File("issuer.key"),
               "-force_pubkey", token_pem, "-subj", "/CN=Tessera PIV Authentication", "-days", "30",
               "-set_serial", "7", "-outform", "DER", "-out", File("cert.der")});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const Bytes cert = ReadBytes(File("cert.der"));
  ASSERT_FALSE(cert.empty());

  CommandResult written =
      UserTool({"--write-object", File("cert.der"), "--type", "cert", "--id", "01"});
  ASSERT_EQ(written.exit_code, 0) << written.output;

  // Each pkcs11-tool run is a new process: what it reads is on the card.
  CommandResult listed = Tool({"-O", "--type", "cert"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("Certificate Object; type = X.509 cert"), std::string::npos)
      << listed.output;
  EXPECT_NE(listed.output.find("subject:    DN: CN=Tessera PIV Authentication"), std::string::npos)
      << listed.output;
  EXPECT_NE(listed.output.find("ID:         01"), std::string::npos) << listed.output;

  CommandResult read =
      Tool({"--read-object", "--type", "cert", "--id", "01", "--output-file", File("read.der")});
  ASSERT_EQ(read.exit_code, 0) << read.output;
  EXPECT_EQ(ReadBytes(File("read.der")), cert);

  CommandResult deleted = UserTool({"--delete-object", "--type", "cert", "--id", "01"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.output;
  CommandResult after = Tool({"-O", "--type", "cert"});
  ASSERT_EQ(after.exit_code, 0) << after.output;
  // The token's own certificates (the F0 attestation, F9) stay.
  EXPECT_EQ(after.output.find("X.509 Certificate for PIV Authentication"), std::string::npos)
      << after.output;
  CommandResult gone =
      Tool({"--read-object", "--type", "cert", "--id", "01", "--output-file", File("gone.der")});
  EXPECT_NE(gone.exit_code, 0) << gone.output;
  // The key pair stays: PIV deletes the certificate container only.
  CommandResult keys = Tool({"-O", "--type", "pubkey"});
  EXPECT_NE(keys.output.find("ID:         01"), std::string::npos) << keys.output;
}

TEST_F(ToolTest, SelfTestFindsNoErrorsWithRsaAndEcKeys) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey("rsa:2048", 0x03));
  ASSERT_NO_FATAL_FAILURE(GenerateKey("EC:prime256v1", 0x01));
  CommandResult r = UserTool({"--test"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("No errors"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("testing key 1 (Private key for Key Management)"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("ERR"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tessera::testing

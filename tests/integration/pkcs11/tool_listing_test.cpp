// pkcs11-tool's listings: the slot (-L), the mechanisms (-M) and the
// objects (-O), as a user of the module first sees them.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/pkcs11/tool_fixture.hpp"

namespace tessera::testing {
namespace {

bool HasLine(const std::string& output, const std::string& line_start) {
  return output.find("\n" + line_start) != std::string::npos || output.rfind(line_start, 0) == 0;
}

TEST_F(ToolTest, ListSlotsShowsTheTokenWithItsSerial) {
  const std::string serial = std::to_string(OnlySerial());
  CommandResult r = Tool({"-L"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Slot 0 (0x0): Tessera simulator " + serial), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("token label        : Tessera PIV #" + serial), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("token model        : Tessera PIV"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("serial num         : " + serial), std::string::npos) << r.output;
}

TEST_F(ToolTest, ListMechanismsOffersSigningDecryptionAndDerivation) {
  CommandResult r = Tool({"-M"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string expected[] = {
      "  ECDSA-SHA256, keySize={256,384}, hw, sign, verify",
      "  ECDSA-KEY-PAIR-GEN, keySize={256,384}, hw, generate_key_pair",
      "  RSA-PKCS-PSS, keySize={1024,4096}, hw, sign, verify",
      "  SHA256-RSA-PKCS-PSS, keySize={1024,4096}, hw, sign, verify",
      "  RSA-PKCS-OAEP, keySize={1024,4096}, hw, encrypt, decrypt",
      "  RSA-PKCS-KEY-PAIR-GEN, keySize={1024,4096}, hw, generate_key_pair",
      "  EDDSA, keySize={255,255}, hw, sign, verify",
      "  EC-EDWARDS-KEY-PAIR-GEN, keySize={255,255}, hw, generate_key_pair",
      "  ECDH1-DERIVE, keySize={255,384}, hw, derive",
      "  AES-GCM, keySize={16,32}, hw, encrypt, decrypt",
      "  SHA256-HMAC, keySize={16,64}, hw, sign, verify",
  };
  for (const std::string& line : expected) {
    EXPECT_TRUE(HasLine(r.output, line)) << "missing: " << line << "\n" << r.output;
  }
}

TEST_F(ToolTest, ListObjectsShowsPrivateKeysOnlyAfterALogin) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey("EC:prime256v1", 0x01));

  CommandResult pub = Tool({"-O"});
  ASSERT_EQ(pub.exit_code, 0) << pub.output;
  EXPECT_NE(pub.output.find("Public Key Object; EC  EC_POINT 256 bits"), std::string::npos)
      << pub.output;
  EXPECT_NE(pub.output.find("label:      Public key for PIV Authentication"), std::string::npos)
      << pub.output;
  EXPECT_NE(pub.output.find("ID:         01"), std::string::npos) << pub.output;
  EXPECT_EQ(pub.output.find("Private Key Object"), std::string::npos) << pub.output;

  CommandResult all = UserTool({"-O"});
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("Private Key Object; EC"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("label:      Private key for PIV Authentication"), std::string::npos)
      << all.output;
  EXPECT_NE(all.output.find("Public Key Object; EC  EC_POINT 256 bits"), std::string::npos)
      << all.output;
}

}  // namespace
}  // namespace tessera::testing

// OpenSC's own self-test, `pkcs11-tool --test`, as a conformance check run
// by a real client in its own process: a token with a key in each of the
// four standard PIV slots - 9A P-256, 9C RSA-2048 (CKA_ALWAYS_AUTHENTICATE,
// so the tool must do its context-specific login), 9D RSA-2048, 9E P-256 -
// made by the card itself, and the tool must report no error.
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"

namespace tessera::testing::conformance {
namespace {

using Pkcs11ToolTest = ConformanceTest;

TEST_F(Pkcs11ToolTest, SelfTestPassesWithKeysInAllFourStandardSlots) {
  ASSERT_NE(GenerateOnCard(0x9A, piv::Algorithm::kEccP256), nullptr);
  ASSERT_NE(GenerateOnCard(0x9C, piv::Algorithm::kRsa2048), nullptr);
  ASSERT_NE(GenerateOnCard(0x9D, piv::Algorithm::kRsa2048), nullptr);
  ASSERT_NE(GenerateOnCard(0x9E, piv::Algorithm::kEccP256), nullptr);
  ASSERT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_OK));  // the tool is the only user now
  const CommandResult r = RunClient({"pkcs11-tool", "--module", ModulePath().string(), "--login",
                                     "--pin", std::string(kUserPin), "--test"},
                                    run_dir());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("No errors"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("ERR"), std::string::npos) << r.output;
  for (const char* key :
       {"Private key for PIV Authentication", "Private key for Digital Signature",
        "Private key for Key Management", "Private key for Card Authentication"}) {
    EXPECT_NE(r.output.find(key), std::string::npos) << key << " was not tested\n" << r.output;
  }
}

}  // namespace
}  // namespace tessera::testing::conformance

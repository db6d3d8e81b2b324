// OpenSC's pkcs11-tool, a real client, against the module and tessera-sim.
#include <gtest/gtest.h>

#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

TEST_F(SimTest, Pkcs11ToolListsEverySimulatedTokenAsASlot) {
  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "2"}));
  CommandResult r = RunClient({"pkcs11-tool", "--module", ModulePath().string(), "-L"}, run_dir());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (std::uint32_t serial : sim_->Serials()) {
    EXPECT_NE(r.output.find("Tessera simulator " + std::to_string(serial)), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("serial num         : " + std::to_string(serial)), std::string::npos)
        << r.output;
  }
  EXPECT_NE(
      r.output.find("token flags        : login required, rng, token initialized, PIN initialized"),
      std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("pin min/max        : 6/64"), std::string::npos) << r.output;
}

TEST_F(SimTest, Pkcs11ToolSeesAWrongPinCountOnTheToken) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  auto transport = Connect(OnlySerial());
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);
  ASSERT_TRUE(piv.Select().ok());
  ASSERT_EQ(piv.VerifyPin("999999").value(), 0x63C2);
  CommandResult r = RunClient({"pkcs11-tool", "--module", ModulePath().string(), "-L"}, run_dir());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("user PIN count low"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tessera::testing

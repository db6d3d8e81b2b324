// APDUs per operation, counted in the simulator's --trace file: the module
// must send no SELECT or VERIFY twice for nothing (issue 3, APDU economy).
#include <cstdlib>
#include <fstream>
#include <string>

#include "common/piv/piv_constants.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

int CommandsIn(const std::filesystem::path& trace) {
  std::ifstream in(trace);
  std::string line;
  int commands = 0;
  while (std::getline(in, line)) commands += line.find(" > ") != std::string::npos ? 1 : 0;
  return commands;
}

TEST_F(SimTest, ALoginCostsOneSelectAndOneVerifyAndTokenInfoIsReadOnce) {
  const std::filesystem::path trace = dir_.path() / "trace.log";
  ASSERT_NO_FATAL_FAILURE(StartSim({"--trace", trace.string()}));
  ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
  LoadedModule module;
  ASSERT_TRUE(module.ok());

  ASSERT_EQ(module->C_Initialize(nullptr), CKR_OK);
  CK_SLOT_ID slot = 0;
  CK_ULONG count = 0;
  ASSERT_EQ(module->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
  ASSERT_EQ(module->C_GetSlotList(CK_TRUE, &slot, &count), CKR_OK);
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  ASSERT_EQ(module->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK);
  EXPECT_EQ(CommandsIn(trace), 0) << "initialize, slot list and session need no card I/O";

  std::string pin(piv::kDefaultPin);
  ASSERT_EQ(
      module->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size()),
      CKR_OK);
  EXPECT_EQ(CommandsIn(trace), 2) << "SELECT, VERIFY";

  CK_TOKEN_INFO info{};
  ASSERT_EQ(module->C_GetTokenInfo(slot, &info), CKR_OK);
  EXPECT_EQ(CommandsIn(trace), 5) << "GET VERSION, GET SERIAL, GET METADATA (PIN)";
  ASSERT_EQ(module->C_GetTokenInfo(slot, &info), CKR_OK);
  EXPECT_EQ(CommandsIn(trace), 5) << "cached for the insertion";
  ::unsetenv("TESSERA_SIM_DIR");
}

}  // namespace
}  // namespace tessera::testing

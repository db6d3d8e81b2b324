// APDUs per operation, counted in the simulator's --trace file: the module
// must send no SELECT or VERIFY twice for nothing (issue 3, APDU economy).
#include <openssl/x509.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "tests/integration/pkcs11/cold_start.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

std::vector<std::string> CommandsIn(const std::filesystem::path& trace) {
  return TraceCommands(trace);
}

int CountCommandsIn(const std::filesystem::path& trace) {
  return static_cast<int>(TraceCommands(trace).size());
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
  EXPECT_EQ(CountCommandsIn(trace), 0) << "initialize, slot list and session need no card I/O";

  std::string pin(piv::kDefaultPin);
  ASSERT_EQ(
      module->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size()),
      CKR_OK);
  EXPECT_EQ(CountCommandsIn(trace), 2) << "SELECT, VERIFY";

  CK_TOKEN_INFO info{};
  ASSERT_EQ(module->C_GetTokenInfo(slot, &info), CKR_OK);
  EXPECT_EQ(CountCommandsIn(trace), 5) << "GET VERSION, GET SERIAL, GET METADATA (PIN)";
  ASSERT_EQ(module->C_GetTokenInfo(slot, &info), CKR_OK);
  EXPECT_EQ(CountCommandsIn(trace), 5) << "cached for the insertion";
  ::unsetenv("TESSERA_SIM_DIR");
}

// A token with a P-256 key and a certificate in each standard slot, set up
// with the test's own PIV client (not the module), then met cold by the
// module in a restarted simulator that traces every APDU.
class ColdStartTest : public SimTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartSim({"--seed", "3"}));
    {
      auto transport = Connect(OnlySerial());
      ASSERT_NE(transport, nullptr);
      Status certified = CertifyStandardSlots(*transport);
      ASSERT_TRUE(certified.ok()) << certified.message();
    }
    ASSERT_NO_FATAL_FAILURE(StopSim());
    ASSERT_NO_FATAL_FAILURE(StartSim({"--seed", "3", "--trace", trace().string()}));
    ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
  }
  void TearDown() override { ::unsetenv("TESSERA_SIM_DIR"); }

  std::filesystem::path trace() const { return dir_.path() / "trace.log"; }
};

// The budget of docs/pkcs11-module.md: a cold start to the first signature
// on a token holding 4 certificates takes 8 APDUs or fewer.
TEST_F(ColdStartTest, TheFirstSignatureWithFourCertificatesTakesAtMostEightApdus) {
  LoadedModule module;
  ASSERT_TRUE(module.ok());
  Result<ColdStart> run = RunColdStart(module.operator->(), trace());
  ASSERT_TRUE(run.ok()) << run.status().message();
  const std::vector<std::string>& commands = run->commands;
  RecordProperty("apdus", static_cast<int>(commands.size()));
  RecordProperty("apdu_list", Breakdown(commands));
  RecordProperty("apdus_per_step", run->per_step);
  std::cout << "[ APDU economy ] " << Breakdown(commands) << "\n"
            << "[ APDU economy ] per step: " << run->per_step << "\n";
  EXPECT_LE(commands.size(), 8u) << Breakdown(commands);
}

// A search by CKA_ID asks GET METADATA of that ID's slot only; a search
// without one reads the rest, and no key shows up twice.
TEST_F(SimTest, ASearchByIdReadsTheMetadataOfThatSlotOnly) {
  const std::filesystem::path trace = dir_.path() / "trace.log";
  ASSERT_NO_FATAL_FAILURE(StartSim({"--seed", "4", "--trace", trace.string()}));
  {
    auto transport = Connect(OnlySerial());
    ASSERT_NE(transport, nullptr);
    PivClient piv(*transport);
    ASSERT_TRUE(piv.Select().ok());
    ASSERT_TRUE(piv.AuthenticateManagementKey().ok());
    ASSERT_TRUE(piv.Generate(piv::key::kRetiredFirst, piv::Algorithm::kEccP256).ok());
  }
  ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
  LoadedModule module;
  ASSERT_TRUE(module.ok());
  ASSERT_EQ(module->C_Initialize(nullptr), CKR_OK);
  CK_SLOT_ID slot = 0;
  CK_ULONG count = 1;
  ASSERT_EQ(module->C_GetSlotList(CK_TRUE, &slot, &count), CKR_OK);
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  ASSERT_EQ(module->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK);
  std::string pin(piv::kDefaultPin);
  ASSERT_EQ(
      module->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size()),
      CKR_OK);
  auto find = [&](CK_ATTRIBUTE* tmpl, CK_ULONG n) {
    std::vector<CK_OBJECT_HANDLE> out(32);
    CK_ULONG got = 0;
    EXPECT_EQ(module->C_FindObjectsInit(session, tmpl, n), CKR_OK);
    EXPECT_EQ(module->C_FindObjects(session, out.data(), out.size(), &got), CKR_OK);
    EXPECT_EQ(module->C_FindObjectsFinal(session), CKR_OK);
    out.resize(got);
    return out;
  };
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  CK_BYTE id = 0x05;  // 82
  CK_ATTRIBUTE by_id[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, sizeof id}};

  int before = CountCommandsIn(trace);
  EXPECT_EQ(find(by_id, 2).size(), 1u);
  std::vector<std::string> commands = CommandsIn(trace);
  commands.erase(commands.begin(), commands.begin() + before);
  EXPECT_EQ(Breakdown(commands),
            "6 APDUs: GET DATA 5fc105; GET DATA 5fc10a; GET DATA 5fc10b; GET DATA 5fc101; "
            "GET DATA 5fc10c; GET METADATA 82;");

  before = CountCommandsIn(trace);
  CK_ATTRIBUTE any_private[] = {{CKA_CLASS, &cls, sizeof cls}};
  EXPECT_EQ(find(any_private, 1).size(), 2u) << "the key of 82 (not read twice) and F0";
  EXPECT_EQ(CountCommandsIn(trace) - before, 23 + 3)
      << "GET METADATA of the other 23 key slots; the token key: GET METADATA F0, ATTEST F0, "
         "GET DATA 5fff01";
  before = CountCommandsIn(trace);
  EXPECT_EQ(find(by_id, 2).size(), 1u);
  EXPECT_EQ(CountCommandsIn(trace), before) << "every slot is known now";
  ::unsetenv("TESSERA_SIM_DIR");
}

}  // namespace
}  // namespace tessera::testing

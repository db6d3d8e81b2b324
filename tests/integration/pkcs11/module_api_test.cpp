// The module's entry points against a real tessera-sim: the call-order and
// argument rules of PKCS#11 2.40 §5.4/§5.5, slots and token information.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "pkcs11/api/pkcs11_3_0.h"
#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

std::string Text(const CK_UTF8CHAR* field, std::size_t n) {
  std::string s(reinterpret_cast<const char*>(field), n);
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

class ModuleApiTest : public SimTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "2"}));
    ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
    ::unsetenv("TESSERA_CONF");
    ASSERT_TRUE(module_.ok()) << "cannot load " << ModulePath();
  }
  void TearDown() override { ::unsetenv("TESSERA_SIM_DIR"); }

  std::vector<CK_SLOT_ID> Slots(CK_BBOOL present) {
    CK_ULONG count = 0;
    EXPECT_EQ(module_->C_GetSlotList(present, nullptr, &count), CKR_OK);
    std::vector<CK_SLOT_ID> ids(count);
    EXPECT_EQ(module_->C_GetSlotList(present, ids.data(), &count), CKR_OK);
    ids.resize(count);
    return ids;
  }

  LoadedModule module_;
};

TEST_F(ModuleApiTest, EveryCallBeforeInitializeIsNotInitialized) {
  CK_ULONG count = 0;
  CK_INFO info{};
  EXPECT_EQ(module_->C_GetSlotList(CK_FALSE, nullptr, &count), CKR_CRYPTOKI_NOT_INITIALIZED);
  EXPECT_EQ(module_->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);
  EXPECT_EQ(module_->C_OpenSession(0, CKF_SERIAL_SESSION, nullptr, nullptr, nullptr),
            CKR_CRYPTOKI_NOT_INITIALIZED);
  EXPECT_EQ(module_->C_Finalize(nullptr), CKR_CRYPTOKI_NOT_INITIALIZED);
}

TEST_F(ModuleApiTest, InitializeChecksItsArgumentsAndRefusesASecondCall) {
  CK_C_INITIALIZE_ARGS partial{};
  partial.CreateMutex = reinterpret_cast<CK_CREATEMUTEX>(1);
  EXPECT_EQ(module_->C_Initialize(&partial), CKR_ARGUMENTS_BAD);
  CK_C_INITIALIZE_ARGS reserved{};
  reserved.pReserved = &reserved;
  EXPECT_EQ(module_->C_Initialize(&reserved), CKR_ARGUMENTS_BAD);
  CK_C_INITIALIZE_ARGS os_locking{};
  os_locking.flags = CKF_OS_LOCKING_OK;
  EXPECT_EQ(module_->C_Initialize(&os_locking), CKR_OK);
  EXPECT_EQ(module_->C_Initialize(nullptr), CKR_CRYPTOKI_ALREADY_INITIALIZED);
  EXPECT_EQ(module_->C_Finalize(&os_locking), CKR_ARGUMENTS_BAD);
  EXPECT_EQ(module_->C_Finalize(nullptr), CKR_OK);
  EXPECT_EQ(module_->C_Initialize(nullptr), CKR_OK) << "initialize again after finalize";
}

TEST_F(ModuleApiTest, ListsOneRemovableHardwareSlotPerToken) {
  ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
  CK_INFO info{};
  ASSERT_EQ(module_->C_GetInfo(&info), CKR_OK);
  EXPECT_EQ(Text(info.manufacturerID, sizeof info.manufacturerID), "Tessera");
  EXPECT_EQ(module_->C_GetInfo(nullptr), CKR_ARGUMENTS_BAD);

  std::vector<CK_SLOT_ID> ids = Slots(CK_TRUE);
  ASSERT_EQ(ids.size(), 2u);
  std::vector<std::uint32_t> serials = sim_->Serials();
  for (CK_SLOT_ID id : ids) {
    CK_SLOT_INFO slot{};
    ASSERT_EQ(module_->C_GetSlotInfo(id, &slot), CKR_OK);
    EXPECT_EQ(slot.flags, CKF_REMOVABLE_DEVICE | CKF_HW_SLOT | CKF_TOKEN_PRESENT);
    CK_TOKEN_INFO token{};
    ASSERT_EQ(module_->C_GetTokenInfo(id, &token), CKR_OK);
    std::string serial = Text(token.serialNumber, sizeof token.serialNumber);
    EXPECT_NE(std::find(serials.begin(), serials.end(), std::stoul(serial)), serials.end());
    EXPECT_EQ(token.flags & (CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED),
              CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED);
    EXPECT_EQ(token.flags & (CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_LOCKED), 0u);
    EXPECT_EQ(token.ulMinPinLen, 6u);
    // The SO's PIN is the management key in hex: up to 64 digits (AES-256).
    EXPECT_EQ(token.ulMaxPinLen, 64u);
  }
}

TEST_F(ModuleApiTest, FollowsTheBufferRulesOfGetSlotList) {
  ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
  CK_ULONG count = 0;
  EXPECT_EQ(module_->C_GetSlotList(CK_TRUE, nullptr, nullptr), CKR_ARGUMENTS_BAD);
  ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
  ASSERT_EQ(count, 2u);
  CK_SLOT_ID one[1];
  count = 1;
  EXPECT_EQ(module_->C_GetSlotList(CK_TRUE, one, &count), CKR_BUFFER_TOO_SMALL);
  EXPECT_EQ(count, 2u);
  CK_SLOT_INFO slot{};
  EXPECT_EQ(module_->C_GetSlotInfo(99, &slot), CKR_SLOT_ID_INVALID);
  CK_TOKEN_INFO token{};
  EXPECT_EQ(module_->C_GetTokenInfo(99, &token), CKR_SLOT_ID_INVALID);
  EXPECT_EQ(module_->C_GetTokenInfo(0, nullptr), CKR_ARGUMENTS_BAD);
}

TEST_F(ModuleApiTest, ARemovedTokenKeepsItsSlotIdAndComesBack) {
  ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
  std::vector<CK_SLOT_ID> before = Slots(CK_TRUE);
  ASSERT_EQ(before.size(), 2u);
  CK_TOKEN_INFO token{};
  ASSERT_EQ(module_->C_GetTokenInfo(before[0], &token), CKR_OK);
  std::string serial = Text(token.serialNumber, sizeof token.serialNumber);

  ASSERT_EQ(sim_->Ctl({"remove", serial}).exit_code, 0);
  EXPECT_EQ(module_->C_GetTokenInfo(before[0], &token), CKR_TOKEN_NOT_PRESENT);
  EXPECT_EQ(Slots(CK_TRUE).size(), 1u);
  EXPECT_EQ(Slots(CK_FALSE), before) << "slot IDs stay for the life of the process";
  CK_SLOT_INFO slot{};
  ASSERT_EQ(module_->C_GetSlotInfo(before[0], &slot), CKR_OK);
  EXPECT_EQ(slot.flags & CKF_TOKEN_PRESENT, 0u);

  ASSERT_EQ(sim_->Ctl({"insert", serial}).exit_code, 0);
  ASSERT_EQ(module_->C_GetTokenInfo(before[0], &token), CKR_OK);
  EXPECT_EQ(Text(token.serialNumber, sizeof token.serialNumber), serial);
}

TEST_F(ModuleApiTest, AChildAfterForkMustInitializeAgain) {
  ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    CK_ULONG count = 0;
    int code =
        module_->C_GetSlotList(CK_TRUE, nullptr, &count) == CKR_CRYPTOKI_NOT_INITIALIZED ? 0 : 1;
    if (code == 0 && module_->C_Initialize(nullptr) != CKR_OK) code = 2;
    if (code == 0 && module_->C_GetSlotList(CK_TRUE, nullptr, &count) != CKR_OK) code = 3;
    ::_exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  CK_ULONG count = 0;
  EXPECT_EQ(module_->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK) << "the parent is unaffected";
}

// DESIGN.md: only C_* leave the module, so its C++ internals cannot clash
// with a host process's own.
TEST_F(ModuleApiTest, ExportsOnlyPkcs11EntryPoints) {
  CommandResult nm = RunClient({"nm", "-D", "--defined-only", ModulePath().string()}, run_dir());
  ASSERT_EQ(nm.exit_code, 0) << nm.output;
  std::istringstream lines(nm.output);
  std::string line;
  int entry_points = 0;
  while (std::getline(lines, line)) {
    std::string symbol = line.substr(line.find_last_of(' ') + 1);
    EXPECT_TRUE(symbol.starts_with("C_")) << "exported: " << symbol;
    ++entry_points;
  }
  EXPECT_EQ(entry_points, 92) << "the 3.0 function list: 68 of 2.40 and 24 new";
}

TEST_F(ModuleApiTest, OffersThePkcs11Interface30AndThe240One) {
  auto get_list = reinterpret_cast<CK_C_GetInterfaceList>(module_.Symbol("C_GetInterfaceList"));
  auto get = reinterpret_cast<CK_C_GetInterface>(module_.Symbol("C_GetInterface"));
  ASSERT_NE(get_list, nullptr);
  ASSERT_NE(get, nullptr);
  CK_ULONG count = 0;
  EXPECT_EQ(get_list(nullptr, nullptr), CKR_ARGUMENTS_BAD);
  ASSERT_EQ(get_list(nullptr, &count), CKR_OK);
  ASSERT_EQ(count, 2u);
  CK_INTERFACE one[1];
  count = 1;
  EXPECT_EQ(get_list(one, &count), CKR_BUFFER_TOO_SMALL);

  CK_INTERFACE* interface = nullptr;
  ASSERT_EQ(get(nullptr, nullptr, &interface, 0), CKR_OK);
  auto* v30 = static_cast<CK_FUNCTION_LIST_3_0*>(interface->pFunctionList);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(interface->pInterfaceName)), "PKCS 11");
  EXPECT_EQ(v30->version.major, 3);
  EXPECT_EQ(v30->version.minor, 0);
  CK_VERSION v240{2, 40};
  CK_UTF8CHAR name[] = "PKCS 11";
  ASSERT_EQ(get(name, &v240, &interface, 0), CKR_OK);
  EXPECT_EQ(static_cast<CK_FUNCTION_LIST*>(interface->pFunctionList)->version.minor, 40);
  CK_UTF8CHAR other[] = "Vendor";
  EXPECT_EQ(get(other, nullptr, &interface, 0), CKR_ARGUMENTS_BAD);
  EXPECT_EQ(get(nullptr, nullptr, &interface, CKF_INTERFACE_FORK_SAFE), CKR_ARGUMENTS_BAD);
  EXPECT_EQ(get(nullptr, nullptr, nullptr, 0), CKR_ARGUMENTS_BAD);

  ASSERT_EQ(v30->C_Initialize(nullptr), CKR_OK);
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  ASSERT_EQ(v30->C_OpenSession(0, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK);
  CK_UTF8CHAR pin[] = "123456";
  CK_UTF8CHAR user[] = "alice";
  EXPECT_EQ(v30->C_LoginUser(session, CKU_USER, pin, 6, user, 5), CKR_ARGUMENTS_BAD);
  EXPECT_EQ(v30->C_LoginUser(session, CKU_USER, pin, 6, nullptr, 0), CKR_OK);
  EXPECT_EQ(v30->C_SessionCancel(session, 0), CKR_OK);
  EXPECT_EQ(v30->C_SessionCancel(12345, 0), CKR_SESSION_HANDLE_INVALID);
  EXPECT_EQ(v30->C_MessageSignInit(session, nullptr, 0), CKR_FUNCTION_NOT_SUPPORTED);
  EXPECT_EQ(v30->C_MessageVerifyFinal(session), CKR_FUNCTION_NOT_SUPPORTED);
}

}  // namespace
}  // namespace tessera::testing

// Our own module over PC/SC: tessera-pkcs11.so with `transports = pcsc`
// finds the token in the vpcd reader, shows the key yubico-piv-tool
// generated, signs with it (OpenSSL verifies against the key the tool
// printed), and reports removal and insertion through C_WaitForSlotEvent.
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <p11-kit/pkcs11.h>
#include <stdlib.h>

#include <chrono>
#include <future>
#include <string>

#include "common/ossl.hpp"
#include "tests/hil/pcsc/openssl_checks.hpp"
#include "tests/hil/pcsc/pcsc_fixture.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"

namespace tessera::testing {
namespace {

using namespace std::chrono_literals;

class PcscModuleTest : public PcscTest {
 protected:
  void SetUp() override {
    PcscTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(::setenv("TESSERA_TRANSPORTS", "pcsc", 1), 0);
    ::unsetenv("TESSERA_CONF");
    ASSERT_TRUE(module_.ok());
    ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
    initialized_ = true;
  }
  void TearDown() override {
    if (initialized_) module_->C_Finalize(nullptr);
    ::setenv("TESSERA_TRANSPORTS", "sim", 1);
  }
  // The slot whose description is the vpcd reader's name.
  CK_SLOT_ID ReaderSlot() {
    Result<CK_SLOT_ID> slot = SlotNamed(module_.operator->(), reader());
    EXPECT_TRUE(slot.ok()) << slot.status().message();
    return slot.ok() ? *slot : 0;
  }

  LoadedModule module_;
  bool initialized_ = false;
};

TEST_F(PcscModuleTest, SignsWithTheKeyYubicoPivToolGenerated) {
  const std::filesystem::path pem = Path("pub-9a.pem");
  ToolResult gen = PivTool({"-a", "generate", "-s", "9a", "-A", "ECCP256", "-o", pem.string()});
  ASSERT_EQ(gen.exit_code, 0) << gen.Describe();
  Result<ossl::PkeyPtr> read = ReadPublicKeyPem(pem);
  ASSERT_TRUE(read.ok()) << read.status().message();
  ossl::PkeyPtr tool_key = std::move(read).value();

  const CK_SLOT_ID slot = ReaderSlot();
  CK_SLOT_INFO info{};
  ASSERT_EQ(module_->C_GetSlotInfo(slot, &info), CKR_OK);
  EXPECT_NE(info.flags & CKF_TOKEN_PRESENT, 0u);
  CK_TOKEN_INFO token{};
  ASSERT_EQ(module_->C_GetTokenInfo(slot, &token), CKR_OK);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(token.serialNumber), sizeof(token.serialNumber))
                .find(std::to_string(serial())),
            0u);

  CK_SESSION_HANDLE session = 0;
  ASSERT_EQ(
      module_->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session),
      CKR_OK);
  std::string pin = "123456";
  ASSERT_EQ(
      module_->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size()),
      CKR_OK);
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  CK_BYTE id = 0x01;  // PIV slot 9A
  CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof(cls)}, {CKA_ID, &id, 1}};
  ASSERT_EQ(module_->C_FindObjectsInit(session, tmpl, 2), CKR_OK);
  CK_OBJECT_HANDLE key = 0;
  CK_ULONG found = 0;
  ASSERT_EQ(module_->C_FindObjects(session, &key, 1, &found), CKR_OK);
  ASSERT_EQ(module_->C_FindObjectsFinal(session), CKR_OK);
  ASSERT_EQ(found, 1u) << "the module does not show the key yubico-piv-tool generated";

  Bytes digest(32);
  for (std::size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<std::uint8_t>(i * 7);
  CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
  ASSERT_EQ(module_->C_SignInit(session, &mechanism, key), CKR_OK);
  Bytes signature(64);
  CK_ULONG length = signature.size();
  ASSERT_EQ(module_->C_Sign(session, digest.data(), digest.size(), signature.data(), &length),
            CKR_OK);
  signature.resize(length);
  EXPECT_TRUE(VerifyRawEcdsa(tool_key.get(), digest, signature));
  digest[0] ^= 1;
  EXPECT_FALSE(VerifyRawEcdsa(tool_key.get(), digest, signature));
}

TEST_F(PcscModuleTest, RemovalAndInsertionAreSlotEvents) {
  const CK_SLOT_ID slot = ReaderSlot();
  CK_SLOT_ID got = 999;
  EXPECT_EQ(module_->C_WaitForSlotEvent(CKF_DONT_BLOCK, &got, nullptr), CKR_NO_EVENT);

  auto waiter = std::async(std::launch::async, [&] {
    CK_SLOT_ID s = 999;
    CK_RV rv = module_->C_WaitForSlotEvent(0, &s, nullptr);
    return std::make_pair(rv, s);
  });
  EXPECT_EQ(waiter.wait_for(300ms), std::future_status::timeout);
  ProcessResult removed = Ctl({"remove", std::to_string(serial())});
  ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  ASSERT_EQ(waiter.wait_for(10s), std::future_status::ready) << Logs();
  auto [rv, event_slot] = waiter.get();
  EXPECT_EQ(rv, CKR_OK);
  EXPECT_EQ(event_slot, slot);
  CK_SLOT_INFO info{};
  ASSERT_EQ(module_->C_GetSlotInfo(slot, &info), CKR_OK);
  EXPECT_EQ(info.flags & CKF_TOKEN_PRESENT, 0u);

  ProcessResult inserted = Ctl({"insert", std::to_string(serial())});
  ASSERT_EQ(inserted.exit_code, 0) << inserted.out << inserted.err;
  ASSERT_TRUE(WaitForCard(true).ok()) << Logs();
  got = 999;
  CK_RV again = CKR_NO_EVENT;
  for (int i = 0; i < 50 && again == CKR_NO_EVENT; ++i) {
    again = module_->C_WaitForSlotEvent(CKF_DONT_BLOCK, &got, nullptr);
    if (again == CKR_NO_EVENT) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(again, CKR_OK);
  EXPECT_EQ(got, slot);
  ASSERT_EQ(module_->C_GetSlotInfo(slot, &info), CKR_OK);
  EXPECT_NE(info.flags & CKF_TOKEN_PRESENT, 0u);
}

}  // namespace
}  // namespace tessera::testing

namespace tessera::testing {
namespace {

// Readers pcscd starts serving after C_Initialize get slots of their own,
// and the card in one of them is a slot event.
TEST_F(PcscModuleTest, ReadersThatAppearAfterInitializeGetNewSlots) {
  ASSERT_EQ(module_->C_Finalize(nullptr), CKR_OK);
  initialized_ = false;
  pcscd_->Stop();
  ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
  initialized_ = true;
  CK_ULONG count = 99;
  ASSERT_EQ(module_->C_GetSlotList(CK_FALSE, nullptr, &count), CKR_OK);
  EXPECT_EQ(count, 0u) << "no pcscd, no PC/SC slots";

  auto waiter = std::async(std::launch::async, [&] {
    CK_SLOT_ID s = 999;
    CK_RV rv = module_->C_WaitForSlotEvent(0, &s, nullptr);
    return std::make_pair(rv, s);
  });
  ASSERT_TRUE(pcscd_->Restart().ok()) << Logs();
  ASSERT_TRUE(WaitForCard(true).ok()) << Logs();
  ASSERT_EQ(waiter.wait_for(20s), std::future_status::ready) << "no event for the new reader";
  auto [rv, event_slot] = waiter.get();
  EXPECT_EQ(rv, CKR_OK);

  ASSERT_EQ(module_->C_GetSlotList(CK_FALSE, nullptr, &count), CKR_OK);
  EXPECT_EQ(count, 2u) << "vpcd's two readers";
  const CK_SLOT_ID slot = ReaderSlot();
  EXPECT_EQ(event_slot, slot) << "the event is for the reader holding the card";
  CK_SLOT_INFO info{};
  ASSERT_EQ(module_->C_GetSlotInfo(slot, &info), CKR_OK);
  EXPECT_NE(info.flags & CKF_TOKEN_PRESENT, 0u);
  CK_TOKEN_INFO token{};
  EXPECT_EQ(module_->C_GetTokenInfo(slot, &token), CKR_OK);
}

}  // namespace
}  // namespace tessera::testing

// The PKCS#11 module over USB: the real tessera-pkcs11.so, dlopen'ed with
// TESSERA_TRANSPORTS=usb inside the umockdev testbed process, reaches the
// emulated token (umockdev_ccid_device.hpp) through its own libusb context
// and hotplug watcher (host/transport/usb/usb_reader.hpp). It lists the
// slot, signs with a P-256 key that OpenSSL verifies, reports hot unplug and
// re-plug as slot events on the same slot, fails bounded on a stall or a
// mute device and recovers, and C_Finalize ends a blocked
// C_WaitForSlotEvent.
#include <dirent.h>
#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <p11-kit/pkcs11.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <utility>

#include "common/ossl.hpp"
#include "tests/hil/usb/umockdev_ccid_device.hpp"
#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/support/test_token.hpp"

namespace tessera::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kSerial = 12345678;  // TestToken's
constexpr const char* kPin = "123456";       // the factory PIN
// The module's wait for each USB reply (TESSERA_USB_TIMEOUT_MS); the
// default of 60 s would make the mute-device test take a minute.
constexpr auto kUsbTimeout = 1000ms;
// How long a slot event may take to reach a blocked C_WaitForSlotEvent.
constexpr auto kEventBound = 5s;

std::string Text(const CK_UTF8CHAR* text, std::size_t size) {
  std::string s(reinterpret_cast<const char*>(text), size);
  return s.substr(0, s.find_last_not_of(' ') + 1);
}

// PKCS#11 2.40 §5.1.2: what a call on a removed token may say.
bool RemovedRv(CK_RV rv) {
  return rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT ||
         rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED;
}

bool DeviceFailureRv(CK_RV rv) { return rv == CKR_DEVICE_ERROR || rv == CKR_DEVICE_REMOVED; }

// Threads of this process: the module's hotplug watcher and libusb's
// event thread among them.
int ThreadCount() {
  int n = 0;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (dirent* entry = ::readdir(dir)) n += entry->d_name[0] != '.';
    ::closedir(dir);
  }
  return n;
}

long Ms(Clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

struct KeyPair {
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
};

// A C_WaitForSlotEvent blocked on another thread.
class BlockedWait {
 public:
  explicit BlockedWait(CK_FUNCTION_LIST* module)
      : result_(std::async(std::launch::async, [module] {
          CK_SLOT_ID slot = 999;
          const CK_RV rv = module->C_WaitForSlotEvent(0, &slot, nullptr);
          return std::make_pair(rv, slot);
        })) {}
  bool Returned(std::chrono::milliseconds within) {
    return result_.wait_for(within) == std::future_status::ready;
  }
  std::pair<CK_RV, CK_SLOT_ID> Get() { return result_.get(); }

 private:
  std::future<std::pair<CK_RV, CK_SLOT_ID>> result_;
};

class UsbModuleHil : public ::testing::Test {
 protected:
  void SetUp() override {
    device_ = std::make_unique<UmockdevCcidDevice>(token_.get());
    ASSERT_TRUE(device_->ok()) << "umockdev testbed setup failed";
    ASSERT_TRUE(module_.ok()) << ModulePath();
    ASSERT_EQ(::setenv("TESSERA_TRANSPORTS", "usb", 1), 0);
    ASSERT_EQ(::setenv("TESSERA_USB_TIMEOUT_MS", std::to_string(kUsbTimeout.count()).c_str(), 1),
              0);
    ::unsetenv("TESSERA_CONF");
    ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
    initialized_ = true;
  }
  void TearDown() override {
    if (initialized_) module_->C_Finalize(nullptr);
    ::unsetenv("TESSERA_USB_TIMEOUT_MS");
    ::setenv("TESSERA_TRANSPORTS", "sim", 1);  // ctest's default for the other tests
  }

  // The only slot: the emulated device.
  CK_SLOT_ID OnlySlot() {
    CK_ULONG count = 0;
    EXPECT_EQ(module_->C_GetSlotList(CK_FALSE, nullptr, &count), CKR_OK);
    EXPECT_EQ(count, 1u);
    CK_SLOT_ID slot = 999;
    count = 1;
    EXPECT_EQ(module_->C_GetSlotList(CK_FALSE, &slot, &count), CKR_OK);
    return slot;
  }
  bool TokenPresent(CK_SLOT_ID slot) {
    CK_SLOT_INFO info{};
    EXPECT_EQ(module_->C_GetSlotInfo(slot, &info), CKR_OK);
    return (info.flags & CKF_TOKEN_PRESENT) != 0;
  }
  CK_SESSION_HANDLE UserSession(CK_SLOT_ID slot) {
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    EXPECT_EQ(module_->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                                     &session),
              CKR_OK);
    std::string pin = kPin;
    EXPECT_EQ(
        module_->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size()),
        CKR_OK);
    return session;
  }
  // A P-256 key pair with CKA_ID 01 (PIV slot 9A), generated on the token.
  KeyPair GenerateP256(CK_SESSION_HANDLE session) {
    Bytes params = HexOrDie("06082A8648CE3D030107");  // prime256v1
    CK_BYTE id = 0x01;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE pub[] = {{CKA_EC_PARAMS, params.data(), params.size()},
                          {CKA_ID, &id, 1},
                          {CKA_TOKEN, &yes, sizeof yes}};
    CK_ATTRIBUTE priv[] = {{CKA_ID, &id, 1}, {CKA_TOKEN, &yes, sizeof yes}};
    CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    KeyPair pair;
    EXPECT_EQ(module_->C_GenerateKeyPair(session, &mechanism, pub, 3, priv, 2, &pair.public_key,
                                         &pair.private_key),
              CKR_OK);
    return pair;
  }
  CK_OBJECT_HANDLE FindPrivateKey(CK_SESSION_HANDLE session) {
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_BYTE id = 0x01;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, 1}};
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    CK_ULONG found = 0;
    EXPECT_EQ(module_->C_FindObjectsInit(session, tmpl, 2), CKR_OK);
    EXPECT_EQ(module_->C_FindObjects(session, &key, 1, &found), CKR_OK);
    EXPECT_EQ(module_->C_FindObjectsFinal(session), CKR_OK);
    EXPECT_EQ(found, 1u);
    return key;
  }
  // CKA_PUBLIC_KEY_INFO as an OpenSSL key.
  ossl::PkeyPtr PublicKey(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    CK_ATTRIBUTE attr{CKA_PUBLIC_KEY_INFO, nullptr, 0};
    EXPECT_EQ(module_->C_GetAttributeValue(session, key, &attr, 1), CKR_OK);
    Bytes spki(attr.ulValueLen);
    attr.pValue = spki.data();
    EXPECT_EQ(module_->C_GetAttributeValue(session, key, &attr, 1), CKR_OK);
    const unsigned char* p = spki.data();
    return ossl::PkeyPtr(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  }
  // C_SignInit with CKM_ECDSA, then the C_Sign of `digest` into `*signature`;
  // `before_sign` runs in between (a fault mid-operation).
  template <typename BeforeSign>
  CK_RV Sign(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, Bytes* signature,
             BeforeSign&& before_sign) {
    CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
    if (CK_RV rv = module_->C_SignInit(session, &mechanism, key); rv != CKR_OK) return rv;
    before_sign();
    signature->assign(64, 0);
    CK_ULONG length = signature->size();
    CK_RV rv = module_->C_Sign(session, digest_.data(), digest_.size(), signature->data(), &length);
    signature->resize(rv == CKR_OK ? length : 0);
    return rv;
  }
  CK_RV Sign(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, Bytes* signature) {
    return Sign(session, key, signature, [] {});
  }
  // A signature that OpenSSL verifies against `public_key`.
  void ExpectSignsFor(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, EVP_PKEY* public_key) {
    Bytes signature;
    ASSERT_EQ(Sign(session, key, &signature), CKR_OK);
    ASSERT_NE(public_key, nullptr);
    EXPECT_TRUE(VerifiedByOpenSsl(public_key, SignSpec{}, digest_, signature));
  }
  // Runs `action` while a C_WaitForSlotEvent blocks on another thread, which
  // must then return `slot` within kEventBound.
  template <typename Action>
  void ExpectSlotEvent(CK_SLOT_ID slot, Action&& action) {
    BlockedWait wait(module_.operator->());
    action();
    ASSERT_TRUE(device_->ok());
    ASSERT_TRUE(wait.Returned(kEventBound)) << "no slot event";
    auto [rv, event_slot] = wait.Get();
    EXPECT_EQ(rv, CKR_OK);
    EXPECT_EQ(event_slot, slot);
  }
  // A new session after the token came back: login, the same key, a signature.
  void ExpectWorksAgain(CK_SLOT_ID slot, EVP_PKEY* public_key) {
    CK_SESSION_HANDLE session = UserSession(slot);
    CK_OBJECT_HANDLE key = FindPrivateKey(session);
    ASSERT_NO_FATAL_FAILURE(ExpectSignsFor(session, key, public_key));
    EXPECT_EQ(module_->C_CloseSession(session), CKR_OK);
  }

  TestToken token_{kSerial};
  // Declared before the module, so that the module is finalized and
  // unloaded before the testbed goes.
  std::unique_ptr<UmockdevCcidDevice> device_;
  LoadedModule module_;
  bool initialized_ = false;
  Bytes digest_ = HexOrDie("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
};

TEST_F(UsbModuleHil, ListsTheTokenAndSignsWithAP256KeyThatOpenSslVerifies) {
  const CK_SLOT_ID slot = OnlySlot();
  CK_SLOT_INFO info{};
  ASSERT_EQ(module_->C_GetSlotInfo(slot, &info), CKR_OK);
  EXPECT_EQ(Text(info.slotDescription, sizeof info.slotDescription), "Tessera PIV Token 12345678")
      << "the product and serial strings";
  EXPECT_NE(info.flags & CKF_TOKEN_PRESENT, 0u);
  EXPECT_NE(info.flags & CKF_REMOVABLE_DEVICE, 0u);
  CK_TOKEN_INFO token{};
  ASSERT_EQ(module_->C_GetTokenInfo(slot, &token), CKR_OK);
  EXPECT_EQ(Text(token.serialNumber, sizeof token.serialNumber), std::to_string(kSerial));

  CK_SESSION_HANDLE session = UserSession(slot);
  KeyPair pair = GenerateP256(session);
  ASSERT_NE(pair.private_key, CK_INVALID_HANDLE);
  ossl::PkeyPtr public_key = PublicKey(session, pair.public_key);
  ASSERT_NO_FATAL_FAILURE(ExpectSignsFor(session, pair.private_key, public_key.get()));
  EXPECT_EQ(device_->claims(), 1) << "the module holds the interface while connected";
}

TEST_F(UsbModuleHil, HotUnplugIsASlotEventAndReplugGivesTheSameSlotBack) {
  const CK_SLOT_ID slot = OnlySlot();
  CK_SESSION_HANDLE session = UserSession(slot);
  KeyPair pair = GenerateP256(session);
  ossl::PkeyPtr public_key = PublicKey(session, pair.public_key);
  ASSERT_NO_FATAL_FAILURE(ExpectSignsFor(session, pair.private_key, public_key.get()));
  CK_SLOT_ID none = 999;
  EXPECT_EQ(module_->C_WaitForSlotEvent(CKF_DONT_BLOCK, &none, nullptr), CKR_NO_EVENT);

  BlockedWait unplugged(module_.operator->());
  EXPECT_FALSE(unplugged.Returned(300ms)) << "no event before the unplug";
  device_->Unplug();
  const auto start = Clock::now();
  ASSERT_TRUE(unplugged.Returned(kEventBound)) << "the hotplug watcher did not wake the wait";
  RecordProperty("unplug_event_ms", std::to_string(Ms(Clock::now() - start)));
  auto [rv, event_slot] = unplugged.Get();
  EXPECT_EQ(rv, CKR_OK);
  EXPECT_EQ(event_slot, slot);

  // The open session cannot sign on a token that is gone.
  Bytes signature;
  const CK_RV sign = Sign(session, pair.private_key, &signature);
  EXPECT_TRUE(RemovedRv(sign)) << "C_SignInit/C_Sign after unplug: 0x" << std::hex << sign;
  RecordProperty("sign_after_unplug", std::to_string(sign));
  CK_SESSION_INFO session_info{};
  EXPECT_EQ(module_->C_GetSessionInfo(session, &session_info), CKR_SESSION_HANDLE_INVALID)
      << "PKCS#11 2.40 §5.1.2: the removal closed the session";
  EXPECT_FALSE(TokenPresent(slot));
  CK_TOKEN_INFO token{};
  EXPECT_EQ(module_->C_GetTokenInfo(slot, &token), CKR_TOKEN_NOT_PRESENT);
  CK_ULONG count = 9;
  ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
  EXPECT_EQ(count, 0u);

  // Same port, same key: the event is on the same slot.
  ASSERT_NO_FATAL_FAILURE(ExpectSlotEvent(slot, [&] { device_->Replug(); }));
  EXPECT_EQ(OnlySlot(), slot);
  EXPECT_TRUE(TokenPresent(slot));
  ASSERT_EQ(module_->C_GetTokenInfo(slot, &token), CKR_OK);
  EXPECT_EQ(Text(token.serialNumber, sizeof token.serialNumber), std::to_string(kSerial));

  EXPECT_EQ(Sign(session, pair.private_key, &signature), CKR_SESSION_HANDLE_INVALID)
      << "PKCS#11 2.40 §5.1.2: the removal closed the old session";
  ASSERT_NO_FATAL_FAILURE(ExpectWorksAgain(slot, public_key.get()));
}

TEST_F(UsbModuleHil, AStallMidSignIsADeviceErrorAndTheNextSessionWorks) {
  const CK_SLOT_ID slot = OnlySlot();
  CK_SESSION_HANDLE session = UserSession(slot);
  KeyPair pair = GenerateP256(session);
  ossl::PkeyPtr public_key = PublicKey(session, pair.public_key);

  Bytes signature;
  const auto start = Clock::now();
  const CK_RV rv = Sign(session, pair.private_key, &signature, [&] { device_->Stall(); });
  const auto took = Clock::now() - start;
  EXPECT_TRUE(DeviceFailureRv(rv)) << "0x" << std::hex << rv;
  // A bound for a hang, not a speed check: a stall is known at once (a few
  // ms; RecordProperty keeps the figure), well before the 1 s timeout
  // would even matter on a loaded machine.
  EXPECT_LT(took, 10s) << "a stall must not hang the call";
  RecordProperty("stalled_sign_ms", std::to_string(Ms(took)));

  // The device behaves again (a stall lasts one transfer): the module
  // reconnects on the next call.
  EXPECT_TRUE(TokenPresent(slot));
  ASSERT_NO_FATAL_FAILURE(ExpectWorksAgain(slot, public_key.get()));
}

TEST_F(UsbModuleHil, AMuteDeviceFailsTheSignWithinTheTimeoutAndAReplugRecovers) {
  const CK_SLOT_ID slot = OnlySlot();
  CK_SESSION_HANDLE session = UserSession(slot);
  KeyPair pair = GenerateP256(session);
  ossl::PkeyPtr public_key = PublicKey(session, pair.public_key);

  Bytes signature;
  const auto start = Clock::now();
  const CK_RV rv = Sign(session, pair.private_key, &signature, [&] { device_->Mute(); });
  const auto took = Clock::now() - start;
  EXPECT_TRUE(DeviceFailureRv(rv)) << "0x" << std::hex << rv;
  EXPECT_GE(took, kUsbTimeout - 50ms);
  // A bound for a hang: the timeout and the 500 ms cancel grace, with room
  // for a loaded machine.
  EXPECT_LT(took, kUsbTimeout + 10s) << "a mute device must not hang the call";
  RecordProperty("mute_sign_ms", std::to_string(Ms(took)));

  // Mute for good: a power cycle (unplug, re-plug) brings it back.
  ASSERT_NO_FATAL_FAILURE(ExpectSlotEvent(slot, [&] { device_->Unplug(); }));
  EXPECT_FALSE(TokenPresent(slot));
  ASSERT_NO_FATAL_FAILURE(ExpectSlotEvent(slot, [&] { device_->Replug(); }));
  EXPECT_TRUE(TokenPresent(slot));
  ASSERT_NO_FATAL_FAILURE(ExpectWorksAgain(slot, public_key.get()));
}

TEST_F(UsbModuleHil, FinalizeEndsABlockedWaitForSlotEventWhileTheWatcherRuns) {
  const CK_SLOT_ID slot = OnlySlot();
  EXPECT_TRUE(TokenPresent(slot));
  BlockedWait waiting(module_.operator->());
  EXPECT_FALSE(waiting.Returned(300ms)) << "nothing happened, so the wait blocks";
  const int running = ThreadCount();

  const auto start = Clock::now();
  ASSERT_EQ(module_->C_Finalize(nullptr), CKR_OK);
  initialized_ = false;
  ASSERT_TRUE(waiting.Returned(2s)) << "C_Finalize did not wake the wait";
  RecordProperty("finalize_wake_ms", std::to_string(Ms(Clock::now() - start)));
  EXPECT_EQ(waiting.Get().first, CKR_CRYPTOKI_NOT_INITIALIZED);
  // The waiter held the last reference to the library: the hotplug watcher's
  // thread (and libusb's event thread) are joined by now.
  const int after = ThreadCount();
  RecordProperty("threads", std::to_string(running) + " -> " + std::to_string(after));
  EXPECT_LE(after, running - 2) << running << " threads before, " << after << " after";

  // And the module starts again in the same process.
  ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
  initialized_ = true;
  EXPECT_EQ(OnlySlot(), 0u);
  EXPECT_TRUE(TokenPresent(0));
}

}  // namespace
}  // namespace tessera::testing

// Our module over PC/SC when things go wrong (issue 4, "Bad input";
// docs/transports.md, "Failures"): pcscd dies under a signing loop, the card
// is pulled mid-session, the power is cut during a key generation, another
// application resets the card, and a card has no PIV application. Each
// call returns a definite CK_RV within a bound (a hang fails the test), and
// the slot works again once the card is back.
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <p11-kit/pkcs11.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <string>
#include <thread>

#include "common/ossl.hpp"
#include "tests/hil/pcsc/foreign_vpcd_card.hpp"
#include "tests/hil/pcsc/openssl_checks.hpp"
#include "tests/hil/pcsc/pcsc_fixture.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"

namespace tessera::testing {
namespace {

using namespace std::chrono_literals;

// A call that has not returned by then is hung: the transports bound every
// exchange by seconds, so this is generous even under ASan.
constexpr auto kHangBound = 30s;
constexpr auto kTokenBound = 30s;
// A mute card answers nothing; every layer should give up well before this.
constexpr auto kMuteBound = 10s;
constexpr CK_BYTE kKeyId = 0x01;  // PIV slot 9A

Bytes Digest() {
  Bytes digest(32);
  for (std::size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<std::uint8_t>(i * 7);
  return digest;
}

// A P-256 public key from its uncompressed point (SEC 1 §2.3.3), as a
// SubjectPublicKeyInfo with id-ecPublicKey and prime256v1 (RFC 5480 §2).
Result<ossl::PkeyPtr> P256Key(ByteView point) {
  Bytes spki = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
                0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
  Append(spki, point);
  return ossl::PublicKeyFromDer(spki);
}

std::string RvText(CK_RV rv) {
  char text[24];
  std::snprintf(text, sizeof(text), "0x%lX", rv);
  return text;
}

class PcscModuleFailureTest : public PcscTest {
 protected:
  void SetUp() override {
    PcscTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // A P-256 key in 9A from a tool written by others; OpenSSL checks the
    // module's signatures against the public key the tool printed.
    const std::filesystem::path pem = Path("pub-9a.pem");
    ToolResult gen = PivTool({"-a", "generate", "-s", "9a", "-A", "ECCP256", "-o", pem.string()});
    ASSERT_EQ(gen.exit_code, 0) << gen.Describe();
    auto read = ReadPublicKeyPem(pem);
    if (read.ok()) tool_key_ = std::move(read).value();
    ASSERT_NE(tool_key_, nullptr);

    ASSERT_EQ(::setenv("TESSERA_TRANSPORTS", "pcsc", 1), 0);
    ::unsetenv("TESSERA_CONF");
    ASSERT_TRUE(module_.ok());
    ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
    initialized_ = true;
    slot_ = SlotOf(reader());
  }
  void TearDown() override {
    if (initialized_) module_->C_Finalize(nullptr);
    ::setenv("TESSERA_TRANSPORTS", "sim", 1);
  }

  // What `pending` returns; a call still running after kHangBound is a hang,
  // and the test process stops there (the call cannot be abandoned safely
  // while it uses the module).
  template <typename T>
  T GetOrAbort(std::future<T>& pending, const std::string& what) {
    if (pending.wait_for(kHangBound) != std::future_status::ready) {
      ADD_FAILURE() << what << " did not return within " << kHangBound.count() << " s\n" << Logs();
      std::fflush(stdout);
      std::abort();
    }
    return pending.get();
  }
  template <typename Call>
  auto Bounded(const std::string& what, Call call) {
    auto pending = std::async(std::launch::async, std::move(call));
    return GetOrAbort(pending, what);
  }

  // The slot whose description is `name`, after a rescan.
  CK_SLOT_ID SlotOf(const std::string& name) {
    Result<CK_SLOT_ID> slot = SlotNamed(module_.operator->(), name);
    EXPECT_TRUE(slot.ok()) << slot.status().message();
    return slot.ok() ? *slot : 0;
  }

  // After a rescan (C_GetSlotList with a NULL list), whether `slot` shows a token.
  bool TokenPresent(CK_SLOT_ID slot) {
    CK_ULONG count = 0;
    EXPECT_EQ(module_->C_GetSlotList(CK_FALSE, nullptr, &count), CKR_OK);
    CK_SLOT_INFO info{};
    EXPECT_EQ(module_->C_GetSlotInfo(slot, &info), CKR_OK);
    return (info.flags & CKF_TOKEN_PRESENT) != 0;
  }

  // A read-write session on the slot, logged in as the user: the first
  // failing CK_RV, or CKR_OK with `*session` set.
  CK_RV OpenLoggedIn(CK_SESSION_HANDLE* session) {
    CK_RV rv = module_->C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                                      session);
    if (rv != CKR_OK) return rv;
    std::string pin = "123456";
    return module_->C_Login(*session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()),
                            pin.size());
  }

  // The key object of class `cls` with CKA_ID 01.
  CK_RV FindKey(CK_SESSION_HANDLE session, CK_OBJECT_CLASS cls, CK_OBJECT_HANDLE* key) {
    CK_BYTE id = kKeyId;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof(cls)}, {CKA_ID, &id, 1}};
    CK_RV rv = module_->C_FindObjectsInit(session, tmpl, 2);
    if (rv != CKR_OK) return rv;
    CK_ULONG found = 0;
    rv = module_->C_FindObjects(session, key, 1, &found);
    CK_RV final_rv = module_->C_FindObjectsFinal(session);
    if (rv != CKR_OK) return rv;
    if (found != 1) return CKR_KEY_HANDLE_INVALID;
    return final_rv;
  }

  // CKM_ECDSA over Digest() with `key`.
  CK_RV Sign(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, Bytes* signature) {
    CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
    CK_RV rv = module_->C_SignInit(session, &mechanism, key);
    if (rv != CKR_OK) return rv;
    Bytes digest = Digest();
    signature->assign(64, 0);
    CK_ULONG length = signature->size();
    rv = module_->C_Sign(session, digest.data(), digest.size(), signature->data(), &length);
    signature->resize(length);
    return rv;
  }

  // The whole path works: a new session logs in, finds the key and signs,
  // and OpenSSL accepts the signature under `public_key`.
  void ExpectSignsWith(EVP_PKEY* public_key) {
    CK_SESSION_HANDLE session = 0;
    ASSERT_EQ(Bounded("login", [&] { return OpenLoggedIn(&session); }), CKR_OK) << Logs();
    CK_OBJECT_HANDLE key = 0;
    ASSERT_EQ(FindKey(session, CKO_PRIVATE_KEY, &key), CKR_OK);
    Bytes signature;
    ASSERT_EQ(Bounded("C_Sign", [&] { return Sign(session, key, &signature); }), CKR_OK);
    EXPECT_TRUE(VerifyRawEcdsa(public_key, Digest(), signature));
    EXPECT_EQ(module_->C_CloseSession(session), CKR_OK);
  }

  // Waits until pcscd sees the card again and the module's slot shows it.
  void ExpectTokenBack() {
    ASSERT_TRUE(WaitForCard(true).ok()) << Logs();
    EXPECT_TRUE(TokenPresent(slot_)) << "pcscd sees the card, the module's slot does not";
  }

  LoadedModule module_;
  bool initialized_ = false;
  CK_SLOT_ID slot_ = 0;
  ossl::PkeyPtr tool_key_;
};

TEST_F(PcscModuleFailureTest, PcscdKilledUnderASigningLoopFailsAndRecoversAfterRestart) {
  CK_SESSION_HANDLE session = 0;
  ASSERT_EQ(OpenLoggedIn(&session), CKR_OK) << Logs();
  CK_OBJECT_HANDLE key = 0;
  ASSERT_EQ(FindKey(session, CKO_PRIVATE_KEY, &key), CKR_OK);

  // Sign until a signature fails; the failure is what the module says when
  // pcscd goes away under it.
  std::atomic<int> signed_count{0};
  auto loop = std::async(std::launch::async, [&] {
    Bytes signature;
    for (;;) {
      CK_RV rv = Sign(session, key, &signature);
      if (rv != CKR_OK) return rv;
      signed_count.fetch_add(1);
    }
  });
  for (int i = 0; i < 300 && signed_count.load() < 3; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_GE(signed_count.load(), 3) << Logs();
  pcscd_->Stop();
  ASSERT_EQ(loop.wait_for(kHangBound), std::future_status::ready) << "the signing loop hung";
  const CK_RV failed = loop.get();
  std::printf("pcscd killed: %s\n", RvText(failed).c_str());
  EXPECT_TRUE(failed == CKR_DEVICE_REMOVED || failed == CKR_DEVICE_ERROR ||
              failed == CKR_TOKEN_NOT_PRESENT)
      << RvText(failed);

  // While pcscd is gone: the slot stays, empty, and nothing hangs.
  EXPECT_FALSE(Bounded("rescan without pcscd", [&] { return TokenPresent(slot_); }));
  CK_SESSION_HANDLE other = 0;
  EXPECT_EQ(Bounded("C_OpenSession without pcscd",
                    [&] {
                      return module_->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr,
                                                    &other);
                    }),
            CKR_TOKEN_NOT_PRESENT);

  ASSERT_TRUE(pcscd_->Restart().ok()) << Logs();
  ExpectTokenBack();
  // §5.1.2: the token went away, so did its sessions.
  CK_SESSION_INFO info{};
  EXPECT_EQ(module_->C_GetSessionInfo(session, &info), CKR_SESSION_HANDLE_INVALID);
  ExpectSignsWith(tool_key_.get());
}

TEST_F(PcscModuleFailureTest, CardRemovedMidSessionClosesItsSessionsUntilInserted) {
  CK_SESSION_HANDLE session = 0;
  ASSERT_EQ(OpenLoggedIn(&session), CKR_OK) << Logs();
  CK_OBJECT_HANDLE key = 0;
  ASSERT_EQ(FindKey(session, CKO_PRIVATE_KEY, &key), CKR_OK);
  Bytes signature;
  ASSERT_EQ(Sign(session, key, &signature), CKR_OK);

  ProcessResult removed = Ctl({"remove", std::to_string(serial())});
  ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  ASSERT_TRUE(WaitForCard(false).ok()) << Logs();
  const CK_RV during =
      Bounded("C_Sign after removal", [&] { return Sign(session, key, &signature); });
  EXPECT_EQ(during, CKR_DEVICE_REMOVED) << RvText(during);
  CK_SESSION_INFO info{};
  EXPECT_EQ(module_->C_GetSessionInfo(session, &info), CKR_SESSION_HANDLE_INVALID);
  EXPECT_FALSE(TokenPresent(slot_));
  CK_SESSION_HANDLE other = 0;
  EXPECT_EQ(module_->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &other),
            CKR_TOKEN_NOT_PRESENT);
  CK_TOKEN_INFO token{};
  EXPECT_EQ(module_->C_GetTokenInfo(slot_, &token), CKR_TOKEN_NOT_PRESENT);

  ProcessResult inserted = Ctl({"insert", std::to_string(serial())});
  ASSERT_EQ(inserted.exit_code, 0) << inserted.out << inserted.err;
  ExpectTokenBack();
  EXPECT_EQ(module_->C_GetSessionInfo(session, &info), CKR_SESSION_HANDLE_INVALID);
  ExpectSignsWith(tool_key_.get());
}

TEST_F(PcscModuleFailureTest, PowerCutDuringKeyGenerationFailsAndLeavesAWholeKey) {
  CK_SESSION_HANDLE session = 0;
  ASSERT_EQ(OpenLoggedIn(&session), CKR_OK) << Logs();
  // The first write of the generation tears, and the power goes with it.
  ProcessResult armed = Ctl({"tear", std::to_string(serial()), "--after-writes", "0"});
  ASSERT_EQ(armed.exit_code, 0) << armed.out << armed.err;

  CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  // DER OID 1.2.840.10045.3.1.7, P-256.
  CK_BYTE p256[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
  CK_BYTE id = kKeyId;
  CK_BBOOL yes = CK_TRUE;
  CK_ATTRIBUTE pub[] = {
      {CKA_EC_PARAMS, p256, sizeof(p256)}, {CKA_ID, &id, 1}, {CKA_TOKEN, &yes, sizeof(yes)}};
  CK_ATTRIBUTE priv[] = {
      {CKA_ID, &id, 1}, {CKA_SIGN, &yes, sizeof(yes)}, {CKA_TOKEN, &yes, sizeof(yes)}};
  CK_OBJECT_HANDLE pub_key = 0;
  CK_OBJECT_HANDLE priv_key = 0;
  auto generate = std::async(std::launch::async, [&] {
    return module_->C_GenerateKeyPair(session, &mechanism, pub, 3, priv, 3, &pub_key, &priv_key);
  });
  // A mute card costs one failed call. Over vpcd the simulator shows a
  // mute card as pulled out (vpcd cannot carry "no answer"), for a second,
  // then puts it back powered (docs/pcsc.md).
  ASSERT_EQ(generate.wait_for(kMuteBound), std::future_status::ready)
      << "C_GenerateKeyPair hung on a mute card\n"
      << Logs();
  const CK_RV torn = generate.get();
  EXPECT_TRUE(torn == CKR_DEVICE_ERROR || torn == CKR_DEVICE_REMOVED) << RvText(torn);
  ASSERT_TRUE(WaitForCard(false).ok()) << "pcscd never saw the mute card leave\n" << Logs();
  ASSERT_TRUE(WaitForCard(true).ok()) << "the card did not come back\n" << Logs();
  ExpectTokenBack();
  CK_SESSION_INFO info{};
  EXPECT_EQ(module_->C_GetSessionInfo(session, &info), CKR_SESSION_HANDLE_INVALID);

  // Old key or new key, never a mix: whatever the token now shows as the
  // public key of 01 must verify a signature of its private key.
  CK_SESSION_HANDLE fresh = 0;
  ASSERT_EQ(Bounded("login after the power cut", [&] { return OpenLoggedIn(&fresh); }), CKR_OK)
      << Logs();
  CK_OBJECT_HANDLE public_key = 0;
  ASSERT_EQ(FindKey(fresh, CKO_PUBLIC_KEY, &public_key), CKR_OK);
  Bytes point(100);
  CK_ATTRIBUTE ec_point{CKA_EC_POINT, point.data(), point.size()};
  ASSERT_EQ(module_->C_GetAttributeValue(fresh, public_key, &ec_point, 1), CKR_OK);
  point.resize(ec_point.ulValueLen);
  // CKA_EC_POINT is an OCTET STRING holding the uncompressed point.
  ASSERT_EQ(point.size(), 67u);
  Result<ossl::PkeyPtr> token_key = P256Key(ByteView(point).subspan(2));
  ASSERT_TRUE(token_key.ok()) << token_key.status().message();
  const bool old_key = EVP_PKEY_eq(token_key->get(), tool_key_.get()) == 1;
  std::printf("after the power cut the token holds the %s key\n", old_key ? "old" : "new");
  ASSERT_EQ(module_->C_CloseSession(fresh), CKR_OK);
  ExpectSignsWith(token_key->get());
}

TEST_F(PcscModuleFailureTest, ResetByAnotherApplicationFailsOneCallThenWorksAfterLogin) {
  CK_SESSION_HANDLE session = 0;
  ASSERT_EQ(OpenLoggedIn(&session), CKR_OK) << Logs();
  CK_OBJECT_HANDLE key = 0;
  ASSERT_EQ(FindKey(session, CKO_PRIVATE_KEY, &key), CKR_OK);
  Bytes signature;
  ASSERT_EQ(Sign(session, key, &signature), CKR_OK);
  // A private session object (secret keys are private by default): it
  // belongs to the login, so the reset that ends the login ends it too.
  CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
  CK_KEY_TYPE generic = CKK_GENERIC_SECRET;
  Bytes value(32, 0x42);
  CK_ATTRIBUTE secret_template[] = {{CKA_CLASS, &secret_class, sizeof secret_class},
                                    {CKA_KEY_TYPE, &generic, sizeof generic},
                                    {CKA_VALUE, value.data(), value.size()}};
  CK_OBJECT_HANDLE secret = 0;
  ASSERT_EQ(module_->C_CreateObject(session, secret_template, 3, &secret), CKR_OK);

  {
    auto other = PcscCard::Connect(reader());
    ASSERT_TRUE(other.ok()) << other.status().message();
    ASSERT_TRUE((*other)->Reconnect(SCARD_RESET_CARD).ok()) << Logs();
  }
  const CK_RV after_reset =
      Bounded("C_Sign after a reset", [&] { return Sign(session, key, &signature); });
  // docs/transports.md: the call that meets the reset fails, as the card
  // forgot its selection and PIN.
  EXPECT_EQ(after_reset, CKR_DEVICE_ERROR) << RvText(after_reset);
  // The card never left, so the session stays (§5.1.2 closes sessions on
  // removal only), but the card forgot the PIN: the session is public now,
  // and the private key is out of its sight (§4.1.3) until a login brings
  // it back under the same handle.
  CK_SESSION_INFO info{};
  ASSERT_EQ(module_->C_GetSessionInfo(session, &info), CKR_OK);
  EXPECT_EQ(info.state, static_cast<CK_STATE>(CKS_RW_PUBLIC_SESSION));
  EXPECT_TRUE(TokenPresent(slot_));
  const CK_RV logged_out =
      Bounded("C_Sign after the reset, logged out", [&] { return Sign(session, key, &signature); });
  EXPECT_EQ(logged_out, CKR_KEY_HANDLE_INVALID) << RvText(logged_out);
  std::string pin = "123456";
  ASSERT_EQ(
      module_->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size()),
      CKR_OK);
  ASSERT_EQ(Sign(session, key, &signature), CKR_OK);
  CK_ULONG value_len = 0;
  CK_ATTRIBUTE read_len{CKA_VALUE_LEN, &value_len, sizeof value_len};
  EXPECT_EQ(module_->C_GetAttributeValue(session, secret, &read_len, 1), CKR_OBJECT_HANDLE_INVALID)
      << "the private session object outlived the login it belonged to";
  ASSERT_EQ(module_->C_CloseSession(session), CKR_OK);
  ExpectSignsWith(tool_key_.get());
}

TEST_F(PcscModuleFailureTest, CardWithoutPivShowsAnEmptySlot) {
  ASSERT_TRUE(WaitForCard(true).ok());
  auto card = ForeignVpcdCard::Connect(static_cast<std::uint16_t>(pcscd_->port() + 1));
  ASSERT_TRUE(card.ok()) << card.status().message();
  const std::string foreign_reader = PrivatePcscd::ReaderName(1);
  ASSERT_TRUE(::tessera::testing::WaitForCard(foreign_reader, true, kTokenBound).ok()) << Logs();

  const CK_SLOT_ID foreign = SlotOf(foreign_reader);
  ASSERT_NE(foreign, slot_);
  EXPECT_FALSE(TokenPresent(foreign));
  CK_SESSION_HANDLE session = 0;
  EXPECT_EQ(module_->C_OpenSession(foreign, CKF_SERIAL_SESSION, nullptr, nullptr, &session),
            CKR_TOKEN_NOT_PRESENT);
  CK_TOKEN_INFO token{};
  EXPECT_EQ(module_->C_GetTokenInfo(foreign, &token), CKR_TOKEN_NOT_PRESENT);
  CK_ULONG count = 0;
  ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
  std::vector<CK_SLOT_ID> with_token(count);
  ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, with_token.data(), &count), CKR_OK);
  EXPECT_EQ(with_token, std::vector<CK_SLOT_ID>{slot_});
  // docs/transports.md: one SELECT per insertion, not one per question.
  EXPECT_EQ((*card)->apdus(), 1);

  // The PIV token in the other reader is unaffected.
  ExpectSignsWith(tool_key_.get());
}

}  // namespace
}  // namespace tessera::testing

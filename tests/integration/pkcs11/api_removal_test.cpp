// Token removal and re-insertion through the C API, with tessera-sim's
// control channel (`ctl remove` / `ctl insert`, docs/tessera-sim.md). PKCS#11
// 2.40 §5.1: a call that finds its token gone says CKR_DEVICE_REMOVED or
// CKR_TOKEN_NOT_PRESENT; after an insertion the slot works again.
#include "tests/integration/pkcs11/api_fixture.hpp"
#include "tests/integration/pkcs11/api_openssl.hpp"

namespace tessera::testing {
namespace {

bool RemovedRv(CK_RV rv) {
  return rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT ||
         rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED;
}

class ApiRemovalTest : public ApiTest {
 protected:
  void Ctl(const std::string& verb) {
    ProcessResult r = sim_->Ctl({verb, std::to_string(serial_)});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  CK_RV SignWith(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key) {
    CK_MECHANISM m{CKM_ECDSA_SHA256, nullptr, 0};
    CK_RV rv = module_->C_SignInit(s, &m, key);
    if (rv != CKR_OK) return rv;
    Bytes data = HexOrDie("00ff");
    Bytes sig(64);
    CK_ULONG len = sig.size();
    return module_->C_Sign(s, data.data(), data.size(), sig.data(), &len);
  }
  std::uint32_t serial_ = 0;
};

TEST_F(ApiRemovalTest, ARemovedTokenFailsItsSessionsAndAnInsertedOneWorksAgain) {
  serial_ = OnlySerial();
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateEc(s, P256Params(), 0x01));
  ASSERT_EQ(SignWith(s, key.private_key), CKR_OK);

  ASSERT_NO_FATAL_FAILURE(Ctl("remove"));
  // The first call that reaches the card learns of the removal.
  CK_MECHANISM m{CKM_ECDSA_SHA256, nullptr, 0};
  const CK_RV init = module_->C_SignInit(s, &m, key.private_key);
  EXPECT_TRUE(init == CKR_OK || RemovedRv(init)) << init;
  RecordProperty("sign_init_after_remove", static_cast<int>(init));
  if (init == CKR_OK) {
    Bytes data = HexOrDie("00ff");
    Bytes sig(64);
    CK_ULONG len = sig.size();
    const CK_RV sign = module_->C_Sign(s, data.data(), data.size(), sig.data(), &len);
    EXPECT_TRUE(sign == CKR_DEVICE_REMOVED || sign == CKR_TOKEN_NOT_PRESENT) << sign;
    RecordProperty("sign_after_remove", static_cast<int>(sign));
  }
  const CK_RV find = module_->C_FindObjectsInit(s, nullptr, 0);
  EXPECT_TRUE(RemovedRv(find)) << find;
  RecordProperty("find_after_remove", static_cast<int>(find));
  CK_SLOT_INFO slot_info{};
  ASSERT_EQ(module_->C_GetSlotInfo(slot_, &slot_info), CKR_OK);
  EXPECT_EQ(slot_info.flags & CKF_TOKEN_PRESENT, 0u);
  CK_TOKEN_INFO token_info{};
  EXPECT_EQ(module_->C_GetTokenInfo(slot_, &token_info), CKR_TOKEN_NOT_PRESENT);
  CK_SESSION_HANDLE other = CK_INVALID_HANDLE;
  EXPECT_EQ(module_->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &other),
            CKR_TOKEN_NOT_PRESENT);
  CK_ULONG count = 0;
  ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
  EXPECT_EQ(count, 0u);
  const CK_RV login = Login(s, CKU_USER, kUserPin);
  EXPECT_TRUE(RemovedRv(login) || login == CKR_USER_ALREADY_LOGGED_IN) << login;
  RecordProperty("login_after_remove", static_cast<int>(login));

  ASSERT_NO_FATAL_FAILURE(Ctl("insert"));
  ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
  ASSERT_EQ(count, 1u);
  CK_SLOT_ID again = 0;
  ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, &again, &count), CKR_OK);
  EXPECT_EQ(again, slot_) << "a slot keeps its ID across removals";
  ASSERT_EQ(module_->C_GetSlotInfo(slot_, &slot_info), CKR_OK);
  EXPECT_NE(slot_info.flags & CKF_TOKEN_PRESENT, 0u);

  // A new session logs in, finds the key that stayed on the card, and signs.
  CK_SESSION_HANDLE fresh = Open();
  const CK_RV relogin = Login(fresh, CKU_USER, kUserPin);
  EXPECT_TRUE(relogin == CKR_OK || relogin == CKR_USER_ALREADY_LOGGED_IN) << relogin;
  RecordProperty("login_after_insert", static_cast<int>(relogin));
  AttrList by_id;
  by_id.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, Bytes{0x01});
  std::vector<CK_OBJECT_HANDLE> found = Find(fresh, std::move(by_id));
  ASSERT_EQ(found.size(), 1u);
  RecordProperty("same_handle_after_insert", found[0] == key.private_key);
  EXPECT_EQ(SignWith(fresh, found[0]), CKR_OK);
  ASSERT_EQ(module_->C_GetTokenInfo(slot_, &token_info), CKR_OK);
  CK_SESSION_INFO info{};
  const CK_RV old = module_->C_GetSessionInfo(s, &info);
  RecordProperty("old_session_after_insert", static_cast<int>(old));
  // The handle a removal invalidated never names the new object.
  CK_ATTRIBUTE label{CKA_LABEL, nullptr, 0};
  if (found[0] != key.private_key) {
    EXPECT_EQ(module_->C_GetAttributeValue(fresh, key.private_key, &label, 1),
              CKR_OBJECT_HANDLE_INVALID);
  }
}

TEST_F(ApiRemovalTest, ARemovalBetweenCallsIsSeenByTheNextCall) {
  serial_ = OnlySerial();
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateEc(s, P256Params(), 0x01));
  ASSERT_NO_FATAL_FAILURE(Ctl("remove"));
  const CK_RV rv = SignWith(s, key.private_key);
  EXPECT_TRUE(rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT) << rv;
  RecordProperty("sign_after_remove", static_cast<int>(rv));
  ASSERT_NO_FATAL_FAILURE(Ctl("insert"));
  // The old session's login went with the token: the card forgot the PIN.
  const CK_RV after = SignWith(s, key.private_key);
  RecordProperty("old_session_sign_after_insert", static_cast<int>(after));
  EXPECT_NE(after, CKR_OK) << "the card was powered off: no PIN, no signature";
}

// PKCS#11 2.40 §5.1.2: "removing a token closes all sessions with it", so a
// session from before the removal is CKR_SESSION_HANDLE_INVALID afterwards.
TEST_F(ApiRemovalTest, ARemovalClosesEverySessionOfTheToken) {
  serial_ = OnlySerial();
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateEc(s, P256Params(), 0x01));
  ASSERT_NO_FATAL_FAILURE(Ctl("remove"));
  EXPECT_EQ(SignWith(s, key.private_key), CKR_DEVICE_REMOVED);
  ASSERT_NO_FATAL_FAILURE(Ctl("insert"));
  CK_SESSION_INFO info{};
  EXPECT_EQ(module_->C_GetSessionInfo(s, &info), CKR_SESSION_HANDLE_INVALID);
  EXPECT_EQ(module_->C_CloseSession(s), CKR_SESSION_HANDLE_INVALID);
}

}  // namespace
}  // namespace tessera::testing

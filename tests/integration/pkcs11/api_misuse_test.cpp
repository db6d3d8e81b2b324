// API misuse, table-driven (PKCS#11 2.40 §5.1 return values, §5.2 argument
// rules, §5.4 call order): every entry point of CK_FUNCTION_LIST called
// before C_Initialize, with bad session, slot and object handles, with NULL
// pointers, with wrong lengths and out of order returns the spec's CK_RV and
// never crashes (the dev preset runs this under ASan and UBSan).
#include <cstddef>
#include <functional>

#include "tests/integration/pkcs11/api_entry_points.hpp"
#include "tests/integration/pkcs11/api_fixture.hpp"

namespace tessera::testing {
namespace {

constexpr CK_SESSION_HANDLE kBadSession = 0xBAD5E55;
constexpr CK_SLOT_ID kBadSlot = 0xBAD5107;
constexpr CK_OBJECT_HANDLE kBadObject = 0xBAD0B1EC7;

class ApiMisuseTest : public ApiTest {
 protected:
  CK_FUNCTION_LIST* f() { return module_.operator->(); }
  // A read-write user session, and an EC key pair in it.
  void SetUpKey() {
    session_ = UserSession();
    ASSERT_NO_FATAL_FAILURE(key_ = GenerateEc(session_, P256Params(), 0x01));
  }
  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  KeyPair key_;
};

TEST_F(ApiMisuseTest, TheTableCoversEveryFunctionOfTheList) {
  const std::size_t functions =
      (sizeof(CK_FUNCTION_LIST) - offsetof(CK_FUNCTION_LIST, C_Initialize)) / sizeof(void*);
  EXPECT_EQ(AllEntryPoints().size(), functions);
}

TEST_F(ApiMisuseTest, BeforeInitializeEveryFunctionButGetFunctionListIsRefused) {
  ASSERT_EQ(f()->C_Finalize(nullptr), CKR_OK);
  EntryArgs a;
  a.slot = slot_;
  a.session = 1;
  a.object = 1;
  for (const EntryPoint& e : AllEntryPoints()) {
    if (std::string(e.name) == "C_Initialize") continue;
    SCOPED_TRACE(e.name);
    const CK_RV want =
        std::string(e.name) == "C_GetFunctionList" ? CKR_OK : CKR_CRYPTOKI_NOT_INITIALIZED;
    EXPECT_EQ(e.call(f(), a), want);
  }
  EXPECT_EQ(f()->C_Initialize(nullptr), CKR_OK);
}

TEST_F(ApiMisuseTest, BadSessionAndSlotHandlesAreNamedAsSuch) {
  EntryArgs a;
  a.slot = kBadSlot;
  a.session = kBadSession;
  a.object = kBadObject;
  for (const EntryPoint& e : AllEntryPoints()) {
    SCOPED_TRACE(e.name);
    switch (e.kind) {
      case EntryKind::kGeneral: continue;
      case EntryKind::kSlot: EXPECT_EQ(e.call(f(), a), CKR_SLOT_ID_INVALID); break;
      case EntryKind::kSession: EXPECT_EQ(e.call(f(), a), CKR_SESSION_HANDLE_INVALID); break;
      case EntryKind::kUnsupported: EXPECT_EQ(e.call(f(), a), CKR_FUNCTION_NOT_SUPPORTED); break;
      case EntryKind::kParallel: EXPECT_EQ(e.call(f(), a), CKR_FUNCTION_NOT_PARALLEL); break;
    }
  }
  // A closed session's handle is invalid too.
  CK_SESSION_HANDLE closed = Open();
  ASSERT_EQ(f()->C_CloseSession(closed), CKR_OK);
  a.session = closed;
  for (const EntryPoint& e : AllEntryPoints()) {
    if (e.kind != EntryKind::kSession) continue;
    SCOPED_TRACE(e.name);
    EXPECT_EQ(e.call(f(), a), CKR_SESSION_HANDLE_INVALID);
  }
}

TEST_F(ApiMisuseTest, BadObjectHandlesAreNamedAsSuch) {
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  for (CK_OBJECT_HANDLE bad : {CK_OBJECT_HANDLE{0}, kBadObject}) {
    SCOPED_TRACE(bad);
    CK_ATTRIBUTE attr{CKA_LABEL, nullptr, 0};
    CK_ULONG size = 0;
    CK_OBJECT_HANDLE out = 0;
    EXPECT_EQ(f()->C_GetAttributeValue(session_, bad, &attr, 1), CKR_OBJECT_HANDLE_INVALID);
    AttrList label;
    label.Text(CKA_LABEL, "x");
    EXPECT_EQ(f()->C_SetAttributeValue(session_, bad, label.data(), label.size()),
              CKR_OBJECT_HANDLE_INVALID);
    EXPECT_EQ(f()->C_DestroyObject(session_, bad), CKR_OBJECT_HANDLE_INVALID);
    EXPECT_EQ(f()->C_GetObjectSize(session_, bad, &size), CKR_OBJECT_HANDLE_INVALID);
    EXPECT_EQ(f()->C_CopyObject(session_, bad, nullptr, 0, &out), CKR_OBJECT_HANDLE_INVALID);
    CK_MECHANISM ecdsa{CKM_ECDSA, nullptr, 0};
    EXPECT_EQ(f()->C_SignInit(session_, &ecdsa, bad), CKR_KEY_HANDLE_INVALID);
    EXPECT_EQ(f()->C_VerifyInit(session_, &ecdsa, bad), CKR_KEY_HANDLE_INVALID);
    CK_MECHANISM pkcs{CKM_RSA_PKCS, nullptr, 0};
    EXPECT_EQ(f()->C_EncryptInit(session_, &pkcs, bad), CKR_KEY_HANDLE_INVALID);
    EXPECT_EQ(f()->C_DecryptInit(session_, &pkcs, bad), CKR_KEY_HANDLE_INVALID);
    Bytes point(65, 0x04);
    CK_ECDH1_DERIVE_PARAMS params{CKD_NULL, 0, nullptr, point.size(), point.data()};
    CK_MECHANISM ecdh{CKM_ECDH1_DERIVE, &params, sizeof params};
    EXPECT_EQ(f()->C_DeriveKey(session_, &ecdh, bad, nullptr, 0, &out), CKR_KEY_HANDLE_INVALID);
  }
  // A handle of the wrong kind of object for the operation.
  CK_MECHANISM ecdsa{CKM_ECDSA, nullptr, 0};
  const CK_RV sign_with_public = f()->C_SignInit(session_, &ecdsa, key_.public_key);
  EXPECT_TRUE(sign_with_public == CKR_KEY_TYPE_INCONSISTENT ||
              sign_with_public == CKR_KEY_FUNCTION_NOT_PERMITTED)
      << sign_with_public;
  const CK_RV verify_with_private = f()->C_VerifyInit(session_, &ecdsa, key_.private_key);
  EXPECT_TRUE(verify_with_private == CKR_KEY_TYPE_INCONSISTENT ||
              verify_with_private == CKR_KEY_FUNCTION_NOT_PERMITTED)
      << verify_with_private;
  CK_OBJECT_HANDLE copy = 0;
  EXPECT_EQ(f()->C_CopyObject(session_, key_.public_key, nullptr, 0, &copy), CKR_ACTION_PROHIBITED);
  CK_ULONG size = 0;
  EXPECT_EQ(f()->C_GetObjectSize(session_, key_.public_key, &size), CKR_OK);
}

TEST_F(ApiMisuseTest, NullPointersAreArgumentsBad) {
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE s = session_;
  const CK_OBJECT_HANDLE pub = key_.public_key;
  const CK_OBJECT_HANDLE priv = key_.private_key;
  CK_MECHANISM sha{CKM_SHA256, nullptr, 0};
  CK_MECHANISM ecdsa{CKM_ECDSA_SHA256, nullptr, 0};
  CK_MECHANISM gen{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  Bytes buf(256);
  CK_ULONG len = 0;
  CK_OBJECT_HANDLE h = 0;
  CK_ATTRIBUTE attr{CKA_LABEL, nullptr, 0};
  std::string pin = "123456";
  auto* p = reinterpret_cast<CK_UTF8CHAR*>(pin.data());
  CK_FUNCTION_LIST* m = f();
  const std::vector<std::pair<const char*, std::function<CK_RV()>>> calls = {
      {"C_Finalize(reserved)", [&] { return m->C_Finalize(buf.data()); }},
      {"C_Initialize(pReserved)",
       [&] {
         CK_C_INITIALIZE_ARGS args{};
         args.pReserved = buf.data();
         return m->C_Initialize(&args);
       }},
      {"C_GetInfo", [&] { return m->C_GetInfo(nullptr); }},
      {"C_GetFunctionList", [&] { return m->C_GetFunctionList(nullptr); }},
      {"C_GetSlotList", [&] { return m->C_GetSlotList(CK_TRUE, nullptr, nullptr); }},
      {"C_GetSlotInfo", [&] { return m->C_GetSlotInfo(slot_, nullptr); }},
      {"C_GetTokenInfo", [&] { return m->C_GetTokenInfo(slot_, nullptr); }},
      {"C_GetMechanismList", [&] { return m->C_GetMechanismList(slot_, nullptr, nullptr); }},
      {"C_GetMechanismInfo", [&] { return m->C_GetMechanismInfo(slot_, CKM_SHA256, nullptr); }},
      {"C_InitPIN", [&] { return m->C_InitPIN(s, nullptr, 6); }},
      {"C_SetPIN", [&] { return m->C_SetPIN(s, nullptr, 6, p, 6); }},
      {"C_SetPIN(new)", [&] { return m->C_SetPIN(s, p, 6, nullptr, 6); }},
      {"C_OpenSession",
       [&] { return m->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, nullptr); }},
      {"C_GetSessionInfo", [&] { return m->C_GetSessionInfo(s, nullptr); }},
      {"C_Login", [&] { return m->C_Login(s, CKU_SO, nullptr, 6); }},
      {"C_CreateObject(handle)", [&] { return m->C_CreateObject(s, &attr, 1, nullptr); }},
      {"C_CreateObject(template)", [&] { return m->C_CreateObject(s, nullptr, 3, &h); }},
      {"C_CopyObject", [&] { return m->C_CopyObject(s, pub, nullptr, 0, nullptr); }},
      {"C_GetObjectSize", [&] { return m->C_GetObjectSize(s, pub, nullptr); }},
      {"C_GetAttributeValue", [&] { return m->C_GetAttributeValue(s, pub, nullptr, 2); }},
      {"C_SetAttributeValue", [&] { return m->C_SetAttributeValue(s, pub, nullptr, 2); }},
      {"C_FindObjectsInit", [&] { return m->C_FindObjectsInit(s, nullptr, 2); }},
      {"C_FindObjects(count)",
       [&] {
         EXPECT_EQ(m->C_FindObjectsInit(s, nullptr, 0), CKR_OK);
         CK_RV rv = m->C_FindObjects(s, &h, 1, nullptr);
         EXPECT_EQ(m->C_FindObjectsFinal(s), CKR_OK);
         return rv;
       }},
      {"C_FindObjects(array)",
       [&] {
         EXPECT_EQ(m->C_FindObjectsInit(s, nullptr, 0), CKR_OK);
         CK_RV rv = m->C_FindObjects(s, nullptr, 4, &len);
         EXPECT_EQ(m->C_FindObjectsFinal(s), CKR_OK);
         return rv;
       }},
      {"C_EncryptInit", [&] { return m->C_EncryptInit(s, nullptr, pub); }},
      {"C_DecryptInit", [&] { return m->C_DecryptInit(s, nullptr, priv); }},
      {"C_DigestInit", [&] { return m->C_DigestInit(s, nullptr); }},
      {"C_SignInit", [&] { return m->C_SignInit(s, nullptr, priv); }},
      {"C_VerifyInit", [&] { return m->C_VerifyInit(s, nullptr, pub); }},
      {"C_Digest(length)",
       [&] {
         EXPECT_EQ(m->C_DigestInit(s, &sha), CKR_OK);
         return m->C_Digest(s, buf.data(), 4, buf.data(), nullptr);
       }},
      {"C_Digest(data)",
       [&] {
         EXPECT_EQ(m->C_DigestInit(s, &sha), CKR_OK);
         len = buf.size();
         return m->C_Digest(s, nullptr, 4, buf.data(), &len);
       }},
      {"C_DigestUpdate",
       [&] {
         EXPECT_EQ(m->C_DigestInit(s, &sha), CKR_OK);
         return m->C_DigestUpdate(s, nullptr, 4);
       }},
      {"C_DigestFinal",
       [&] {
         EXPECT_EQ(m->C_DigestInit(s, &sha), CKR_OK);
         return m->C_DigestFinal(s, buf.data(), nullptr);
       }},
      {"C_Sign(length)",
       [&] {
         EXPECT_EQ(m->C_SignInit(s, &ecdsa, priv), CKR_OK);
         return m->C_Sign(s, buf.data(), 4, buf.data(), nullptr);
       }},
      {"C_SignUpdate",
       [&] {
         EXPECT_EQ(m->C_SignInit(s, &ecdsa, priv), CKR_OK);
         return m->C_SignUpdate(s, nullptr, 4);
       }},
      {"C_SignFinal",
       [&] {
         EXPECT_EQ(m->C_SignInit(s, &ecdsa, priv), CKR_OK);
         return m->C_SignFinal(s, buf.data(), nullptr);
       }},
      {"C_Verify(signature)",
       [&] {
         EXPECT_EQ(m->C_VerifyInit(s, &ecdsa, pub), CKR_OK);
         return m->C_Verify(s, buf.data(), 4, nullptr, 64);
       }},
      {"C_VerifyFinal",
       [&] {
         EXPECT_EQ(m->C_VerifyInit(s, &ecdsa, pub), CKR_OK);
         return m->C_VerifyFinal(s, nullptr, 64);
       }},
      {"C_EncryptUpdate(length)",
       [&] { return m->C_EncryptUpdate(s, buf.data(), 4, buf.data(), nullptr); }},
      {"C_GenerateKeyPair(mechanism)",
       [&] { return m->C_GenerateKeyPair(s, nullptr, nullptr, 0, nullptr, 0, &h, &h); }},
      {"C_GenerateKeyPair(handles)",
       [&] { return m->C_GenerateKeyPair(s, &gen, nullptr, 0, nullptr, 0, nullptr, nullptr); }},
      {"C_GenerateKey", [&] { return m->C_GenerateKey(s, nullptr, nullptr, 0, &h); }},
      {"C_DeriveKey(mechanism)", [&] { return m->C_DeriveKey(s, nullptr, priv, nullptr, 0, &h); }},
      {"C_GenerateRandom", [&] { return m->C_GenerateRandom(s, nullptr, 16); }},
      {"C_SeedRandom", [&] { return m->C_SeedRandom(s, nullptr, 16); }},
      {"C_InitToken", [&] { return m->C_InitToken(slot_, nullptr, 6, nullptr); }},
  };
  for (const auto& [name, call] : calls) {
    SCOPED_TRACE(name);
    EXPECT_EQ(call(), CKR_ARGUMENTS_BAD);
  }
  // Each NULL left the session usable.
  CK_SESSION_INFO info{};
  EXPECT_EQ(m->C_GetSessionInfo(s, &info), CKR_OK);
  EXPECT_EQ(info.state, CKS_RW_USER_FUNCTIONS);
}

TEST_F(ApiMisuseTest, CallsOutOfOrderAreOperationNotInitializedOrActive) {
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE s = session_;
  Bytes buf(256);
  CK_ULONG len = buf.size();
  CK_OBJECT_HANDLE h = 0;
  auto l = [&] {
    len = buf.size();
    return &len;
  };
  EXPECT_EQ(f()->C_FindObjects(s, &h, 1, l()), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_FindObjectsFinal(s), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_Sign(s, buf.data(), 4, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_SignUpdate(s, buf.data(), 4), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_SignFinal(s, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_Verify(s, buf.data(), 4, buf.data(), 64), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_VerifyUpdate(s, buf.data(), 4), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_VerifyFinal(s, buf.data(), 64), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_Encrypt(s, buf.data(), 4, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_EncryptUpdate(s, buf.data(), 4, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_EncryptFinal(s, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_Decrypt(s, buf.data(), 4, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_DecryptUpdate(s, buf.data(), 4, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_DecryptFinal(s, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_Digest(s, buf.data(), 4, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_DigestUpdate(s, buf.data(), 4), CKR_OPERATION_NOT_INITIALIZED);
  EXPECT_EQ(f()->C_DigestFinal(s, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);

  // One search at a time (§5.7 C_FindObjectsInit).
  ASSERT_EQ(f()->C_FindObjectsInit(s, nullptr, 0), CKR_OK);
  EXPECT_EQ(f()->C_FindObjectsInit(s, nullptr, 0), CKR_OPERATION_ACTIVE);
  CK_ULONG n = 0;
  EXPECT_EQ(f()->C_FindObjects(s, &h, 1, &n), CKR_OK);
  EXPECT_EQ(n, 1u) << "the first search is still there";
  EXPECT_EQ(f()->C_FindObjectsFinal(s), CKR_OK);
  EXPECT_EQ(f()->C_FindObjectsFinal(s), CKR_OPERATION_NOT_INITIALIZED);

  // One operation of each kind at a time; different kinds are independent.
  CK_MECHANISM sha{CKM_SHA256, nullptr, 0};
  CK_MECHANISM ecdsa{CKM_ECDSA, nullptr, 0};
  ASSERT_EQ(f()->C_DigestInit(s, &sha), CKR_OK);
  EXPECT_EQ(f()->C_DigestInit(s, &sha), CKR_OPERATION_ACTIVE);
  ASSERT_EQ(f()->C_SignInit(s, &ecdsa, key_.private_key), CKR_OK);
  EXPECT_EQ(f()->C_SignInit(s, &ecdsa, key_.private_key), CKR_OPERATION_ACTIVE);
  ASSERT_EQ(f()->C_VerifyInit(s, &ecdsa, key_.public_key), CKR_OK);
  EXPECT_EQ(f()->C_VerifyInit(s, &ecdsa, key_.public_key), CKR_OPERATION_ACTIVE);
  EXPECT_EQ(f()->C_DigestUpdate(s, buf.data(), 4), CKR_OK);
  EXPECT_EQ(f()->C_DigestFinal(s, buf.data(), l()), CKR_OK);
  EXPECT_EQ(len, 32u);
  EXPECT_EQ(f()->C_Sign(s, buf.data(), 32, buf.data(), l()), CKR_OK);
  EXPECT_EQ(len, 64u);

  // A size query of C_SignFinal keeps the operation for the real call.
  ASSERT_EQ(f()->C_SignInit(s, &ecdsa, key_.private_key), CKR_OK);
  EXPECT_EQ(f()->C_SignUpdate(s, buf.data(), 16), CKR_OK);
  EXPECT_EQ(f()->C_SignUpdate(s, buf.data() + 16, 16), CKR_OK);
  EXPECT_EQ(f()->C_SignFinal(s, nullptr, l()), CKR_OK);
  EXPECT_EQ(len, 64u);
  EXPECT_EQ(f()->C_SignFinal(s, buf.data(), l()), CKR_OK);
  EXPECT_EQ(f()->C_SignFinal(s, buf.data(), l()), CKR_OPERATION_NOT_INITIALIZED);

  // C_Finalize closes every session.
  ASSERT_NO_FATAL_FAILURE(Reinitialize());
  CK_SESSION_INFO info{};
  EXPECT_EQ(f()->C_GetSessionInfo(s, &info), CKR_SESSION_HANDLE_INVALID);
  EXPECT_EQ(f()->C_Initialize(nullptr), CKR_CRYPTOKI_ALREADY_INITIALIZED);
}

TEST_F(ApiMisuseTest, WrongLengthsAndValuesGetTheirOwnReturnValues) {
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE s = session_;
  CK_OBJECT_HANDLE a = 0;
  CK_OBJECT_HANDLE b = 0;
  CK_SLOT_ID slots[1];
  CK_ULONG count = 0;
  EXPECT_EQ(f()->C_GetSlotList(CK_TRUE, slots, &count), CKR_BUFFER_TOO_SMALL);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(Login(s, CKU_USER, "123"), CKR_USER_ALREADY_LOGGED_IN);
  CK_SESSION_HANDLE fresh = Open();
  EXPECT_EQ(f()->C_Logout(fresh), CKR_OK);
  EXPECT_EQ(Login(fresh, CKU_USER, "123"), CKR_PIN_LEN_RANGE);
  EXPECT_EQ(Login(fresh, CKU_USER, ""), CKR_PIN_LEN_RANGE);
  EXPECT_EQ(Login(fresh, 42, "123456"), CKR_USER_TYPE_INVALID);
  ASSERT_EQ(Login(fresh, CKU_USER, kUserPin), CKR_OK);
  CK_SESSION_HANDLE parallel = 0;
  EXPECT_EQ(f()->C_OpenSession(slot_, 0, nullptr, nullptr, &parallel),
            CKR_SESSION_PARALLEL_NOT_SUPPORTED);

  // Attribute lengths no value can have, and values of the wrong size.
  Bytes small(8);
  CK_ATTRIBUTE huge{CKA_LABEL, small.data(), 0xFFFFFFFFul};
  EXPECT_EQ(f()->C_FindObjectsInit(s, &huge, 1), CKR_ATTRIBUTE_VALUE_INVALID);
  CK_ATTRIBUTE null_value{CKA_LABEL, nullptr, 4};
  EXPECT_EQ(f()->C_FindObjectsInit(s, &null_value, 1), CKR_ARGUMENTS_BAD);
  AttrList short_class;
  short_class.Value(CKA_CLASS, Bytes{3});
  ASSERT_EQ(f()->C_FindObjectsInit(s, short_class.data(), short_class.size()), CKR_OK);
  CK_ULONG n = 9;
  EXPECT_EQ(f()->C_FindObjects(s, &a, 1, &n), CKR_OK);
  EXPECT_EQ(n, 0u) << "a 1-byte CKA_CLASS matches nothing";
  EXPECT_EQ(f()->C_FindObjectsFinal(s), CKR_OK);

  // Key generation templates.
  CK_MECHANISM rsa_gen{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
  AttrList bits_short;
  bits_short.Value(CKA_MODULUS_BITS, Bytes{0x08, 0x00});
  EXPECT_EQ(
      f()->C_GenerateKeyPair(s, &rsa_gen, bits_short.data(), bits_short.size(), nullptr, 0, &a, &b),
      CKR_ATTRIBUTE_VALUE_INVALID);
  AttrList bits_odd;
  bits_odd.Ulong(CKA_MODULUS_BITS, 1000);
  EXPECT_EQ(
      f()->C_GenerateKeyPair(s, &rsa_gen, bits_odd.data(), bits_odd.size(), nullptr, 0, &a, &b),
      CKR_KEY_SIZE_RANGE);
  EXPECT_EQ(f()->C_GenerateKeyPair(s, &rsa_gen, nullptr, 0, nullptr, 0, &a, &b),
            CKR_TEMPLATE_INCOMPLETE);
  CK_MECHANISM ec_gen{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  AttrList bad_curve;
  bad_curve.Value(CKA_EC_PARAMS, HexOrDie("06052B8104000A"));  // secp256k1
  const CK_RV curve =
      f()->C_GenerateKeyPair(s, &ec_gen, bad_curve.data(), bad_curve.size(), nullptr, 0, &a, &b);
  EXPECT_TRUE(curve == CKR_CURVE_NOT_SUPPORTED || curve == CKR_ATTRIBUTE_VALUE_INVALID) << curve;
  AttrList ed_on_ec;
  ed_on_ec.Value(CKA_EC_PARAMS, Ed25519Params());
  EXPECT_EQ(
      f()->C_GenerateKeyPair(s, &ec_gen, ed_on_ec.data(), ed_on_ec.size(), nullptr, 0, &a, &b),
      CKR_TEMPLATE_INCONSISTENT);
  CK_MECHANISM sha{CKM_SHA256, nullptr, 0};
  AttrList p256;
  p256.Value(CKA_EC_PARAMS, P256Params());
  EXPECT_EQ(f()->C_GenerateKeyPair(s, &sha, p256.data(), p256.size(), nullptr, 0, &a, &b),
            CKR_MECHANISM_INVALID);
  CK_SESSION_HANDLE ro = Open(false);
  AttrList on_token;
  on_token.Bool(CKA_TOKEN, true);
  EXPECT_EQ(f()->C_GenerateKeyPair(ro, &ec_gen, p256.data(), p256.size(), on_token.data(),
                                   on_token.size(), &a, &b),
            CKR_SESSION_READ_ONLY)
      << "a key on the card needs a read-write session; a session key pair does not";

  // Object creation templates.
  AttrList no_class;
  no_class.Value(CKA_VALUE, Bytes{1, 2, 3});
  EXPECT_EQ(f()->C_CreateObject(s, no_class.data(), no_class.size(), &a), CKR_TEMPLATE_INCOMPLETE);
  AttrList bad_cert;
  bad_cert.Ulong(CKA_CLASS, CKO_CERTIFICATE).Value(CKA_VALUE, Bytes{0x30, 0x03, 1, 2, 3});
  EXPECT_EQ(f()->C_CreateObject(s, bad_cert.data(), bad_cert.size(), &a),
            CKR_ATTRIBUTE_VALUE_INVALID);
  AttrList data_object;
  data_object.Ulong(CKA_CLASS, CKO_DATA).Value(CKA_VALUE, Bytes{1}).Bool(CKA_TOKEN, true);
  EXPECT_EQ(f()->C_CreateObject(s, data_object.data(), data_object.size(), &a),
            CKR_TEMPLATE_INCONSISTENT)
      << "PIV has no home for a data object on the card";
  AttrList token_cert;
  token_cert.Ulong(CKA_CLASS, CKO_CERTIFICATE)
      .Value(CKA_VALUE, Bytes{0x30, 0x03, 1, 2, 3})
      .Bool(CKA_TOKEN, true);
  EXPECT_EQ(f()->C_CreateObject(ro, token_cert.data(), token_cert.size(), &a),
            CKR_SESSION_READ_ONLY);
  AttrList ec_key_no_value;
  ec_key_no_value.Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_EC)
      .Value(CKA_EC_PARAMS, P256Params());
  EXPECT_EQ(f()->C_CreateObject(s, ec_key_no_value.data(), ec_key_no_value.size(), &a),
            CKR_TEMPLATE_INCOMPLETE);
  AttrList ec_key_zero;
  ec_key_zero.Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_EC)
      .Value(CKA_EC_PARAMS, P256Params())
      .Value(CKA_VALUE, Bytes(32, 0));
  EXPECT_EQ(f()->C_CreateObject(s, ec_key_zero.data(), ec_key_zero.size(), &a),
            CKR_ATTRIBUTE_VALUE_INVALID);

  // Mechanism parameters of the wrong size or content.
  CK_RSA_PKCS_OAEP_PARAMS oaep{CKM_SHA256, CKG_MGF1_SHA256, CKZ_DATA_SPECIFIED, nullptr, 0};
  CK_MECHANISM oaep_short{CKM_RSA_PKCS_OAEP, &oaep, sizeof oaep - 1};
  EXPECT_EQ(f()->C_EncryptInit(s, &oaep_short, key_.public_key), CKR_MECHANISM_PARAM_INVALID);
  CK_RSA_PKCS_OAEP_PARAMS oaep_md5{CKM_MD5, CKG_MGF1_SHA256, CKZ_DATA_SPECIFIED, nullptr, 0};
  CK_MECHANISM oaep_bad{CKM_RSA_PKCS_OAEP, &oaep_md5, sizeof oaep_md5};
  EXPECT_EQ(f()->C_EncryptInit(s, &oaep_bad, key_.public_key), CKR_MECHANISM_PARAM_INVALID);
  CK_ECDH1_DERIVE_PARAMS no_point{CKD_NULL, 0, nullptr, 0, nullptr};
  CK_MECHANISM ecdh{CKM_ECDH1_DERIVE, &no_point, sizeof no_point};
  EXPECT_EQ(f()->C_DeriveKey(s, &ecdh, key_.private_key, nullptr, 0, &a),
            CKR_MECHANISM_PARAM_INVALID);
  Bytes point(65, 0x04);
  CK_ECDH1_DERIVE_PARAMS kdf{CKD_SHA256_KDF, 0, nullptr, point.size(), point.data()};
  ecdh = {CKM_ECDH1_DERIVE, &kdf, sizeof kdf};
  EXPECT_EQ(f()->C_DeriveKey(s, &ecdh, key_.private_key, nullptr, 0, &a),
            CKR_MECHANISM_PARAM_INVALID);
  CK_BYTE eddsa_param = 0;
  CK_MECHANISM eddsa{CKM_EDDSA, &eddsa_param, 1};
  EXPECT_EQ(f()->C_SignInit(s, &eddsa, key_.private_key), CKR_MECHANISM_PARAM_INVALID);
  CK_MECHANISM aes{CKM_AES_KEY_GEN, nullptr, 0};
  EXPECT_EQ(f()->C_GenerateKey(s, &aes, nullptr, 0, &a), CKR_TEMPLATE_INCOMPLETE)
      << "an AES key needs CKA_VALUE_LEN";
  CK_MECHANISM des{CKM_DES_KEY_GEN, nullptr, 0};
  EXPECT_EQ(f()->C_GenerateKey(s, &des, nullptr, 0, &a), CKR_MECHANISM_INVALID)
      << "single DES is not offered";

  // Signatures of the wrong length are refused before any arithmetic.
  CK_MECHANISM ecdsa{CKM_ECDSA, nullptr, 0};
  Bytes digest(32, 0x42);
  Bytes sig(65, 0);
  ASSERT_EQ(f()->C_VerifyInit(s, &ecdsa, key_.public_key), CKR_OK);
  EXPECT_EQ(f()->C_Verify(s, digest.data(), digest.size(), sig.data(), sig.size()),
            CKR_SIGNATURE_LEN_RANGE);
  ASSERT_EQ(f()->C_VerifyInit(s, &ecdsa, key_.public_key), CKR_OK);
  EXPECT_EQ(f()->C_Verify(s, digest.data(), digest.size(), sig.data(), 0), CKR_SIGNATURE_LEN_RANGE);
  ASSERT_EQ(f()->C_VerifyInit(s, &ecdsa, key_.public_key), CKR_OK);
  EXPECT_EQ(f()->C_Verify(s, digest.data(), digest.size(), sig.data(), 64), CKR_SIGNATURE_INVALID)
      << "r = s = 0 is a signature of the right length that is invalid";
}

TEST_F(ApiMisuseTest, InitializeChecksItsArguments) {
  ASSERT_EQ(f()->C_Finalize(nullptr), CKR_OK);
  EXPECT_EQ(f()->C_Finalize(nullptr), CKR_CRYPTOKI_NOT_INITIALIZED);
  CK_C_INITIALIZE_ARGS partial{};
  partial.CreateMutex = [](void**) -> CK_RV { return CKR_OK; };
  EXPECT_EQ(f()->C_Initialize(&partial), CKR_ARGUMENTS_BAD);
  CK_C_INITIALIZE_ARGS os_locking{};
  os_locking.flags = CKF_OS_LOCKING_OK;
  ASSERT_EQ(f()->C_Initialize(&os_locking), CKR_OK);
  EXPECT_EQ(f()->C_Initialize(nullptr), CKR_CRYPTOKI_ALREADY_INITIALIZED);
}

}  // namespace
}  // namespace tessera::testing

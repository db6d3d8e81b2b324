// No crash, and the spec's code: NULL pointers and absurd lengths given to
// the slot, session, PIN and object functions (PKCS#11 3.0 §5.1: a NULL
// pointer where one is required is CKR_ARGUMENTS_BAD). Where the spec lets a
// length alone decide (a PIN longer than ulMaxPinLen), that code is accepted
// too: a module must judge the length before it reads the bytes.
#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/misuse_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"

namespace tessera::testing::conformance {
namespace {

constexpr CK_ULONG kHuge = 0x7FFFFFF0;
const std::vector<CK_RV> kBad = {CKR_ARGUMENTS_BAD};

TEST_F(MisuseTest, SlotAndTokenFunctionsRefuseNullPointers) {
  EXPECT_THAT(f()->C_GetSlotList(CK_TRUE, nullptr, nullptr), IsRv(CKR_ARGUMENTS_BAD));
  EXPECT_THAT(f()->C_GetSlotInfo(slot_, nullptr), IsRv(CKR_ARGUMENTS_BAD));
  EXPECT_THAT(f()->C_GetTokenInfo(slot_, nullptr), IsRv(CKR_ARGUMENTS_BAD));
  EXPECT_THAT(f()->C_GetMechanismList(slot_, nullptr, nullptr), IsRv(CKR_ARGUMENTS_BAD));
  EXPECT_THAT(f()->C_GetMechanismInfo(slot_, CKM_SHA256, nullptr), IsRv(CKR_ARGUMENTS_BAD));
  EXPECT_THAT(f()->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, nullptr),
              IsRv(CKR_ARGUMENTS_BAD));
  EXPECT_THAT(f()->C_WaitForSlotEvent(CKF_DONT_BLOCK, nullptr, nullptr), IsRv(CKR_ARGUMENTS_BAD));
  CK_SLOT_ID slot = 0;
  int reserved = 0;
  EXPECT_THAT(f()->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, &reserved), IsRv(CKR_ARGUMENTS_BAD));
  CK_UTF8CHAR label[32];
  std::fill(std::begin(label), std::end(label), ' ');
  // With sessions open, C_InitToken may answer CKR_SESSION_EXISTS first.
  EXPECT_THAT(f()->C_InitToken(slot_, nullptr, 48, label),
              IsRvOneOf({CKR_ARGUMENTS_BAD, CKR_SESSION_EXISTS}));
}

TEST_F(MisuseTest, SessionAndPinFunctionsRefuseNullPointersAndAbsurdLengths) {
  std::string pin(kUserPin);
  auto* p = reinterpret_cast<CK_UTF8CHAR*>(pin.data());
  Run({
      {"C_GetSessionInfo(NULL)",
       [&](CK_SESSION_HANDLE s) { return f()->C_GetSessionInfo(s, nullptr); }, kBad},
      {"C_SetPIN(NULL, NULL)",
       [&](CK_SESSION_HANDLE s) { return f()->C_SetPIN(s, nullptr, 6, nullptr, 6); }, kBad},
      {"C_SetPIN(new PIN of absurd length)",
       [&](CK_SESSION_HANDLE s) { return f()->C_SetPIN(s, p, pin.size(), p, kHuge); },
       {CKR_ARGUMENTS_BAD, CKR_PIN_LEN_RANGE}},
      {"C_InitPIN(NULL) outside an SO session",
       [&](CK_SESSION_HANDLE s) { return f()->C_InitPIN(s, nullptr, 6); },
       {CKR_ARGUMENTS_BAD, CKR_USER_NOT_LOGGED_IN}},
      {"C_GetOperationState(NULL, NULL)",
       [&](CK_SESSION_HANDLE s) { return f()->C_GetOperationState(s, nullptr, nullptr); },
       {CKR_ARGUMENTS_BAD, CKR_FUNCTION_NOT_SUPPORTED}},
  });
}

TEST_F(MisuseTest, LoginRefusesANullPinAndAPinOfAbsurdLength) {
  // Logged out first, so the argument is what C_Login has to judge.
  ASSERT_THAT(f()->C_Logout(keeper_), IsRv(CKR_OK));
  std::string pin(kUserPin);
  auto* p = reinterpret_cast<CK_UTF8CHAR*>(pin.data());
  // No protected authentication path on a PIV token, so a NULL PIN is bad.
  EXPECT_THAT(f()->C_Login(keeper_, CKU_USER, nullptr, 6), IsRv(CKR_ARGUMENTS_BAD));
  EXPECT_THAT(f()->C_Login(keeper_, CKU_USER, p, kHuge),
              IsRvOneOf({CKR_ARGUMENTS_BAD, CKR_PIN_LEN_RANGE}));
  EXPECT_THAT(f()->C_Login(keeper_, CKU_SO, p, kHuge),
              IsRvOneOf({CKR_ARGUMENTS_BAD, CKR_PIN_LEN_RANGE}));
  EXPECT_THAT(Login(keeper_, CKU_USER, kUserPin), IsRv(CKR_OK)) << "no try was spent";
}

TEST_F(MisuseTest, ObjectFunctionsRefuseNullPointers) {
  CK_ATTRIBUTE label{CKA_LABEL, nullptr, 0};
  CK_OBJECT_HANDLE out = 0;
  CK_ULONG n = 0;
  Run({
      {"C_FindObjectsInit(NULL template, 2)",
       [&](CK_SESSION_HANDLE s) { return f()->C_FindObjectsInit(s, nullptr, 2); }, kBad},
      {"C_FindObjects(NULL handles)",
       [&](CK_SESSION_HANDLE s) {
         f()->C_FindObjectsInit(s, nullptr, 0);
         return f()->C_FindObjects(s, nullptr, 4, &n);
       },
       kBad},
      {"C_FindObjects(NULL count)",
       [&](CK_SESSION_HANDLE s) {
         f()->C_FindObjectsInit(s, nullptr, 0);
         return f()->C_FindObjects(s, &out, 1, nullptr);
       },
       kBad},
      {"C_GetAttributeValue(NULL template)",
       [&](CK_SESSION_HANDLE s) { return f()->C_GetAttributeValue(s, ec_pub_, nullptr, 1); }, kBad},
      {"C_SetAttributeValue(NULL template)",
       [&](CK_SESSION_HANDLE s) { return f()->C_SetAttributeValue(s, ec_pub_, nullptr, 1); }, kBad},
      {"C_CreateObject(NULL template, 3)",
       [&](CK_SESSION_HANDLE s) { return f()->C_CreateObject(s, nullptr, 3, &out); }, kBad},
      {"C_CreateObject(NULL handle)",
       [&](CK_SESSION_HANDLE s) { return f()->C_CreateObject(s, &label, 1, nullptr); }, kBad},
      {"C_CopyObject(NULL template, 1)",
       [&](CK_SESSION_HANDLE s) { return f()->C_CopyObject(s, ec_pub_, nullptr, 1, &out); }, kBad},
      {"C_CopyObject(NULL handle)",
       [&](CK_SESSION_HANDLE s) { return f()->C_CopyObject(s, ec_pub_, nullptr, 0, nullptr); },
       kBad},
      {"C_GetObjectSize(NULL)",
       [&](CK_SESSION_HANDLE s) { return f()->C_GetObjectSize(s, ec_pub_, nullptr); }, kBad},
  });
}

TEST_F(MisuseTest, AttributeValuesWithNullPointersOrAbsurdLengthsAreRefused) {
  MayChange(0x9A);  // a module that took the bad certificate wrote it there
  ossl::PkeyPtr key = NewKey("P-256");
  cert_ = SelfSignedCertificate(key.get(), "malformed", 5);
  CK_OBJECT_HANDLE out = 0;
  Run({
      {"CKA_VALUE of NULL and 100 bytes",
       [&](CK_SESSION_HANDLE s) {
         AttrList t = DataObject("null value", Bytes{1});
         CK_ATTRIBUTE* a = t.data();
         a[3].pValue = nullptr;  // CKA_VALUE
         a[3].ulValueLen = 100;
         return f()->C_CreateObject(s, a, t.size(), &out);
       },
       {CKR_ARGUMENTS_BAD, CKR_ATTRIBUTE_VALUE_INVALID}},
      {"CKA_CLASS claiming an absurd length",
       [&](CK_SESSION_HANDLE s) {
         CK_OBJECT_CLASS cls = CKO_DATA;
         CK_ATTRIBUTE a{CKA_CLASS, &cls, kHuge};
         return f()->C_CreateObject(s, &a, 1, &out);
       },
       {CKR_ARGUMENTS_BAD, CKR_ATTRIBUTE_VALUE_INVALID}},
      {"CKA_LABEL set from NULL and 10 bytes",
       [&](CK_SESSION_HANDLE s) {
         CK_ATTRIBUTE a{CKA_LABEL, nullptr, 10};
         return f()->C_SetAttributeValue(s, ec_pub_, &a, 1);
       },
       {CKR_ARGUMENTS_BAD, CKR_ATTRIBUTE_VALUE_INVALID}},
      {"reading into a buffer that claims to be huge",
       [&](CK_SESSION_HANDLE s) {
         Bytes buf(256);
         CK_ATTRIBUTE a{CKA_EC_PARAMS, buf.data(), kHuge};
         return f()->C_GetAttributeValue(s, ec_pub_, &a, 1);
       },
       {CKR_OK}},
      // A certificate the token could store, but for one malformed CK_BBOOL.
      {"CKA_TOKEN as a two-byte CK_BBOOL",
       [&](CK_SESSION_HANDLE s) {
         CK_BYTE two[2] = {CK_TRUE, CK_TRUE};
         AttrList t = Certificate(cert_, Bytes{0x01});
         t.Value(CKA_TOKEN, Bytes(two, two + 2));
         return f()->C_CreateObject(s, t.data(), t.size(), &out);
       },
       {CKR_ATTRIBUTE_VALUE_INVALID}},
  });
}

}  // namespace
}  // namespace tessera::testing::conformance

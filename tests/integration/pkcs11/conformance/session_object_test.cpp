// Session objects (PKCS#11 3.0 §4.4, CKA_TOKEN false, the default): they can
// be created in read-only sessions, every session of the application sees
// them, and they die with the session that made them. Token objects need a
// read-write session, private objects a user login (§5.7 C_CreateObject).
#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"

namespace tessera::testing::conformance {
namespace {

class SessionObjectTest : public ConformanceTest {
 protected:
  // A public data object, created as a session object in `s`.
  CK_OBJECT_HANDLE MakeData(CK_SESSION_HANDLE s, const std::string& label) {
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_THAT(Create(s, DataObject(label, Bytes{1, 2, 3}).Bool(CKA_PRIVATE, false), &h),
                IsRv(CKR_OK));
    return h;
  }
  std::vector<CK_OBJECT_HANDLE> Labelled(CK_SESSION_HANDLE s, const std::string& label) {
    AttrList t;
    t.Text(CKA_LABEL, label);
    return Find(s, t);
  }
  CK_RV ClassOf(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h) {
    CK_OBJECT_CLASS cls = 0;
    CK_ATTRIBUTE a{CKA_CLASS, &cls, sizeof cls};
    return f()->C_GetAttributeValue(s, h, &a, 1);
  }
};

TEST_F(SessionObjectTest, ADataObjectIsASessionObjectByDefaultEvenInAReadOnlySession) {
  // R/O refers to token objects; session objects are R/W in every session
  // state (§5.6 C_OpenSession; the usage guide's "Permitted object accesses").
  const CK_SESSION_HANDLE ro = Open(false);
  const CK_OBJECT_HANDLE h = MakeData(ro, "ro data");
  ASSERT_NE(h, CK_INVALID_HANDLE);
  EXPECT_FALSE(BoolAttribute(ro, h, CKA_TOKEN)) << "§4.4: CKA_TOKEN defaults to CK_FALSE";
  EXPECT_EQ(Attribute(ro, h, CKA_VALUE), (Bytes{1, 2, 3}));
}

TEST_F(SessionObjectTest, ASessionObjectIsVisibleFromEverySessionOfTheApplication) {
  const CK_SESSION_HANDLE maker = Open(true);
  const CK_SESSION_HANDLE other = Open(false);
  const CK_OBJECT_HANDLE h = MakeData(maker, "shared");
  EXPECT_EQ(Labelled(other, "shared"), std::vector<CK_OBJECT_HANDLE>{h});
  EXPECT_THAT(ClassOf(other, h), IsRv(CKR_OK));
}

TEST_F(SessionObjectTest, ASessionObjectIsDestroyedWhenItsSessionCloses) {
  // §5.6 (C_CloseSession): session objects created by the session are destroyed.
  const CK_SESSION_HANDLE maker = Open(true);
  const CK_SESSION_HANDLE other = Open(false);
  const CK_OBJECT_HANDLE h = MakeData(maker, "short-lived");
  ASSERT_THAT(f()->C_CloseSession(maker), IsRv(CKR_OK));
  EXPECT_THAT(ClassOf(other, h), IsRv(CKR_OBJECT_HANDLE_INVALID));
  EXPECT_TRUE(Labelled(other, "short-lived").empty());
}

TEST_F(SessionObjectTest, CloseAllSessionsDestroysEverySessionObject) {
  MakeData(Open(true), "first");
  MakeData(Open(true), "second");
  ASSERT_THAT(f()->C_CloseAllSessions(slot_), IsRv(CKR_OK));
  const CK_SESSION_HANDLE s = Open(false);
  EXPECT_TRUE(Labelled(s, "first").empty());
  EXPECT_TRUE(Labelled(s, "second").empty());
}

TEST_F(SessionObjectTest, ATokenObjectInAReadOnlySessionIsSessionReadOnly) {
  // §5.7 (C_CreateObject): only session objects can be created in a R/O session.
  const CK_SESSION_HANDLE ro = UserSession(false);
  ossl::PkeyPtr key = NewKey("P-256");
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(Create(ro, DataObject("token data", Bytes{1}).Bool(CKA_TOKEN, true), &h),
              IsRv(CKR_SESSION_READ_ONLY));
  const Bytes cert = SelfSignedCertificate(key.get(), "ro token cert", 1);
  EXPECT_THAT(Create(ro, Certificate(cert, Bytes{0x01}).Bool(CKA_TOKEN, true), &h),
              IsRv(CKR_SESSION_READ_ONLY));
}

TEST_F(SessionObjectTest, APrivateSessionObjectNeedsTheUserLogin) {
  // §5.7 (C_CreateObject): only public objects can be created unless the
  // normal user is logged in - CKR_USER_NOT_LOGGED_IN.
  const CK_SESSION_HANDLE s = Open(true);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(Create(s, DataObject("private", Bytes{1}).Bool(CKA_PRIVATE, true), &h),
              IsRv(CKR_USER_NOT_LOGGED_IN));
  ASSERT_THAT(Login(s, CKU_USER, kUserPin), IsRv(CKR_OK));
  EXPECT_THAT(Create(s, DataObject("private", Bytes{1}).Bool(CKA_PRIVATE, true), &h), IsRv(CKR_OK));
  EXPECT_TRUE(BoolAttribute(s, h, CKA_PRIVATE));
}

TEST_F(SessionObjectTest, LogoutDestroysPrivateSessionObjects) {
  // §5.6 (C_Logout): handles to private objects become invalid, and all
  // private session objects of the application are destroyed.
  const CK_SESSION_HANDLE s = UserSession(true);
  CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(s, DataObject("secret note", Bytes{7}).Bool(CKA_PRIVATE, true), &priv),
              IsRv(CKR_OK));
  const CK_OBJECT_HANDLE pub = MakeData(s, "public note");
  ASSERT_THAT(f()->C_Logout(s), IsRv(CKR_OK));
  EXPECT_THAT(ClassOf(s, priv), IsRv(CKR_OBJECT_HANDLE_INVALID));
  EXPECT_THAT(ClassOf(s, pub), IsRv(CKR_OK)) << "public session objects stay";
  ASSERT_THAT(Login(s, CKU_USER, kUserPin), IsRv(CKR_OK));
  EXPECT_TRUE(Labelled(s, "secret note").empty());
  EXPECT_THAT(ClassOf(s, priv), IsRv(CKR_OBJECT_HANDLE_INVALID));
}

TEST_F(SessionObjectTest, FindObjectsSeesSessionAndTokenObjectsAndCkaTokenSplitsThem) {
  ASSERT_NE(GenerateOnCard(0x9A, piv::Algorithm::kEccP256), nullptr);
  const CK_SESSION_HANDLE s = UserSession(true);
  const CK_OBJECT_HANDLE data = MakeData(s, "mixed");
  const std::vector<CK_OBJECT_HANDLE> all = Find(s, AttrList());
  EXPECT_NE(std::find(all.begin(), all.end(), data), all.end());
  AttrList session_only;
  session_only.Bool(CKA_TOKEN, false);
  EXPECT_EQ(Find(s, session_only), std::vector<CK_OBJECT_HANDLE>{data});
  AttrList token_only;
  token_only.Bool(CKA_TOKEN, true);
  const std::vector<CK_OBJECT_HANDLE> tokens = Find(s, token_only);
  EXPECT_GE(tokens.size(), 2u) << "the 9A key pair";
  EXPECT_EQ(std::find(tokens.begin(), tokens.end(), data), tokens.end());
}

TEST_F(SessionObjectTest, CopyObjectMakesAnIndependentSessionCopy) {
  // §5.7 (C_CopyObject): the copy takes the template's changes; the original
  // keeps its own values.
  const CK_SESSION_HANDLE s = Open(true);
  const CK_OBJECT_HANDLE original = MakeData(s, "original");
  CK_BYTE label[] = {'c', 'o', 'p', 'y'};
  CK_ATTRIBUTE change{CKA_LABEL, label, sizeof label};
  CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
  ASSERT_THAT(f()->C_CopyObject(s, original, &change, 1, &copy), IsRv(CKR_OK));
  EXPECT_NE(copy, original);
  EXPECT_EQ(Attribute(s, copy, CKA_LABEL), (Bytes{'c', 'o', 'p', 'y'}));
  EXPECT_EQ(Attribute(s, original, CKA_LABEL), BytesOf("original"));
  EXPECT_EQ(Attribute(s, copy, CKA_VALUE), (Bytes{1, 2, 3}));
  EXPECT_FALSE(BoolAttribute(s, copy, CKA_TOKEN));
  ASSERT_THAT(f()->C_DestroyObject(s, original), IsRv(CKR_OK));
  EXPECT_THAT(ClassOf(s, copy), IsRv(CKR_OK));
}

TEST_F(SessionObjectTest, CopyingASessionObjectToTheTokenInAReadOnlySessionIsSessionReadOnly) {
  // Made in a R/W session, copied from a R/O one: only the copy is at issue.
  const CK_OBJECT_HANDLE original = MakeData(UserSession(true), "stay in session");
  const CK_SESSION_HANDLE ro = Open(false);
  CK_BBOOL yes = CK_TRUE;
  CK_ATTRIBUTE to_token{CKA_TOKEN, &yes, sizeof yes};
  CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
  EXPECT_THAT(f()->C_CopyObject(ro, original, &to_token, 1, &copy), IsRv(CKR_SESSION_READ_ONLY));
}

TEST_F(SessionObjectTest, ASessionObjectCanBeChangedInAReadOnlySession) {
  const CK_OBJECT_HANDLE h = MakeData(Open(true), "before");
  const CK_SESSION_HANDLE ro = Open(false);
  CK_BYTE label[] = {'a', 'f', 't', 'e', 'r'};
  CK_ATTRIBUTE a{CKA_LABEL, label, sizeof label};
  EXPECT_THAT(f()->C_SetAttributeValue(ro, h, &a, 1), IsRv(CKR_OK));
  EXPECT_EQ(Labelled(ro, "after"), std::vector<CK_OBJECT_HANDLE>{h});
  CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
  CK_ATTRIBUTE c{CKA_CLASS, &cls, sizeof cls};
  EXPECT_THAT(f()->C_SetAttributeValue(ro, h, &c, 1), IsRv(CKR_ATTRIBUTE_READ_ONLY));
}

TEST_F(SessionObjectTest, ASessionObjectHasASizeAndCanBeDestroyed) {
  const CK_SESSION_HANDLE ro = Open(true);
  const CK_OBJECT_HANDLE h = MakeData(ro, "doomed");
  CK_ULONG size = 0;
  EXPECT_THAT(f()->C_GetObjectSize(ro, h, &size), IsRv(CKR_OK));
  EXPECT_NE(size, 0u);
  EXPECT_THAT(f()->C_DestroyObject(ro, h), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_GetObjectSize(ro, h, &size), IsRv(CKR_OBJECT_HANDLE_INVALID));
  EXPECT_THAT(f()->C_DestroyObject(ro, h), IsRv(CKR_OBJECT_HANDLE_INVALID));
  EXPECT_TRUE(Labelled(ro, "doomed").empty());
}

}  // namespace
}  // namespace tessera::testing::conformance

// Every object class the module knows, as a session object (CKA_TOKEN
// absent, so false): certificates, data objects, RSA and EC public and
// private keys, AES, generic-secret and 3DES secret keys. Each is created,
// read back and destroyed, and the card must not change at all (the fixture
// compares the card before and after): a session object has no business in
// a PIV slot or certificate container.
#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"

namespace tessera::testing::conformance {
namespace {

class SessionObjectClassTest : public ConformanceTest {
 protected:
  // Creates `tmpl` as a session object in `s`, checks the common attributes,
  // destroys it and checks it is gone.
  void RoundTrip(CK_SESSION_HANDLE s, const AttrList& tmpl, CK_OBJECT_CLASS cls,
                 CK_KEY_TYPE key_type) {
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    ASSERT_THAT(Create(s, tmpl, &h), IsRv(CKR_OK));
    EXPECT_EQ(UlongAttribute(s, h, CKA_CLASS), cls);
    EXPECT_FALSE(BoolAttribute(s, h, CKA_TOKEN));
    if (key_type != CK_UNAVAILABLE_INFORMATION) {
      EXPECT_EQ(UlongAttribute(s, h, CKA_KEY_TYPE), key_type);
      // §4.7 (common key attributes): a key made by C_CreateObject is not local.
      EXPECT_FALSE(BoolAttribute(s, h, CKA_LOCAL));
    }
    CK_ULONG size = 0;
    EXPECT_THAT(f()->C_GetObjectSize(s, h, &size), IsRv(CKR_OK));
    EXPECT_THAT(f()->C_DestroyObject(s, h), IsRv(CKR_OK));
    CK_ATTRIBUTE a{CKA_CLASS, nullptr, 0};
    EXPECT_THAT(f()->C_GetAttributeValue(s, h, &a, 1), IsRv(CKR_OBJECT_HANDLE_INVALID));
  }
};

TEST_F(SessionObjectClassTest, ACertificateSessionObjectLeavesTheCertificateContainerAlone) {
  ossl::PkeyPtr key = NewKey("P-256");
  const Bytes der = SelfSignedCertificate(key.get(), "session cert", 9);
  // A public session object needs no login (§5.7 C_CreateObject) ...
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(Create(Open(true), Certificate(der, Bytes{0x01}), &h), IsRv(CKR_OK));
  // ... and with the user logged in (when a module could write to the card)
  // it must still stay off the card: CKA_ID 01 names slot 9A's container.
  RoundTrip(UserSession(true), Certificate(der, Bytes{0x01}), CKO_CERTIFICATE,
            CK_UNAVAILABLE_INFORMATION);
}

TEST_F(SessionObjectClassTest, ADataSessionObjectCanBeCreatedReadAndDestroyed) {
  RoundTrip(Open(true), DataObject("data", Bytes{9, 9}).Bool(CKA_PRIVATE, false), CKO_DATA,
            CK_UNAVAILABLE_INFORMATION);
}

TEST_F(SessionObjectClassTest, AnRsaPublicKeySessionObjectKeepsItsModulus) {
  ossl::PkeyPtr key = NewKey("RSA");
  const CK_SESSION_HANDLE s = Open(true);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(s, RsaPublicKey(key.get()), &h), IsRv(CKR_OK));
  EXPECT_EQ(Attribute(s, h, CKA_MODULUS), RsaPart(key.get(), "n"));
  EXPECT_EQ(UlongAttribute(s, h, CKA_MODULUS_BITS), 2048u);
  RoundTrip(s, RsaPublicKey(key.get()), CKO_PUBLIC_KEY, CKK_RSA);
}

TEST_F(SessionObjectClassTest, AnEcPublicKeySessionObjectKeepsItsPoint) {
  ossl::PkeyPtr key = NewKey("P-256");
  const CK_SESSION_HANDLE s = Open(true);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(s, EcPublicKey(key.get(), P256Params()), &h), IsRv(CKR_OK));
  EXPECT_EQ(Attribute(s, h, CKA_EC_POINT), DerOctetString(EcPublicPoint(key.get())));
  EXPECT_EQ(Attribute(s, h, CKA_EC_PARAMS), P256Params());
  RoundTrip(s, EcPublicKey(key.get(), P256Params()), CKO_PUBLIC_KEY, CKK_EC);
}

TEST_F(SessionObjectClassTest, AnRsaPrivateKeySessionObjectIsNotImportedIntoTheCard) {
  ossl::PkeyPtr key = NewKey("RSA");
  RoundTrip(UserSession(true), RsaPrivateKey(key.get()).Value(CKA_ID, Bytes{0x02}), CKO_PRIVATE_KEY,
            CKK_RSA);
}

TEST_F(SessionObjectClassTest, AnEcPrivateKeySessionObjectIsNotImportedIntoTheCard) {
  ossl::PkeyPtr key = NewKey("P-256");
  RoundTrip(UserSession(true), EcPrivateKey(key.get(), P256Params()).Value(CKA_ID, Bytes{0x03}),
            CKO_PRIVATE_KEY, CKK_EC);
}

TEST_F(SessionObjectClassTest, APrivateKeySessionObjectIsPrivateAndSensitiveByDefault) {
  // §4.9 (private key objects): CKA_PRIVATE and CKA_SENSITIVE default to the
  // token's choice; what the object reports must then be what it does.
  ossl::PkeyPtr key = NewKey("P-256");
  const CK_SESSION_HANDLE s = UserSession(true);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(s, EcPrivateKey(key.get(), P256Params()), &h), IsRv(CKR_OK));
  CK_ATTRIBUTE value{CKA_VALUE, nullptr, 0};
  const CK_RV rv = f()->C_GetAttributeValue(s, h, &value, 1);
  if (BoolAttribute(s, h, CKA_SENSITIVE) || !BoolAttribute(s, h, CKA_EXTRACTABLE)) {
    EXPECT_THAT(rv, IsRv(CKR_ATTRIBUTE_SENSITIVE));
  } else {
    EXPECT_THAT(rv, IsRv(CKR_OK));
  }
}

TEST_F(SessionObjectClassTest, AnAesKeySessionObjectCanBeCreatedInAReadOnlySession) {
  const Bytes value(16, 0x2B);
  const CK_SESSION_HANDLE ro = UserSession(false);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(ro, SecretKey(CKK_AES, value).Bool(CKA_ENCRYPT, true), &h), IsRv(CKR_OK));
  EXPECT_EQ(UlongAttribute(ro, h, CKA_VALUE_LEN), 16u);
  RoundTrip(ro, SecretKey(CKK_AES, value), CKO_SECRET_KEY, CKK_AES);
}

TEST_F(SessionObjectClassTest, AGenericSecretSessionObjectCanBeCreatedAndDestroyed) {
  RoundTrip(UserSession(true), SecretKey(CKK_GENERIC_SECRET, Bytes(32, 0x5C)), CKO_SECRET_KEY,
            CKK_GENERIC_SECRET);
}

TEST_F(SessionObjectClassTest, ADes3SessionObjectCanBeCreatedAndDestroyed) {
  const Bytes value = HexOrDie("0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123");
  RoundTrip(UserSession(true), SecretKey(CKK_DES3, value), CKO_SECRET_KEY, CKK_DES3);
}

TEST_F(SessionObjectClassTest, AnAesKeyOfTheWrongLengthIsAttributeValueInvalid) {
  // AES keys are 16, 24 or 32 bytes (mechanisms spec, AES secret key objects).
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(Create(UserSession(true), SecretKey(CKK_AES, Bytes(15, 1)), &h),
              IsRvOneOf({CKR_ATTRIBUTE_VALUE_INVALID, CKR_TEMPLATE_INCONSISTENT}));
}

TEST_F(SessionObjectClassTest, ASecretKeyWithoutAValueIsTemplateIncomplete) {
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_AES);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(Create(UserSession(true), t, &h), IsRv(CKR_TEMPLATE_INCOMPLETE));
}

}  // namespace
}  // namespace tessera::testing::conformance

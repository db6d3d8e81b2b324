// Object management on token objects (PKCS#11 3.0 §5.7): searches, the
// C_GetAttributeValue rules, template errors, read-only sessions, and a
// certificate that must survive C_Finalize in a retired key slot.
#include <cstdio>
#include <set>

#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"

namespace tessera::testing::conformance {
namespace {

class ObjectTest : public ConformanceTest {
 protected:
  // A P-256 key made by the card in 9A (CKA_ID 01).
  void SetUpKey() { ASSERT_NE(GenerateOnCard(0x9A, piv::Algorithm::kEccP256), nullptr); }
  CK_OBJECT_HANDLE One(CK_SESSION_HANDLE s, CK_OBJECT_CLASS cls) {
    AttrList t;
    t.Ulong(CKA_CLASS, cls).Value(CKA_ID, Bytes{0x01});
    std::vector<CK_OBJECT_HANDLE> found = Find(s, t);
    EXPECT_EQ(found.size(), 1u) << "objects of class " << cls << " with CKA_ID 01";
    return found.empty() ? CK_INVALID_HANDLE : found[0];
  }
  std::set<CK_OBJECT_HANDLE> FindInBatches(CK_SESSION_HANDLE s, CK_ULONG batch) {
    std::set<CK_OBJECT_HANDLE> out;
    EXPECT_THAT(f()->C_FindObjectsInit(s, nullptr, 0), IsRv(CKR_OK));
    std::vector<CK_OBJECT_HANDLE> buf(batch);
    for (;;) {
      CK_ULONG n = 0;
      const CK_RV rv = f()->C_FindObjects(s, buf.data(), batch, &n);
      EXPECT_THAT(rv, IsRv(CKR_OK));
      if (rv != CKR_OK || n == 0) break;
      out.insert(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(std::min(n, batch)));
    }
    EXPECT_THAT(f()->C_FindObjectsFinal(s), IsRv(CKR_OK));
    return out;
  }
};

TEST_F(ObjectTest, ASecondFindObjectsInitIsOperationActive) {
  // §5.7 (C_FindObjectsInit): a search is active until C_FindObjectsFinal.
  const CK_SESSION_HANDLE s = Open(false);
  ASSERT_THAT(f()->C_FindObjectsInit(s, nullptr, 0), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_FindObjectsInit(s, nullptr, 0), IsRv(CKR_OPERATION_ACTIVE));
  EXPECT_THAT(f()->C_FindObjectsFinal(s), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_FindObjectsInit(s, nullptr, 0), IsRv(CKR_OK));
}

TEST_F(ObjectTest, FindObjectsWithoutInitIsOperationNotInitialized) {
  const CK_SESSION_HANDLE s = Open(false);
  CK_OBJECT_HANDLE h[2];
  CK_ULONG n = 0;
  EXPECT_THAT(f()->C_FindObjects(s, h, 2, &n), IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_FindObjectsFinal(s), IsRv(CKR_OPERATION_NOT_INITIALIZED));
}

TEST_F(ObjectTest, TheSameObjectsAreFoundInBatchesOfOneTenAndAThousand) {
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE s = UserSession(false);
  const std::set<CK_OBJECT_HANDLE> one = FindInBatches(s, 1);
  EXPECT_GE(one.size(), 2u) << "at least the key pair";
  EXPECT_EQ(FindInBatches(s, 10), one);
  EXPECT_EQ(FindInBatches(s, 1000), one);
}

TEST_F(ObjectTest, PrivateObjectsAreInvisibleUntilTheUserLogsIn) {
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE s = Open(false);
  AttrList priv;
  priv.Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
  EXPECT_TRUE(Find(s, priv).empty());
  for (CK_OBJECT_HANDLE h : FindInBatches(s, 8)) {
    EXPECT_FALSE(BoolAttribute(s, h, CKA_PRIVATE)) << "a public session sees a private object";
  }
  ASSERT_THAT(Login(s, CKU_USER, kUserPin), IsRv(CKR_OK));
  EXPECT_NE(One(s, CKO_PRIVATE_KEY), CK_INVALID_HANDLE);
}

TEST_F(ObjectTest, GetAttributeValueFillsWhatItCanAndMarksTheRest) {
  // §5.7 (C_GetAttributeValue): an unknown type gets CK_UNAVAILABLE_INFORMATION
  // and CKR_ATTRIBUTE_TYPE_INVALID, while the other attributes are filled in.
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE s = Open(false);
  const CK_OBJECT_HANDLE pub = One(s, CKO_PUBLIC_KEY);
  CK_OBJECT_CLASS cls = 0;
  CK_BYTE junk[16];
  CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {0x7FFFFF01, junk, sizeof junk}};
  EXPECT_THAT(f()->C_GetAttributeValue(s, pub, t, 2), IsRv(CKR_ATTRIBUTE_TYPE_INVALID));
  EXPECT_EQ(cls, CKO_PUBLIC_KEY);
  EXPECT_EQ(t[1].ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

TEST_F(ObjectTest, AShortAttributeBufferIsBufferTooSmall) {
  // §5.7 (C_GetAttributeValue), case 6: the length becomes CK_UNAVAILABLE_INFORMATION.
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE s = Open(false);
  const CK_OBJECT_HANDLE pub = One(s, CKO_PUBLIC_KEY);
  CK_BYTE small[2];
  CK_ATTRIBUTE a{CKA_EC_POINT, small, sizeof small};
  EXPECT_THAT(f()->C_GetAttributeValue(s, pub, &a, 1), IsRv(CKR_BUFFER_TOO_SMALL));
  EXPECT_EQ(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

TEST_F(ObjectTest, KeyMaterialOfATokenPrivateKeyIsAttributeSensitive) {
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE s = UserSession(false);
  const CK_OBJECT_HANDLE priv = One(s, CKO_PRIVATE_KEY);
  CK_ATTRIBUTE a{CKA_VALUE, nullptr, 0};
  EXPECT_THAT(f()->C_GetAttributeValue(s, priv, &a, 1), IsRv(CKR_ATTRIBUTE_SENSITIVE));
  EXPECT_EQ(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
  EXPECT_TRUE(BoolAttribute(s, priv, CKA_SENSITIVE));
  EXPECT_FALSE(BoolAttribute(s, priv, CKA_EXTRACTABLE));
}

TEST_F(ObjectTest, AnUnknownObjectHandleIsObjectHandleInvalid) {
  const CK_SESSION_HANDLE s = Open(true);
  CK_ATTRIBUTE a{CKA_CLASS, nullptr, 0};
  CK_ULONG size = 0;
  EXPECT_THAT(f()->C_GetAttributeValue(s, kBadObject, &a, 1), IsRv(CKR_OBJECT_HANDLE_INVALID));
  EXPECT_THAT(f()->C_SetAttributeValue(s, kBadObject, &a, 1), IsRv(CKR_OBJECT_HANDLE_INVALID));
  EXPECT_THAT(f()->C_GetObjectSize(s, kBadObject, &size), IsRv(CKR_OBJECT_HANDLE_INVALID));
  EXPECT_THAT(f()->C_DestroyObject(s, kBadObject), IsRv(CKR_OBJECT_HANDLE_INVALID));
  CK_OBJECT_HANDLE copy = 0;
  EXPECT_THAT(f()->C_CopyObject(s, kBadObject, nullptr, 0, &copy), IsRv(CKR_OBJECT_HANDLE_INVALID));
}

TEST_F(ObjectTest, TemplatesWithoutAClassOrWithBadValuesAreRefused) {
  const CK_SESSION_HANDLE s = UserSession(true);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  // §5.7 (C_CreateObject) and §4.1.1: CKA_CLASS is required.
  EXPECT_THAT(Create(s, AttrList(), &h), IsRv(CKR_TEMPLATE_INCOMPLETE));
  AttrList value_only;
  value_only.Value(CKA_VALUE, Bytes{0xDE, 0xAD});
  EXPECT_THAT(Create(s, value_only, &h), IsRv(CKR_TEMPLATE_INCOMPLETE));
  AttrList bad_class;
  bad_class.Ulong(CKA_CLASS, 0x7FFF0001);
  EXPECT_THAT(Create(s, bad_class, &h), IsRv(CKR_ATTRIBUTE_VALUE_INVALID));
  AttrList short_class;
  short_class.Value(CKA_CLASS, Bytes{CKO_DATA});
  EXPECT_THAT(Create(s, short_class, &h), IsRv(CKR_ATTRIBUTE_VALUE_INVALID))
      << "a CK_ULONG attribute one byte long";
  // A certificate the token could store, but for one attribute nobody knows.
  MayChange(0x9A);
  ossl::PkeyPtr key = NewKey("P-256");
  AttrList unknown =
      Certificate(SelfSignedCertificate(key.get(), "unknown attribute", 3), Bytes{1});
  unknown.Bool(CKA_TOKEN, true).Value(0x7FFFFF02, Bytes{1});
  EXPECT_THAT(Create(s, unknown, &h), IsRv(CKR_ATTRIBUTE_TYPE_INVALID));
}

TEST_F(ObjectTest, TheClassOfAnObjectIsReadOnly) {
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE s = UserSession(true);
  CK_OBJECT_CLASS cls = CKO_DATA;
  CK_ATTRIBUTE a{CKA_CLASS, &cls, sizeof cls};
  EXPECT_THAT(f()->C_SetAttributeValue(s, One(s, CKO_PUBLIC_KEY), &a, 1),
              IsRv(CKR_ATTRIBUTE_READ_ONLY));
}

TEST_F(ObjectTest, TokenObjectsCannotBeChangedInAReadOnlySession) {
  // §5.7 (C_SetAttributeValue, C_DestroyObject): only session objects can be
  // modified or destroyed during a read-only session.
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE ro = UserSession(false);
  const CK_OBJECT_HANDLE pub = One(ro, CKO_PUBLIC_KEY);
  CK_BYTE label[] = {'x'};
  CK_ATTRIBUTE a{CKA_LABEL, label, sizeof label};
  EXPECT_THAT(f()->C_SetAttributeValue(ro, pub, &a, 1), IsRv(CKR_SESSION_READ_ONLY));
  EXPECT_THAT(f()->C_DestroyObject(ro, pub), IsRv(CKR_SESSION_READ_ONLY));
}

TEST_F(ObjectTest, ATokenKeyThatCannotBeDestroyedSaysSo) {
  // §4.4: CKA_DESTROYABLE false makes C_DestroyObject CKR_ACTION_PROHIBITED.
  ASSERT_NO_FATAL_FAILURE(SetUpKey());
  const CK_SESSION_HANDLE s = UserSession(true);
  const CK_OBJECT_HANDLE priv = One(s, CKO_PRIVATE_KEY);
  const CK_RV rv = f()->C_DestroyObject(s, priv);
  EXPECT_THAT(rv, IsRvOneOf({CKR_OK, CKR_ACTION_PROHIBITED}));
  if (rv == CKR_ACTION_PROHIBITED) {
    EXPECT_FALSE(BoolAttribute(s, priv, CKA_DESTROYABLE));
  }
}

TEST_F(ObjectTest, ACertificateInARetiredSlotSurvivesFinalizeAndInitialize) {
  // Token objects persist (§4.4 CKA_TOKEN): CKA_ID 05..18 are the retired
  // key slots 82..95 (docs/pkcs11-module.md).
  ossl::PkeyPtr key = NewKey("P-256");
  const std::uint8_t ids[] = {0x05, 0x0C, 0x18};
  std::vector<Bytes> ders;
  {
    const CK_SESSION_HANDLE s = UserSession(true);
    for (std::uint8_t id : ids) {
      MayChange(PivSlotOfId(id));
      ders.push_back(SelfSignedCertificate(key.get(), "retired " + std::to_string(id), id));
      CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
      ASSERT_THAT(Create(s, Certificate(ders.back(), Bytes{id}).Bool(CKA_TOKEN, true), &h),
                  IsRv(CKR_OK));
    }
  }
  // The card holds them (GET DATA of 5FC10D, 5FC114, 5FC120) ...
  const CardInventory now = CardNow();
  for (std::uint8_t id : ids) {
    char item[8];
    std::snprintf(item, sizeof item, "cert %02X", PivSlotOfId(id));
    EXPECT_EQ(now.items.count(item), 1u) << item << " is not on the card";
  }
  // ... and a fresh C_Initialize must list them again.
  const CK_SESSION_HANDLE s = Open(false);
  for (std::size_t i = 0; i < ders.size(); ++i) {
    AttrList t;
    t.Ulong(CKA_CLASS, CKO_CERTIFICATE).Value(CKA_ID, Bytes{ids[i]});
    std::vector<CK_OBJECT_HANDLE> found = Find(s, t);
    ASSERT_EQ(found.size(), 1u) << "certificate with CKA_ID " << int(ids[i]);
    EXPECT_EQ(Attribute(s, found[0], CKA_VALUE), ders[i]);
    EXPECT_TRUE(BoolAttribute(s, found[0], CKA_TOKEN));
  }
}

}  // namespace
}  // namespace tessera::testing::conformance

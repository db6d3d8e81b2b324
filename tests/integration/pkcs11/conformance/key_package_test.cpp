// The key package as a CKO_DATA token object (docs/pkcs11-objects.md "The
// key package"; docs/piv-extensions.md "The key package object"): written
// with C_CreateObject into 5FFF20, found and read back byte for byte,
// activated with C_UnwrapKey (CKM_ECDH_AES_KEY_WRAP, F0) from its own
// fields, after which the object is gone and the key signs. A package for
// another token is refused and nothing is written. The blob is made with
// plain OpenSSL (reference_crypto.hpp); the card inventory judges what the
// card holds.
#include "common/piv/key_package.hpp"

#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/cipher_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"
#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

namespace tessera::testing::conformance {
namespace {

constexpr std::string_view kApplication = piv::kKeyPackageApplication;

class KeyPackageTest : public CipherTest {
 protected:
  void SetUp() override {
    CipherTest::SetUp();
    token_key_ = P256FromPoint(card().token_key_point);
    ASSERT_NE(token_key_, nullptr);
  }

  // What the CMS makes: a P-256 key wrapped to this token's F0 for `slot`.
  Bytes MakePackage(const ossl::PkeyPtr& key, std::uint32_t serial, std::uint8_t slot) const {
    piv::KeyPackage p;
    p.algorithm = 0x11;  // P-256
    p.family = 0x03;     // CKK_EC
    p.kdf = 0x06;        // CKD_SHA256_KDF
    p.kek_length = 32;
    p.shared = BytesOf("TSW1");
    PutU32(p.shared, serial);
    p.shared.push_back(slot);
    Append(p.shared, BytesOf("issuance 7"));
    p.blob = EcdhAesKeyWrapBlob(token_key_.get(), 32, p.shared, Pkcs8(key.get()));
    return piv::EncodeKeyPackage(p);
  }

  static AttrList PackageTemplate(const Bytes& value) {
    AttrList t;
    t.Ulong(CKA_CLASS, CKO_DATA)
        .Bool(CKA_TOKEN, true)
        .Text(CKA_APPLICATION, kApplication)
        .Text(CKA_LABEL, "Key package")
        .Value(CKA_VALUE, value);
    return t;
  }

  std::vector<CK_OBJECT_HANDLE> FindPackages(CK_SESSION_HANDLE s) {
    AttrList t;
    t.Ulong(CKA_CLASS, CKO_DATA).Text(CKA_APPLICATION, kApplication);
    return Find(s, t);
  }

  CK_OBJECT_HANDLE TokenKey(CK_SESSION_HANDLE s) {
    AttrList t;
    t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Bool(CKA_UNWRAP, true);
    const std::vector<CK_OBJECT_HANDLE> found = Find(s, t);
    EXPECT_EQ(found.size(), 1u) << "private keys with CKA_UNWRAP (the token key F0)";
    return found.size() == 1 ? found[0] : CK_INVALID_HANDLE;
  }

  // `tessera token activate`: C_UnwrapKey with the package's own fields.
  CK_RV Activate(CK_SESSION_HANDLE s, const Bytes& encoded, CK_OBJECT_HANDLE* out) {
    auto package = piv::ParseKeyPackage(encoded);
    EXPECT_TRUE(package.ok()) << package.status().message();
    if (!package.ok()) return CKR_GENERAL_ERROR;
    EXPECT_EQ(package->kdf, 0x06);
    CK_ECDH_AES_KEY_WRAP_PARAMS p{CK_ULONG{package->kek_length} * 8, CKD_SHA256_KDF,
                                  package->shared.size(), package->shared.data()};
    Mechanism m(CKM_ECDH_AES_KEY_WRAP, p);
    AttrList t;
    t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
        .Ulong(CKA_KEY_TYPE, CKK_EC)
        .Value(CKA_ID, Bytes{0x02})
        .Bool(CKA_TOKEN, true);
    return f()->C_UnwrapKey(s, m.get(), TokenKey(s), package->blob.data(), package->blob.size(),
                            t.data(), t.size(), out);
  }

  ossl::PkeyPtr token_key_;
};

TEST_F(KeyPackageTest, WrittenFoundActivatedAndThenGone) {
  MayChange(0x9C);
  MayChange(kKeyPackageChange);
  ossl::PkeyPtr key = NewKey("P-256");
  const Bytes package = MakePackage(key, card().serial, 0x9C);
  CK_OBJECT_HANDLE created = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(session_, PackageTemplate(package), &created), IsRv(CKR_OK));
  EXPECT_EQ(FindPackages(session_), std::vector<CK_OBJECT_HANDLE>{created});

  // The card holds it; a fresh module finds it there without a login.
  EXPECT_EQ(ToHex(CardNow().key_package), ToHex(package));
  CK_SESSION_HANDLE s = Open(true);
  const std::vector<CK_OBJECT_HANDLE> found = FindPackages(s);
  ASSERT_EQ(found.size(), 1u);
  const CK_OBJECT_HANDLE h = found[0];
  EXPECT_EQ(ToHex(Attribute(s, h, CKA_VALUE)), ToHex(package));
  EXPECT_EQ(AsString(Attribute(s, h, CKA_LABEL)), "Key package");
  EXPECT_EQ(AsString(Attribute(s, h, CKA_APPLICATION)), kApplication);
  EXPECT_TRUE(BoolAttribute(s, h, CKA_TOKEN));
  EXPECT_FALSE(BoolAttribute(s, h, CKA_PRIVATE));
  EXPECT_TRUE(BoolAttribute(s, h, CKA_MODIFIABLE));
  EXPECT_TRUE(BoolAttribute(s, h, CKA_DESTROYABLE));

  // Activation: the user unwraps with the package's fields into 9C.
  ASSERT_THAT(Login(s, CKU_USER, kUserPin), IsRv(CKR_OK));
  const Bytes value = Attribute(s, h, CKA_VALUE);
  CK_OBJECT_HANDLE unwrapped = CK_INVALID_HANDLE;
  ASSERT_THAT(Activate(s, value, &unwrapped), IsRv(CKR_OK));
  EXPECT_TRUE(FindPackages(s).empty()) << "the module still shows the opened package";
  CK_ATTRIBUTE label{CKA_LABEL, nullptr, 0};
  EXPECT_THAT(f()->C_GetAttributeValue(s, h, &label, 1), IsRv(CKR_OBJECT_HANDLE_INVALID));

  // 9C signs as the wrapped key (PIN policy always: a context login).
  CK_MECHANISM ecdsa{CKM_ECDSA_SHA256, nullptr, 0};
  ASSERT_THAT(f()->C_SignInit(s, &ecdsa, unwrapped), IsRv(CKR_OK));
  ASSERT_THAT(Login(s, CKU_CONTEXT_SPECIFIC, kUserPin), IsRv(CKR_OK));
  Bytes msg = BytesOf("signed by an activated key");
  Bytes sig(64);
  CK_ULONG len = sig.size();
  ASSERT_THAT(f()->C_Sign(s, msg.data(), msg.size(), sig.data(), &len), IsRv(CKR_OK));
  sig.resize(len);
  EXPECT_TRUE(VerifiedByOpenSsl(key.get(), {Scheme::kEcdsa, EVP_sha256()}, msg, sig));

  // The card emptied 5FFF20 itself.
  EXPECT_TRUE(CardNow().key_package.empty());
  EXPECT_TRUE(FindPackages(Open(false)).empty());
}

TEST_F(KeyPackageTest, APackageForAnotherTokenIsRefusedAndNothingIsWritten) {
  ossl::PkeyPtr key = NewKey("P-256");
  const Bytes foreign = MakePackage(key, card().serial + 1, 0x9C);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  // The card says 6A80 for a package it could never open.
  EXPECT_THAT(Create(session_, PackageTemplate(foreign), &h), IsRv(CKR_ATTRIBUTE_VALUE_INVALID));
  EXPECT_TRUE(FindPackages(session_).empty());
  EXPECT_TRUE(CardNow().key_package.empty());
}

TEST_F(KeyPackageTest, MalformedAndOtherDataObjectsAreRefusedBeforeTheCard) {
  ossl::PkeyPtr key = NewKey("P-256");
  const Bytes good = MakePackage(key, card().serial, 0x9C);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(Create(session_, PackageTemplate(Bytes(good.begin(), good.end() - 1)), &h),
              IsRv(CKR_ATTRIBUTE_VALUE_INVALID));
  EXPECT_THAT(Create(session_, PackageTemplate({}), &h), IsRv(CKR_ATTRIBUTE_VALUE_INVALID))
      << "an empty value would empty 5FFF20";
  AttrList other;
  other.Ulong(CKA_CLASS, CKO_DATA)
      .Bool(CKA_TOKEN, true)
      .Text(CKA_APPLICATION, "Tessera key packages")
      .Value(CKA_VALUE, good);
  EXPECT_THAT(Create(session_, other, &h), IsRv(CKR_TEMPLATE_INCONSISTENT));
  AttrList hidden = PackageTemplate(good);
  hidden.Bool(CKA_PRIVATE, true);
  EXPECT_THAT(Create(session_, hidden, &h), IsRv(CKR_TEMPLATE_INCONSISTENT));
  // Without a login the template is still judged first; a package then
  // needs the write access a login gives.
  ASSERT_THAT(f()->C_Logout(session_), IsRv(CKR_OK));
  EXPECT_THAT(Create(session_, other, &h), IsRv(CKR_TEMPLATE_INCONSISTENT));
  EXPECT_THAT(Create(session_, PackageTemplate(good), &h), IsRv(CKR_USER_NOT_LOGGED_IN));
  EXPECT_TRUE(CardNow().key_package.empty());
}

TEST_F(KeyPackageTest, DestroyEmptiesTheObjectAndAPackageReplacesThePrevious) {
  MayChange(kKeyPackageChange);
  ossl::PkeyPtr key = NewKey("P-256");
  const Bytes first = MakePackage(key, card().serial, 0x9C);
  const Bytes second = MakePackage(key, card().serial, 0x9D);
  CK_OBJECT_HANDLE a = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE b = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(session_, PackageTemplate(first), &a), IsRv(CKR_OK));
  ASSERT_THAT(Create(session_, PackageTemplate(second), &b), IsRv(CKR_OK));
  EXPECT_EQ(FindPackages(session_), std::vector<CK_OBJECT_HANDLE>{b}) << "5FFF20 holds one";
  EXPECT_EQ(ToHex(Attribute(session_, b, CKA_VALUE)), ToHex(second));
  CK_SESSION_HANDLE ro = Open(false);
  EXPECT_THAT(f()->C_DestroyObject(ro, b), IsRv(CKR_SESSION_READ_ONLY));
  ASSERT_THAT(f()->C_DestroyObject(session_, b), IsRv(CKR_OK));
  EXPECT_TRUE(FindPackages(session_).empty());
  EXPECT_TRUE(CardNow().key_package.empty());
}

}  // namespace
}  // namespace tessera::testing::conformance

// Secret keys on the card through PKCS#11 (docs/pkcs11-module.md "Secret keys
// on the token"; the card's side is docs/piv-extensions.md F4/F5): imported,
// generated and derived keys that live in the card's slots C0..DF, MACs and
// AES-GCM computed by the card and checked against OpenSSL, HKDF into the
// card and out to the host, ECDH with a PIV slot key into the card, and the
// refusals: a value that cannot be read, a key that cannot be wrapped, full
// slots, a template asking for an extractable card key.
#include <openssl/evp.h>

#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"
#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

namespace tessera::testing::conformance {
namespace {

// CKA_TESSERA_EXPORT_DERIVED: HKDF output of the key may leave the card.
constexpr CK_ATTRIBUTE_TYPE kCkaTesseraExportDerived = CKA_VENDOR_DEFINED | 0x54530001UL;

class TokenSecretKeyTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    MayChange(0xFF);  // the secret-key slots
    session_ = UserSession(true);
  }

  // A token secret key with a value the test knows (C_CreateObject, the
  // card's import under the factory management key); `t` is a SecretKey()
  // template, CKA_TOKEN true is added.
  CK_OBJECT_HANDLE Import(AttrList t) {
    t.Bool(CKA_TOKEN, true);
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_THAT(Create(session_, t, &h), IsRv(CKR_OK));
    return h;
  }

  Bytes Sign(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key, const Bytes& msg) {
    CK_MECHANISM m{type, nullptr, 0};
    EXPECT_THAT(f()->C_SignInit(session_, &m, key), IsRv(CKR_OK));
    Bytes in = msg;
    CK_ULONG len = 0;
    EXPECT_THAT(f()->C_Sign(session_, in.data(), in.size(), nullptr, &len), IsRv(CKR_OK));
    Bytes out(len);
    EXPECT_THAT(f()->C_Sign(session_, in.data(), in.size(), out.data(), &len), IsRv(CKR_OK));
    out.resize(len);
    return out;
  }

  // A fresh module (C_Finalize, C_Initialize) and a new user session: what
  // is left is what the card keeps.
  void Reopen() {
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    session_ = UserSession(true);
  }

  std::vector<CK_OBJECT_HANDLE> SecretKeys() {
    AttrList by_class;
    by_class.Ulong(CKA_CLASS, CKO_SECRET_KEY);
    return Find(session_, by_class);
  }

  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  const Bytes msg_ = BytesOf("computed inside the card, checked by OpenSSL");
};

TEST_F(TokenSecretKeyTest, AnImportedKeyMacsOnTheCardAndHidesItsValue) {
  const Bytes secret(32, 0x5A);
  const CK_OBJECT_HANDLE h = Import(SecretKey(CKK_GENERIC_SECRET, secret));
  ASSERT_NE(h, CK_INVALID_HANDLE);
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_TOKEN));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_SENSITIVE));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_EXTRACTABLE));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_LOCAL)) << "imported";
  EXPECT_EQ(UlongAttribute(session_, h, CKA_VALUE_LEN), 32u);
  Bytes value;
  EXPECT_THAT(ReadAttribute(session_, h, CKA_VALUE, &value), IsRv(CKR_ATTRIBUTE_SENSITIVE));
  EXPECT_EQ(Sign(CKM_SHA256_HMAC, h, msg_), Hmac("SHA256", secret, msg_));
  EXPECT_EQ(Sign(CKM_SHA512_HMAC, h, msg_), Hmac("SHA512", secret, msg_));

  // Verification by the card: the right MAC, then a wrong one.
  Bytes mac = Hmac("SHA384", secret, msg_);
  Bytes in = msg_;
  CK_MECHANISM m{CKM_SHA384_HMAC, nullptr, 0};
  ASSERT_THAT(f()->C_VerifyInit(session_, &m, h), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Verify(session_, in.data(), in.size(), mac.data(), mac.size()), IsRv(CKR_OK));
  mac[5] ^= 1;
  ASSERT_THAT(f()->C_VerifyInit(session_, &m, h), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Verify(session_, in.data(), in.size(), mac.data(), mac.size()),
              IsRv(CKR_SIGNATURE_INVALID));

  // The key survives a fresh module: it is on the card.
  ASSERT_NO_FATAL_FAILURE(Reopen());
  std::vector<CK_OBJECT_HANDLE> found = SecretKeys();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(Sign(CKM_SHA256_HMAC, found[0], msg_), Hmac("SHA256", secret, msg_));
}

TEST_F(TokenSecretKeyTest, AesCmacAndGcmRunOnTheCard) {
  const Bytes key = HexOrDie("2B7E151628AED2A6ABF7158809CF4F3C");
  const CK_OBJECT_HANDLE h = Import(SecretKey(CKK_AES, key));
  ASSERT_NE(h, CK_INVALID_HANDLE);
  EXPECT_EQ(Sign(CKM_AES_CMAC, h, msg_), AesCmac(key, msg_));

  Bytes iv = HexOrDie("CAFEBABEFACEDBADDECAF888");
  Bytes aad = BytesOf("header");
  CK_GCM_PARAMS gcm{iv.data(), iv.size(), iv.size() * 8, aad.data(), aad.size(), 128};
  CK_MECHANISM m{CKM_AES_GCM, &gcm, sizeof gcm};
  ASSERT_THAT(f()->C_EncryptInit(session_, &m, h), IsRv(CKR_OK));
  Bytes plain = msg_;
  Bytes sealed(plain.size() + 16);
  CK_ULONG len = sealed.size();
  ASSERT_THAT(f()->C_Encrypt(session_, plain.data(), plain.size(), sealed.data(), &len),
              IsRv(CKR_OK));
  sealed.resize(len);
  EXPECT_EQ(sealed, AesGcmSeal(key, iv, aad, plain, 16));

  ASSERT_THAT(f()->C_DecryptInit(session_, &m, h), IsRv(CKR_OK));
  Bytes opened(sealed.size());
  len = opened.size();
  ASSERT_THAT(f()->C_Decrypt(session_, sealed.data(), sealed.size(), opened.data(), &len),
              IsRv(CKR_OK));
  opened.resize(len);
  EXPECT_EQ(opened, plain);
  sealed.back() ^= 1;
  ASSERT_THAT(f()->C_DecryptInit(session_, &m, h), IsRv(CKR_OK));
  len = opened.size();
  EXPECT_THAT(f()->C_Decrypt(session_, sealed.data(), sealed.size(), opened.data(), &len),
              IsRvOneOf({CKR_ENCRYPTED_DATA_INVALID, CKR_AEAD_DECRYPT_FAILED}));

  CK_MECHANISM cbc{CKM_AES_CBC, iv.data(), 16};
  Bytes iv16(16, 1);
  cbc.pParameter = iv16.data();
  EXPECT_THAT(f()->C_EncryptInit(session_, &cbc, h), IsRv(CKR_MECHANISM_INVALID))
      << "the card's AES keys encrypt with GCM only";
}

TEST_F(TokenSecretKeyTest, AGeneratedKeyMacsAndVerifiesItsOwnMacs) {
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_SECRET_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET)
      .Ulong(CKA_VALUE_LEN, 32)
      .Bool(CKA_TOKEN, true)
      .Text(CKA_LABEL, "generated on the card")
      .Value(CKA_ID, Bytes{0x42});
  CK_MECHANISM gen{CKM_GENERIC_SECRET_KEY_GEN, nullptr, 0};
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(f()->C_GenerateKey(session_, &gen, Template(t), t.size(), &h), IsRv(CKR_OK));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_LOCAL));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_ALWAYS_SENSITIVE));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_NEVER_EXTRACTABLE));
  EXPECT_EQ(Attribute(session_, h, CKA_ID), Bytes{0x42});
  const Bytes mac = Sign(CKM_SHA256_HMAC, h, msg_);
  ASSERT_EQ(mac.size(), 32u);
  Bytes in = msg_;
  Bytes copy = mac;
  CK_MECHANISM m{CKM_SHA256_HMAC, nullptr, 0};
  ASSERT_THAT(f()->C_VerifyInit(session_, &m, h), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Verify(session_, in.data(), in.size(), copy.data(), copy.size()),
              IsRv(CKR_OK));

  // The label and ID are kept on the card.
  ASSERT_NO_FATAL_FAILURE(Reopen());
  AttrList by_id;
  by_id.Ulong(CKA_CLASS, CKO_SECRET_KEY).Value(CKA_ID, Bytes{0x42});
  std::vector<CK_OBJECT_HANDLE> found = Find(session_, by_id);
  ASSERT_EQ(found.size(), 1u);
  const Bytes label = Attribute(session_, found[0], CKA_LABEL);
  EXPECT_EQ(std::string(label.begin(), label.end()), "generated on the card");
  EXPECT_THAT(f()->C_DestroyObject(session_, found[0]), IsRv(CKR_OK));
  EXPECT_TRUE(Find(session_, by_id).empty());
}

TEST_F(TokenSecretKeyTest, ACardKeyNeverLeavesTheCard) {
  const CK_OBJECT_HANDLE h = Import(SecretKey(CKK_AES, Bytes(16, 7)));
  ASSERT_NE(h, CK_INVALID_HANDLE);
  CK_OBJECT_HANDLE kek = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(session_, SecretKey(CKK_AES, Bytes(16, 9)).Bool(CKA_WRAP, true), &kek),
              IsRv(CKR_OK));
  CK_MECHANISM wrap{CKM_AES_KEY_WRAP_KWP, nullptr, 0};
  CK_ULONG len = 0;
  EXPECT_THAT(f()->C_WrapKey(session_, &wrap, kek, h, nullptr, &len), IsRv(CKR_KEY_UNEXTRACTABLE));
  // A template that asks for a card key the host could read is refused.
  AttrList readable = SecretKey(CKK_AES, Bytes(16, 8));
  readable.Bool(CKA_TOKEN, true).Bool(CKA_EXTRACTABLE, true);
  CK_OBJECT_HANDLE out = CK_INVALID_HANDLE;
  EXPECT_THAT(Create(session_, readable, &out), IsRv(CKR_TEMPLATE_INCONSISTENT));
  AttrList not_sensitive = SecretKey(CKK_AES, Bytes(16, 8));
  not_sensitive.Bool(CKA_TOKEN, true).Bool(CKA_SENSITIVE, false);
  EXPECT_THAT(Create(session_, not_sensitive, &out), IsRv(CKR_TEMPLATE_INCONSISTENT));
}

TEST_F(TokenSecretKeyTest, HkdfDerivesIntoTheCardAndOutOnlyWhenAllowed) {
  const Bytes ikm(32, 0x0B);
  const Bytes salt = HexOrDie("000102030405060708090A0B0C");
  const Bytes info = HexOrDie("F0F1F2F3F4F5F6F7F8F9");
  AttrList exporting = SecretKey(CKK_GENERIC_SECRET, ikm);
  exporting.Bool(CKA_DERIVE, true)
      .Bool(CKA_SIGN, false)
      .Bool(CKA_VERIFY, false)
      .Bool(kCkaTesseraExportDerived, true);
  const CK_OBJECT_HANDLE base = Import(std::move(exporting));
  ASSERT_NE(base, CK_INVALID_HANDLE);
  Bytes s = salt;
  Bytes i = info;
  CK_HKDF_PARAMS p{CK_TRUE,           CK_TRUE,  CKM_SHA256, CKF_HKDF_SALT_DATA, s.data(), s.size(),
                   CK_INVALID_HANDLE, i.data(), i.size()};
  CK_MECHANISM m{CKM_HKDF_DERIVE, &p, sizeof p};

  // Out to the host: a session key with the RFC 5869 output.
  AttrList out;
  out.Ulong(CKA_CLASS, CKO_SECRET_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET)
      .Ulong(CKA_VALUE_LEN, 42)
      .Bool(CKA_SENSITIVE, false)
      .Bool(CKA_EXTRACTABLE, true);
  CK_OBJECT_HANDLE host = CK_INVALID_HANDLE;
  ASSERT_THAT(f()->C_DeriveKey(session_, &m, base, Template(out), out.size(), &host), IsRv(CKR_OK));
  EXPECT_FALSE(BoolAttribute(session_, host, CKA_TOKEN));
  EXPECT_EQ(Attribute(session_, host, CKA_VALUE), Hkdf("SHA256", ikm, salt, info, 42));

  // Into the card: the same output, used for a MAC only the card computes.
  AttrList card;
  card.Ulong(CKA_CLASS, CKO_SECRET_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET)
      .Ulong(CKA_VALUE_LEN, 32)
      .Bool(CKA_TOKEN, true);
  CK_OBJECT_HANDLE kept = CK_INVALID_HANDLE;
  ASSERT_THAT(f()->C_DeriveKey(session_, &m, base, Template(card), card.size(), &kept),
              IsRv(CKR_OK));
  EXPECT_TRUE(BoolAttribute(session_, kept, CKA_TOKEN));
  EXPECT_EQ(Sign(CKM_SHA256_HMAC, kept, msg_),
            Hmac("SHA256", Hkdf("SHA256", ikm, salt, info, 32), msg_));

  // A key without the export usage keeps its derivations on the card.
  AttrList closed_template = SecretKey(CKK_GENERIC_SECRET, ikm);
  closed_template.Bool(CKA_DERIVE, true);
  const CK_OBJECT_HANDLE closed = Import(std::move(closed_template));
  EXPECT_THAT(f()->C_DeriveKey(session_, &m, closed, Template(out), out.size(), &host),
              IsRv(CKR_KEY_FUNCTION_NOT_PERMITTED));
}

TEST_F(TokenSecretKeyTest, EcdhWithASlotKeyDerivesIntoTheCard) {
  MayChange(0x9D);
  ossl::PkeyPtr card_pub = GenerateOnCard(0x9D, piv::Algorithm::kEccP256);
  ASSERT_NE(card_pub, nullptr);
  session_ = UserSession(true);
  AttrList by_id;
  by_id.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, Bytes{0x03});
  std::vector<CK_OBJECT_HANDLE> keys = Find(session_, by_id);
  ASSERT_EQ(keys.size(), 1u);
  ossl::PkeyPtr peer = NewKey("P-256");
  Bytes point = EcPublicPoint(peer.get());
  CK_ECDH1_DERIVE_PARAMS p{CKD_NULL, 0, nullptr, point.size(), point.data()};
  CK_MECHANISM m{CKM_ECDH1_DERIVE, &p, sizeof p};
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_SECRET_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET)
      .Bool(CKA_TOKEN, true)
      .Bool(CKA_SIGN, true);
  CK_OBJECT_HANDLE z = CK_INVALID_HANDLE;
  ASSERT_THAT(f()->C_DeriveKey(session_, &m, keys[0], Template(t), t.size(), &z), IsRv(CKR_OK));
  EXPECT_EQ(UlongAttribute(session_, z, CKA_VALUE_LEN), 32u);
  const Bytes shared = SharedSecret(peer.get(), card_pub.get());
  EXPECT_EQ(Sign(CKM_SHA256_HMAC, z, msg_), Hmac("SHA256", shared, msg_));
}

TEST_F(TokenSecretKeyTest, TheTokenKeysSecretsStayOnTheCard) {
  AttrList by_id;
  by_id.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, Bytes{0xF0});
  std::vector<CK_OBJECT_HANDLE> keys = Find(session_, by_id);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_TRUE(BoolAttribute(session_, keys[0], CKA_DERIVE));
  EXPECT_TRUE(BoolAttribute(session_, keys[0], CKA_UNWRAP));
  EXPECT_FALSE(BoolAttribute(session_, keys[0], CKA_SIGN));
  ossl::PkeyPtr peer = NewKey("P-256");
  Bytes point = EcPublicPoint(peer.get());
  CK_ECDH1_DERIVE_PARAMS p{CKD_NULL, 0, nullptr, point.size(), point.data()};
  CK_MECHANISM m{CKM_ECDH1_DERIVE, &p, sizeof p};
  AttrList session_secret;
  session_secret.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(
      f()->C_DeriveKey(session_, &m, keys[0], Template(session_secret), session_secret.size(), &h),
      IsRv(CKR_TEMPLATE_INCONSISTENT));
  AttrList on_card;
  on_card.Ulong(CKA_CLASS, CKO_SECRET_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET)
      .Bool(CKA_TOKEN, true);
  EXPECT_THAT(f()->C_DeriveKey(session_, &m, keys[0], Template(on_card), on_card.size(), &h),
              IsRv(CKR_OK));
  CK_MECHANISM sign{CKM_ECDSA, nullptr, 0};
  EXPECT_THAT(f()->C_SignInit(session_, &sign, keys[0]), IsRv(CKR_KEY_FUNCTION_NOT_PERMITTED));
}

TEST_F(TokenSecretKeyTest, ThirtyTwoSlotsThenDeviceMemory) {
  for (int i = 0; i < 32; ++i) {
    ASSERT_NE(Import(SecretKey(CKK_GENERIC_SECRET, Bytes(16, static_cast<std::uint8_t>(i)))),
              CK_INVALID_HANDLE)
        << i;
  }
  AttrList t = SecretKey(CKK_GENERIC_SECRET, Bytes(16, 0xEE));
  t.Bool(CKA_TOKEN, true);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(Create(session_, t, &h), IsRv(CKR_DEVICE_MEMORY));
}

TEST_F(TokenSecretKeyTest, DestroyingACardKeyFreesItsSlotWithAUserLogin) {
  ASSERT_NE(Import(SecretKey(CKK_GENERIC_SECRET, Bytes(16, 0x11))), CK_INVALID_HANDLE);
  // A fresh module has not authenticated the management key yet: the
  // delete (F4 05) must do it itself, as the import did (factory key).
  ASSERT_NO_FATAL_FAILURE(Reopen());
  std::vector<CK_OBJECT_HANDLE> found = SecretKeys();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_THAT(f()->C_DestroyObject(session_, found[0]), IsRv(CKR_OK));
  EXPECT_TRUE(SecretKeys().empty());
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_TRUE(SecretKeys().empty()) << "the card's slot is free, not just hidden";
}

TEST_F(TokenSecretKeyTest, ACardKeyCannotSaltAnHkdfOnTheHost) {
  // HKDF from a session key runs on the host; a salt key on the card has no
  // value there to use, so the salt is refused rather than taken as empty.
  const CK_OBJECT_HANDLE salt_key = Import(SecretKey(CKK_GENERIC_SECRET, Bytes(16, 0x22)));
  ASSERT_NE(salt_key, CK_INVALID_HANDLE);
  AttrList base_template = SecretKey(CKK_GENERIC_SECRET, Bytes(32, 0x0B));
  base_template.Bool(CKA_DERIVE, true);
  CK_OBJECT_HANDLE base = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(session_, base_template, &base), IsRv(CKR_OK));
  Bytes info = BytesOf("salted by the card?");
  CK_HKDF_PARAMS p{CK_TRUE, CK_TRUE,  CKM_SHA256,  CKF_HKDF_SALT_KEY, nullptr,
                   0,       salt_key, info.data(), info.size()};
  CK_MECHANISM m{CKM_HKDF_DERIVE, &p, sizeof p};
  AttrList out;
  out.Ulong(CKA_CLASS, CKO_SECRET_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET)
      .Ulong(CKA_VALUE_LEN, 32);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(f()->C_DeriveKey(session_, &m, base, Template(out), out.size(), &h),
              IsRv(CKR_MECHANISM_PARAM_INVALID));
}

}  // namespace
}  // namespace tessera::testing::conformance

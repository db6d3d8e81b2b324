// C_DeriveKey (PKCS#11 3.0 §5.18): ECDH with card keys (P-256 and X25519)
// against OpenSSL's shared secret, the secret-key attributes a derived key
// must answer, and HKDF (CKM_HKDF_DERIVE, new in 3.0) against RFC 5869.
#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/cipher_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"
#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

namespace tessera::testing::conformance {
namespace {

class DeriveTest : public CipherTest {
 protected:
  // ECDH of the card key with CKA_ID `id` and `peer`, into a session secret.
  CK_RV Ecdh(std::uint8_t id, EVP_PKEY* peer, const AttrList& tmpl, CK_OBJECT_HANDLE* out) {
    AttrList t;
    t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, Bytes{id});
    const std::vector<CK_OBJECT_HANDLE> keys = Find(session_, t);
    EXPECT_EQ(keys.size(), 1u);
    Bytes point = EcPublicPoint(peer);
    CK_ECDH1_DERIVE_PARAMS p{CKD_NULL, 0, nullptr, point.size(), point.data()};
    CK_MECHANISM m{CKM_ECDH1_DERIVE, &p, sizeof p};
    return f()->C_DeriveKey(session_, &m, keys.empty() ? kBadObject : keys[0], Template(tmpl),
                            tmpl.size(), out);
  }
  static AttrList Readable(CK_KEY_TYPE type, CK_ULONG len) {
    AttrList t;
    t.Ulong(CKA_CLASS, CKO_SECRET_KEY)
        .Ulong(CKA_KEY_TYPE, type)
        .Ulong(CKA_VALUE_LEN, len)
        .Bool(CKA_SENSITIVE, false)
        .Bool(CKA_EXTRACTABLE, true);
    return t;
  }
};

TEST_F(DeriveTest, EcdhWithAP256CardKeyGivesOpenSslsSharedSecret) {
  ossl::PkeyPtr card = GenerateOnCard(0x9D, piv::Algorithm::kEccP256);
  ASSERT_NE(card, nullptr);
  session_ = UserSession(false);
  ossl::PkeyPtr peer = NewKey("P-256");
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Ecdh(0x03, peer.get(), Readable(CKK_GENERIC_SECRET, 32), &h), IsRv(CKR_OK));
  EXPECT_EQ(Attribute(session_, h, CKA_VALUE), SharedSecret(peer.get(), card.get()));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_TOKEN));
}

TEST_F(DeriveTest, EcdhWithAnX25519CardKeyGivesOpenSslsSharedSecret) {
  // CKM_ECDH1_DERIVE covers Montgomery keys: the public data is the raw
  // 32-byte u-coordinate (3.0 mechanisms spec, EC Montgomery).
  ossl::PkeyPtr card = GenerateOnCard(0x9E, piv::Algorithm::kX25519);
  ASSERT_NE(card, nullptr);
  session_ = UserSession(false);
  ossl::PkeyPtr peer = NewKey("X25519");
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Ecdh(0x04, peer.get(), Readable(CKK_GENERIC_SECRET, 32), &h), IsRv(CKR_OK));
  EXPECT_EQ(Attribute(session_, h, CKA_VALUE), SharedSecret(peer.get(), card.get()));
}

TEST_F(DeriveTest, AnEcdhSecretKeyAnswersTheSecretKeyAttributesItsTemplateSet) {
  // §4.10 (secret key objects) lists CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN,
  // CKA_VERIFY, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE; §4.7 CKA_KEY_GEN_MECHANISM,
  // which is CK_UNAVAILABLE_INFORMATION for a key that is not CKA_LOCAL.
  // None of them may be CKR_ATTRIBUTE_TYPE_INVALID on a secret key.
  ossl::PkeyPtr card = GenerateOnCard(0x9A, piv::Algorithm::kEccP256);
  ASSERT_NE(card, nullptr);
  session_ = UserSession(false);
  ossl::PkeyPtr peer = NewKey("P-256");
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_SECRET_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_AES)
      .Ulong(CKA_VALUE_LEN, 32)
      .Bool(CKA_ENCRYPT, true)
      .Bool(CKA_DECRYPT, true)
      .Bool(CKA_WRAP, true)
      .Bool(CKA_UNWRAP, false)
      .Bool(CKA_SIGN, false)
      .Bool(CKA_DERIVE, true)
      .Text(CKA_LABEL, "derived");
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Ecdh(0x01, peer.get(), t, &h), IsRv(CKR_OK));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_ENCRYPT));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_DECRYPT));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_WRAP));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_UNWRAP));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_SIGN));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_DERIVE));
  BoolAttribute(session_, h, CKA_VERIFY);
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_LOCAL));
  EXPECT_EQ(UlongAttribute(session_, h, CKA_KEY_GEN_MECHANISM), CK_UNAVAILABLE_INFORMATION);
  EXPECT_EQ(UlongAttribute(session_, h, CKA_KEY_TYPE), CKK_AES);
  EXPECT_EQ(UlongAttribute(session_, h, CKA_VALUE_LEN), 32u);
  EXPECT_EQ(Attribute(session_, h, CKA_LABEL), BytesOf("derived"));
  BoolAttribute(session_, h, CKA_ALWAYS_SENSITIVE);
  BoolAttribute(session_, h, CKA_NEVER_EXTRACTABLE);
  // A 32-byte AES key from P-256 ECDH is the whole of Z: it must encrypt so.
  Mechanism ecb(CKM_AES_ECB);
  const Bytes block(16, 0x42);
  EXPECT_EQ(Encrypt(ecb, h, block),
            Cipher("AES-256-ECB", SharedSecret(peer.get(), card.get()), {}, block, true));
}

TEST_F(DeriveTest, HkdfDeriveMatchesRfc5869) {
  EXPECT_TRUE(Lists(CKM_HKDF_DERIVE));
  const Bytes ikm(22, 0x0B);
  Bytes salt = HexOrDie("000102030405060708090A0B0C");
  Bytes info = HexOrDie("F0F1F2F3F4F5F6F7F8F9");
  CK_OBJECT_HANDLE base = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(session_, SecretKey(CKK_GENERIC_SECRET, ikm).Bool(CKA_DERIVE, true), &base),
              IsRv(CKR_OK));
  CK_HKDF_PARAMS p{CK_TRUE,     CK_TRUE,           CKM_SHA256,  CKF_HKDF_SALT_DATA, salt.data(),
                   salt.size(), CK_INVALID_HANDLE, info.data(), info.size()};
  CK_MECHANISM m{CKM_HKDF_DERIVE, &p, sizeof p};
  AttrList t = Readable(CKK_GENERIC_SECRET, 42);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(f()->C_DeriveKey(session_, &m, base, t.data(), t.size(), &h), IsRv(CKR_OK));
  const Bytes okm = Attribute(session_, h, CKA_VALUE);
  EXPECT_EQ(okm, Hkdf("SHA256", ikm, salt, info, 42));
  // RFC 5869 A.1 gives the same output for these inputs.
  EXPECT_EQ(okm, HexOrDie("3CB25F25FAACD57A90434F64D0362F2A2D2D0A90CF1A5A4C5DB02D56ECC4C5BF"
                          "34007208D5B887185865"));
}

TEST_F(DeriveTest, ABaseKeyWithoutCkaDeriveIsKeyFunctionNotPermitted) {
  CK_OBJECT_HANDLE base = CK_INVALID_HANDLE;
  ASSERT_THAT(
      Create(session_, SecretKey(CKK_GENERIC_SECRET, Bytes(32, 1)).Bool(CKA_DERIVE, false), &base),
      IsRv(CKR_OK));
  CK_HKDF_PARAMS p{CK_TRUE,           CK_TRUE, CKM_SHA256, CKF_HKDF_SALT_NULL, nullptr, 0,
                   CK_INVALID_HANDLE, nullptr, 0};
  CK_MECHANISM m{CKM_HKDF_DERIVE, &p, sizeof p};
  AttrList t = Readable(CKK_GENERIC_SECRET, 32);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(f()->C_DeriveKey(session_, &m, base, t.data(), t.size(), &h),
              IsRv(CKR_KEY_FUNCTION_NOT_PERMITTED));
}

}  // namespace
}  // namespace tessera::testing::conformance

// C_WrapKey and C_UnwrapKey with AES key wrap on session keys (PKCS#11 3.0
// §5.18; mechanisms CKM_AES_KEY_WRAP = RFC 3394, CKM_AES_KEY_WRAP_KWP = RFC
// 5649, CKM_AES_KEY_WRAP_PAD), each wrapped blob compared with OpenSSL's, and
// the refusals: unextractable keys (every token key), wrapping keys without
// CKA_WRAP, tampered blobs.
#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/cipher_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"
#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

namespace tessera::testing::conformance {
namespace {

const Bytes kKek = HexOrDie("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
const Bytes kAesValue = HexOrDie("00112233445566778899AABBCCDDEEFF");

class WrapTest : public CipherTest {
 protected:
  void SetUp() override {
    CipherTest::SetUp();
    ASSERT_THAT(Create(session_,
                       SecretKey(CKK_AES, kKek).Bool(CKA_WRAP, true).Bool(CKA_UNWRAP, true), &kek_),
                IsRv(CKR_OK));
  }
  CK_OBJECT_HANDLE Extractable(CK_KEY_TYPE type, const Bytes& value, bool extractable = true) {
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_THAT(Create(session_,
                       SecretKey(type, value)
                           .Bool(CKA_EXTRACTABLE, extractable)
                           .Bool(CKA_SENSITIVE, true)
                           .Bool(CKA_ENCRYPT, true),
                       &h),
                IsRv(CKR_OK));
    return h;
  }
  // C_WrapKey with the §5.2 two-call pattern; the CK_RV of the first failure.
  CK_RV Wrap(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key, Bytes* out) {
    Mechanism m(type);
    CK_ULONG len = 0;
    if (CK_RV rv = f()->C_WrapKey(session_, m.get(), wrapping, key, nullptr, &len); rv != CKR_OK) {
      return rv;
    }
    out->assign(len, 0);
    const CK_RV rv = f()->C_WrapKey(session_, m.get(), wrapping, key, out->data(), &len);
    out->resize(std::min<std::size_t>(len, out->size()));
    return rv;
  }
  CK_RV Unwrap(CK_MECHANISM_TYPE type, Bytes blob, const AttrList& tmpl, CK_OBJECT_HANDLE* out) {
    Mechanism m(type);
    return f()->C_UnwrapKey(session_, m.get(), kek_, blob.data(), blob.size(), Template(tmpl),
                            tmpl.size(), out);
  }
  static AttrList AesTemplate() {
    AttrList t;
    t.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_AES).Bool(CKA_ENCRYPT, true);
    return t;
  }
  CK_OBJECT_HANDLE kek_ = CK_INVALID_HANDLE;
};

TEST_F(WrapTest, AesKeyWrapMatchesRfc3394AsOpenSslComputesIt) {
  EXPECT_TRUE(Lists(CKM_AES_KEY_WRAP));
  Bytes blob;
  ASSERT_THAT(Wrap(CKM_AES_KEY_WRAP, kek_, Extractable(CKK_AES, kAesValue), &blob), IsRv(CKR_OK));
  EXPECT_EQ(blob, AesKeyWrap(kKek, kAesValue, false));
}

TEST_F(WrapTest, AesKeyWrapKwpMatchesRfc5649ForAKeyThatIsNotWholeBlocks) {
  EXPECT_TRUE(Lists(CKM_AES_KEY_WRAP_KWP));
  const Bytes secret(20, 0x5E);
  Bytes blob;
  ASSERT_THAT(Wrap(CKM_AES_KEY_WRAP_KWP, kek_, Extractable(CKK_GENERIC_SECRET, secret), &blob),
              IsRv(CKR_OK));
  EXPECT_EQ(blob, AesKeyWrap(kKek, secret, true));
}

TEST_F(WrapTest, AesKeyWrapPadRoundTrips) {
  // CKM_AES_KEY_WRAP_PAD is PKCS #7 padding then KW in 3.0 and was KWP in
  // some 2.40 readings; only the round trip is checked, not the bytes.
  EXPECT_TRUE(Lists(CKM_AES_KEY_WRAP_PAD));
  const Bytes secret(20, 0x3A);
  Bytes blob;
  ASSERT_THAT(Wrap(CKM_AES_KEY_WRAP_PAD, kek_, Extractable(CKK_GENERIC_SECRET, secret), &blob),
              IsRv(CKR_OK));
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_SECRET_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET)
      .Bool(CKA_SENSITIVE, false)
      .Bool(CKA_EXTRACTABLE, true);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Unwrap(CKM_AES_KEY_WRAP_PAD, blob, t, &h), IsRv(CKR_OK));
  EXPECT_EQ(Attribute(session_, h, CKA_VALUE), secret);
}

TEST_F(WrapTest, WrapLengthQueryAndShortBufferFollowTheBufferRules) {
  const CK_OBJECT_HANDLE key = Extractable(CKK_AES, kAesValue);
  Mechanism m(CKM_AES_KEY_WRAP);
  CK_ULONG len = 0;
  ASSERT_THAT(f()->C_WrapKey(session_, m.get(), kek_, key, nullptr, &len), IsRv(CKR_OK));
  EXPECT_EQ(len, 24u);
  Bytes out(24);
  len = 8;
  EXPECT_THAT(f()->C_WrapKey(session_, m.get(), kek_, key, out.data(), &len),
              IsRv(CKR_BUFFER_TOO_SMALL));
  EXPECT_EQ(len, 24u);
}

TEST_F(WrapTest, UnwrappingAnOpenSslBlobMakesAWorkingSessionKey) {
  EXPECT_TRUE(Lists(CKM_AES_KEY_WRAP));
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Unwrap(CKM_AES_KEY_WRAP, AesKeyWrap(kKek, kAesValue, false), AesTemplate(), &h),
              IsRv(CKR_OK));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_TOKEN));
  // §4.10 (secret key objects): an unwrapped key is not local, and was not
  // always sensitive or never extractable.
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_LOCAL));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_ALWAYS_SENSITIVE));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_NEVER_EXTRACTABLE));
  Mechanism ecb(CKM_AES_ECB);
  const Bytes block(16, 0x99);
  EXPECT_EQ(Encrypt(ecb, h, block), Cipher("AES-128-ECB", kAesValue, {}, block, true));
}

TEST_F(WrapTest, ATamperedBlobIsWrappedKeyInvalidAndMakesNoKey) {
  Bytes blob = AesKeyWrap(kKek, kAesValue, true);
  blob[3] ^= 0x10;
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(Unwrap(CKM_AES_KEY_WRAP_KWP, blob, AesTemplate(), &h), IsRv(CKR_WRAPPED_KEY_INVALID));
  AttrList secret_keys;
  secret_keys.Ulong(CKA_CLASS, CKO_SECRET_KEY);
  EXPECT_EQ(Find(session_, secret_keys).size(), 1u) << "only the KEK";
}

TEST_F(WrapTest, ATokenKeyIsKeyUnextractable) {
  // Every PIV key is CKA_EXTRACTABLE false: §5.18 (C_WrapKey) CKR_KEY_UNEXTRACTABLE.
  ASSERT_NE(GenerateOnCard(0x9A, piv::Algorithm::kEccP256), nullptr);
  session_ = UserSession(false);
  ASSERT_THAT(Create(session_, SecretKey(CKK_AES, kKek).Bool(CKA_WRAP, true), &kek_), IsRv(CKR_OK));
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, Bytes{0x01});
  const std::vector<CK_OBJECT_HANDLE> keys = Find(session_, t);
  ASSERT_EQ(keys.size(), 1u);
  Bytes blob;
  EXPECT_THAT(Wrap(CKM_AES_KEY_WRAP_KWP, kek_, keys[0], &blob), IsRv(CKR_KEY_UNEXTRACTABLE));
}

TEST_F(WrapTest, ASessionKeyMadeUnextractableIsKeyUnextractable) {
  Bytes blob;
  EXPECT_THAT(Wrap(CKM_AES_KEY_WRAP, kek_, Extractable(CKK_AES, kAesValue, false), &blob),
              IsRv(CKR_KEY_UNEXTRACTABLE));
}

TEST_F(WrapTest, APublicKeyIsKeyNotWrappable) {
  // A public key has no secret to protect and no CKA_EXTRACTABLE: the answer
  // is that it cannot be wrapped (§5.18 CKR_KEY_NOT_WRAPPABLE), not that it
  // cannot leave.
  ossl::PkeyPtr key = NewKey("P-256");
  CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(session_, EcPublicKey(key.get(), HexOrDie("06082A8648CE3D030107")), &pub),
              IsRv(CKR_OK));
  Bytes blob;
  EXPECT_THAT(Wrap(CKM_AES_KEY_WRAP_KWP, kek_, pub, &blob), IsRv(CKR_KEY_NOT_WRAPPABLE));
}

TEST_F(WrapTest, TheKeyWrapMechanismsDoNotClaimToEncrypt) {
  // C_EncryptInit with the key-wrap family is not offered, and the
  // mechanism info says so.
  for (CK_MECHANISM_TYPE type : {CKM_AES_KEY_WRAP, CKM_AES_KEY_WRAP_PAD, CKM_AES_KEY_WRAP_KWP}) {
    CK_MECHANISM_INFO info{};
    ASSERT_THAT(f()->C_GetMechanismInfo(slot_, type, &info), IsRv(CKR_OK));
    EXPECT_EQ(info.flags & (CKF_ENCRYPT | CKF_DECRYPT), 0u) << type;
    EXPECT_EQ(info.flags & (CKF_WRAP | CKF_UNWRAP), CKF_WRAP | CKF_UNWRAP) << type;
  }
}

TEST_F(WrapTest, AWrappingKeyWithoutCkaWrapIsKeyFunctionNotPermitted) {
  CK_OBJECT_HANDLE no_wrap = CK_INVALID_HANDLE;
  ASSERT_THAT(Create(session_, SecretKey(CKK_AES, kKek).Bool(CKA_WRAP, false), &no_wrap),
              IsRv(CKR_OK));
  Bytes blob;
  EXPECT_THAT(Wrap(CKM_AES_KEY_WRAP, no_wrap, Extractable(CKK_AES, kAesValue), &blob),
              IsRv(CKR_KEY_FUNCTION_NOT_PERMITTED));
}

TEST_F(WrapTest, BadHandlesNameTheirRole) {
  // §5.18: the wrapping key and the key to wrap have their own codes.
  Bytes blob;
  const CK_OBJECT_HANDLE key = Extractable(CKK_AES, kAesValue);
  EXPECT_THAT(Wrap(CKM_AES_KEY_WRAP, kBadObject, key, &blob),
              IsRv(CKR_WRAPPING_KEY_HANDLE_INVALID));
  EXPECT_THAT(Wrap(CKM_AES_KEY_WRAP, kek_, kBadObject, &blob), IsRv(CKR_KEY_HANDLE_INVALID));
  Mechanism m(CKM_AES_KEY_WRAP);
  Bytes wrapped = AesKeyWrap(kKek, kAesValue, false);
  AttrList t = AesTemplate();
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(f()->C_UnwrapKey(session_, m.get(), kBadObject, wrapped.data(), wrapped.size(),
                               t.data(), t.size(), &h),
              IsRv(CKR_UNWRAPPING_KEY_HANDLE_INVALID));
}

}  // namespace
}  // namespace tessera::testing::conformance

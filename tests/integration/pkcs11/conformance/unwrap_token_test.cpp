// CKM_ECDH_AES_KEY_WRAP into the token with the token key F0 (PKCS#11 3.0
// §5.18 C_UnwrapKey; docs/piv-extensions.md F2). The blob is made here with
// plain OpenSSL - ephemeral P-256, ECDH with F0's public key read from the
// card, X9.63 KDF over the shared data "TSW1" | serial | target slot, AES-KWP
// - so the test does not depend on the module. F0 is the private-key object
// with CKA_UNWRAP and CKA_DERIVE true and CKA_SIGN false.
#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/cipher_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"
#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

namespace tessera::testing::conformance {
namespace {

class UnwrapTokenTest : public CipherTest {
 protected:
  void SetUp() override {
    CipherTest::SetUp();
    token_key_ = P256FromPoint(card().token_key_point);
    ASSERT_NE(token_key_, nullptr);
  }
  // The F0 object: exactly one private key may unwrap.
  CK_OBJECT_HANDLE TokenKey() {
    AttrList t;
    t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Bool(CKA_UNWRAP, true);
    const std::vector<CK_OBJECT_HANDLE> found = Find(session_, t);
    EXPECT_EQ(found.size(), 1u) << "private keys with CKA_UNWRAP (the token key F0)";
    return found.size() == 1 ? found[0] : CK_INVALID_HANDLE;
  }
  Bytes SharedData(std::uint8_t target) const {
    Bytes out = BytesOf("TSW1");
    PutU32(out, card().serial);
    out.push_back(target);
    Append(out, BytesOf("conformance"));
    return out;
  }
  CK_RV Unwrap(const Bytes& shared, Bytes blob, const AttrList& tmpl, CK_OBJECT_HANDLE* out) {
    Bytes data = shared;
    CK_ECDH_AES_KEY_WRAP_PARAMS p{256, CKD_SHA256_KDF, data.size(), data.data()};
    Mechanism m(CKM_ECDH_AES_KEY_WRAP, p);
    return f()->C_UnwrapKey(session_, m.get(), TokenKey(), blob.data(), blob.size(), Template(tmpl),
                            tmpl.size(), out);
  }
  static AttrList EcKeyFor(std::uint8_t id) {
    AttrList t;
    t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
        .Ulong(CKA_KEY_TYPE, CKK_EC)
        .Bool(CKA_TOKEN, true)
        .Bool(CKA_SIGN, true)
        .Value(CKA_ID, Bytes{id});
    return t;
  }

  ossl::PkeyPtr token_key_;
};

TEST_F(UnwrapTokenTest, TheTokenKeyUnwrapsAndDerivesButDoesNotSign) {
  EXPECT_TRUE(Lists(CKM_ECDH_AES_KEY_WRAP));
  const CK_OBJECT_HANDLE f0 = TokenKey();
  ASSERT_NE(f0, CK_INVALID_HANDLE);
  EXPECT_TRUE(BoolAttribute(session_, f0, CKA_TOKEN));
  EXPECT_TRUE(BoolAttribute(session_, f0, CKA_DERIVE));
  EXPECT_FALSE(BoolAttribute(session_, f0, CKA_SIGN));
  EXPECT_EQ(UlongAttribute(session_, f0, CKA_KEY_TYPE), CKK_EC);
}

TEST_F(UnwrapTokenTest, AnEcKeyUnwrapsIntoTheSlotItsBlobNames) {
  MayChange(0x9D);
  ossl::PkeyPtr key = NewKey("P-256");
  const Bytes shared = SharedData(0x9D);
  const Bytes blob = EcdhAesKeyWrapBlob(token_key_.get(), 32, shared, Pkcs8(key.get()));
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Unwrap(shared, blob, EcKeyFor(0x03), &h), IsRv(CKR_OK));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_TOKEN));
  // §4.9 (private key objects): an unwrapped key is not local, was not
  // always sensitive, and was once extractable (it came wrapped).
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_LOCAL));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_ALWAYS_SENSITIVE));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_NEVER_EXTRACTABLE));
  CK_MECHANISM m{CKM_ECDSA_SHA256, nullptr, 0};
  ASSERT_THAT(f()->C_SignInit(session_, &m, h), IsRv(CKR_OK));
  Bytes msg = BytesOf("signed by an unwrapped key");
  Bytes sig(64);
  CK_ULONG len = sig.size();
  ASSERT_THAT(f()->C_Sign(session_, msg.data(), msg.size(), sig.data(), &len), IsRv(CKR_OK));
  EXPECT_TRUE(VerifiedByOpenSsl(key.get(), {Scheme::kEcdsa, EVP_sha256()}, msg, sig));
}

TEST_F(UnwrapTokenTest, AnAesKeyUnwrapsIntoAFreeSecretKeySlot) {
  MayChange(0xFF);
  const Bytes value = HexOrDie("2B7E151628AED2A6ABF7158809CF4F3C");
  const Bytes shared = SharedData(0xFF);
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_SECRET_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_AES)
      .Bool(CKA_TOKEN, true)
      .Bool(CKA_SIGN, true);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(Unwrap(shared, EcdhAesKeyWrapBlob(token_key_.get(), 32, shared, value), t, &h),
              IsRv(CKR_OK));
  EXPECT_TRUE(BoolAttribute(session_, h, CKA_TOKEN));
  EXPECT_FALSE(BoolAttribute(session_, h, CKA_LOCAL));
  CK_MECHANISM m{CKM_AES_CMAC, nullptr, 0};
  ASSERT_THAT(f()->C_SignInit(session_, &m, h), IsRv(CKR_OK));
  Bytes msg = BytesOf("MAC by an unwrapped token key");
  Bytes mac(16);
  CK_ULONG len = mac.size();
  ASSERT_THAT(f()->C_Sign(session_, msg.data(), msg.size(), mac.data(), &len), IsRv(CKR_OK));
  EXPECT_EQ(mac, AesCmac(value, msg));
}

TEST_F(UnwrapTokenTest, ASessionKeyFromTheOnTokenUnwrappingKeyIsTemplateInconsistent) {
  // F2 stores what it unwraps: the key never exists outside the card, so a
  // CKA_TOKEN false template contradicts the mechanism.
  ossl::PkeyPtr key = NewKey("P-256");
  const Bytes shared = SharedData(0x9D);
  const Bytes blob = EcdhAesKeyWrapBlob(token_key_.get(), 32, shared, Pkcs8(key.get()));
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(Unwrap(shared, blob, EcKeyFor(0x03).Bool(CKA_TOKEN, false), &h),
              IsRv(CKR_TEMPLATE_INCONSISTENT));
}

TEST_F(UnwrapTokenTest, ATamperedBlobIsWrappedKeyInvalidAndStoresNothing) {
  ossl::PkeyPtr key = NewKey("P-256");
  const Bytes shared = SharedData(0x9D);
  Bytes blob = EcdhAesKeyWrapBlob(token_key_.get(), 32, shared, Pkcs8(key.get()));
  blob[80] ^= 0x01;  // inside the KWP output
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(Unwrap(shared, blob, EcKeyFor(0x03), &h), IsRv(CKR_WRAPPED_KEY_INVALID));
}

TEST_F(UnwrapTokenTest, ABlobBoundToAnotherSlotStoresNothing) {
  // The shared data names 9A; the template asks for 9D. The binding is the
  // point of the format (piv-extensions.md): the token refuses, and the
  // module may catch it first as a template or parameter problem.
  ossl::PkeyPtr key = NewKey("P-256");
  const Bytes shared = SharedData(0x9A);
  const Bytes blob = EcdhAesKeyWrapBlob(token_key_.get(), 32, shared, Pkcs8(key.get()));
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(
      Unwrap(shared, blob, EcKeyFor(0x03), &h),
      IsRvOneOf({CKR_WRAPPED_KEY_INVALID, CKR_TEMPLATE_INCONSISTENT, CKR_MECHANISM_PARAM_INVALID}));
}

}  // namespace
}  // namespace tessera::testing::conformance

#include "tests/integration/pkcs11/conformance/misuse_fixture.hpp"

#include "tests/integration/pkcs11/conformance/object_templates.hpp"

namespace tessera::testing::conformance {

void MisuseTest::SetUp() {
  ConformanceTest::SetUp();
  if (HasFatalFailure()) return;
  ASSERT_NE(GenerateOnCard(0x9A, piv::Algorithm::kEccP256), nullptr);
  keeper_ = UserSession(true);
  AttrList priv;
  priv.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, Bytes{0x01});
  const std::vector<CK_OBJECT_HANDLE> privs = Find(keeper_, priv);
  ASSERT_EQ(privs.size(), 1u);
  ec_priv_ = privs[0];
  AttrList pub;
  pub.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Value(CKA_ID, Bytes{0x01});
  const std::vector<CK_OBJECT_HANDLE> pubs = Find(keeper_, pub);
  ASSERT_EQ(pubs.size(), 1u);
  ec_pub_ = pubs[0];
  // Session secret keys may not exist yet; rows then meet an invalid handle,
  // which must not crash either.
  Create(keeper_,
         SecretKey(CKK_AES, Bytes(16, 0x11))
             .Bool(CKA_ENCRYPT, true)
             .Bool(CKA_DECRYPT, true)
             .Bool(CKA_WRAP, true)
             .Bool(CKA_UNWRAP, true),
         &aes_);
  Create(keeper_,
         SecretKey(CKK_GENERIC_SECRET, Bytes(32, 0x22))
             .Bool(CKA_DERIVE, true)
             .Bool(CKA_EXTRACTABLE, true)
             .Bool(CKA_SIGN, true),
         &secret_);
}

void MisuseTest::Run(const std::vector<MisuseCase>& cases) {
  for (const MisuseCase& c : cases) {
    SCOPED_TRACE(c.what);
    CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
    ASSERT_THAT(
        f()->C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s),
        IsRv(CKR_OK));
    EXPECT_THAT(c.call(s), IsRvOneOf(c.accepted)) << c.what;
    EXPECT_THAT(f()->C_CloseSession(s), IsRv(CKR_OK));
  }
}

}  // namespace tessera::testing::conformance

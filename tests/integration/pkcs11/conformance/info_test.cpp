// The mechanism list and mechanism information (PKCS#11 3.0 §5.5
// C_GetMechanismList, C_GetMechanismInfo): the §5.2 buffer rules of the
// list, sizes and flags that describe what the token really does, the
// mechanisms the issue requires, and every listed mechanism exercised by
// this suite.
#include <set>

#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"

namespace tessera::testing::conformance {
namespace {

using InfoTest = ConformanceTest;

// Every mechanism some test of this suite runs against OpenSSL.
const std::set<CK_MECHANISM_TYPE>& Exercised() {
  static const std::set<CK_MECHANISM_TYPE> exercised = {
      CKM_RSA_PKCS_KEY_PAIR_GEN,
      CKM_RSA_PKCS,
      CKM_RSA_X_509,
      CKM_RSA_PKCS_OAEP,
      CKM_RSA_PKCS_PSS,
      CKM_SHA1_RSA_PKCS,
      CKM_SHA224_RSA_PKCS,
      CKM_SHA256_RSA_PKCS,
      CKM_SHA384_RSA_PKCS,
      CKM_SHA512_RSA_PKCS,
      CKM_SHA1_RSA_PKCS_PSS,
      CKM_SHA224_RSA_PKCS_PSS,
      CKM_SHA256_RSA_PKCS_PSS,
      CKM_SHA384_RSA_PKCS_PSS,
      CKM_SHA512_RSA_PKCS_PSS,
      CKM_EC_KEY_PAIR_GEN,
      CKM_ECDSA,
      CKM_ECDSA_SHA1,
      CKM_ECDSA_SHA224,
      CKM_ECDSA_SHA256,
      CKM_ECDSA_SHA384,
      CKM_ECDSA_SHA512,
      CKM_ECDH1_DERIVE,
      CKM_EC_EDWARDS_KEY_PAIR_GEN,
      CKM_EDDSA,
      CKM_EC_MONTGOMERY_KEY_PAIR_GEN,
      CKM_SHA_1,
      CKM_SHA224,
      CKM_SHA256,
      CKM_SHA384,
      CKM_SHA512,
      CKM_AES_KEY_GEN,
      CKM_AES_ECB,
      CKM_AES_CBC,
      CKM_AES_CBC_PAD,
      CKM_AES_CTR,
      CKM_AES_GCM,
      CKM_AES_CMAC,
      CKM_AES_CMAC_GENERAL,
      CKM_DES3_KEY_GEN,
      CKM_DES3_ECB,
      CKM_DES3_CBC,
      CKM_SHA_1_HMAC,
      CKM_SHA_1_HMAC_GENERAL,
      CKM_SHA224_HMAC,
      CKM_SHA224_HMAC_GENERAL,
      CKM_SHA256_HMAC,
      CKM_SHA256_HMAC_GENERAL,
      CKM_SHA384_HMAC,
      CKM_SHA384_HMAC_GENERAL,
      CKM_SHA512_HMAC,
      CKM_SHA512_HMAC_GENERAL,
      CKM_GENERIC_SECRET_KEY_GEN,
      CKM_AES_KEY_WRAP,
      CKM_AES_KEY_WRAP_PAD,
      CKM_AES_KEY_WRAP_KWP,
      CKM_ECDH_AES_KEY_WRAP,
      CKM_HKDF_DERIVE,
  };
  return exercised;
}

TEST_F(InfoTest, TheMechanismListFollowsTheBufferRules) {
  CK_ULONG count = 0;
  ASSERT_THAT(f()->C_GetMechanismList(slot_, nullptr, &count), IsRv(CKR_OK));
  ASSERT_GT(count, 1u);
  std::vector<CK_MECHANISM_TYPE> list(count + 3);
  CK_ULONG small = count - 1;
  EXPECT_THAT(f()->C_GetMechanismList(slot_, list.data(), &small), IsRv(CKR_BUFFER_TOO_SMALL));
  EXPECT_EQ(small, count);
  CK_ULONG big = list.size();
  EXPECT_THAT(f()->C_GetMechanismList(slot_, list.data(), &big), IsRv(CKR_OK));
  EXPECT_EQ(big, count);
  EXPECT_THAT(f()->C_GetMechanismList(kBadSlot, nullptr, &count), IsRv(CKR_SLOT_ID_INVALID));
}

TEST_F(InfoTest, EveryListedMechanismHasConsistentInformation) {
  for (CK_MECHANISM_TYPE m : Mechanisms()) {
    SCOPED_TRACE(MechName(m));
    CK_MECHANISM_INFO info{};
    ASSERT_THAT(f()->C_GetMechanismInfo(slot_, m, &info), IsRv(CKR_OK));
    EXPECT_LE(info.ulMinKeySize, info.ulMaxKeySize);
    EXPECT_NE(info.flags & ~CKF_HW, 0u) << "a mechanism that can do nothing";
  }
  CK_MECHANISM_INFO info{};
  EXPECT_THAT(f()->C_GetMechanismInfo(slot_, 0x7FFF4242, &info), IsRv(CKR_MECHANISM_INVALID));
  EXPECT_THAT(f()->C_GetMechanismInfo(kBadSlot, CKM_SHA256, &info), IsRv(CKR_SLOT_ID_INVALID));
}

TEST_F(InfoTest, EcdhDeriveSizesAdmitX25519) {
  // CKM_ECDH1_DERIVE derives with X25519 keys (255 bits) as well as P-256
  // and P-384: ulMinKeySize must not exclude them.
  CK_MECHANISM_INFO info{};
  ASSERT_THAT(f()->C_GetMechanismInfo(slot_, CKM_ECDH1_DERIVE, &info), IsRv(CKR_OK));
  EXPECT_LE(info.ulMinKeySize, 255u);
  EXPECT_GE(info.ulMaxKeySize, 384u);
  EXPECT_NE(info.flags & CKF_DERIVE, 0u);
}

TEST_F(InfoTest, EdwardsAndMontgomeryMechanismsDoNotClaimPointCompressionFlags) {
  // CKF_EC_UNCOMPRESS / CKF_EC_COMPRESS describe Weierstrass point formats
  // (3.0 base §3, CK_MECHANISM_INFO flags); Ed25519 and X25519 keys have
  // one fixed encoding, so the flags say nothing true about them.
  for (CK_MECHANISM_TYPE m :
       {CKM_EC_EDWARDS_KEY_PAIR_GEN, CKM_EDDSA, CKM_EC_MONTGOMERY_KEY_PAIR_GEN}) {
    SCOPED_TRACE(MechName(m));
    CK_MECHANISM_INFO info{};
    ASSERT_THAT(f()->C_GetMechanismInfo(slot_, m, &info), IsRv(CKR_OK));
    EXPECT_EQ(info.flags & CKF_EC_UNCOMPRESS, 0u);
    EXPECT_EQ(info.flags & CKF_EC_COMPRESS, 0u);
  }
}

TEST_F(InfoTest, TheMechanismListNamesEveryMechanismTheIssueRequires) {
  const CK_MECHANISM_TYPE required[] = {CKM_AES_KEY_GEN,
                                        CKM_AES_ECB,
                                        CKM_AES_CBC,
                                        CKM_AES_CBC_PAD,
                                        CKM_AES_CTR,
                                        CKM_AES_GCM,
                                        CKM_AES_CMAC,
                                        CKM_DES3_ECB,
                                        CKM_DES3_CBC,
                                        CKM_SHA256_HMAC,
                                        CKM_SHA384_HMAC,
                                        CKM_SHA512_HMAC,
                                        CKM_AES_KEY_WRAP,
                                        CKM_AES_KEY_WRAP_PAD,
                                        CKM_AES_KEY_WRAP_KWP,
                                        CKM_ECDH_AES_KEY_WRAP,
                                        CKM_HKDF_DERIVE,
                                        CKM_ECDH1_DERIVE,
                                        CKM_GENERIC_SECRET_KEY_GEN};
  const std::vector<CK_MECHANISM_TYPE> list = Mechanisms();
  for (CK_MECHANISM_TYPE m : required) {
    EXPECT_NE(std::find(list.begin(), list.end(), m), list.end()) << MechName(m) << " is missing";
  }
}

TEST_F(InfoTest, EveryListedMechanismIsExercisedByThisSuite) {
  for (CK_MECHANISM_TYPE m : Mechanisms()) {
    EXPECT_EQ(Exercised().count(m), 1u)
        << MechName(m) << " is listed but no conformance test runs it";
  }
}

TEST_F(InfoTest, WrapAndUnwrapMechanismsSayWhatTheyDo) {
  for (CK_MECHANISM_TYPE m : {CKM_AES_KEY_WRAP, CKM_AES_KEY_WRAP_KWP}) {
    SCOPED_TRACE(MechName(m));
    CK_MECHANISM_INFO info{};
    ASSERT_THAT(f()->C_GetMechanismInfo(slot_, m, &info), IsRv(CKR_OK));
    EXPECT_EQ(info.flags & (CKF_WRAP | CKF_UNWRAP), CKF_WRAP | CKF_UNWRAP);
  }
  CK_MECHANISM_INFO info{};
  ASSERT_THAT(f()->C_GetMechanismInfo(slot_, CKM_ECDH_AES_KEY_WRAP, &info), IsRv(CKR_OK));
  EXPECT_NE(info.flags & CKF_UNWRAP, 0u);
}

}  // namespace
}  // namespace tessera::testing::conformance

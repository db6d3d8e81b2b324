// Mechanism parameters (PKCS#11 3.0 §5.1 return values: CKR_MECHANISM_PARAM_INVALID,
// "invalid parameters were supplied to the mechanism" - as opposed to
// CKR_MECHANISM_INVALID, a mechanism the token does not know). PSS and OAEP
// parameters that name SHA-3 hashes or MGFs, a hash that contradicts the
// mechanism, missing or short parameter blocks: the mechanism is known, its
// parameters are not acceptable.
#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/cipher_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"

namespace tessera::testing::conformance {
namespace {

class ParamsTest : public CipherTest {
 protected:
  // An RSA-2048 key made by the card in 9D (CKA_ID 03): parameter checks
  // must not depend on session objects.
  void SetUp() override {
    CipherTest::SetUp();
    rsa_ = GenerateOnCard(0x9D, piv::Algorithm::kRsa2048);
    ASSERT_NE(rsa_, nullptr);
    session_ = UserSession(true);
    priv_ = ById(CKO_PRIVATE_KEY);
    pub_ = ById(CKO_PUBLIC_KEY);
    ASSERT_NE(priv_, CK_INVALID_HANDLE);
    ASSERT_NE(pub_, CK_INVALID_HANDLE);
  }
  CK_OBJECT_HANDLE ById(CK_OBJECT_CLASS cls) {
    AttrList t;
    t.Ulong(CKA_CLASS, cls).Value(CKA_ID, Bytes{0x03});
    const std::vector<CK_OBJECT_HANDLE> found = Find(session_, t);
    return found.size() == 1 ? found[0] : CK_INVALID_HANDLE;
  }
  CK_RV SignInit(CK_MECHANISM_TYPE type, const CK_RSA_PKCS_PSS_PARAMS& p) {
    Mechanism m(type, p);
    return f()->C_SignInit(session_, m.get(), priv_);
  }
  CK_RV VerifyInit(CK_MECHANISM_TYPE type, const CK_RSA_PKCS_PSS_PARAMS& p) {
    Mechanism m(type, p);
    return f()->C_VerifyInit(session_, m.get(), pub_);
  }
  CK_RV OaepInit(bool encrypt, const CK_RSA_PKCS_OAEP_PARAMS& p) {
    Mechanism m(CKM_RSA_PKCS_OAEP, p);
    return encrypt ? f()->C_EncryptInit(session_, m.get(), pub_)
                   : f()->C_DecryptInit(session_, m.get(), priv_);
  }

  ossl::PkeyPtr rsa_;
  CK_OBJECT_HANDLE priv_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE pub_ = CK_INVALID_HANDLE;
};

TEST_F(ParamsTest, PssNamingSha3IsMechanismParamInvalid) {
  const CK_RSA_PKCS_PSS_PARAMS sha3{CKM_SHA3_256, CKG_MGF1_SHA3_256, 32};
  EXPECT_THAT(SignInit(CKM_RSA_PKCS_PSS, sha3), IsRv(CKR_MECHANISM_PARAM_INVALID));
  EXPECT_THAT(VerifyInit(CKM_RSA_PKCS_PSS, sha3), IsRv(CKR_MECHANISM_PARAM_INVALID));
  const CK_RSA_PKCS_PSS_PARAMS sha3_mgf{CKM_SHA256, CKG_MGF1_SHA3_256, 32};
  EXPECT_THAT(SignInit(CKM_RSA_PKCS_PSS, sha3_mgf), IsRv(CKR_MECHANISM_PARAM_INVALID));
}

TEST_F(ParamsTest, OaepNamingSha3IsMechanismParamInvalid) {
  const CK_RSA_PKCS_OAEP_PARAMS sha3{CKM_SHA3_256, CKG_MGF1_SHA3_256, CKZ_DATA_SPECIFIED, nullptr,
                                     0};
  EXPECT_THAT(OaepInit(true, sha3), IsRv(CKR_MECHANISM_PARAM_INVALID));
  EXPECT_THAT(OaepInit(false, sha3), IsRv(CKR_MECHANISM_PARAM_INVALID));
  const CK_RSA_PKCS_OAEP_PARAMS sha3_mgf{CKM_SHA256, CKG_MGF1_SHA3_384, CKZ_DATA_SPECIFIED, nullptr,
                                         0};
  EXPECT_THAT(OaepInit(false, sha3_mgf), IsRv(CKR_MECHANISM_PARAM_INVALID));
}

TEST_F(ParamsTest, AHashAndSignPssWhoseParametersNameAnotherHashIsRefused) {
  // Mechanisms spec, PKCS #1 RSA PSS: for CKM_SHA256_RSA_PKCS_PSS, hashAlg
  // must be CKM_SHA256.
  const CK_RSA_PKCS_PSS_PARAMS sha1{CKM_SHA_1, CKG_MGF1_SHA1, 20};
  EXPECT_THAT(SignInit(CKM_SHA256_RSA_PKCS_PSS, sha1), IsRv(CKR_MECHANISM_PARAM_INVALID));
}

TEST_F(ParamsTest, MissingOrShortParameterBlocksAreMechanismParamInvalid) {
  Mechanism none(CKM_RSA_PKCS_PSS);
  EXPECT_THAT(f()->C_SignInit(session_, none.get(), priv_), IsRv(CKR_MECHANISM_PARAM_INVALID));
  const CK_RSA_PKCS_PSS_PARAMS p{CKM_SHA256, CKG_MGF1_SHA256, 32};
  Bytes raw(sizeof p - 1);
  Mechanism short_block(CKM_RSA_PKCS_PSS, ByteView(raw));
  EXPECT_THAT(f()->C_SignInit(session_, short_block.get(), priv_),
              IsRv(CKR_MECHANISM_PARAM_INVALID));
  Mechanism oaep_none(CKM_RSA_PKCS_OAEP);
  EXPECT_THAT(f()->C_DecryptInit(session_, oaep_none.get(), priv_),
              IsRv(CKR_MECHANISM_PARAM_INVALID));
  const CK_RSA_PKCS_OAEP_PARAMS bad_source{CKM_SHA256, CKG_MGF1_SHA256, 0x7F, nullptr, 0};
  EXPECT_THAT(OaepInit(false, bad_source), IsRv(CKR_MECHANISM_PARAM_INVALID));
}

TEST_F(ParamsTest, AValidPssParameterBlockStillWorks) {
  const CK_RSA_PKCS_PSS_PARAMS p{CKM_SHA256, CKG_MGF1_SHA256, 32};
  ASSERT_THAT(SignInit(CKM_SHA256_RSA_PKCS_PSS, p), IsRv(CKR_OK));
  Bytes msg = BytesOf("pss");
  Bytes sig(256);
  CK_ULONG len = sig.size();
  ASSERT_THAT(f()->C_Sign(session_, msg.data(), msg.size(), sig.data(), &len), IsRv(CKR_OK));
  EXPECT_TRUE(
      VerifiedByOpenSsl(rsa_.get(), {Scheme::kRsaPss, EVP_sha256(), EVP_sha256(), 32}, msg, sig));
}

}  // namespace
}  // namespace tessera::testing::conformance

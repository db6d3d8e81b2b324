// C_GenerateKeyPair (PKCS#11 3.0 §5.18): templates without CKA_TOKEN make
// session key pairs that never touch the card, RSA exponents with a leading
// zero byte, CKA_PRIVATE honoured or refused, and key pairs that leave
// nothing behind once destroyed or their session is closed.
#include <openssl/core_names.h>

#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"
#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

namespace tessera::testing::conformance {
namespace {

struct Pair {
  CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
};

class KeyPairTest : public ConformanceTest {
 protected:
  CK_RV Generate(CK_SESSION_HANDLE s, CK_MECHANISM_TYPE mechanism, const AttrList& pub,
                 const AttrList& priv, Pair* out) {
    CK_MECHANISM m{mechanism, nullptr, 0};
    return f()->C_GenerateKeyPair(s, &m, Template(pub), pub.size(), Template(priv), priv.size(),
                                  &out->pub, &out->priv);
  }
  static AttrList EcPublic(const Bytes& params) {
    AttrList t;
    t.Value(CKA_EC_PARAMS, params).Value(CKA_ID, Bytes{0x01});
    return t;
  }
  static AttrList RsaPublic(Bytes exponent) {
    AttrList t;
    t.Ulong(CKA_MODULUS_BITS, 2048).Value(CKA_PUBLIC_EXPONENT, exponent).Value(CKA_ID, Bytes{0x01});
    return t;
  }
  static AttrList Private() {
    AttrList t;
    t.Value(CKA_ID, Bytes{0x01});
    return t;
  }
  std::vector<CK_OBJECT_HANDLE> KeysWithId1(CK_SESSION_HANDLE s) {
    AttrList t;
    t.Value(CKA_ID, Bytes{0x01});
    return Find(s, t);
  }
  // The pair is a session pair; closing its session destroys it, and a
  // fresh session of the application finds no key with its CKA_ID.
  void ExpectSessionPair(CK_SESSION_HANDLE s, const Pair& pair, CK_MECHANISM_TYPE keygen) {
    EXPECT_FALSE(BoolAttribute(s, pair.pub, CKA_TOKEN));
    EXPECT_FALSE(BoolAttribute(s, pair.priv, CKA_TOKEN));
    // §4.7: CKA_LOCAL and CKA_KEY_GEN_MECHANISM of a key generated here.
    EXPECT_TRUE(BoolAttribute(s, pair.priv, CKA_LOCAL));
    EXPECT_EQ(UlongAttribute(s, pair.priv, CKA_KEY_GEN_MECHANISM), keygen);
    ASSERT_THAT(f()->C_CloseSession(s), IsRv(CKR_OK));
    const CK_SESSION_HANDLE fresh = UserSession(false);
    EXPECT_TRUE(KeysWithId1(fresh).empty()) << "the session key pair outlived its session";
  }
};

TEST_F(KeyPairTest, AnEcKeyPairWithoutCkaTokenIsASessionKeyPair) {
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair pair;
  ASSERT_THAT(Generate(s, CKM_EC_KEY_PAIR_GEN, EcPublic(P256Params()), Private(), &pair),
              IsRv(CKR_OK));
  ExpectSessionPair(s, pair, CKM_EC_KEY_PAIR_GEN);
}

TEST_F(KeyPairTest, AnRsaKeyPairWithoutCkaTokenIsASessionKeyPair) {
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair pair;
  ASSERT_THAT(Generate(s, CKM_RSA_PKCS_KEY_PAIR_GEN, RsaPublic({1, 0, 1}), Private(), &pair),
              IsRv(CKR_OK));
  ExpectSessionPair(s, pair, CKM_RSA_PKCS_KEY_PAIR_GEN);
}

TEST_F(KeyPairTest, AnEd25519KeyPairWithoutCkaTokenIsASessionKeyPair) {
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair pair;
  ASSERT_THAT(Generate(s, CKM_EC_EDWARDS_KEY_PAIR_GEN, EcPublic(Ed25519Params()), Private(), &pair),
              IsRv(CKR_OK));
  ExpectSessionPair(s, pair, CKM_EC_EDWARDS_KEY_PAIR_GEN);
}

TEST_F(KeyPairTest, AnX25519KeyPairWithoutCkaTokenIsASessionKeyPair) {
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair pair;
  ASSERT_THAT(
      Generate(s, CKM_EC_MONTGOMERY_KEY_PAIR_GEN, EcPublic(X25519Params()), Private(), &pair),
      IsRv(CKR_OK));
  ExpectSessionPair(s, pair, CKM_EC_MONTGOMERY_KEY_PAIR_GEN);
}

TEST_F(KeyPairTest, ASessionKeyPairCanBeGeneratedInAReadOnlySession) {
  // §5.18 (C_GenerateKeyPair): only token objects need a R/W session.
  const CK_SESSION_HANDLE ro = UserSession(false);
  Pair pair;
  EXPECT_THAT(Generate(ro, CKM_EC_KEY_PAIR_GEN, EcPublic(P256Params()), Private(), &pair),
              IsRv(CKR_OK));
}

TEST_F(KeyPairTest, ATokenKeyPairInAReadOnlySessionIsSessionReadOnly) {
  const CK_SESSION_HANDLE ro = UserSession(false);
  Pair pair;
  EXPECT_THAT(Generate(ro, CKM_EC_KEY_PAIR_GEN, EcPublic(P256Params()).Bool(CKA_TOKEN, true),
                       Private().Bool(CKA_TOKEN, true), &pair),
              IsRv(CKR_SESSION_READ_ONLY));
}

TEST_F(KeyPairTest, AnExponentWithALeadingZeroByteIsAccepted) {
  // CKA_PUBLIC_EXPONENT is a big integer (§2 of the mechanisms spec: "Big
  // integer"): 00 01 00 01 is 65537, as pkcs11test's PublicExponent4Bytes sends.
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair session_pair;
  EXPECT_THAT(
      Generate(s, CKM_RSA_PKCS_KEY_PAIR_GEN, RsaPublic({0, 1, 0, 1}), Private(), &session_pair),
      IsRv(CKR_OK));
  MayChange(0x9D);
  Pair token_pair;
  AttrList pub = RsaPublic({0, 1, 0, 1});
  pub.Value(CKA_ID, Bytes{0x03}).Bool(CKA_TOKEN, true);
  AttrList priv;
  priv.Value(CKA_ID, Bytes{0x03}).Bool(CKA_TOKEN, true);
  ASSERT_THAT(Generate(s, CKM_RSA_PKCS_KEY_PAIR_GEN, pub, priv, &token_pair), IsRv(CKR_OK));
  Bytes e = Attribute(s, token_pair.pub, CKA_PUBLIC_EXPONENT);
  while (!e.empty() && e.front() == 0) e.erase(e.begin());
  EXPECT_EQ(e, (Bytes{1, 0, 1}));
}

TEST_F(KeyPairTest, CkaPrivateFalseOnATokenPrivateKeyIsHonouredOrRefused) {
  // §4.4: CKA_PRIVATE is set by the template; a token that cannot store a
  // public private key must refuse the template, not ignore it.
  MayChange(0x9A);
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair pair;
  const CK_RV rv = Generate(s, CKM_EC_KEY_PAIR_GEN, EcPublic(P256Params()).Bool(CKA_TOKEN, true),
                            Private().Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, false), &pair);
  EXPECT_THAT(rv, IsRvOneOf({CKR_OK, CKR_TEMPLATE_INCONSISTENT, CKR_ATTRIBUTE_VALUE_INVALID}));
  if (rv != CKR_OK) return;
  EXPECT_FALSE(BoolAttribute(s, pair.priv, CKA_PRIVATE)) << "CKA_PRIVATE false silently ignored";
  ASSERT_THAT(f()->C_Logout(s), IsRv(CKR_OK));
  AttrList t;
  t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, Bytes{0x01});
  EXPECT_EQ(Find(s, t).size(), 1u) << "a public private key is visible without login";
}

TEST_F(KeyPairTest, CkaPrivateFalseOnASessionPrivateKeyIsHonouredOrRefused) {
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair pair;
  const CK_RV rv = Generate(s, CKM_EC_KEY_PAIR_GEN, EcPublic(P256Params()),
                            Private().Bool(CKA_PRIVATE, false), &pair);
  EXPECT_THAT(rv, IsRvOneOf({CKR_OK, CKR_TEMPLATE_INCONSISTENT, CKR_ATTRIBUTE_VALUE_INVALID}));
  if (rv == CKR_OK) {
    EXPECT_FALSE(BoolAttribute(s, pair.priv, CKA_PRIVATE));
  }
}

TEST_F(KeyPairTest, DestroyingAGeneratedSessionKeyPairLeavesNothing) {
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair pair;
  ASSERT_THAT(Generate(s, CKM_EC_KEY_PAIR_GEN, EcPublic(P384Params()), Private(), &pair),
              IsRv(CKR_OK));
  EXPECT_THAT(f()->C_DestroyObject(s, pair.priv), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_DestroyObject(s, pair.pub), IsRv(CKR_OK));
  EXPECT_TRUE(KeysWithId1(s).empty());
  EXPECT_THAT(f()->C_DestroyObject(s, pair.priv), IsRv(CKR_OBJECT_HANDLE_INVALID));
}

TEST_F(KeyPairTest, AGeneratedSessionKeySignsForItsPublicKey) {
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair pair;
  ASSERT_THAT(Generate(s, CKM_EC_KEY_PAIR_GEN, EcPublic(P256Params()),
                       Private().Bool(CKA_SIGN, true), &pair),
              IsRv(CKR_OK));
  ossl::PkeyPtr pub = EcPublicFromAttributes(P256Params(), Attribute(s, pair.pub, CKA_EC_POINT));
  ASSERT_NE(pub, nullptr);
  CK_MECHANISM m{CKM_ECDSA_SHA256, nullptr, 0};
  ASSERT_THAT(f()->C_SignInit(s, &m, pair.priv), IsRv(CKR_OK));
  Bytes msg = BytesOf("signed by a session key");
  Bytes sig(64);
  CK_ULONG len = sig.size();
  ASSERT_THAT(f()->C_Sign(s, msg.data(), msg.size(), sig.data(), &len), IsRv(CKR_OK));
  sig.resize(len);
  EXPECT_TRUE(VerifiedByOpenSsl(pub.get(), {Scheme::kEcdsa, EVP_sha256()}, msg, sig));
}

TEST_F(KeyPairTest, ATemplateWithoutTheKeySizeIsTemplateIncomplete) {
  // §5.18 (C_GenerateKeyPair): the mechanism's required attributes are missing.
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair pair;
  EXPECT_THAT(Generate(s, CKM_EC_KEY_PAIR_GEN, AttrList(), Private(), &pair),
              IsRv(CKR_TEMPLATE_INCOMPLETE));
  AttrList rsa;
  rsa.Value(CKA_PUBLIC_EXPONENT, Bytes{1, 0, 1});
  EXPECT_THAT(Generate(s, CKM_RSA_PKCS_KEY_PAIR_GEN, rsa, Private(), &pair),
              IsRv(CKR_TEMPLATE_INCOMPLETE));
}

TEST_F(KeyPairTest, ACurveTheTokenLacksIsRefused) {
  // P-521 (1.3.132.0.35): CKR_CURVE_NOT_SUPPORTED (3.0) or the older codes.
  const CK_SESSION_HANDLE s = UserSession(true);
  Pair pair;
  EXPECT_THAT(
      Generate(s, CKM_EC_KEY_PAIR_GEN, EcPublic(HexOrDie("06052B81040023")), Private(), &pair),
      IsRvOneOf({CKR_CURVE_NOT_SUPPORTED, CKR_ATTRIBUTE_VALUE_INVALID, CKR_DOMAIN_PARAMS_INVALID,
                 CKR_TEMPLATE_INCONSISTENT}));
}

}  // namespace
}  // namespace tessera::testing::conformance

// Every signature mechanism C_GetMechanismList names, on card keys and on
// session keys, checked by OpenSSL: each signature the module makes must
// verify independently, and the module's own C_Verify must accept it. A
// listed signing mechanism this file does not know is itself a failure, so
// the list cannot grow past the suite unnoticed. MACs are in mac_test.cpp.
#include <map>

#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"
#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

namespace tessera::testing::conformance {
namespace {

enum class KeyKind { kRsa, kP256, kP384, kEd25519 };

struct SignCase {
  KeyKind key;
  SignSpec spec;  // how OpenSSL verifies
  bool prehash;   // the mechanism signs a digest the caller computes
  CK_MECHANISM_TYPE pss_hash = 0;
  CK_RSA_PKCS_MGF_TYPE mgf = 0;
};

const EVP_MD* Sha(int bits) {
  switch (bits) {
    case 1: return EVP_sha1();
    case 224: return EVP_sha224();
    case 256: return EVP_sha256();
    case 384: return EVP_sha384();
    default: return EVP_sha512();
  }
}

SignCase Pss(const EVP_MD* md, CK_MECHANISM_TYPE hash, CK_RSA_PKCS_MGF_TYPE mgf, bool prehash) {
  return {KeyKind::kRsa,
          {Scheme::kRsaPss, prehash ? nullptr : md, md, EVP_MD_get_size(md)},
          prehash,
          hash,
          mgf};
}

// The mechanisms this suite knows how to check, by what OpenSSL verifies.
const std::map<CK_MECHANISM_TYPE, SignCase>& Cases() {
  static const std::map<CK_MECHANISM_TYPE, SignCase> cases = {
      {CKM_RSA_PKCS, {KeyKind::kRsa, {Scheme::kRsaPkcs1, nullptr}, true}},
      {CKM_RSA_X_509, {KeyKind::kRsa, {Scheme::kRsaRaw, nullptr}, true}},
      {CKM_SHA1_RSA_PKCS, {KeyKind::kRsa, {Scheme::kRsaPkcs1, Sha(1)}, false}},
      {CKM_SHA224_RSA_PKCS, {KeyKind::kRsa, {Scheme::kRsaPkcs1, Sha(224)}, false}},
      {CKM_SHA256_RSA_PKCS, {KeyKind::kRsa, {Scheme::kRsaPkcs1, Sha(256)}, false}},
      {CKM_SHA384_RSA_PKCS, {KeyKind::kRsa, {Scheme::kRsaPkcs1, Sha(384)}, false}},
      {CKM_SHA512_RSA_PKCS, {KeyKind::kRsa, {Scheme::kRsaPkcs1, Sha(512)}, false}},
      {CKM_RSA_PKCS_PSS, Pss(Sha(256), CKM_SHA256, CKG_MGF1_SHA256, true)},
      {CKM_SHA1_RSA_PKCS_PSS, Pss(Sha(1), CKM_SHA_1, CKG_MGF1_SHA1, false)},
      {CKM_SHA224_RSA_PKCS_PSS, Pss(Sha(224), CKM_SHA224, CKG_MGF1_SHA224, false)},
      {CKM_SHA256_RSA_PKCS_PSS, Pss(Sha(256), CKM_SHA256, CKG_MGF1_SHA256, false)},
      {CKM_SHA384_RSA_PKCS_PSS, Pss(Sha(384), CKM_SHA384, CKG_MGF1_SHA384, false)},
      {CKM_SHA512_RSA_PKCS_PSS, Pss(Sha(512), CKM_SHA512, CKG_MGF1_SHA512, false)},
      {CKM_ECDSA, {KeyKind::kP256, {Scheme::kEcdsa, nullptr}, true}},
      {CKM_ECDSA_SHA1, {KeyKind::kP256, {Scheme::kEcdsa, Sha(1)}, false}},
      {CKM_ECDSA_SHA224, {KeyKind::kP256, {Scheme::kEcdsa, Sha(224)}, false}},
      {CKM_ECDSA_SHA256, {KeyKind::kP256, {Scheme::kEcdsa, Sha(256)}, false}},
      {CKM_ECDSA_SHA384, {KeyKind::kP384, {Scheme::kEcdsa, Sha(384)}, false}},
      {CKM_ECDSA_SHA512, {KeyKind::kP384, {Scheme::kEcdsa, Sha(512)}, false}},
      {CKM_EDDSA, {KeyKind::kEd25519, {Scheme::kEddsa, nullptr}, false}},
  };
  return cases;
}

// MACs (CKM_*_HMAC, CKM_AES_CMAC): checked in mac_test.cpp.
bool IsMac(CK_MECHANISM_TYPE m) {
  return m == CKM_AES_CMAC || m == CKM_AES_CMAC_GENERAL || m == CKM_SHA_1_HMAC ||
         m == CKM_SHA_1_HMAC_GENERAL || m == CKM_SHA224_HMAC || m == CKM_SHA224_HMAC_GENERAL ||
         m == CKM_SHA256_HMAC || m == CKM_SHA256_HMAC_GENERAL || m == CKM_SHA384_HMAC ||
         m == CKM_SHA384_HMAC_GENERAL || m == CKM_SHA512_HMAC || m == CKM_SHA512_HMAC_GENERAL;
}

struct Key {
  ossl::PkeyPtr pub;
  CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE verify = CK_INVALID_HANDLE;
  bool always_authenticate = false;  // a context-specific login per signature
};

class SignMechanismTest : public ConformanceTest {
 protected:
  CK_OBJECT_HANDLE ById(CK_OBJECT_CLASS cls, std::uint8_t id) {
    AttrList t;
    t.Ulong(CKA_CLASS, cls).Value(CKA_ID, Bytes{id});
    std::vector<CK_OBJECT_HANDLE> found = Find(session_, t);
    return found.size() == 1 ? found[0] : CK_INVALID_HANDLE;
  }

  // What the mechanism takes as input for `msg_`.
  Bytes Input(const SignCase& c, CK_MECHANISM_TYPE m) {
    if (m == CKM_RSA_X_509) {
      Bytes block(256, 0x00);
      std::copy(msg_.begin(), msg_.end(), block.end() - static_cast<std::ptrdiff_t>(msg_.size()));
      block[1] = 0x01;
      return block;
    }
    if (m == CKM_RSA_PKCS) return DigestInfo(EVP_sha256(), Digest(EVP_sha256(), msg_));
    return c.prehash ? Digest(EVP_sha256(), msg_) : msg_;
  }

  void CheckMechanism(CK_MECHANISM_TYPE m, const SignCase& c, const Key& key) {
    SCOPED_TRACE(MechName(m));
    CK_RSA_PKCS_PSS_PARAMS pss{c.pss_hash, c.mgf, static_cast<CK_ULONG>(c.spec.salt_len)};
    CK_MECHANISM mech{m, nullptr, 0};
    if (c.spec.scheme == Scheme::kRsaPss) mech = {m, &pss, sizeof pss};
    Bytes in = Input(c, m);
    ASSERT_THAT(f()->C_SignInit(session_, &mech, key.priv), IsRv(CKR_OK));
    if (key.always_authenticate) {
      ASSERT_THAT(Login(session_, CKU_CONTEXT_SPECIFIC, kUserPin), IsRv(CKR_OK));
    }
    Bytes sig(512);
    CK_ULONG len = sig.size();
    ASSERT_THAT(f()->C_Sign(session_, in.data(), in.size(), sig.data(), &len), IsRv(CKR_OK));
    sig.resize(len);
    EXPECT_TRUE(VerifiedByOpenSsl(key.pub.get(), c.spec, in, sig)) << "OpenSSL rejects it";
    ASSERT_THAT(f()->C_VerifyInit(session_, &mech, key.verify), IsRv(CKR_OK));
    EXPECT_THAT(f()->C_Verify(session_, in.data(), in.size(), sig.data(), sig.size()),
                IsRv(CKR_OK));
  }

  void CheckEveryListedMechanism(std::map<KeyKind, Key>& keys) {
    int checked = 0;
    for (CK_MECHANISM_TYPE m : Mechanisms()) {
      CK_MECHANISM_INFO info{};
      ASSERT_THAT(f()->C_GetMechanismInfo(slot_, m, &info), IsRv(CKR_OK));
      if ((info.flags & CKF_SIGN) == 0 || IsMac(m)) continue;
      auto it = Cases().find(m);
      if (it == Cases().end()) {
        ADD_FAILURE() << MechName(m) << " is listed for signing but this suite cannot check it";
        continue;
      }
      CheckMechanism(m, it->second, keys[it->second.key]);
      ++checked;
    }
    EXPECT_GE(checked, 1);
  }

  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  Bytes msg_ = BytesOf("checked by OpenSSL");
};

TEST_F(SignMechanismTest, EveryListedSignatureMechanismWorksOnCardKeys) {
  std::map<KeyKind, Key> keys;
  keys[KeyKind::kRsa].pub = GenerateOnCard(0x9D, piv::Algorithm::kRsa2048);
  keys[KeyKind::kP256].pub = GenerateOnCard(0x9A, piv::Algorithm::kEccP256);
  keys[KeyKind::kP384].pub = GenerateOnCard(0x9E, piv::Algorithm::kEccP384);
  // 9C (CKA_ID 02) holds the Ed25519 key: the module reads retired slots
  // only when the key history says they hold something.
  keys[KeyKind::kEd25519].pub = GenerateOnCard(0x9C, piv::Algorithm::kEd25519);
  session_ = UserSession(false);
  const std::map<KeyKind, std::uint8_t> ids = {{KeyKind::kRsa, 0x03},
                                               {KeyKind::kP256, 0x01},
                                               {KeyKind::kP384, 0x04},
                                               {KeyKind::kEd25519, 0x02}};
  for (auto& [kind, key] : keys) {
    ASSERT_NE(key.pub, nullptr);
    key.priv = ById(CKO_PRIVATE_KEY, ids.at(kind));
    key.verify = ById(CKO_PUBLIC_KEY, ids.at(kind));
    ASSERT_NE(key.priv, CK_INVALID_HANDLE);
    key.always_authenticate = BoolAttribute(session_, key.priv, CKA_ALWAYS_AUTHENTICATE);
  }
  CheckEveryListedMechanism(keys);
}

TEST_F(SignMechanismTest, EveryListedSignatureMechanismWorksOnSessionKeys) {
  session_ = UserSession(true);
  std::map<KeyKind, Key> keys;
  const std::map<KeyKind, std::string> kinds = {
      {KeyKind::kRsa, "RSA"}, {KeyKind::kP256, "P-256"}, {KeyKind::kP384, "P-384"}};
  for (const auto& [kind, name] : kinds) {
    Key& key = keys[kind];
    key.pub = NewKey(name);
    const Bytes params = kind == KeyKind::kP384 ? P384Params() : P256Params();
    AttrList priv =
        kind == KeyKind::kRsa ? RsaPrivateKey(key.pub.get()) : EcPrivateKey(key.pub.get(), params);
    AttrList pub =
        kind == KeyKind::kRsa ? RsaPublicKey(key.pub.get()) : EcPublicKey(key.pub.get(), params);
    ASSERT_THAT(Create(session_, priv.Bool(CKA_SIGN, true), &key.priv), IsRv(CKR_OK)) << name;
    ASSERT_THAT(Create(session_, pub.Bool(CKA_VERIFY, true), &key.verify), IsRv(CKR_OK)) << name;
  }
  // Ed25519 session keys come from C_GenerateKeyPair (no OpenSSL import form).
  CK_MECHANISM gen{CKM_EC_EDWARDS_KEY_PAIR_GEN, nullptr, 0};
  AttrList pub;
  pub.Value(CKA_EC_PARAMS, Ed25519Params());
  Key& ed = keys[KeyKind::kEd25519];
  ASSERT_THAT(f()->C_GenerateKeyPair(session_, &gen, pub.data(), pub.size(), nullptr, 0, &ed.verify,
                                     &ed.priv),
              IsRv(CKR_OK));
  ed.pub = EcPublicFromAttributes(Ed25519Params(), Attribute(session_, ed.verify, CKA_EC_POINT));
  CheckEveryListedMechanism(keys);
}

TEST_F(SignMechanismTest, EddsaTakesParametersThatAskForPureEd25519Only) {
  // CK_EDDSA_PARAMS are optional (3.0 current mechanisms, "EdDSA"): given
  // with no prehash and no context they mean pure Ed25519, as no parameters
  // do; Ed25519ph and Ed25519ctx are not offered.
  session_ = UserSession(true);
  CK_MECHANISM gen{CKM_EC_EDWARDS_KEY_PAIR_GEN, nullptr, 0};
  AttrList pub;
  pub.Value(CKA_EC_PARAMS, Ed25519Params());
  CK_OBJECT_HANDLE verify = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
  ASSERT_THAT(
      f()->C_GenerateKeyPair(session_, &gen, pub.data(), pub.size(), nullptr, 0, &verify, &priv),
      IsRv(CKR_OK));
  ossl::PkeyPtr key =
      EcPublicFromAttributes(Ed25519Params(), Attribute(session_, verify, CKA_EC_POINT));
  ASSERT_NE(key, nullptr);
  struct EddsaParams {
    CK_BBOOL phFlag;
    CK_ULONG ulContextDataLen;
    CK_BYTE_PTR pContextData;
  };
  EddsaParams pure{CK_FALSE, 0, nullptr};
  CK_MECHANISM m{CKM_EDDSA, &pure, sizeof pure};
  ASSERT_THAT(f()->C_SignInit(session_, &m, priv), IsRv(CKR_OK));
  Bytes sig(64);
  CK_ULONG len = sig.size();
  ASSERT_THAT(f()->C_Sign(session_, msg_.data(), msg_.size(), sig.data(), &len), IsRv(CKR_OK));
  EXPECT_TRUE(VerifiedByOpenSsl(key.get(), {Scheme::kEddsa, nullptr}, msg_, sig));

  EddsaParams prehash{CK_TRUE, 0, nullptr};
  m = {CKM_EDDSA, &prehash, sizeof prehash};
  EXPECT_THAT(f()->C_SignInit(session_, &m, priv), IsRv(CKR_MECHANISM_PARAM_INVALID));
  Bytes context = BytesOf("ctx");
  EddsaParams with_context{CK_FALSE, context.size(), context.data()};
  m = {CKM_EDDSA, &with_context, sizeof with_context};
  EXPECT_THAT(f()->C_SignInit(session_, &m, priv), IsRv(CKR_MECHANISM_PARAM_INVALID));
  m = {CKM_EDDSA, &pure, sizeof pure - 1};
  EXPECT_THAT(f()->C_SignInit(session_, &m, priv), IsRv(CKR_MECHANISM_PARAM_INVALID));
}

}  // namespace
}  // namespace tessera::testing::conformance

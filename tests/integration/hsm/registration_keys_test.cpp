// hsm/agreement_key, ecdh and secret_wrap against a real SoftHSM2 token: the
// registration gateway's keys (issue 14 design §4.4). Each result is checked
// against OpenSSL with the same inputs, and each key's attributes are read
// back from the HSM.
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto/hash.hpp"
#include "common/crypto/mac.hpp"
#include "common/crypto/private_ops.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"
#include "hsm/agreement_key.hpp"
#include "hsm/attribute_template.hpp"
#include "hsm/ecdh.hpp"
#include "hsm/secret_wrap.hpp"
#include "tests/integration/hsm/softhsm_fixture.hpp"

namespace tessera::hsm {
namespace {

using testing::OpenTokenTest;

const piv::Curve& P256() { return *piv::CurveOf(piv::Algorithm::kEccP256); }

ossl::PkeyPtr NewP256() {
  return ossl::PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

Bytes PointOf(EVP_PKEY* key) { return *piv::EcPublicPoint(key, P256()); }

Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// The secret-key session objects visible to the session (what an ECDH or a
// wrap must not leave behind).
std::size_t SessionSecretKeys(HsmSession& session) {
  const CK_FUNCTION_LIST& f = session.library().functions();
  CK_OBJECT_CLASS klass = CKO_SECRET_KEY;
  CK_BBOOL token = CK_FALSE;
  CK_ATTRIBUTE match[] = {{CKA_CLASS, &klass, sizeof klass}, {CKA_TOKEN, &token, sizeof token}};
  EXPECT_EQ(f.C_FindObjectsInit(session.handle(), match, 2), CKR_OK);
  std::vector<CK_OBJECT_HANDLE> found(64);
  CK_ULONG count = 0;
  EXPECT_EQ(f.C_FindObjects(session.handle(), found.data(), found.size(), &count), CKR_OK);
  EXPECT_EQ(f.C_FindObjectsFinal(session.handle()), CKR_OK);
  return count;
}

using RegistrationKeysTest = OpenTokenTest;

TEST_F(RegistrationKeysTest, AgreementKeyIsSensitiveUnextractableDeriveAndSign) {
  HsmSession& session = token().session();
  auto key = GenerateAgreementKey(session, "tessera-reg-server");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->type, SigningKeyType::kP256);
  const CK_OBJECT_HANDLE priv = key->private_key;
  EXPECT_EQ(*ReadBool(session, priv, Attr::kToken, "key"), true);
  EXPECT_EQ(*ReadBool(session, priv, Attr::kPrivate, "key"), true);
  EXPECT_EQ(*ReadBool(session, priv, Attr::kSensitive, "key"), true);
  EXPECT_EQ(*ReadBool(session, priv, Attr::kExtractable, "key"), false);
  EXPECT_EQ(*ReadBool(session, priv, Attr::kDerive, "key"), true);
  EXPECT_EQ(*ReadBool(session, priv, Attr::kSign, "key"), true);
  EXPECT_EQ(*ReadBool(session, priv, Attr::kDecrypt, "key"), false);
  EXPECT_EQ(*ReadBool(session, priv, Attr::kUnwrap, "key"), false);
  EXPECT_FALSE(ReadBytes(session, priv, Attr::kValue, "key").ok());

  auto again = GenerateAgreementKey(session, "tessera-reg-server");
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  auto found = FindAgreementKey(session, "tessera-reg-server");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->private_key, priv);
  EXPECT_EQ(found->public_key, key->public_key);
  EXPECT_EQ(FindAgreementKey(session, "missing").status().code(), Code::kNotFound);

  // A plain signing key of the same kind is not a registration key.
  ASSERT_TRUE(GenerateSigningKey(session, SigningKeyType::kP256, "ca-key").ok());
  EXPECT_EQ(FindAgreementKey(session, "ca-key").status().code(), Code::kDataMismatch);
}

TEST_F(RegistrationKeysTest, EcdhEqualsOpenSslWithTheSamePeerAndLeavesNoObject) {
  HsmSession& session = token().session();
  auto key = GenerateAgreementKey(session, "reg");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto server_point = AgreementPublicPoint(session, *key);
  ASSERT_TRUE(server_point.ok()) << server_point.status().ToString();
  ASSERT_EQ(server_point->size(), kP256PointBytes);

  ossl::PkeyPtr peer = NewP256();
  ASSERT_TRUE(peer);
  const std::size_t before = SessionSecretKeys(session);
  auto z = EcdhDerive(session, token().quirks(), key->private_key, PointOf(peer.get()));
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  EXPECT_EQ(SessionSecretKeys(session), before);  // the derived object is gone

  auto expected = crypto::DeriveShared(peer.get(), *server_point);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  ASSERT_EQ(z->size(), kEcdhSecretBytes);
  EXPECT_EQ(Bytes(z->data(), z->data() + z->size()),
            Bytes(expected->data(), expected->data() + expected->size()));
}

TEST_F(RegistrationKeysTest, EcdhRefusesAPointOffTheCurve) {
  HsmSession& session = token().session();
  auto key = GenerateAgreementKey(session, "reg");
  ASSERT_TRUE(key.ok());
  ossl::PkeyPtr peer = NewP256();
  Bytes point = PointOf(peer.get());
  point.back() ^= 1;  // Y no longer matches X
  EXPECT_EQ(EcdhDerive(session, token().quirks(), key->private_key, point).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(EcdhDerive(session, token().quirks(), key->private_key, Bytes(33, 2)).status().code(),
            Code::kInvalidArgument);
}

TEST_F(RegistrationKeysTest, Es256SignatureVerifiesWithOpenSsl) {
  HsmSession& session = token().session();
  auto key = GenerateAgreementKey(session, "reg");
  ASSERT_TRUE(key.ok());
  const Bytes data = Text("eyJhbGciOiJFUzI1NiJ9.eyJ2ZXJzaW9uIjo3fQ");
  auto sig = SignEs256(session, *key, data);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  ASSERT_EQ(sig->size(), kP256RawSignatureBytes);

  // r || s -> DER, then OpenSSL verifies against the exported SPKI.
  BIGNUM* r = BN_bin2bn(sig->data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(sig->data() + 32, 32, nullptr);
  ECDSA_SIG* es = ECDSA_SIG_new();
  ASSERT_EQ(ECDSA_SIG_set0(es, r, s), 1);
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(es, &der);
  ECDSA_SIG_free(es);
  ASSERT_GT(der_len, 0);
  auto spki = SigningPublicKeyInfo(session, *key);
  ASSERT_TRUE(spki.ok());
  auto pub = ossl::PublicKeyFromDer(*spki);
  ASSERT_TRUE(pub.ok());
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pub->get()), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx.get(), der, der_len, data.data(), data.size()), 1);
  OPENSSL_free(der);
}

TEST_F(RegistrationKeysTest, KekIsUnextractableAndUsableOnlyToWrapAndEncrypt) {
  HsmSession& session = token().session();
  auto kek = GenerateSecretKek(session, "tessera-reg-kek");
  ASSERT_TRUE(kek.ok()) << kek.status().ToString();
  EXPECT_EQ(*ReadBool(session, *kek, Attr::kToken, "kek"), true);
  EXPECT_EQ(*ReadBool(session, *kek, Attr::kSensitive, "kek"), true);
  EXPECT_EQ(*ReadBool(session, *kek, Attr::kExtractable, "kek"), false);
  EXPECT_EQ(*ReadBool(session, *kek, Attr::kWrap, "kek"), true);
  EXPECT_EQ(*ReadBool(session, *kek, Attr::kUnwrap, "kek"), true);
  EXPECT_EQ(*ReadBool(session, *kek, Attr::kEncrypt, "kek"), true);
  EXPECT_EQ(*ReadBool(session, *kek, Attr::kDecrypt, "kek"), true);
  EXPECT_EQ(*ReadBool(session, *kek, Attr::kSign, "kek"), false);
  EXPECT_EQ(*ReadBool(session, *kek, Attr::kDerive, "kek"), false);
  EXPECT_FALSE(ReadBytes(session, *kek, Attr::kValue, "kek").ok());
  EXPECT_EQ(GenerateSecretKek(session, "tessera-reg-kek").status().code(), Code::kAlreadyExists);
  auto found = FindSecretKek(session, "tessera-reg-kek");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, *kek);
  EXPECT_EQ(FindSecretKek(session, "other").status().code(), Code::kNotFound);
}

TEST_F(RegistrationKeysTest, WrappedKUnwrapsIntoAnHmacKeyThatMatchesOpenSsl) {
  HsmSession& session = token().session();
  auto kek = GenerateSecretKek(session, "kek");
  ASSERT_TRUE(kek.ok());
  const Bytes k_clear =
      HexOrDie("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const std::size_t before = SessionSecretKeys(session);
  auto wrapped = WrapSecret(session, *kek, SecureBytes(ByteView(k_clear)));
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  EXPECT_EQ(wrapped->size(), kWrappedSecretBytes);
  EXPECT_EQ(SessionSecretKeys(session), before);  // the imported K is gone

  const Bytes data = Text("server login transcript-hash");
  {
    auto k = UnwrapHmacKey(session, *kek, *wrapped);
    ASSERT_TRUE(k.ok()) << k.status().ToString();
    EXPECT_EQ(*ReadBool(session, k->handle(), Attr::kToken, "K"), false);
    EXPECT_EQ(*ReadBool(session, k->handle(), Attr::kSensitive, "K"), true);
    EXPECT_EQ(*ReadBool(session, k->handle(), Attr::kExtractable, "K"), false);
    EXPECT_EQ(*ReadBool(session, k->handle(), Attr::kSign, "K"), true);
    EXPECT_EQ(*ReadBool(session, k->handle(), Attr::kEncrypt, "K"), false);
    EXPECT_EQ(*ReadBool(session, k->handle(), Attr::kDerive, "K"), false);
    EXPECT_FALSE(ReadBytes(session, k->handle(), Attr::kValue, "K").ok());
    auto mac = HmacSign(session, k->handle(), data);
    ASSERT_TRUE(mac.ok()) << mac.status().ToString();
    auto expected = crypto::Hmac(crypto::Hash::kSha256, k_clear, data);
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(Bytes(mac->data(), mac->data() + mac->size()), *expected);
  }
  EXPECT_EQ(SessionSecretKeys(session), before);  // the unwrapped K is gone

  Bytes changed = *wrapped;
  changed[5] ^= 0x80;
  EXPECT_EQ(UnwrapHmacKey(session, *kek, changed).status().code(), Code::kSignatureInvalid);
  EXPECT_EQ(UnwrapHmacKey(session, *kek, ByteView(*wrapped).first(32)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(WrapSecret(session, *kek, SecureBytes(16)).status().code(), Code::kInvalidArgument);
  auto other_kek = GenerateSecretKek(session, "kek-2");
  ASSERT_TRUE(other_kek.ok());
  EXPECT_EQ(UnwrapHmacKey(session, *other_kek, *wrapped).status().code(), Code::kSignatureInvalid);
}

TEST_F(RegistrationKeysTest, GcmOpensOnlyWithTheSameAadAndBytes) {
  HsmSession& session = token().session();
  auto kek = GenerateSecretKek(session, "kek");
  ASSERT_TRUE(kek.ok());
  const Bytes keys(64, 0x5a);
  const Bytes aad = Text("TSK1 session 00112233");
  auto sealed = GcmSeal(session, *kek, aad, keys);
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  EXPECT_EQ(sealed->size(), kGcmIvBytes + keys.size() + kGcmTagBytes);
  auto sealed_again = GcmSeal(session, *kek, aad, keys);
  ASSERT_TRUE(sealed_again.ok());
  EXPECT_NE(*sealed, *sealed_again);  // a fresh IV each time

  auto opened = GcmOpen(session, *kek, aad, *sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(Bytes(opened->data(), opened->data() + opened->size()), keys);

  EXPECT_EQ(GcmOpen(session, *kek, Text("TSK1 session 00112234"), *sealed).status().code(),
            Code::kSignatureInvalid);
  EXPECT_EQ(GcmOpen(session, *kek, {}, *sealed).status().code(), Code::kSignatureInvalid);
  Bytes changed = *sealed;
  changed[kGcmIvBytes + 3] ^= 1;
  EXPECT_EQ(GcmOpen(session, *kek, aad, changed).status().code(), Code::kSignatureInvalid);
  EXPECT_EQ(GcmOpen(session, *kek, aad, ByteView(*sealed).first(27)).status().code(),
            Code::kInvalidArgument);
  // The session is usable after a refusal (no operation left active).
  EXPECT_TRUE(GcmOpen(session, *kek, aad, *sealed).ok());
}

TEST_F(RegistrationKeysTest, UidcKeyIsSignOnlyAndItsHmacMatchesAcrossFinds) {
  HsmSession& session = token().session();
  auto key = GenerateHmacKey(session, "tessera-reg-uidc");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*ReadBool(session, *key, Attr::kToken, "uidc"), true);
  EXPECT_EQ(*ReadBool(session, *key, Attr::kSensitive, "uidc"), true);
  EXPECT_EQ(*ReadBool(session, *key, Attr::kExtractable, "uidc"), false);
  EXPECT_EQ(*ReadBool(session, *key, Attr::kSign, "uidc"), true);
  EXPECT_EQ(*ReadBool(session, *key, Attr::kVerify, "uidc"), false);
  EXPECT_EQ(*ReadBool(session, *key, Attr::kEncrypt, "uidc"), false);
  EXPECT_EQ(*ReadBool(session, *key, Attr::kWrap, "uidc"), false);
  EXPECT_EQ(*ReadBytes(session, *key, Attr::kValueLen, "uidc"),
            Bytes(reinterpret_cast<const std::uint8_t*>(&kHmacBytes),
                  reinterpret_cast<const std::uint8_t*>(&kHmacBytes) + sizeof(CK_ULONG)));
  EXPECT_EQ(GenerateHmacKey(session, "tessera-reg-uidc").status().code(), Code::kAlreadyExists);

  const Bytes data = Text("tessera reg v1 uidc alice");
  auto first = HmacSign(session, *key, data);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->size(), kHmacBytes);
  auto found = FindHmacKey(session, "tessera-reg-uidc");
  ASSERT_TRUE(found.ok());
  auto second = HmacSign(session, *found, data);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->view().size(), second->view().size());
  EXPECT_TRUE(std::equal(first->view().begin(), first->view().end(), second->view().begin()));
  auto other = HmacSign(session, *key, Text("tessera reg v1 uidc bob"));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(std::equal(first->view().begin(), first->view().end(), other->view().begin()));
}

// The quirk row is true to the HSM: SoftHSM2 lists none of the HKDF
// mechanisms, and every mechanism the registration keys use.
TEST_F(RegistrationKeysTest, SoftHsmQuirkRowMatchesItsMechanismList) {
  EXPECT_FALSE(token().quirks().supports_hkdf_derive);
  const CK_FUNCTION_LIST& f = token().session().library().functions();
  CK_ULONG count = 0;
  ASSERT_EQ(f.C_GetMechanismList(token().slot(), nullptr, &count), CKR_OK);
  std::vector<CK_MECHANISM_TYPE> mechanisms(count);
  ASSERT_EQ(f.C_GetMechanismList(token().slot(), mechanisms.data(), &count), CKR_OK);
  auto has = [&](CK_MECHANISM_TYPE m) {
    return std::find(mechanisms.begin(), mechanisms.end(), m) != mechanisms.end();
  };
  constexpr CK_MECHANISM_TYPE kHkdfDerive = 0x402a;  // PKCS#11 3.0 CKM_HKDF_DERIVE
  constexpr CK_MECHANISM_TYPE kHkdfData = 0x402b;    // CKM_HKDF_DATA
  EXPECT_FALSE(has(kHkdfDerive));
  EXPECT_FALSE(has(kHkdfData));
  for (CK_MECHANISM_TYPE used : {CKM_ECDH1_DERIVE, CKM_AES_KEY_WRAP_PAD, CKM_AES_GCM,
                                 CKM_SHA256_HMAC, CKM_GENERIC_SECRET_KEY_GEN, CKM_ECDSA}) {
    EXPECT_TRUE(has(used)) << "mechanism 0x" << std::hex << used;
  }
}

}  // namespace
}  // namespace tessera::hsm

// Objects through the C API against a real tessera-sim (PKCS#11 2.40 §4 and
// §5.7): key pairs generated on the card, searches, the attribute rules of
// C_GetAttributeValue, C_SetAttributeValue, and C_CreateObject /
// C_DestroyObject of certificates and imported keys.
#include <gmock/gmock.h>
#include <openssl/core_names.h>

#include <algorithm>

#include "tests/integration/pkcs11/api_fixture.hpp"
#include "tests/integration/pkcs11/api_openssl.hpp"

namespace tessera::testing {
namespace {

using ::testing::UnorderedElementsAre;

class ApiObjectsTest : public ApiTest {
 protected:
  // The flags every private key on a PIV card has, generated there.
  void ExpectGeneratedPrivateKey(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, bool always_auth) {
    EXPECT_TRUE(BoolAttribute(s, key, CKA_SENSITIVE));
    EXPECT_TRUE(BoolAttribute(s, key, CKA_ALWAYS_SENSITIVE));
    EXPECT_FALSE(BoolAttribute(s, key, CKA_EXTRACTABLE));
    EXPECT_TRUE(BoolAttribute(s, key, CKA_NEVER_EXTRACTABLE));
    EXPECT_TRUE(BoolAttribute(s, key, CKA_LOCAL));
    EXPECT_TRUE(BoolAttribute(s, key, CKA_PRIVATE));
    EXPECT_TRUE(BoolAttribute(s, key, CKA_TOKEN));
    EXPECT_EQ(BoolAttribute(s, key, CKA_ALWAYS_AUTHENTICATE), always_auth);
  }
};

TEST_F(ApiObjectsTest, GeneratesP256KeysAndFindsThemByEveryKindOfTemplate) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair k1;
  ASSERT_NO_FATAL_FAILURE(k1 = GenerateEc(s, P256Params(), 0x01));
  KeyPair k2;
  ASSERT_NO_FATAL_FAILURE(k2 = GenerateEc(s, P256Params(), 0x02));

  // The token key F0 (seed 000) is there on every token, with its pair.
  const TokenKeyObjects own = TokenKey(s);
  AttrList privates;
  privates.Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
  EXPECT_THAT(Find(s, std::move(privates)),
              UnorderedElementsAre(k1.private_key, k2.private_key, own.private_key));
  AttrList publics;
  publics.Ulong(CKA_CLASS, CKO_PUBLIC_KEY);
  EXPECT_THAT(Find(s, std::move(publics)),
              UnorderedElementsAre(k1.public_key, k2.public_key, own.public_key));
  AttrList by_id;
  by_id.Value(CKA_ID, Bytes{0x01});
  EXPECT_THAT(Find(s, std::move(by_id)), UnorderedElementsAre(k1.public_key, k1.private_key));
  AttrList class_and_id;
  class_and_id.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, Bytes{0x02});
  EXPECT_THAT(Find(s, std::move(class_and_id)), UnorderedElementsAre(k2.private_key));
  // An empty template also finds the data containers (CHUID, CCC, ...).
  AttrList data;
  data.Ulong(CKA_CLASS, CKO_DATA);
  std::vector<CK_OBJECT_HANDLE> everything = Find(s, std::move(data));
  EXPECT_FALSE(everything.empty()) << "a new token has a CHUID and a CCC";
  for (CK_OBJECT_HANDLE h :
       {k1.public_key, k1.private_key, k2.public_key, k2.private_key, own.public_key,
        own.private_key, own.attestation, own.attestation_certificate}) {
    everything.push_back(h);
  }
  EXPECT_THAT(Find(s, AttrList()), ::testing::UnorderedElementsAreArray(everything));
  AttrList ec_keys;
  ec_keys.Ulong(CKA_KEY_TYPE, CKK_EC);
  EXPECT_EQ(Find(s, std::move(ec_keys)).size(), 6u) << "two pairs and F0's";
  AttrList rsa_keys;
  rsa_keys.Ulong(CKA_KEY_TYPE, CKK_RSA);
  EXPECT_TRUE(Find(s, std::move(rsa_keys)).empty());
  AttrList no_such_id;
  no_such_id.Value(CKA_ID, Bytes{0x09});
  EXPECT_TRUE(Find(s, std::move(no_such_id)).empty());

  ExpectGeneratedPrivateKey(s, k1.private_key, false);
  ExpectGeneratedPrivateKey(s, k2.private_key, true);  // 9C: PIN always (SP 800-73-4 §3.1.2)
  EXPECT_EQ(UlongAttribute(s, k1.private_key, CKA_KEY_TYPE), CKK_EC);
  EXPECT_EQ(UlongAttribute(s, k1.private_key, CKA_KEY_GEN_MECHANISM), CKM_EC_KEY_PAIR_GEN);
  EXPECT_EQ(Attribute(s, k1.private_key, CKA_EC_PARAMS), P256Params());
  EXPECT_TRUE(BoolAttribute(s, k1.private_key, CKA_SIGN));
  EXPECT_TRUE(BoolAttribute(s, k1.private_key, CKA_DERIVE));
  EXPECT_FALSE(BoolAttribute(s, k1.public_key, CKA_PRIVATE));
  EXPECT_TRUE(BoolAttribute(s, k1.public_key, CKA_VERIFY));

  // CKA_EC_POINT is the DER OCTET STRING around the uncompressed point of
  // the same key CKA_PUBLIC_KEY_INFO holds (PKCS#11 2.40 §2.3.3).
  ossl::PkeyPtr pub = PublicKey(s, k1.public_key);
  ASSERT_NE(pub, nullptr);
  Bytes point = EcPublicPoint(pub.get());
  Bytes wrapped{0x04, static_cast<std::uint8_t>(point.size())};
  Append(wrapped, point);
  EXPECT_EQ(Attribute(s, k1.public_key, CKA_EC_POINT), wrapped);
  EXPECT_EQ(Attribute(s, k1.private_key, CKA_PUBLIC_KEY_INFO),
            Attribute(s, k1.public_key, CKA_PUBLIC_KEY_INFO));
}

TEST_F(ApiObjectsTest, GeneratesRsaEd25519AndX25519KeysWithTheirAttributes) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair rsa;
  ASSERT_NO_FATAL_FAILURE(rsa = GenerateRsa(s, 2048, 0x03));
  KeyPair ed;
  ASSERT_NO_FATAL_FAILURE(ed = GenerateEc(s, Ed25519Params(), 0x04));
  KeyPair x;
  ASSERT_NO_FATAL_FAILURE(x = GenerateEc(s, X25519Params(), 0x05));

  EXPECT_EQ(UlongAttribute(s, rsa.public_key, CKA_MODULUS_BITS), 2048u);
  EXPECT_EQ(Attribute(s, rsa.public_key, CKA_MODULUS).size(), 256u);
  EXPECT_EQ(Attribute(s, rsa.public_key, CKA_PUBLIC_EXPONENT), (Bytes{1, 0, 1}));
  EXPECT_EQ(UlongAttribute(s, rsa.private_key, CKA_KEY_GEN_MECHANISM), CKM_RSA_PKCS_KEY_PAIR_GEN);
  EXPECT_TRUE(BoolAttribute(s, rsa.private_key, CKA_DECRYPT));
  ExpectGeneratedPrivateKey(s, rsa.private_key, false);

  EXPECT_EQ(UlongAttribute(s, ed.private_key, CKA_KEY_TYPE), CKK_EC_EDWARDS);
  EXPECT_EQ(Attribute(s, ed.public_key, CKA_EC_PARAMS), Ed25519Params());
  EXPECT_EQ(UlongAttribute(s, ed.private_key, CKA_KEY_GEN_MECHANISM), CKM_EC_EDWARDS_KEY_PAIR_GEN);
  EXPECT_TRUE(BoolAttribute(s, ed.private_key, CKA_SIGN));
  ExpectGeneratedPrivateKey(s, ed.private_key, false);

  EXPECT_EQ(UlongAttribute(s, x.private_key, CKA_KEY_TYPE), CKK_EC_MONTGOMERY);
  EXPECT_EQ(Attribute(s, x.public_key, CKA_EC_PARAMS), X25519Params());
  EXPECT_FALSE(BoolAttribute(s, x.private_key, CKA_SIGN));
  EXPECT_TRUE(BoolAttribute(s, x.private_key, CKA_DERIVE));
  ExpectGeneratedPrivateKey(s, x.private_key, false);

  AttrList by_type;
  by_type.Ulong(CKA_KEY_TYPE, CKK_EC_MONTGOMERY);
  EXPECT_THAT(Find(s, std::move(by_type)), UnorderedElementsAre(x.public_key, x.private_key));
  AttrList rsa_private;
  rsa_private.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_RSA);
  EXPECT_THAT(Find(s, std::move(rsa_private)), UnorderedElementsAre(rsa.private_key));
}

TEST_F(ApiObjectsTest, GetAttributeValueFollowsTheBufferAndSensitivityRules) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair ec;
  ASSERT_NO_FATAL_FAILURE(ec = GenerateEc(s, P256Params(), 0x01));
  KeyPair rsa;
  ASSERT_NO_FATAL_FAILURE(rsa = GenerateRsa(s, 2048, 0x03));

  // §5.2: a NULL pValue asks for the length.
  CK_ATTRIBUTE label{CKA_LABEL, nullptr, 0};
  ASSERT_EQ(module_->C_GetAttributeValue(s, ec.private_key, &label, 1), CKR_OK);
  ASSERT_GT(label.ulValueLen, 1u);
  // A short buffer: CKR_BUFFER_TOO_SMALL and CK_UNAVAILABLE_INFORMATION.
  Bytes small(label.ulValueLen - 1);
  CK_ATTRIBUTE short_label{CKA_LABEL, small.data(), small.size()};
  EXPECT_EQ(module_->C_GetAttributeValue(s, ec.private_key, &short_label, 1), CKR_BUFFER_TOO_SMALL);
  EXPECT_EQ(short_label.ulValueLen, CK_UNAVAILABLE_INFORMATION);

  // Key material is sensitive, both for the length and the value.
  for (auto [key, type] :
       {std::pair{ec.private_key, CKA_VALUE}, std::pair{rsa.private_key, CKA_PRIME_1},
        std::pair{rsa.private_key, CKA_PRIVATE_EXPONENT}}) {
    SCOPED_TRACE(type);
    CK_ATTRIBUTE secret{type, nullptr, 0};
    EXPECT_EQ(module_->C_GetAttributeValue(s, key, &secret, 1), CKR_ATTRIBUTE_SENSITIVE);
    EXPECT_EQ(secret.ulValueLen, CK_UNAVAILABLE_INFORMATION);
    Bytes buf(512);
    secret = {type, buf.data(), buf.size()};
    EXPECT_EQ(module_->C_GetAttributeValue(s, key, &secret, 1), CKR_ATTRIBUTE_SENSITIVE);
    EXPECT_EQ(secret.ulValueLen, CK_UNAVAILABLE_INFORMATION);
  }
  // An attribute the object does not have.
  CK_ATTRIBUTE unknown{CKA_VENDOR_DEFINED | 0x1234, nullptr, 0};
  EXPECT_EQ(module_->C_GetAttributeValue(s, ec.public_key, &unknown, 1),
            CKR_ATTRIBUTE_TYPE_INVALID);
  EXPECT_EQ(unknown.ulValueLen, CK_UNAVAILABLE_INFORMATION);
  CK_ATTRIBUTE modulus{CKA_MODULUS, nullptr, 0};
  EXPECT_EQ(module_->C_GetAttributeValue(s, ec.public_key, &modulus, 1),
            CKR_ATTRIBUTE_TYPE_INVALID);

  // A mixed template: every attribute is processed (§5.7), the readable ones
  // are filled, and the result is one of the errors met.
  Bytes label_buf(label.ulValueLen);
  CK_ULONG key_type = 0;
  CK_BBOOL sensitive = CK_FALSE;
  Bytes too_small(1);
  CK_ATTRIBUTE mixed[] = {
      {CKA_LABEL, label_buf.data(), label_buf.size()},
      {CKA_VALUE, nullptr, 0},
      {CKA_KEY_TYPE, &key_type, sizeof key_type},
      {CKA_VENDOR_DEFINED | 0x1234, nullptr, 0},
      {CKA_SENSITIVE, &sensitive, sizeof sensitive},
      {CKA_EC_PARAMS, too_small.data(), too_small.size()},
      {CKA_ID, nullptr, 0},
  };
  const CK_RV rv = module_->C_GetAttributeValue(s, ec.private_key, mixed, std::size(mixed));
  EXPECT_TRUE(rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID ||
              rv == CKR_BUFFER_TOO_SMALL)
      << rv;
  EXPECT_EQ(mixed[0].ulValueLen, label_buf.size());
  EXPECT_EQ(Bytes(label_buf.begin(), label_buf.end()), Attribute(s, ec.private_key, CKA_LABEL));
  EXPECT_EQ(mixed[1].ulValueLen, CK_UNAVAILABLE_INFORMATION);
  EXPECT_EQ(mixed[2].ulValueLen, sizeof key_type);
  EXPECT_EQ(key_type, CKK_EC);
  EXPECT_EQ(mixed[3].ulValueLen, CK_UNAVAILABLE_INFORMATION);
  EXPECT_EQ(sensitive, CK_TRUE);
  EXPECT_EQ(mixed[5].ulValueLen, CK_UNAVAILABLE_INFORMATION);
  EXPECT_EQ(mixed[6].ulValueLen, 1u);
}

// SP 800-73-4 Part 1 Table 3: the public containers as CKO_DATA objects,
// named by their OIDs; the CHUID is 2.16.840.1.101.3.7.2.48.0.
TEST_F(ApiObjectsTest, PublicContainersAreDataObjectsWithTheirOids) {
  CK_SESSION_HANDLE s = Open();
  AttrList chuid;
  chuid.Ulong(CKA_CLASS, CKO_DATA)
      .Value(CKA_OBJECT_ID,
             Bytes{0x06, 0x0A, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x07, 0x02, 0x30, 0x00});
  auto found = Find(s, std::move(chuid));
  ASSERT_EQ(found.size(), 1u);
  const Bytes application = Attribute(s, found[0], CKA_APPLICATION);
  EXPECT_EQ(std::string(application.begin(), application.end()), "PIV");
  EXPECT_FALSE(Attribute(s, found[0], CKA_VALUE).empty());
  EXPECT_FALSE(BoolAttribute(s, found[0], CKA_PRIVATE));
  EXPECT_EQ(module_->C_DestroyObject(s, found[0]), CKR_ACTION_PROHIBITED);
}

TEST_F(ApiObjectsTest, PrivateObjectsAreInvisibleWithoutALogin) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair k;
  ASSERT_NO_FATAL_FAILURE(k = GenerateEc(s, P256Params(), 0x01));
  ASSERT_EQ(module_->C_Logout(s), CKR_OK);

  const TokenKeyObjects own = TokenKey(s);
  EXPECT_EQ(own.private_key, CK_INVALID_HANDLE) << "even F0's private key is private";
  AttrList publics;
  publics.Ulong(CKA_CLASS, CKO_PUBLIC_KEY);
  EXPECT_THAT(Find(s, std::move(publics)), UnorderedElementsAre(k.public_key, own.public_key));
  AttrList privates;
  privates.Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
  EXPECT_TRUE(Find(s, std::move(privates)).empty());
  CK_ATTRIBUTE label{CKA_LABEL, nullptr, 0};
  EXPECT_EQ(module_->C_GetAttributeValue(s, k.private_key, &label, 1), CKR_OBJECT_HANDLE_INVALID);
  CK_MECHANISM ecdsa{CKM_ECDSA, nullptr, 0};
  EXPECT_NE(module_->C_SignInit(s, &ecdsa, k.private_key), CKR_OK);

  ASSERT_EQ(Login(s, CKU_USER, kUserPin), CKR_OK);
  AttrList by_id;
  by_id.Value(CKA_ID, Bytes{0x01});
  EXPECT_THAT(Find(s, std::move(by_id)), UnorderedElementsAre(k.public_key, k.private_key));
}

TEST_F(ApiObjectsTest, SetAttributeValueChangesTheLabelButNotFixedAttributes) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair k;
  ASSERT_NO_FATAL_FAILURE(k = GenerateEc(s, P256Params(), 0x01));

  AttrList label;
  label.Text(CKA_LABEL, "signing key");
  EXPECT_EQ(module_->C_SetAttributeValue(s, k.private_key, label.data(), label.size()), CKR_OK);
  EXPECT_EQ(AsString(Attribute(s, k.private_key, CKA_LABEL)), "signing key");
  AttrList by_label;
  by_label.Text(CKA_LABEL, "signing key");
  EXPECT_THAT(Find(s, std::move(by_label)), UnorderedElementsAre(k.private_key));

  AttrList key_type;
  key_type.Ulong(CKA_KEY_TYPE, CKK_RSA);
  EXPECT_EQ(module_->C_SetAttributeValue(s, k.private_key, key_type.data(), key_type.size()),
            CKR_ATTRIBUTE_READ_ONLY);
  AttrList sensitive;
  sensitive.Bool(CKA_SENSITIVE, false);
  EXPECT_EQ(module_->C_SetAttributeValue(s, k.private_key, sensitive.data(), sensitive.size()),
            CKR_ATTRIBUTE_READ_ONLY);
  EXPECT_EQ(UlongAttribute(s, k.private_key, CKA_KEY_TYPE), CKK_EC);
  EXPECT_TRUE(BoolAttribute(s, k.private_key, CKA_SENSITIVE));

  CK_SESSION_HANDLE ro = Open(false);
  AttrList again;
  again.Text(CKA_LABEL, "from a read-only session");
  EXPECT_EQ(module_->C_SetAttributeValue(ro, k.public_key, again.data(), again.size()),
            CKR_SESSION_READ_ONLY);
}

TEST_F(ApiObjectsTest, CreatesACertificateAndDestroysItForGood) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair k;
  ASSERT_NO_FATAL_FAILURE(k = GenerateEc(s, P256Params(), 0x01));
  ossl::PkeyPtr issuer_key = NewKey("P-256");
  const Bytes der = SelfSignedCertificate(issuer_key.get(), "Tessera API test", 4242);
  ASSERT_FALSE(der.empty());

  AttrList cert;
  cert.Ulong(CKA_CLASS, CKO_CERTIFICATE)
      .Ulong(CKA_CERTIFICATE_TYPE, CKC_X_509)
      .Bool(CKA_TOKEN, true)
      .Value(CKA_ID, Bytes{0x01})
      .Text(CKA_LABEL, "test certificate")
      .Value(CKA_VALUE, der);
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_EQ(module_->C_CreateObject(s, cert.data(), cert.size(), &h), CKR_OK);

  ossl::X509Ptr parsed = std::move(ossl::CertFromDer(der)).value();
  auto name_der = [](X509_NAME* name) {
    unsigned char* out = nullptr;
    int len = i2d_X509_NAME(name, &out);
    Bytes b(out, out + len);
    OPENSSL_free(out);
    return b;
  };
  EXPECT_EQ(Attribute(s, h, CKA_VALUE), der);
  EXPECT_EQ(Attribute(s, h, CKA_SUBJECT), name_der(X509_get_subject_name(parsed.get())));
  EXPECT_EQ(Attribute(s, h, CKA_ISSUER), name_der(X509_get_issuer_name(parsed.get())));
  EXPECT_EQ(Attribute(s, h, CKA_SERIAL_NUMBER), HexOrDie("02021092"));  // INTEGER 4242
  EXPECT_EQ(UlongAttribute(s, h, CKA_CERTIFICATE_TYPE), CKC_X_509);
  EXPECT_EQ(Attribute(s, h, CKA_ID), Bytes{0x01});
  EXPECT_FALSE(BoolAttribute(s, h, CKA_PRIVATE));
  AttrList certs;
  certs.Ulong(CKA_CLASS, CKO_CERTIFICATE).Value(CKA_ID, Bytes{0x01});
  EXPECT_THAT(Find(s, std::move(certs)), UnorderedElementsAre(h));

  // The certificate is on the card: a fresh module finds it.
  ASSERT_NO_FATAL_FAILURE(Reinitialize());
  s = Open();
  AttrList certs_again;
  certs_again.Ulong(CKA_CLASS, CKO_CERTIFICATE).Value(CKA_ID, Bytes{0x01});
  std::vector<CK_OBJECT_HANDLE> found = Find(s, std::move(certs_again));
  ASSERT_EQ(found.size(), 1u);
  h = found[0];
  EXPECT_EQ(Attribute(s, h, CKA_VALUE), der);

  ASSERT_EQ(Login(s, CKU_USER, kUserPin), CKR_OK);
  AttrList private_key;
  private_key.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Value(CKA_ID, Bytes{0x01});
  found = Find(s, std::move(private_key));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(module_->C_DestroyObject(s, found[0]), CKR_ACTION_PROHIBITED);
  EXPECT_EQ(module_->C_DestroyObject(s, h), CKR_OK);
  AttrList gone;
  gone.Ulong(CKA_CLASS, CKO_CERTIFICATE).Value(CKA_ID, Bytes{0x01});
  EXPECT_TRUE(Find(s, std::move(gone)).empty());
  CK_ATTRIBUTE value{CKA_VALUE, nullptr, 0};
  EXPECT_EQ(module_->C_GetAttributeValue(s, h, &value, 1), CKR_OBJECT_HANDLE_INVALID);
  EXPECT_EQ(module_->C_DestroyObject(s, h), CKR_OBJECT_HANDLE_INVALID);

  ASSERT_NO_FATAL_FAILURE(Reinitialize());
  s = Open();
  AttrList still_gone;
  still_gone.Ulong(CKA_CLASS, CKO_CERTIFICATE).Value(CKA_ID, Bytes{0x01});
  EXPECT_TRUE(Find(s, std::move(still_gone)).empty());
}

TEST_F(ApiObjectsTest, ImportedEcKeySignsForItsKnownPublicKey) {
  CK_SESSION_HANDLE s = UserSession();
  ossl::PkeyPtr key = NewKey("P-256");
  AttrList tmpl;
  tmpl.Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_EC)
      .Bool(CKA_TOKEN, true)
      .Value(CKA_ID, Bytes{0x03})
      .Value(CKA_EC_PARAMS, P256Params())
      .Value(CKA_VALUE, EcPrivateScalar(key.get()));
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_EQ(module_->C_CreateObject(s, tmpl.data(), tmpl.size(), &h), CKR_OK);

  EXPECT_FALSE(BoolAttribute(s, h, CKA_LOCAL));
  EXPECT_FALSE(BoolAttribute(s, h, CKA_ALWAYS_SENSITIVE)) << "it was outside the card once";
  EXPECT_FALSE(BoolAttribute(s, h, CKA_NEVER_EXTRACTABLE));
  EXPECT_TRUE(BoolAttribute(s, h, CKA_SENSITIVE));
  CK_ATTRIBUTE value{CKA_VALUE, nullptr, 0};
  EXPECT_EQ(module_->C_GetAttributeValue(s, h, &value, 1), CKR_ATTRIBUTE_SENSITIVE);
  Bytes pub_der = std::move(ossl::PublicKeyToDer(key.get())).value();
  EXPECT_EQ(Attribute(s, h, CKA_PUBLIC_KEY_INFO), pub_der);

  const Bytes data = HexOrDie("0102030405");
  CK_MECHANISM m{CKM_ECDSA_SHA256, nullptr, 0};
  Bytes sig = Sign(s, &m, h, data);
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_TRUE(VerifiedByOpenSsl(key.get(), {Scheme::kEcdsa, EVP_sha256()}, data, sig));
}

TEST_F(ApiObjectsTest, ImportedRsaKeyWithAllCrtPartsSignsForItsKnownPublicKey) {
  CK_SESSION_HANDLE s = UserSession();
  ossl::PkeyPtr key = NewKey("RSA");
  AttrList tmpl;
  tmpl.Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
      .Ulong(CKA_KEY_TYPE, CKK_RSA)
      .Bool(CKA_TOKEN, true)
      .Value(CKA_ID, Bytes{0x01})
      .Value(CKA_MODULUS, RsaPart(key.get(), OSSL_PKEY_PARAM_RSA_N))
      .Value(CKA_PUBLIC_EXPONENT, RsaPart(key.get(), OSSL_PKEY_PARAM_RSA_E))
      .Value(CKA_PRIVATE_EXPONENT, RsaPart(key.get(), OSSL_PKEY_PARAM_RSA_D))
      .Value(CKA_PRIME_1, RsaPart(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR1))
      .Value(CKA_PRIME_2, RsaPart(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR2))
      .Value(CKA_EXPONENT_1, RsaPart(key.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1))
      .Value(CKA_EXPONENT_2, RsaPart(key.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2))
      .Value(CKA_COEFFICIENT, RsaPart(key.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_EQ(module_->C_CreateObject(s, tmpl.data(), tmpl.size(), &h), CKR_OK);
  EXPECT_EQ(UlongAttribute(s, h, CKA_KEY_TYPE), CKK_RSA);
  EXPECT_EQ(Attribute(s, h, CKA_MODULUS), RsaPart(key.get(), OSSL_PKEY_PARAM_RSA_N));
  EXPECT_FALSE(BoolAttribute(s, h, CKA_LOCAL));

  const Bytes data = HexOrDie("54657373657261");
  CK_MECHANISM m{CKM_SHA256_RSA_PKCS, nullptr, 0};
  Bytes sig = Sign(s, &m, h, data);
  EXPECT_EQ(sig.size(), 256u);
  EXPECT_TRUE(VerifiedByOpenSsl(key.get(), {Scheme::kRsaPkcs1, EVP_sha256()}, data, sig));

  // The public key object of the slot came with it.
  AttrList pub;
  pub.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Value(CKA_ID, Bytes{0x01});
  std::vector<CK_OBJECT_HANDLE> found = Find(s, std::move(pub));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(Verify(s, &m, found[0], data, sig), CKR_OK);
}

}  // namespace
}  // namespace tessera::testing

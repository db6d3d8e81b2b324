// Decryption, encryption, digests, ECDH and random numbers through the C API
// against a real tessera-sim (PKCS#11 2.40 §5.8–§5.10, §5.14, §5.15), and how
// an operation ends after an error (§5.2: a size query or a short buffer
// keeps it, any other error ends it).
#include <openssl/rsa.h>

#include "tests/integration/pkcs11/api_fixture.hpp"
#include "tests/integration/pkcs11/api_openssl.hpp"

namespace tessera::testing {
namespace {

struct OaepCase {
  CK_MECHANISM_TYPE hash;
  CK_RSA_PKCS_MGF_TYPE mgf;
};

constexpr OaepCase kOaepCases[] = {
    {CKM_SHA_1, CKG_MGF1_SHA1},    {CKM_SHA224, CKG_MGF1_SHA224}, {CKM_SHA256, CKG_MGF1_SHA256},
    {CKM_SHA384, CKG_MGF1_SHA384}, {CKM_SHA512, CKG_MGF1_SHA512},
};

constexpr CK_MECHANISM_TYPE kDigests[] = {CKM_SHA_1, CKM_SHA224, CKM_SHA256, CKM_SHA384,
                                          CKM_SHA512};

class ApiCryptoTest : public ApiTest {
 protected:
  Bytes Decrypt(CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE key, Bytes cipher) {
    EXPECT_EQ(module_->C_DecryptInit(s, m, key), CKR_OK);
    CK_ULONG len = 0;
    EXPECT_EQ(module_->C_Decrypt(s, cipher.data(), cipher.size(), nullptr, &len), CKR_OK);
    Bytes plain(len);
    EXPECT_EQ(module_->C_Decrypt(s, cipher.data(), cipher.size(), plain.data(), &len), CKR_OK);
    plain.resize(len);
    return plain;
  }
  Bytes Encrypt(CK_SESSION_HANDLE s, CK_MECHANISM* m, CK_OBJECT_HANDLE key, Bytes plain) {
    EXPECT_EQ(module_->C_EncryptInit(s, m, key), CKR_OK);
    CK_ULONG len = 0;
    EXPECT_EQ(module_->C_Encrypt(s, plain.data(), plain.size(), nullptr, &len), CKR_OK);
    Bytes cipher(len);
    EXPECT_EQ(module_->C_Encrypt(s, plain.data(), plain.size(), cipher.data(), &len), CKR_OK);
    cipher.resize(len);
    return cipher;
  }
  // C_DeriveKey with CKM_ECDH1_DERIVE and CKD_NULL; the new key's handle.
  CK_RV Derive(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE base, Bytes peer, CK_OBJECT_HANDLE* out) {
    CK_ECDH1_DERIVE_PARAMS params{CKD_NULL, 0, nullptr, peer.size(), peer.data()};
    CK_MECHANISM m{CKM_ECDH1_DERIVE, &params, sizeof params};
    AttrList tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_SECRET_KEY)
        .Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET)
        .Bool(CKA_TOKEN, false)
        .Bool(CKA_SENSITIVE, false)
        .Bool(CKA_EXTRACTABLE, true);
    return module_->C_DeriveKey(s, &m, base, tmpl.data(), tmpl.size(), out);
  }
};

TEST_F(ApiCryptoTest, OaepWithEveryHashAndALabelDecryptsOnTheCard) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateRsa(s, 2048, 0x03));
  ossl::PkeyPtr pub = PublicKey(s, key.public_key);
  ASSERT_NE(pub, nullptr);
  const Bytes plain = HexOrDie("5465737365726120736563726574206d657373616765");
  Bytes label = HexOrDie("6c6162656c");
  for (const OaepCase& c : kOaepCases) {
    SCOPED_TRACE(::testing::Message() << "OAEP hash 0x" << std::hex << c.hash);
    CK_RSA_PKCS_OAEP_PARAMS params{c.hash, c.mgf, CKZ_DATA_SPECIFIED, label.data(), label.size()};
    CK_MECHANISM m{CKM_RSA_PKCS_OAEP, &params, sizeof params};
    // OpenSSL encrypts, the card decrypts.
    Bytes cipher = RsaEncrypt(pub.get(), RSA_PKCS1_OAEP_PADDING, MdOf(c.hash), label, plain);
    EXPECT_EQ(Decrypt(s, &m, key.private_key, cipher), plain);
    // The module encrypts on the host, the card decrypts.
    cipher = Encrypt(s, &m, key.public_key, plain);
    EXPECT_EQ(cipher.size(), 256u);
    EXPECT_EQ(Decrypt(s, &m, key.private_key, cipher), plain);
    // Another label does not decrypt.
    Bytes other = HexOrDie("6f74686572");
    CK_RSA_PKCS_OAEP_PARAMS wrong{c.hash, c.mgf, CKZ_DATA_SPECIFIED, other.data(), other.size()};
    CK_MECHANISM wrong_m{CKM_RSA_PKCS_OAEP, &wrong, sizeof wrong};
    ASSERT_EQ(module_->C_DecryptInit(s, &wrong_m, key.private_key), CKR_OK);
    Bytes out(256);
    CK_ULONG len = out.size();
    EXPECT_EQ(module_->C_Decrypt(s, cipher.data(), cipher.size(), out.data(), &len),
              CKR_ENCRYPTED_DATA_INVALID);
  }
}

TEST_F(ApiCryptoTest, RsaPkcsAndRawEncryptionRoundTrip) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateRsa(s, 2048, 0x03));
  ossl::PkeyPtr pub = PublicKey(s, key.public_key);
  ASSERT_NE(pub, nullptr);
  const Bytes plain = HexOrDie("00112233445566778899aabbccddeeff");
  CK_MECHANISM pkcs{CKM_RSA_PKCS, nullptr, 0};
  Bytes cipher = RsaEncrypt(pub.get(), RSA_PKCS1_PADDING, nullptr, {}, plain);
  EXPECT_EQ(Decrypt(s, &pkcs, key.private_key, cipher), plain);
  EXPECT_EQ(Decrypt(s, &pkcs, key.private_key, Encrypt(s, &pkcs, key.public_key, plain)), plain);

  // Multi-part decryption: the parts are collected, the plaintext comes at Final.
  cipher = Encrypt(s, &pkcs, key.public_key, plain);
  ASSERT_EQ(module_->C_DecryptInit(s, &pkcs, key.private_key), CKR_OK);
  CK_ULONG part_len = 0;
  ASSERT_EQ(module_->C_DecryptUpdate(s, cipher.data(), 100, nullptr, &part_len), CKR_OK);
  EXPECT_EQ(part_len, 0u);
  ASSERT_EQ(
      module_->C_DecryptUpdate(s, cipher.data() + 100, cipher.size() - 100, nullptr, &part_len),
      CKR_OK);
  Bytes out(256);
  CK_ULONG len = out.size();
  ASSERT_EQ(module_->C_DecryptFinal(s, out.data(), &len), CKR_OK);
  out.resize(len);
  EXPECT_EQ(out, plain);

  CK_MECHANISM raw{CKM_RSA_X_509, nullptr, 0};
  Bytes block(256, 0x5A);
  block[0] = 0;
  EXPECT_EQ(Decrypt(s, &raw, key.private_key, Encrypt(s, &raw, key.public_key, block)), block);
}

TEST_F(ApiCryptoTest, DigestsMatchOpenSslInOnePartAndInMany) {
  CK_SESSION_HANDLE s = Open(false);  // digests need neither a login nor a key
  Bytes data(3000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i ^ (i >> 3));
  for (CK_MECHANISM_TYPE type : kDigests) {
    SCOPED_TRACE(::testing::Message() << "digest 0x" << std::hex << type);
    const Bytes expected = Digest(MdOf(type), data);
    CK_MECHANISM m{type, nullptr, 0};
    ASSERT_EQ(module_->C_DigestInit(s, &m), CKR_OK);
    CK_ULONG len = 0;
    ASSERT_EQ(module_->C_Digest(s, data.data(), data.size(), nullptr, &len), CKR_OK);
    EXPECT_EQ(len, expected.size());
    Bytes one(len);
    ASSERT_EQ(module_->C_Digest(s, data.data(), data.size(), one.data(), &len), CKR_OK);
    EXPECT_EQ(one, expected);

    ASSERT_EQ(module_->C_DigestInit(s, &m), CKR_OK);
    for (std::size_t at = 0; at < data.size(); at += 999) {
      const std::size_t n = std::min<std::size_t>(999, data.size() - at);
      ASSERT_EQ(module_->C_DigestUpdate(s, data.data() + at, n), CKR_OK);
    }
    Bytes many(expected.size());
    len = many.size();
    ASSERT_EQ(module_->C_DigestFinal(s, many.data(), &len), CKR_OK);
    EXPECT_EQ(many, expected);

    // The empty message.
    ASSERT_EQ(module_->C_DigestInit(s, &m), CKR_OK);
    len = many.size();
    ASSERT_EQ(module_->C_Digest(s, nullptr, 0, many.data(), &len), CKR_OK);
    EXPECT_EQ(many, Digest(MdOf(type), {}));
  }
}

TEST_F(ApiCryptoTest, EcdhDerivesOpenSslsSharedSecretAsASessionObject) {
  CK_SESSION_HANDLE keep = UserSession();  // holds the login while `s` closes
  CK_SESSION_HANDLE s = Open();
  for (const char* curve : {"P-256", "P-384"}) {
    SCOPED_TRACE(curve);
    const bool p256 = std::string(curve) == "P-256";
    KeyPair key;
    ASSERT_NO_FATAL_FAILURE(
        key = GenerateEc(s, p256 ? P256Params() : P384Params(), p256 ? 0x03 : 0x04));
    ossl::PkeyPtr card_pub = PublicKey(s, key.public_key);
    ossl::PkeyPtr peer = NewKey(curve);
    const Bytes expected = SharedSecret(peer.get(), card_pub.get());
    const Bytes raw_point = EcPublicPoint(peer.get());
    Bytes der_point{0x04, static_cast<std::uint8_t>(raw_point.size())};
    Append(der_point, raw_point);

    for (const Bytes& point : {raw_point, der_point}) {
      CK_OBJECT_HANDLE secret = CK_INVALID_HANDLE;
      ASSERT_EQ(Derive(s, key.private_key, point, &secret), CKR_OK);
      EXPECT_EQ(UlongAttribute(s, secret, CKA_CLASS), CKO_SECRET_KEY);
      EXPECT_FALSE(BoolAttribute(s, secret, CKA_TOKEN));
      EXPECT_EQ(Attribute(s, secret, CKA_VALUE), expected);
      EXPECT_EQ(UlongAttribute(s, secret, CKA_VALUE_LEN), expected.size());
    }
    // A point that is not on the curve.
    Bytes off_curve = raw_point;
    off_curve.back() ^= 0x01;
    CK_OBJECT_HANDLE none = CK_INVALID_HANDLE;
    EXPECT_NE(Derive(s, key.private_key, off_curve, &none), CKR_OK);
  }

  // A session object lives as long as its session (§4.4: CKA_TOKEN false).
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateEc(s, P256Params(), 0x05));
  ossl::PkeyPtr peer = NewKey("P-256");
  CK_OBJECT_HANDLE secret = CK_INVALID_HANDLE;
  ASSERT_EQ(Derive(s, key.private_key, EcPublicPoint(peer.get()), &secret), CKR_OK);
  EXPECT_EQ(Attribute(keep, secret, CKA_VALUE).size(), 32u) << "other sessions see it";
  ASSERT_EQ(module_->C_CloseSession(s), CKR_OK);
  CK_ATTRIBUTE value{CKA_VALUE, nullptr, 0};
  EXPECT_EQ(module_->C_GetAttributeValue(keep, secret, &value, 1), CKR_OBJECT_HANDLE_INVALID);
  AttrList secrets;
  secrets.Ulong(CKA_CLASS, CKO_SECRET_KEY);
  EXPECT_TRUE(Find(keep, std::move(secrets)).empty());
}

TEST_F(ApiCryptoTest, X25519DerivesOpenSslsSharedSecret) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateEc(s, X25519Params(), 0x03));
  ossl::PkeyPtr card_pub = PublicKey(s, key.public_key);
  ossl::PkeyPtr peer = NewKey("X25519");
  CK_OBJECT_HANDLE secret = CK_INVALID_HANDLE;
  ASSERT_EQ(Derive(s, key.private_key, EcPublicPoint(peer.get()), &secret), CKR_OK);
  EXPECT_EQ(Attribute(s, secret, CKA_VALUE), SharedSecret(peer.get(), card_pub.get()));
}

TEST_F(ApiCryptoTest, GenerateRandomFillsBuffers) {
  CK_SESSION_HANDLE s = Open(false);
  Bytes a(64, 0);
  Bytes b(64, 0);
  ASSERT_EQ(module_->C_GenerateRandom(s, a.data(), a.size()), CKR_OK);
  ASSERT_EQ(module_->C_GenerateRandom(s, b.data(), b.size()), CKR_OK);
  EXPECT_NE(a, Bytes(64, 0));
  EXPECT_NE(a, b);
  Bytes big(100000, 0);
  ASSERT_EQ(module_->C_GenerateRandom(s, big.data(), big.size()), CKR_OK);
  EXPECT_NE(Bytes(big.end() - 64, big.end()), Bytes(64, 0)) << "the whole buffer is filled";
  EXPECT_EQ(module_->C_GenerateRandom(s, nullptr, 0), CKR_OK);
  std::uint8_t seed[4] = {1, 2, 3, 4};
  EXPECT_EQ(module_->C_SeedRandom(s, seed, sizeof seed), CKR_RANDOM_SEED_NOT_SUPPORTED);
}

TEST_F(ApiCryptoTest, AShortBufferKeepsTheOperationAndOtherErrorsEndIt) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateRsa(s, 2048, 0x01));
  ossl::PkeyPtr pub = PublicKey(s, key.public_key);
  CK_MECHANISM pkcs{CKM_RSA_PKCS, nullptr, 0};
  Bytes data = DigestInfo(EVP_sha256(), Digest(EVP_sha256(), HexOrDie("01")));

  // §5.2: CKR_BUFFER_TOO_SMALL leaves the operation active; the retry signs.
  ASSERT_EQ(module_->C_SignInit(s, &pkcs, key.private_key), CKR_OK);
  Bytes sig(10);
  CK_ULONG len = sig.size();
  EXPECT_EQ(module_->C_Sign(s, data.data(), data.size(), sig.data(), &len), CKR_BUFFER_TOO_SMALL);
  EXPECT_EQ(len, 256u);
  sig.resize(len);
  ASSERT_EQ(module_->C_Sign(s, data.data(), data.size(), sig.data(), &len), CKR_OK);
  EXPECT_TRUE(VerifiedByOpenSsl(pub.get(), {Scheme::kRsaPkcs1}, data, sig));
  EXPECT_EQ(module_->C_Sign(s, data.data(), data.size(), sig.data(), &len),
            CKR_OPERATION_NOT_INITIALIZED)
      << "a successful C_Sign ends the operation";

  // Too much data for PKCS#1 v1.5 padding: the operation ends.
  ASSERT_EQ(module_->C_SignInit(s, &pkcs, key.private_key), CKR_OK);
  Bytes too_long(250, 0x11);
  len = sig.size();
  EXPECT_EQ(module_->C_Sign(s, too_long.data(), too_long.size(), sig.data(), &len),
            CKR_DATA_LEN_RANGE);
  EXPECT_EQ(module_->C_Sign(s, data.data(), data.size(), sig.data(), &len),
            CKR_OPERATION_NOT_INITIALIZED);

  // A NULL length pointer ends it too.
  ASSERT_EQ(module_->C_SignInit(s, &pkcs, key.private_key), CKR_OK);
  EXPECT_EQ(module_->C_Sign(s, data.data(), data.size(), sig.data(), nullptr), CKR_ARGUMENTS_BAD);
  EXPECT_EQ(module_->C_SignFinal(s, sig.data(), &len), CKR_OPERATION_NOT_INITIALIZED);

  // A second Init while one is active.
  ASSERT_EQ(module_->C_SignInit(s, &pkcs, key.private_key), CKR_OK);
  EXPECT_EQ(module_->C_SignInit(s, &pkcs, key.private_key), CKR_OPERATION_ACTIVE);
  len = sig.size();
  EXPECT_EQ(module_->C_Sign(s, data.data(), data.size(), sig.data(), &len), CKR_OK)
      << "the first operation is still there";

  // Decryption: a ciphertext of the wrong length ends the operation.
  ASSERT_EQ(module_->C_DecryptInit(s, &pkcs, key.private_key), CKR_OK);
  Bytes out(256);
  len = out.size();
  EXPECT_EQ(module_->C_Decrypt(s, data.data(), data.size(), out.data(), &len),
            CKR_ENCRYPTED_DATA_LEN_RANGE);
  EXPECT_EQ(module_->C_Decrypt(s, data.data(), data.size(), out.data(), &len),
            CKR_OPERATION_NOT_INITIALIZED);

  // Verification always ends, valid or not.
  sig.back() ^= 1;
  ASSERT_EQ(module_->C_VerifyInit(s, &pkcs, key.public_key), CKR_OK);
  EXPECT_EQ(module_->C_Verify(s, data.data(), data.size(), sig.data(), sig.size()),
            CKR_SIGNATURE_INVALID);
  EXPECT_EQ(module_->C_Verify(s, data.data(), data.size(), sig.data(), sig.size()),
            CKR_OPERATION_NOT_INITIALIZED);
  ASSERT_EQ(module_->C_VerifyInit(s, &pkcs, key.public_key), CKR_OK);
  EXPECT_EQ(module_->C_Verify(s, data.data(), data.size(), sig.data(), sig.size() - 1),
            CKR_SIGNATURE_LEN_RANGE);
  // A signature as long as the modulus but not below it is invalid, not an error.
  Bytes too_big(256, 0xFF);
  ASSERT_EQ(module_->C_VerifyInit(s, &pkcs, key.public_key), CKR_OK);
  EXPECT_EQ(module_->C_Verify(s, data.data(), data.size(), too_big.data(), too_big.size()),
            CKR_SIGNATURE_INVALID);

  // Digest: the same rules.
  CK_MECHANISM sha{CKM_SHA256, nullptr, 0};
  ASSERT_EQ(module_->C_DigestInit(s, &sha), CKR_OK);
  Bytes digest(31);
  len = digest.size();
  EXPECT_EQ(module_->C_Digest(s, data.data(), data.size(), digest.data(), &len),
            CKR_BUFFER_TOO_SMALL);
  EXPECT_EQ(len, 32u);
  digest.resize(32);
  EXPECT_EQ(module_->C_Digest(s, data.data(), data.size(), digest.data(), &len), CKR_OK);
  EXPECT_EQ(digest, Digest(EVP_sha256(), data));
}

}  // namespace
}  // namespace tessera::testing

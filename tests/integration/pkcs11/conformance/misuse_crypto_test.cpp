// No crash, and the spec's code, for the cryptographic and key functions:
// NULL mechanisms, data, output lengths and handle pointers, and mechanism
// parameter blocks that are NULL or too short (PKCS#11 3.0 §5.1:
// CKR_ARGUMENTS_BAD; a parameter block the mechanism cannot use is
// CKR_MECHANISM_PARAM_INVALID, and either is accepted where the two overlap).
#include "tests/integration/pkcs11/conformance/misuse_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"

namespace tessera::testing::conformance {
namespace {

constexpr CK_ULONG kHuge = 0x7FFFFFF0;
const std::vector<CK_RV> kBad = {CKR_ARGUMENTS_BAD};
const std::vector<CK_RV> kBadOrParam = {CKR_ARGUMENTS_BAD, CKR_MECHANISM_PARAM_INVALID};

TEST_F(MisuseTest, DigestSignAndVerifyRefuseNullPointers) {
  CK_MECHANISM sha{CKM_SHA256, nullptr, 0};
  CK_MECHANISM ecdsa{CKM_ECDSA_SHA256, nullptr, 0};
  Bytes data(32, 1);
  Bytes out(512);
  CK_ULONG len = out.size();
  auto digest = [&](CK_SESSION_HANDLE s) { f()->C_DigestInit(s, &sha); };
  auto sign = [&](CK_SESSION_HANDLE s) { f()->C_SignInit(s, &ecdsa, ec_priv_); };
  auto verify = [&](CK_SESSION_HANDLE s) { f()->C_VerifyInit(s, &ecdsa, ec_pub_); };
  Run({
      {"C_DigestInit(NULL)", [&](CK_SESSION_HANDLE s) { return f()->C_DigestInit(s, nullptr); },
       kBad},
      {"C_Digest(NULL data)",
       [&](CK_SESSION_HANDLE s) {
         digest(s);
         return f()->C_Digest(s, nullptr, 10, out.data(), &len);
       },
       kBad},
      {"C_Digest(NULL length)",
       [&](CK_SESSION_HANDLE s) {
         digest(s);
         return f()->C_Digest(s, data.data(), 10, out.data(), nullptr);
       },
       kBad},
      {"C_DigestUpdate(NULL)",
       [&](CK_SESSION_HANDLE s) {
         digest(s);
         return f()->C_DigestUpdate(s, nullptr, 10);
       },
       kBad},
      {"C_DigestFinal(NULL length)",
       [&](CK_SESSION_HANDLE s) {
         digest(s);
         return f()->C_DigestFinal(s, out.data(), nullptr);
       },
       kBad},
      {"C_SignInit(NULL)",
       [&](CK_SESSION_HANDLE s) { return f()->C_SignInit(s, nullptr, ec_priv_); }, kBad},
      {"C_Sign(NULL data)",
       [&](CK_SESSION_HANDLE s) {
         sign(s);
         return f()->C_Sign(s, nullptr, 32, out.data(), &len);
       },
       kBad},
      {"C_Sign(NULL length)",
       [&](CK_SESSION_HANDLE s) {
         sign(s);
         return f()->C_Sign(s, data.data(), 32, out.data(), nullptr);
       },
       kBad},
      {"C_Sign into a buffer that claims to be huge",
       [&](CK_SESSION_HANDLE s) {
         CK_ULONG huge = kHuge;
         sign(s);
         return f()->C_Sign(s, data.data(), 32, out.data(), &huge);
       },
       {CKR_OK}},
      {"C_SignUpdate(NULL)",
       [&](CK_SESSION_HANDLE s) {
         sign(s);
         return f()->C_SignUpdate(s, nullptr, 5);
       },
       kBad},
      {"C_SignFinal(NULL length)",
       [&](CK_SESSION_HANDLE s) {
         sign(s);
         return f()->C_SignFinal(s, out.data(), nullptr);
       },
       kBad},
      {"C_VerifyInit(NULL)",
       [&](CK_SESSION_HANDLE s) { return f()->C_VerifyInit(s, nullptr, ec_pub_); }, kBad},
      {"C_Verify(NULL data)",
       [&](CK_SESSION_HANDLE s) {
         verify(s);
         return f()->C_Verify(s, nullptr, 10, out.data(), 64);
       },
       kBad},
      {"C_Verify(NULL signature)",
       [&](CK_SESSION_HANDLE s) {
         verify(s);
         return f()->C_Verify(s, data.data(), 10, nullptr, 64);
       },
       kBad},
      // §5.15 (C_Verify): a length that alone shows the signature is wrong.
      {"C_Verify(signature of absurd length)",
       [&](CK_SESSION_HANDLE s) {
         verify(s);
         return f()->C_Verify(s, data.data(), 10, out.data(), kHuge);
       },
       {CKR_SIGNATURE_LEN_RANGE, CKR_ARGUMENTS_BAD}},
      {"C_VerifyFinal(NULL signature)",
       [&](CK_SESSION_HANDLE s) {
         verify(s);
         return f()->C_VerifyFinal(s, nullptr, 64);
       },
       kBad},
  });
}

TEST_F(MisuseTest, CipherFunctionsRefuseNullPointersAndBrokenParameters) {
  CK_MECHANISM ecb{CKM_AES_ECB, nullptr, 0};
  CK_MECHANISM cbc_null{CKM_AES_CBC, nullptr, 16};
  Bytes data(32, 1);
  Bytes out(512);
  CK_ULONG len = out.size();
  auto enc = [&](CK_SESSION_HANDLE s) { f()->C_EncryptInit(s, &ecb, aes_); };
  auto dec = [&](CK_SESSION_HANDLE s) { f()->C_DecryptInit(s, &ecb, aes_); };
  Run({
      {"C_EncryptInit(NULL)",
       [&](CK_SESSION_HANDLE s) { return f()->C_EncryptInit(s, nullptr, aes_); }, kBad},
      {"C_DecryptInit(NULL)",
       [&](CK_SESSION_HANDLE s) { return f()->C_DecryptInit(s, nullptr, aes_); }, kBad},
      {"AES-CBC with a NULL IV of 16 bytes",
       [&](CK_SESSION_HANDLE s) { return f()->C_EncryptInit(s, &cbc_null, aes_); }, kBadOrParam},
      {"C_Encrypt(NULL data)",
       [&](CK_SESSION_HANDLE s) {
         enc(s);
         return f()->C_Encrypt(s, nullptr, 16, out.data(), &len);
       },
       kBad},
      {"C_Encrypt(NULL length)",
       [&](CK_SESSION_HANDLE s) {
         enc(s);
         return f()->C_Encrypt(s, data.data(), 16, out.data(), nullptr);
       },
       kBad},
      {"C_EncryptUpdate(NULL length)",
       [&](CK_SESSION_HANDLE s) {
         enc(s);
         return f()->C_EncryptUpdate(s, data.data(), 16, out.data(), nullptr);
       },
       kBad},
      {"C_Decrypt(NULL data)",
       [&](CK_SESSION_HANDLE s) {
         dec(s);
         return f()->C_Decrypt(s, nullptr, 16, out.data(), &len);
       },
       kBad},
      {"C_DecryptFinal(NULL length)",
       [&](CK_SESSION_HANDLE s) {
         dec(s);
         return f()->C_DecryptFinal(s, out.data(), nullptr);
       },
       kBad},
  });
}

TEST_F(MisuseTest, KeyFunctionsRefuseNullPointersAndBrokenParameters) {
  CK_MECHANISM ec_gen{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_MECHANISM aes_gen{CKM_AES_KEY_GEN, nullptr, 0};
  CK_MECHANISM wrap{CKM_AES_KEY_WRAP, nullptr, 0};
  AttrList pub;
  pub.Value(CKA_EC_PARAMS, P256Params());
  AttrList len16;
  len16.Ulong(CKA_VALUE_LEN, 16);
  AttrList secret;
  secret.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET);
  CK_OBJECT_HANDLE a = 0;
  CK_OBJECT_HANDLE b = 0;
  Bytes buf(64, 7);
  CK_ULONG len = buf.size();
  Bytes point(65, 4);
  CK_ECDH1_DERIVE_PARAMS null_point{CKD_NULL, 0, nullptr, 65, nullptr};
  CK_MECHANISM ecdh_null_point{CKM_ECDH1_DERIVE, &null_point, sizeof null_point};
  CK_MECHANISM ecdh_no_params{CKM_ECDH1_DERIVE, nullptr, sizeof null_point};
  CK_MECHANISM ecdh_short{CKM_ECDH1_DERIVE, &null_point, 3};
  CK_ECDH1_DERIVE_PARAMS good{CKD_NULL, 0, nullptr, point.size(), point.data()};
  CK_MECHANISM ecdh{CKM_ECDH1_DERIVE, &good, sizeof good};
  Run({
      {"C_GenerateKeyPair(NULL mechanism)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_GenerateKeyPair(s, nullptr, pub.data(), pub.size(), nullptr, 0, &a, &b);
       },
       kBad},
      {"C_GenerateKeyPair(NULL public template, 2)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_GenerateKeyPair(s, &ec_gen, nullptr, 2, nullptr, 0, &a, &b);
       },
       kBad},
      {"C_GenerateKeyPair(NULL public handle)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_GenerateKeyPair(s, &ec_gen, pub.data(), pub.size(), nullptr, 0, nullptr, &b);
       },
       kBad},
      {"C_GenerateKeyPair(NULL private handle)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_GenerateKeyPair(s, &ec_gen, pub.data(), pub.size(), nullptr, 0, &a, nullptr);
       },
       kBad},
      {"C_GenerateKey(NULL mechanism)",
       [&](CK_SESSION_HANDLE s) { return f()->C_GenerateKey(s, nullptr, len16.data(), 1, &a); },
       kBad},
      {"C_GenerateKey(NULL handle)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_GenerateKey(s, &aes_gen, len16.data(), 1, nullptr);
       },
       kBad},
      {"C_DeriveKey(NULL mechanism)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_DeriveKey(s, nullptr, ec_priv_, secret.data(), secret.size(), &a);
       },
       kBad},
      {"ECDH with a NULL public point of 65 bytes",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_DeriveKey(s, &ecdh_null_point, ec_priv_, secret.data(), secret.size(), &a);
       },
       kBadOrParam},
      {"ECDH with no parameter block",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_DeriveKey(s, &ecdh_no_params, ec_priv_, secret.data(), secret.size(), &a);
       },
       kBadOrParam},
      {"ECDH with a 3-byte parameter block",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_DeriveKey(s, &ecdh_short, ec_priv_, secret.data(), secret.size(), &a);
       },
       {CKR_MECHANISM_PARAM_INVALID}},
      {"ECDH with a point that is not on the curve",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_DeriveKey(s, &ecdh, ec_priv_, secret.data(), secret.size(), &a);
       },
       {CKR_MECHANISM_PARAM_INVALID, CKR_DOMAIN_PARAMS_INVALID}},
      {"C_DeriveKey(NULL handle)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_DeriveKey(s, &ecdh, ec_priv_, secret.data(), secret.size(), nullptr);
       },
       kBad},
      {"C_WrapKey(NULL mechanism)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_WrapKey(s, nullptr, aes_, secret_, buf.data(), &len);
       },
       kBad},
      {"C_WrapKey(NULL length)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_WrapKey(s, &wrap, aes_, secret_, buf.data(), nullptr);
       },
       kBad},
      {"C_UnwrapKey(NULL blob)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_UnwrapKey(s, &wrap, aes_, nullptr, 40, secret.data(), secret.size(), &a);
       },
       kBad},
      {"C_UnwrapKey(NULL handle)",
       [&](CK_SESSION_HANDLE s) {
         return f()->C_UnwrapKey(s, &wrap, aes_, buf.data(), 40, secret.data(), secret.size(),
                                 nullptr);
       },
       kBad},
      {"C_GenerateRandom(NULL, 16)",
       [&](CK_SESSION_HANDLE s) { return f()->C_GenerateRandom(s, nullptr, 16); }, kBad},
      {"C_SeedRandom(NULL, 16)",
       [&](CK_SESSION_HANDLE s) { return f()->C_SeedRandom(s, nullptr, 16); },
       {CKR_ARGUMENTS_BAD, CKR_RANDOM_SEED_NOT_SUPPORTED}},
  });
}

}  // namespace
}  // namespace tessera::testing::conformance

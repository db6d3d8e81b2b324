// Signing mechanisms through the C API against a real tessera-sim (PKCS#11
// 2.40 §5.5 mechanism lists, §5.11 signing, §5.12 verification): every
// mechanism the module lists for signing signs in one part and in many, and
// each signature is checked by OpenSSL and by the module's own C_Verify.
#include <fstream>
#include <optional>

#include "tests/integration/pkcs11/api_fixture.hpp"
#include "tests/integration/pkcs11/api_openssl.hpp"

namespace tessera::testing {
namespace {

enum class KeyKind { kRsa, kEc, kEd };

// What the test knows of a signing mechanism.
struct MechCase {
  CK_MECHANISM_TYPE type = 0;
  KeyKind key = KeyKind::kRsa;
  SignSpec spec;
  CK_MECHANISM_TYPE pss_hash = 0;  // PSS: CK_RSA_PKCS_PSS_PARAMS.hashAlg
  CK_RSA_PKCS_MGF_TYPE mgf = 0;
};

MechCase Rsa(CK_MECHANISM_TYPE type, Scheme scheme, CK_MECHANISM_TYPE hash) {
  return {type, KeyKind::kRsa, {scheme, MdOf(hash)}};
}

MechCase Pss(CK_MECHANISM_TYPE type, CK_MECHANISM_TYPE hash, CK_RSA_PKCS_MGF_TYPE mgf,
             bool hash_and_sign) {
  const EVP_MD* md = MdOf(hash);
  return {type,
          KeyKind::kRsa,
          {Scheme::kRsaPss, hash_and_sign ? md : nullptr, md, EVP_MD_get_size(md)},
          hash,
          mgf};
}

MechCase Ecdsa(CK_MECHANISM_TYPE type, CK_MECHANISM_TYPE hash) {
  return {type, KeyKind::kEc, {Scheme::kEcdsa, MdOf(hash)}};
}

// Every signing mechanism a PIV token can offer; nullopt for one the test
// does not know, which fails the mechanism-list test.
std::optional<MechCase> CaseFor(CK_MECHANISM_TYPE type) {
  switch (type) {
    case CKM_RSA_PKCS: return Rsa(type, Scheme::kRsaPkcs1, 0);
    case CKM_RSA_X_509: return Rsa(type, Scheme::kRsaRaw, 0);
    case CKM_SHA1_RSA_PKCS: return Rsa(type, Scheme::kRsaPkcs1, CKM_SHA_1);
    case CKM_SHA224_RSA_PKCS: return Rsa(type, Scheme::kRsaPkcs1, CKM_SHA224);
    case CKM_SHA256_RSA_PKCS: return Rsa(type, Scheme::kRsaPkcs1, CKM_SHA256);
    case CKM_SHA384_RSA_PKCS: return Rsa(type, Scheme::kRsaPkcs1, CKM_SHA384);
    case CKM_SHA512_RSA_PKCS: return Rsa(type, Scheme::kRsaPkcs1, CKM_SHA512);
    case CKM_RSA_PKCS_PSS: return Pss(type, CKM_SHA256, CKG_MGF1_SHA256, false);
    case CKM_SHA1_RSA_PKCS_PSS: return Pss(type, CKM_SHA_1, CKG_MGF1_SHA1, true);
    case CKM_SHA224_RSA_PKCS_PSS: return Pss(type, CKM_SHA224, CKG_MGF1_SHA224, true);
    case CKM_SHA256_RSA_PKCS_PSS: return Pss(type, CKM_SHA256, CKG_MGF1_SHA256, true);
    case CKM_SHA384_RSA_PKCS_PSS: return Pss(type, CKM_SHA384, CKG_MGF1_SHA384, true);
    case CKM_SHA512_RSA_PKCS_PSS: return Pss(type, CKM_SHA512, CKG_MGF1_SHA512, true);
    case CKM_ECDSA: return Ecdsa(type, 0);
    case CKM_ECDSA_SHA1: return Ecdsa(type, CKM_SHA_1);
    case CKM_ECDSA_SHA224: return Ecdsa(type, CKM_SHA224);
    case CKM_ECDSA_SHA256: return Ecdsa(type, CKM_SHA256);
    case CKM_ECDSA_SHA384: return Ecdsa(type, CKM_SHA384);
    case CKM_ECDSA_SHA512: return Ecdsa(type, CKM_SHA512);
    case CKM_EDDSA: return MechCase{type, KeyKind::kEd, {Scheme::kEddsa}};
    default: return std::nullopt;
  }
}

Bytes Pattern(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 31 + 7);
  return b;
}

class ApiSignTest : public ApiTest {
 protected:
  // The signing mechanisms the token lists, with CKF_SIGN in their info.
  std::vector<CK_MECHANISM_TYPE> SigningMechanisms() {
    CK_ULONG n = 0;
    EXPECT_EQ(module_->C_GetMechanismList(slot_, nullptr, &n), CKR_OK);
    std::vector<CK_MECHANISM_TYPE> all(n);
    EXPECT_EQ(module_->C_GetMechanismList(slot_, all.data(), &n), CKR_OK);
    std::vector<CK_MECHANISM_TYPE> signing;
    for (CK_MECHANISM_TYPE m : all) {
      CK_MECHANISM_INFO info{};
      EXPECT_EQ(module_->C_GetMechanismInfo(slot_, m, &info), CKR_OK);
      if ((info.flags & CKF_SIGN) != 0) signing.push_back(m);
    }
    return signing;
  }

  // The input a mechanism signs: a message for hash-and-sign and EdDSA,
  // else what the raw mechanism takes (a DigestInfo, a digest, a block).
  static Bytes InputFor(const MechCase& c, std::size_t key_bytes) {
    Bytes message = Pattern(1000);
    if (c.spec.hash != nullptr || c.key == KeyKind::kEd) return message;
    switch (c.spec.scheme) {
      case Scheme::kRsaPkcs1: return DigestInfo(EVP_sha256(), Digest(EVP_sha256(), message));
      case Scheme::kRsaRaw: {
        Bytes block = Pattern(key_bytes);
        block[0] = 0;  // below the modulus
        return block;
      }
      case Scheme::kRsaPss: return Digest(c.spec.pss_hash, message);
      case Scheme::kEcdsa: return Pattern(key_bytes);  // a digest of the field's size
      case Scheme::kEddsa: break;
    }
    return message;
  }

  // Signs with `c` in one part and in parts, and checks every signature
  // with OpenSSL and the module; a corrupted one must fail both.
  void CheckMechanism(CK_SESSION_HANDLE s, const MechCase& c, const KeyPair& key,
                      std::size_t key_bytes) {
    SCOPED_TRACE(::testing::Message() << "mechanism 0x" << std::hex << c.type);
    ossl::PkeyPtr pub = PublicKey(s, key.public_key);
    ASSERT_NE(pub, nullptr);
    CK_RSA_PKCS_PSS_PARAMS pss{c.pss_hash, c.mgf, static_cast<CK_ULONG>(c.spec.salt_len)};
    CK_MECHANISM m{c.type, nullptr, 0};
    if (c.spec.scheme == Scheme::kRsaPss) m = {c.type, &pss, sizeof pss};
    const Bytes data = InputFor(c, key_bytes);
    const std::size_t sig_len = c.key == KeyKind::kRsa ? key_bytes : 2 * key_bytes;
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{300}}) {
      SCOPED_TRACE(chunk == 0 ? "single-part" : "multi-part");
      Bytes sig = chunk == 0 ? Sign(s, &m, key.private_key, data)
                             : SignInParts(s, &m, key.private_key, data, chunk);
      EXPECT_EQ(sig.size(), sig_len);
      EXPECT_TRUE(VerifiedByOpenSsl(pub.get(), c.spec, data, sig));
      EXPECT_EQ(Verify(s, &m, key.public_key, data, sig), CKR_OK);
      EXPECT_EQ(VerifyInParts(s, &m, key.public_key, data, sig, 64), CKR_OK);
      Bytes bad = sig;
      bad.back() ^= 0x01;
      EXPECT_FALSE(VerifiedByOpenSsl(pub.get(), c.spec, data, bad));
      EXPECT_EQ(Verify(s, &m, key.public_key, data, bad), CKR_SIGNATURE_INVALID);
      EXPECT_EQ(VerifyInParts(s, &m, key.public_key, data, bad, 100), CKR_SIGNATURE_INVALID);
      if (c.key == KeyKind::kEd) break;  // EdDSA signs the message: once in parts is plenty
    }
  }

  // Runs CheckMechanism for every listed signing mechanism of `kind`.
  void CheckEveryMechanismOf(KeyKind kind, CK_SESSION_HANDLE s, const KeyPair& key,
                             std::size_t key_bytes) {
    int checked = 0;
    for (CK_MECHANISM_TYPE type : SigningMechanisms()) {
      auto c = CaseFor(type);
      if (!c || c->key != kind) continue;
      ASSERT_NO_FATAL_FAILURE(CheckMechanism(s, *c, key, key_bytes));
      ++checked;
    }
    EXPECT_GT(checked, 0);
  }
};

TEST_F(ApiSignTest, ListsItsMechanismsWithTheirInfo) {
  CK_ULONG n = 0;
  ASSERT_EQ(module_->C_GetMechanismList(slot_, nullptr, &n), CKR_OK);
  ASSERT_GT(n, 2u);
  std::vector<CK_MECHANISM_TYPE> all(n);
  CK_ULONG short_count = 2;
  EXPECT_EQ(module_->C_GetMechanismList(slot_, all.data(), &short_count), CKR_BUFFER_TOO_SMALL);
  EXPECT_EQ(short_count, n);
  ASSERT_EQ(module_->C_GetMechanismList(slot_, all.data(), &n), CKR_OK);
  ASSERT_EQ(n, all.size());

  for (CK_MECHANISM_TYPE m : all) {
    SCOPED_TRACE(::testing::Message() << "mechanism 0x" << std::hex << m);
    CK_MECHANISM_INFO info{};
    ASSERT_EQ(module_->C_GetMechanismInfo(slot_, m, &info), CKR_OK);
    EXPECT_NE(info.flags, 0u);
    EXPECT_LE(info.ulMinKeySize, info.ulMaxKeySize);
    // The MACs are secret-key mechanisms: the conformance suite's mac_test
    // covers them.
    const bool mac = m == CKM_AES_CMAC || m == CKM_AES_CMAC_GENERAL ||
                     (m >= CKM_SHA_1_HMAC && m <= CKM_SHA512_HMAC_GENERAL && m != CKM_SHA256 &&
                      m != CKM_SHA384 && m != CKM_SHA512 && m != CKM_SHA224);
    if ((info.flags & CKF_SIGN) != 0 && !mac) {
      EXPECT_TRUE(CaseFor(m).has_value()) << "a signing mechanism this test does not cover";
      EXPECT_NE(info.flags & CKF_VERIFY, 0u);
    }
  }
  CK_MECHANISM_INFO info{};
  ASSERT_EQ(module_->C_GetMechanismInfo(slot_, CKM_ECDSA, &info), CKR_OK);
  EXPECT_EQ(info.flags & (CKF_SIGN | CKF_VERIFY | CKF_EC_NAMEDCURVE),
            CKF_SIGN | CKF_VERIFY | CKF_EC_NAMEDCURVE);
  EXPECT_EQ(info.ulMinKeySize, 256u);
  EXPECT_EQ(info.ulMaxKeySize, 384u);
  ASSERT_EQ(module_->C_GetMechanismInfo(slot_, CKM_RSA_PKCS_OAEP, &info), CKR_OK);
  EXPECT_EQ(info.flags & (CKF_ENCRYPT | CKF_DECRYPT), CKF_ENCRYPT | CKF_DECRYPT);
  ASSERT_EQ(module_->C_GetMechanismInfo(slot_, CKM_SHA384, &info), CKR_OK);
  EXPECT_NE(info.flags & CKF_DIGEST, 0u);
  ASSERT_EQ(module_->C_GetMechanismInfo(slot_, CKM_ECDH1_DERIVE, &info), CKR_OK);
  EXPECT_NE(info.flags & CKF_DERIVE, 0u);
  // Single DES is broken and not offered (docs/pkcs11-module.md).
  EXPECT_EQ(module_->C_GetMechanismInfo(slot_, CKM_DES_CBC, &info), CKR_MECHANISM_INVALID);
}

TEST_F(ApiSignTest, EveryRsaMechanismSignsInOnePartAndInMany) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateRsa(s, 2048, 0x01));
  CheckEveryMechanismOf(KeyKind::kRsa, s, key, 256);
}

TEST_F(ApiSignTest, EveryEcdsaMechanismSignsOnP256AndP384) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair p256;
  ASSERT_NO_FATAL_FAILURE(p256 = GenerateEc(s, P256Params(), 0x01));
  KeyPair p384;
  ASSERT_NO_FATAL_FAILURE(p384 = GenerateEc(s, P384Params(), 0x03));
  {
    SCOPED_TRACE("P-256");
    CheckEveryMechanismOf(KeyKind::kEc, s, p256, 32);
  }
  {
    SCOPED_TRACE("P-384");
    CheckEveryMechanismOf(KeyKind::kEc, s, p384, 48);
  }
}

TEST_F(ApiSignTest, EddsaSignsInOnePartAndInMany) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateEc(s, Ed25519Params(), 0x04));
  CheckEveryMechanismOf(KeyKind::kEd, s, key, 32);
}

TEST_F(ApiSignTest, MechanismAndKeyMustFit) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair ec;
  ASSERT_NO_FATAL_FAILURE(ec = GenerateEc(s, P256Params(), 0x01));
  KeyPair x;
  ASSERT_NO_FATAL_FAILURE(x = GenerateEc(s, X25519Params(), 0x03));
  CK_MECHANISM rsa{CKM_SHA256_RSA_PKCS, nullptr, 0};
  EXPECT_EQ(module_->C_SignInit(s, &rsa, ec.private_key), CKR_KEY_TYPE_INCONSISTENT);
  CK_MECHANISM eddsa{CKM_EDDSA, nullptr, 0};
  EXPECT_EQ(module_->C_SignInit(s, &eddsa, ec.private_key), CKR_KEY_TYPE_INCONSISTENT);
  CK_MECHANISM ecdsa{CKM_ECDSA, nullptr, 0};
  EXPECT_EQ(module_->C_SignInit(s, &ecdsa, x.private_key), CKR_KEY_TYPE_INCONSISTENT);
  // A PSS mechanism without its parameters, or with a hash that is not its own.
  CK_MECHANISM pss{CKM_SHA256_RSA_PKCS_PSS, nullptr, 0};
  EXPECT_EQ(module_->C_SignInit(s, &pss, ec.private_key), CKR_MECHANISM_PARAM_INVALID);
  CK_RSA_PKCS_PSS_PARAMS wrong{CKM_SHA384, CKG_MGF1_SHA384, 48};
  pss = {CKM_SHA256_RSA_PKCS_PSS, &wrong, sizeof wrong};
  EXPECT_EQ(module_->C_SignInit(s, &pss, ec.private_key), CKR_MECHANISM_PARAM_INVALID);
  CK_MECHANISM digest{CKM_SHA256, nullptr, 0};
  EXPECT_EQ(module_->C_SignInit(s, &digest, ec.private_key), CKR_MECHANISM_INVALID);
  CK_MECHANISM not_signing{CKM_AES_ECB, nullptr, 0};
  EXPECT_EQ(module_->C_SignInit(s, &not_signing, ec.private_key), CKR_MECHANISM_INVALID);
  CK_MECHANISM unknown{CKM_DES_CBC, nullptr, 0};
  EXPECT_EQ(module_->C_SignInit(s, &unknown, ec.private_key), CKR_MECHANISM_INVALID);
}

// The simulator's trace counts the card's private-key operations (GENERAL
// AUTHENTICATE, INS 87).
class ApiSignTraceTest : public ApiSignTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartWith({"--trace", (dir_.path() / "trace.log").string()}));
  }
  int CardOperations() {
    std::ifstream in(dir_.path() / "trace.log");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      n += line.find(" > 0087") != std::string::npos || line.find(" > 1087") != std::string::npos;
    }
    return n;
  }
};

TEST_F(ApiSignTraceTest, ASizeQueryThenTheSignatureCostsOneCardOperation) {
  CK_SESSION_HANDLE s = UserSession();
  KeyPair key;
  ASSERT_NO_FATAL_FAILURE(key = GenerateEc(s, P256Params(), 0x01));
  CK_MECHANISM m{CKM_ECDSA_SHA256, nullptr, 0};
  Bytes data = Pattern(100);
  const int before = CardOperations();
  ASSERT_EQ(module_->C_SignInit(s, &m, key.private_key), CKR_OK);
  CK_ULONG len = 0;
  ASSERT_EQ(module_->C_Sign(s, data.data(), data.size(), nullptr, &len), CKR_OK);
  EXPECT_EQ(len, 64u);
  EXPECT_EQ(CardOperations(), before) << "the length is known from the key";
  Bytes sig(len);
  ASSERT_EQ(module_->C_Sign(s, data.data(), data.size(), sig.data(), &len), CKR_OK);
  EXPECT_EQ(len, 64u);
  EXPECT_EQ(CardOperations(), before + 1);
  ossl::PkeyPtr pub = PublicKey(s, key.public_key);
  EXPECT_TRUE(VerifiedByOpenSsl(pub.get(), {Scheme::kEcdsa, EVP_sha256()}, data, sig));

  // A buffer one byte short keeps the operation (§5.2) and the card's answer.
  ASSERT_EQ(module_->C_SignInit(s, &m, key.private_key), CKR_OK);
  Bytes short_buf(63);
  len = short_buf.size();
  EXPECT_EQ(module_->C_Sign(s, data.data(), data.size(), short_buf.data(), &len),
            CKR_BUFFER_TOO_SMALL);
  EXPECT_EQ(len, 64u);
  ASSERT_EQ(module_->C_Sign(s, data.data(), data.size(), sig.data(), &len), CKR_OK);
  EXPECT_EQ(CardOperations(), before + 2);
  EXPECT_TRUE(VerifiedByOpenSsl(pub.get(), {Scheme::kEcdsa, EVP_sha256()}, data, sig));
}

}  // namespace
}  // namespace tessera::testing

// MACs as signatures (PKCS#11 3.0 §5.13, §5.15; mechanisms: HMAC, AES-CMAC)
// on session secret keys whose value the test knows, so every MAC is
// compared byte for byte with OpenSSL's, in one part and in many.
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"
#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

namespace tessera::testing::conformance {
namespace {

class MacTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    session_ = UserSession(true);
  }
  CK_OBJECT_HANDLE MacKey(CK_KEY_TYPE type, const Bytes& value) {
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_THAT(
        Create(session_, SecretKey(type, value).Bool(CKA_SIGN, true).Bool(CKA_VERIFY, true), &h),
        IsRv(CKR_OK));
    return h;
  }
  Bytes Mac(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key, const Bytes& msg, std::size_t chunk,
            CK_ULONG general_length = 0) {
    CK_MECHANISM m{type, nullptr, 0};
    if (general_length != 0) m = {type, &general_length, sizeof general_length};
    EXPECT_THAT(f()->C_SignInit(session_, &m, key), IsRv(CKR_OK));
    Bytes in = msg;
    Bytes out(64);
    CK_ULONG len = out.size();
    if (chunk == 0) {
      EXPECT_THAT(f()->C_Sign(session_, in.data(), in.size(), out.data(), &len), IsRv(CKR_OK));
    } else {
      for (std::size_t at = 0; at < in.size(); at += chunk) {
        const std::size_t n = std::min(chunk, in.size() - at);
        EXPECT_THAT(f()->C_SignUpdate(session_, in.data() + at, n), IsRv(CKR_OK));
      }
      EXPECT_THAT(f()->C_SignFinal(session_, out.data(), &len), IsRv(CKR_OK));
    }
    out.resize(std::min<std::size_t>(len, out.size()));
    return out;
  }
  CK_RV Verify(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key, const Bytes& msg, Bytes mac) {
    CK_MECHANISM m{type, nullptr, 0};
    if (CK_RV rv = f()->C_VerifyInit(session_, &m, key); rv != CKR_OK) return rv;
    Bytes in = msg;
    return f()->C_Verify(session_, in.data(), in.size(), mac.data(), mac.size());
  }
  void CheckMac(CK_MECHANISM_TYPE type, CK_KEY_TYPE key_type, const Bytes& value,
                const Bytes& expected) {
    SCOPED_TRACE(MechName(type));
    EXPECT_TRUE(Lists(type)) << "the mechanism list must name it";
    const CK_OBJECT_HANDLE key = MacKey(key_type, value);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    EXPECT_EQ(Mac(type, key, msg_, 0), expected);
    EXPECT_EQ(Mac(type, key, msg_, 13), expected) << "in parts";
    EXPECT_THAT(Verify(type, key, msg_, expected), IsRv(CKR_OK));
    Bytes wrong = expected;
    wrong[0] ^= 0x80;
    EXPECT_THAT(Verify(type, key, msg_, wrong), IsRv(CKR_SIGNATURE_INVALID));
    Bytes truncated(expected.begin(), expected.end() - 1);
    EXPECT_THAT(Verify(type, key, msg_, truncated), IsRv(CKR_SIGNATURE_LEN_RANGE))
        << "the full-length mechanism's MAC has one length";
  }

  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  Bytes msg_ = BytesOf("Message authentication codes, checked against OpenSSL: 0123456789");
};

TEST_F(MacTest, HmacSha1AndSha224MatchOpenSsl) {
  const Bytes key(20, 0x0C);
  CheckMac(CKM_SHA_1_HMAC, CKK_GENERIC_SECRET, key, Hmac("SHA1", key, msg_));
  CheckMac(CKM_SHA224_HMAC, CKK_GENERIC_SECRET, key, Hmac("SHA224", key, msg_));
}

// CK_MAC_GENERAL_PARAMS: the MAC is the full one's leftmost bytes (current
// mechanisms, the general-length HMACs and AES-CMAC).
TEST_F(MacTest, GeneralLengthMacsAreTheLeftmostBytesOfTheFullOne) {
  const Bytes secret(32, 0x4E);
  const Bytes aes(16, 0x5F);
  const struct {
    CK_MECHANISM_TYPE mechanism;
    CK_KEY_TYPE key_type;
    const Bytes& key;
    Bytes full;
  } cases[] = {
      {CKM_SHA_1_HMAC_GENERAL, CKK_GENERIC_SECRET, secret, Hmac("SHA1", secret, msg_)},
      {CKM_SHA224_HMAC_GENERAL, CKK_GENERIC_SECRET, secret, Hmac("SHA224", secret, msg_)},
      {CKM_SHA256_HMAC_GENERAL, CKK_GENERIC_SECRET, secret, Hmac("SHA256", secret, msg_)},
      {CKM_SHA384_HMAC_GENERAL, CKK_GENERIC_SECRET, secret, Hmac("SHA384", secret, msg_)},
      {CKM_SHA512_HMAC_GENERAL, CKK_GENERIC_SECRET, secret, Hmac("SHA512", secret, msg_)},
      {CKM_AES_CMAC_GENERAL, CKK_AES, aes, AesCmac(aes, msg_)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(MechName(c.mechanism));
    EXPECT_TRUE(Lists(c.mechanism));
    const CK_OBJECT_HANDLE key = MacKey(c.key_type, c.key);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    const Bytes expected(c.full.begin(), c.full.begin() + 10);
    EXPECT_EQ(Mac(c.mechanism, key, msg_, 0, 10), expected);
    EXPECT_EQ(Mac(c.mechanism, key, msg_, 7, 10), expected) << "in parts";
    CK_ULONG too_long = c.full.size() + 1;
    CK_MECHANISM m{c.mechanism, &too_long, sizeof too_long};
    EXPECT_THAT(f()->C_SignInit(session_, &m, key), IsRv(CKR_MECHANISM_PARAM_INVALID));
  }
}

TEST_F(MacTest, HmacSha256MatchesOpenSsl) {
  const Bytes key(32, 0x0B);
  CheckMac(CKM_SHA256_HMAC, CKK_GENERIC_SECRET, key, Hmac("SHA256", key, msg_));
}

TEST_F(MacTest, HmacSha384MatchesOpenSsl) {
  const Bytes key(48, 0x1C);
  CheckMac(CKM_SHA384_HMAC, CKK_GENERIC_SECRET, key, Hmac("SHA384", key, msg_));
}

TEST_F(MacTest, HmacSha512MatchesOpenSsl) {
  const Bytes key(64, 0x2D);
  CheckMac(CKM_SHA512_HMAC, CKK_GENERIC_SECRET, key, Hmac("SHA512", key, msg_));
}

TEST_F(MacTest, AesCmacWith128And256BitKeysMatchesOpenSsl) {
  const Bytes k128 = HexOrDie("2B7E151628AED2A6ABF7158809CF4F3C");
  CheckMac(CKM_AES_CMAC, CKK_AES, k128, AesCmac(k128, msg_));
  const Bytes k256(32, 0x60);
  CheckMac(CKM_AES_CMAC, CKK_AES, k256, AesCmac(k256, msg_));
}

TEST_F(MacTest, AesCmacOfTheSp800_38BExampleIsTheKnownTag) {
  // SP 800-38B D.1, example 2 (AES-128, 16-byte message).
  const Bytes key = HexOrDie("2B7E151628AED2A6ABF7158809CF4F3C");
  const CK_OBJECT_HANDLE h = MacKey(CKK_AES, key);
  ASSERT_NE(h, CK_INVALID_HANDLE);
  EXPECT_EQ(Mac(CKM_AES_CMAC, h, HexOrDie("6BC1BEE22E409F96E93D7E117393172A"), 0),
            HexOrDie("070A16B46B4D4144F79BDD9DD04A287C"));
}

TEST_F(MacTest, AMacLengthQueryKeepsTheOperation) {
  const CK_OBJECT_HANDLE key = MacKey(CKK_GENERIC_SECRET, Bytes(32, 0x33));
  ASSERT_NE(key, CK_INVALID_HANDLE);
  CK_MECHANISM m{CKM_SHA256_HMAC, nullptr, 0};
  ASSERT_THAT(f()->C_SignInit(session_, &m, key), IsRv(CKR_OK));
  CK_ULONG len = 0;
  ASSERT_THAT(f()->C_Sign(session_, msg_.data(), msg_.size(), nullptr, &len), IsRv(CKR_OK));
  EXPECT_EQ(len, 32u);
  Bytes mac(len);
  ASSERT_THAT(f()->C_Sign(session_, msg_.data(), msg_.size(), mac.data(), &len), IsRv(CKR_OK));
  EXPECT_EQ(mac, Hmac("SHA256", Bytes(32, 0x33), msg_));
}

TEST_F(MacTest, AKeyWithoutCkaSignCannotMac) {
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  ASSERT_THAT(
      Create(session_, SecretKey(CKK_GENERIC_SECRET, Bytes(32, 1)).Bool(CKA_SIGN, false), &h),
      IsRv(CKR_OK));
  CK_MECHANISM m{CKM_SHA256_HMAC, nullptr, 0};
  EXPECT_THAT(f()->C_SignInit(session_, &m, h), IsRv(CKR_KEY_FUNCTION_NOT_PERMITTED));
}

}  // namespace
}  // namespace tessera::testing::conformance

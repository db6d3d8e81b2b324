// AES encryption and decryption (PKCS#11 3.0 §5.8, §5.10; mechanisms
// ECB, CBC, CBC_PAD, CTR, GCM) with session keys of known value: every
// ciphertext is compared with OpenSSL's, in one part and in many, and
// decrypts back to the plaintext.
#include "tests/integration/pkcs11/conformance/cipher_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"
#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

namespace tessera::testing::conformance {
namespace {

const Bytes kKey128 = HexOrDie("2B7E151628AED2A6ABF7158809CF4F3C");
const Bytes kKey256 = HexOrDie("603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4");
const Bytes kIv = HexOrDie("000102030405060708090A0B0C0D0E0F");

class AesTest : public CipherTest {
 protected:
  // Module against OpenSSL for one mechanism, key and plaintext.
  void Check(Mechanism& m, const Bytes& key, const Bytes& plain, const Bytes& expected) {
    SCOPED_TRACE(MechName(m.get()->mechanism));
    EXPECT_TRUE(Lists(m.get()->mechanism)) << "the mechanism list must name it";
    const CK_OBJECT_HANDLE h = CipherKey(CKK_AES, key);
    ASSERT_NE(h, CK_INVALID_HANDLE);
    EXPECT_EQ(Encrypt(m, h, plain), expected);
    EXPECT_EQ(EncryptInParts(m, h, plain, 10), expected);
    EXPECT_EQ(Decrypt(m, h, expected), plain);
    EXPECT_EQ(DecryptInParts(m, h, expected, 7), plain);
  }
};

TEST_F(AesTest, EcbMatchesOpenSsl) {
  const Bytes plain(48, 0x5A);
  Mechanism m(CKM_AES_ECB);
  Check(m, kKey128, plain, Cipher(AesName(16, "ECB"), kKey128, {}, plain, true));
  Mechanism m256(CKM_AES_ECB);
  Check(m256, kKey256, plain, Cipher(AesName(32, "ECB"), kKey256, {}, plain, true));
}

TEST_F(AesTest, EcbOfTheSp800_38AExampleIsTheKnownCiphertext) {
  // SP 800-38A F.1.1, first block.
  const CK_OBJECT_HANDLE h = CipherKey(CKK_AES, kKey128);
  ASSERT_NE(h, CK_INVALID_HANDLE);
  Mechanism m(CKM_AES_ECB);
  EXPECT_EQ(Encrypt(m, h, HexOrDie("6BC1BEE22E409F96E93D7E117393172A")),
            HexOrDie("3AD77BB40D7A3660A89ECAF32466EF97"));
}

TEST_F(AesTest, CbcMatchesOpenSsl) {
  const Bytes plain(64, 0xC3);
  Mechanism m(CKM_AES_CBC, ByteView(kIv));
  Check(m, kKey256, plain, Cipher(AesName(32, "CBC"), kKey256, kIv, plain, true));
}

TEST_F(AesTest, CbcPadMatchesOpenSslForAnyLength) {
  for (std::size_t n : {0u, 1u, 15u, 16u, 45u}) {
    SCOPED_TRACE(n);
    const Bytes plain(n, 0x71);
    Mechanism m(CKM_AES_CBC_PAD, ByteView(kIv));
    Check(m, kKey128, plain, Cipher(AesName(16, "CBC"), kKey128, kIv, plain, true, true));
  }
}

TEST_F(AesTest, CtrMatchesOpenSsl) {
  // CK_AES_CTR_PARAMS: a 64-bit counter in the low half of the block, which
  // does not wrap here, so OpenSSL's 128-bit counter gives the same stream.
  CK_AES_CTR_PARAMS p{};
  p.ulCounterBits = 64;
  const Bytes block = HexOrDie("F0F1F2F3F4F5F6F70000000000000000");
  std::copy(block.begin(), block.end(), p.cb);
  const Bytes plain(45, 0x1D);
  Mechanism m(CKM_AES_CTR, p);
  Check(m, kKey128, plain, Cipher(AesName(16, "CTR"), kKey128, block, plain, true));
}

TEST_F(AesTest, GcmMatchesOpenSslWithAad) {
  const Bytes iv = HexOrDie("CAFEBABEFACEDBADDECAF888");
  const Bytes aad = BytesOf("header that is authenticated");
  const Bytes plain(45, 0x42);
  Mechanism m(CKM_AES_GCM);
  GcmMechanism(m, iv, aad);
  Check(m, kKey256, plain, AesGcmSeal(kKey256, iv, aad, plain, 16));
}

TEST_F(AesTest, GcmWithAChangedTagOrAadIsRefused) {
  // The tag check fails: CKR_ENCRYPTED_DATA_INVALID (2.40 practice) or 3.0's
  // CKR_AEAD_DECRYPT_FAILED; both name the ciphertext as the problem.
  const Bytes iv = HexOrDie("000000000000000000000001");
  const Bytes plain(20, 0x42);
  Bytes sealed = AesGcmSeal(kKey128, iv, {}, plain, 16);
  sealed.back() ^= 0x01;
  const CK_OBJECT_HANDLE h = CipherKey(CKK_AES, kKey128);
  Mechanism m(CKM_AES_GCM);
  GcmMechanism(m, iv, {});
  EXPECT_THAT(DecryptRv(m, h, sealed),
              IsRvOneOf({CKR_ENCRYPTED_DATA_INVALID, CKR_AEAD_DECRYPT_FAILED}));
  Mechanism other_aad(CKM_AES_GCM);
  GcmMechanism(other_aad, iv, BytesOf("x"));
  sealed.back() ^= 0x01;
  EXPECT_THAT(DecryptRv(other_aad, h, sealed),
              IsRvOneOf({CKR_ENCRYPTED_DATA_INVALID, CKR_AEAD_DECRYPT_FAILED}));
}

TEST_F(AesTest, EcbAndCbcRefuseDataThatIsNotWholeBlocks) {
  // Mechanisms spec, AES-ECB/CBC: input a multiple of the block size, else
  // CKR_DATA_LEN_RANGE (encrypt) / CKR_ENCRYPTED_DATA_LEN_RANGE (decrypt).
  const CK_OBJECT_HANDLE h = CipherKey(CKK_AES, kKey128);
  Bytes odd(45, 0x01);
  Bytes out(64);
  CK_ULONG len = out.size();
  Mechanism ecb(CKM_AES_ECB);
  ASSERT_THAT(f()->C_EncryptInit(session_, ecb.get(), h), IsRv(CKR_OK));
  EXPECT_THAT(f()->C_Encrypt(session_, odd.data(), odd.size(), out.data(), &len),
              IsRv(CKR_DATA_LEN_RANGE));
  Mechanism cbc(CKM_AES_CBC, ByteView(kIv));
  EXPECT_THAT(DecryptRv(cbc, h, odd), IsRv(CKR_ENCRYPTED_DATA_LEN_RANGE));
}

TEST_F(AesTest, CbcPadWithBrokenPaddingIsEncryptedDataInvalid) {
  const Bytes bad = Cipher(AesName(16, "CBC"), kKey128, kIv, Bytes(32, 0x00), true);
  const CK_OBJECT_HANDLE h = CipherKey(CKK_AES, kKey128);
  Mechanism m(CKM_AES_CBC_PAD, ByteView(kIv));
  EXPECT_THAT(DecryptRv(m, h, bad), IsRv(CKR_ENCRYPTED_DATA_INVALID));
}

TEST_F(AesTest, AMissingOrShortIvIsMechanismParamInvalid) {
  const CK_OBJECT_HANDLE h = CipherKey(CKK_AES, kKey128);
  Mechanism none(CKM_AES_CBC);
  EXPECT_THAT(f()->C_EncryptInit(session_, none.get(), h), IsRv(CKR_MECHANISM_PARAM_INVALID));
  Mechanism short_iv(CKM_AES_CBC, ByteView(kIv).first(8));
  EXPECT_THAT(f()->C_EncryptInit(session_, short_iv.get(), h), IsRv(CKR_MECHANISM_PARAM_INVALID));
  Mechanism gcm_no_params(CKM_AES_GCM);
  EXPECT_THAT(f()->C_DecryptInit(session_, gcm_no_params.get(), h),
              IsRv(CKR_MECHANISM_PARAM_INVALID));
}

}  // namespace
}  // namespace tessera::testing::conformance

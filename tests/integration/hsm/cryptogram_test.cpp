// NewKrk / RecoverKrk inside SoftHSM2: the round trip, the cryptogram format
// (RSA-OAEP-SHA256) checked with OpenSSL against a known key pair in both
// directions, and clear errors for cryptograms that do not decrypt, the old
// SHA-1 format among them.
#include "hsm/cryptogram.hpp"

#include <gtest/gtest.h>
#include <openssl/rand.h>

#include "hsm/ceremony.hpp"
#include "hsm/scp03_keys.hpp"
#include "hsm/version_objects.hpp"
#include "tests/integration/hsm/softhsm_fixture.hpp"
#include "tests/integration/hsm/test_keys.hpp"
#include "tests/integration/hsm/test_rsa.hpp"

namespace tessera::hsm::testing {
namespace {

const Bytes kProbe = {'U', 'N', 'L', 'O', 'C', 'K'};

using CryptogramTest = OpenTokenTest;

Bytes MacOf(HsmToken& token, const KeyObject& key) {
  auto mac = Cmac(token, key, kProbe);
  EXPECT_TRUE(mac.ok()) << mac.status().ToString();
  return mac.ok() ? Bytes(mac->view().begin(), mac->view().end()) : Bytes{};
}

TEST_F(CryptogramTest, RecoverKrkGivesTheKrkThatNewKrkMade) {
  ASSERT_TRUE(GenerateVersion(token(), 1).ok());
  auto made = NewKrk(token(), 1);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->cryptogram.size(), kCryptogramSize);
  auto recovered = RecoverKrk(token(), 1, made->cryptogram);
  ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
  EXPECT_EQ(ToHex(MacOf(token(), *recovered)), ToHex(MacOf(token(), made->krk)));
  auto kcv_made = KeyCheckValue(token(), made->krk);
  auto kcv_recovered = KeyCheckValue(token(), *recovered);
  ASSERT_TRUE(kcv_made.ok() && kcv_recovered.ok());
  EXPECT_EQ(*kcv_made, *kcv_recovered);
}

TEST_F(CryptogramTest, EveryKrkHasItsOwnRAndCryptogram) {
  ASSERT_TRUE(GenerateVersion(token(), 1).ok());
  auto a = NewKrk(token(), 1);
  auto b = NewKrk(token(), 1);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(b->cryptogram.size(), kCryptogramSize);
  EXPECT_NE(a->cryptogram, b->cryptogram);
  EXPECT_NE(ToHex(MacOf(token(), a->krk)), ToHex(MacOf(token(), b->krk)));
}

TEST_F(CryptogramTest, CorruptCryptogramIsInvalidArgumentNamingTheVersion) {
  ASSERT_TRUE(GenerateVersion(token(), 1).ok());
  auto made = NewKrk(token(), 1);
  ASSERT_TRUE(made.ok());
  Bytes corrupt = made->cryptogram;
  corrupt[200] ^= 0x01;
  auto recovered = RecoverKrk(token(), 1, corrupt);
  ASSERT_FALSE(recovered.ok());
  EXPECT_EQ(recovered.status().code(), Code::kInvalidArgument);
  const std::string& msg = recovered.status().message();
  EXPECT_NE(msg.find("does not decrypt"), std::string::npos) << msg;
  EXPECT_NE(msg.find("version 01"), std::string::npos) << msg;

  Bytes truncated(made->cryptogram.begin(), made->cryptogram.begin() + 100);
  EXPECT_EQ(RecoverKrk(token(), 1, truncated).status().code(), Code::kInvalidArgument);
  // The session is still usable after the failed decryptions.
  EXPECT_TRUE(RecoverKrk(token(), 1, made->cryptogram).ok());
}

TEST_F(CryptogramTest, CryptogramOfAnotherVersionDoesNotDecrypt) {
  ASSERT_TRUE(GenerateVersion(token(), 1).ok());
  ASSERT_TRUE(GenerateVersion(token(), 2).ok());
  auto made = NewKrk(token(), 1);
  ASSERT_TRUE(made.ok());
  auto recovered = RecoverKrk(token(), 2, made->cryptogram);
  ASSERT_FALSE(recovered.ok());
  EXPECT_EQ(recovered.status().code(), Code::kInvalidArgument);
  EXPECT_NE(recovered.status().message().find("version 02"), std::string::npos);
}

TEST_F(CryptogramTest, MissingVersionIsNotFound) {
  auto made = NewKrk(token(), 3);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), Code::kNotFound);
  EXPECT_NE(made.status().message().find("tessera-cryptogram-v03"), std::string::npos)
      << made.status().message();
}

// --- The format, against OpenSSL: a known RSA pair and KRK block are planted
// as version 01, and cryptograms cross between the HSM and the host.

const Bytes kKrkBlock =
    HexOrDie("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
// docs/hsm-adapter.md "Test vectors": R and the per-token KRK's KCV.
const Bytes kR = HexOrDie("c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
constexpr char kKrkKcv[] = "89ba60";

class PlantedCryptogramTest : public CryptogramTest {
 protected:
  void SetUp() override {
    CryptogramTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ImportBlock(token(), KrkBlockLabel(1), kKrkBlock);
    PlantRsaPair(token(), CryptogramKeyLabel(1), SharedRsa3072());
  }

  // The KRK of R, checked by KCV and CMAC against OpenSSL on the host.
  void ExpectKrkOf(ByteView r, const KeyObject& krk) {
    const Bytes expected = ReferenceAesEcb(kKrkBlock, r);
    auto kcv = KeyCheckValue(token(), krk);
    ASSERT_TRUE(kcv.ok()) << kcv.status().ToString();
    EXPECT_EQ(ToHex(*kcv), ToHex(ReferenceKcv(expected)));
    EXPECT_EQ(ToHex(MacOf(token(), krk)), ToHex(ReferenceCmac(expected, kProbe)));
  }

  void ExpectRefused(ByteView cryptogram, std::string_view reason) {
    auto recovered = RecoverKrk(token(), 1, cryptogram);
    ASSERT_FALSE(recovered.ok()) << cryptogram.size() << " bytes";
    EXPECT_EQ(recovered.status().code(), Code::kInvalidArgument) << recovered.status().ToString();
    const std::string& msg = recovered.status().message();
    EXPECT_NE(msg.find("does not decrypt"), std::string::npos) << msg;
    EXPECT_NE(msg.find("version 01"), std::string::npos) << msg;
    EXPECT_NE(msg.find(reason), std::string::npos) << msg;
  }
};

TEST_F(PlantedCryptogramTest, CryptogramIsRsaOaepSha256OfR) {
  auto made = NewKrk(token(), 1);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_EQ(made->cryptogram.size(), kCryptogramSize);
  auto r = ReferenceRsaDecrypt(SharedRsa3072(), RsaPadding::kOaepSha256, made->cryptogram);
  ASSERT_TRUE(r.has_value()) << "OpenSSL cannot open the cryptogram with OAEP-SHA256";
  ASSERT_EQ(r->size(), 32U);
  ExpectKrkOf(*r, made->krk);
  // Not the old format.
  EXPECT_EQ(ReferenceRsaDecrypt(SharedRsa3072(), RsaPadding::kOaepSha1, made->cryptogram),
            std::nullopt);
}

TEST_F(PlantedCryptogramTest, RecoverKrkOpensAnOpenSslOaepSha256Cryptogram) {
  const Bytes cryptogram = ReferenceRsaEncrypt(SharedRsa3072(), RsaPadding::kOaepSha256, kR);
  ASSERT_EQ(cryptogram.size(), kCryptogramSize);
  auto recovered = RecoverKrk(token(), 1, cryptogram);
  ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
  ExpectKrkOf(kR, *recovered);
  auto kcv = KeyCheckValue(token(), *recovered);
  ASSERT_TRUE(kcv.ok());
  EXPECT_EQ(ToHex(*kcv), kKrkKcv);
}

TEST_F(PlantedCryptogramTest, OldSha1CryptogramIsRefused) {
  const Bytes sha1 = ReferenceRsaEncrypt(SharedRsa3072(), RsaPadding::kOaepSha1, kR);
  ASSERT_EQ(sha1.size(), kCryptogramSize);
  ExpectRefused(sha1, "not a valid EME-OAEP (SHA-256) encoding");
}

TEST_F(PlantedCryptogramTest, GarbageAndTruncatedCryptogramsAreRefused) {
  Bytes garbage(kCryptogramSize);
  ASSERT_EQ(RAND_bytes(garbage.data(), static_cast<int>(garbage.size())), 1);
  ExpectRefused(garbage, "");
  garbage[0] = 0x00;  // below the modulus: the HSM decrypts it, the padding fails
  ExpectRefused(garbage, "not a valid EME-OAEP (SHA-256) encoding");
  // Not below the modulus: the HSM refuses it (CKR_GENERAL_ERROR on SoftHSM2).
  ExpectRefused(Bytes(kCryptogramSize, 0xFF), "C_Decrypt returned");
  ExpectRefused(Bytes(kCryptogramSize, 0x00), "not a valid EME-OAEP (SHA-256) encoding");

  const Bytes good = ReferenceRsaEncrypt(SharedRsa3072(), RsaPadding::kOaepSha256, kR);
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{100}, kCryptogramSize - 1}) {
    ExpectRefused(ByteView(good).first(size), "is 384 bytes");
  }
  Bytes longer = good;
  longer.push_back(0x00);
  ExpectRefused(longer, "is 384 bytes");
  // A short cryptogram is refused on the host, not read as a small number.
  ExpectRefused(ByteView(good).subspan(1), "is 384 bytes");
  // The session is still usable after the failed decryptions.
  auto recovered = RecoverKrk(token(), 1, good);
  ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
  ExpectKrkOf(kR, *recovered);
}

TEST_F(PlantedCryptogramTest, ADecodedMessageThatIsNot32BytesIsRefused) {
  const Bytes r31(kR.begin(), kR.end() - 1);
  ExpectRefused(ReferenceRsaEncrypt(SharedRsa3072(), RsaPadding::kOaepSha256, r31),
                "to a 32-byte R (it holds 31 bytes)");
}

}  // namespace
}  // namespace tessera::hsm::testing

#include "common/crypto/aead.hpp"

#include <gtest/gtest.h>

#include "tests/unit/common/crypto/test_hex.hpp"

namespace tessera::crypto {
namespace {

using testutil::CodeOf;
using testutil::Hex;

struct GcmCase {
  const char* name;
  const char* key;
  const char* iv;
  const char* aad;
  const char* plaintext;
  const char* ciphertext;
  const char* tag;
};

constexpr const char* kK1 = "feffe9928665731c6d6a8f9467308308";
constexpr const char* kK2 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr const char* kIv = "cafebabefacedbaddecaf888";
constexpr const char* kAad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr const char* kP64 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr const char* kP60 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";

// McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", the test
// cases of its Appendix B (the NIST-submitted GCM spec cited by SP 800-38D).
const GcmCase kCases[] = {
    {"case 2", "00000000000000000000000000000000", "000000000000000000000000", "",
     "00000000000000000000000000000000", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"case 3", kK1, kIv, "", kP64,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"case 4", kK1, kIv, kAad, kP60,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"case 6 (60-byte IV)", kK1,
     "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
     "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
     kAad, kP60,
     "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca7"
     "01e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
     "619cc5aefffe0bfa462af43c1699d050"},
    {"case 14", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "00000000000000000000000000000000",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"case 15", kK2, kIv, "", kP64,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"case 16", kK2, kIv, kAad, kP60,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(AesGcm, SealMatchesTheGcmSpecTestCases) {
  for (const GcmCase& c : kCases) {
    EXPECT_EQ(Hex(AesGcmSeal(HexOrDie(c.key), HexOrDie(c.iv), HexOrDie(c.aad),
                             HexOrDie(c.plaintext), 16)),
              std::string(c.ciphertext) + c.tag)
        << c.name;
  }
}

TEST(AesGcm, OpenMatchesTheGcmSpecTestCases) {
  for (const GcmCase& c : kCases) {
    Bytes sealed = HexOrDie(std::string(c.ciphertext) + c.tag);
    EXPECT_EQ(Hex(AesGcmOpen(HexOrDie(c.key), HexOrDie(c.iv), HexOrDie(c.aad), sealed, 16)),
              c.plaintext)
        << c.name;
  }
}

TEST(AesGcm, OpenRefusesAFlippedTagCiphertextOrAadBit) {
  const GcmCase& c = kCases[2];
  Bytes key = HexOrDie(c.key), iv = HexOrDie(c.iv), aad = HexOrDie(c.aad);
  Bytes sealed = HexOrDie(std::string(c.ciphertext) + c.tag);
  for (std::size_t i : {std::size_t{0}, sealed.size() - 16, sealed.size() - 1}) {
    Bytes tampered = sealed;
    tampered[i] ^= 0x01;
    EXPECT_EQ(CodeOf(AesGcmOpen(key, iv, aad, tampered, 16)), Code::kSignatureInvalid) << i;
  }
  Bytes other_aad = aad;
  other_aad[0] ^= 0x80;
  EXPECT_EQ(CodeOf(AesGcmOpen(key, iv, other_aad, sealed, 16)), Code::kSignatureInvalid);
}

TEST(AesGcm, ShortTagsAreTheLeadingBytesOfTheFullTag) {
  // SP 800-38D §7.1 step 8: T = MSB_t(S).
  const GcmCase& c = kCases[2];
  Bytes key = HexOrDie(c.key), iv = HexOrDie(c.iv), aad = HexOrDie(c.aad);
  auto sealed = AesGcmSeal(key, iv, aad, HexOrDie(c.plaintext), 12);
  EXPECT_EQ(Hex(sealed), std::string(c.ciphertext) + std::string(c.tag).substr(0, 24));
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(Hex(AesGcmOpen(key, iv, aad, *sealed, 12)), c.plaintext);
}

TEST(AesGcm, RejectsBadLengths) {
  Bytes key(16, 0x01), iv(12, 0x02), data(20, 0x03);
  EXPECT_EQ(CodeOf(AesGcmSeal(key, iv, {}, data, 8)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(AesGcmSeal(key, iv, {}, data, 17)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(AesGcmSeal(Bytes(20, 0x01), iv, {}, data, 16)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(AesGcmSeal(key, {}, {}, data, 16)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(AesGcmSeal(key, Bytes(129, 0x02), {}, data, 16)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(AesGcmOpen(key, iv, {}, Bytes(15, 0x00), 16)), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::crypto

#include "common/crypto/kdf.hpp"

#include <gtest/gtest.h>

#include "tests/unit/common/crypto/test_hex.hpp"

namespace tessera::crypto {
namespace {

using testutil::CodeOf;
using testutil::Hex;

// RFC 5869 Appendix A.1-A.3 (HKDF-SHA-256), also in OpenSSL's
// test/recipes/30-test_evp_data/evpkdf_hkdf.txt.
struct HkdfCase {
  const char* ikm;
  const char* salt;
  const char* info;
  std::size_t length;
  const char* prk;
  const char* okm;
};

const HkdfCase kCase1 = {
    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
    "000102030405060708090a0b0c",
    "f0f1f2f3f4f5f6f7f8f9",
    42,
    "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"};

const HkdfCase kCase2 = {
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f",
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
    "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
    82,
    "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
    "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
    "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
    "cc30c58179ec3e87c14c01d5c1f3434f1d87"};

// Zero-length salt and info.
const HkdfCase kCase3 = {
    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
    "",
    "",
    42,
    "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"};

void ExpectRfc5869(const HkdfCase& c) {
  Bytes ikm = HexOrDie(c.ikm), salt = HexOrDie(c.salt), info = HexOrDie(c.info);
  EXPECT_EQ(Hex(HkdfExtract(Hash::kSha256, salt, ikm)), c.prk);
  EXPECT_EQ(Hex(HkdfExpand(Hash::kSha256, HexOrDie(c.prk), info, c.length)), c.okm);
  EXPECT_EQ(Hex(Hkdf(Hash::kSha256, ikm, salt, info, c.length)), c.okm);
}

TEST(Hkdf, MatchesRfc5869TestCase1) { ExpectRfc5869(kCase1); }
TEST(Hkdf, MatchesRfc5869TestCase2) { ExpectRfc5869(kCase2); }
TEST(Hkdf, MatchesRfc5869TestCase3WithEmptySaltAndInfo) { ExpectRfc5869(kCase3); }

TEST(Hkdf, EmptySaltEqualsHashLenZeroBytes) {
  // RFC 5869 §2.2: "if not provided, [salt] is set to a string of HashLen zeros".
  Bytes ikm = HexOrDie(kCase3.ikm);
  EXPECT_EQ(Hex(HkdfExtract(Hash::kSha256, {}, ikm)),
            Hex(HkdfExtract(Hash::kSha256, Bytes(32, 0x00), ikm)));
}

TEST(Hkdf, ExpandRejectsLengthsOutsideOneTo255HashLens) {
  Bytes prk = HexOrDie(kCase1.prk);
  EXPECT_EQ(CodeOf(HkdfExpand(Hash::kSha256, prk, {}, 0)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(HkdfExpand(Hash::kSha256, prk, {}, std::size_t{255} * 32 + 1)),
            Code::kInvalidArgument);
  auto longest = HkdfExpand(Hash::kSha256, prk, {}, std::size_t{255} * 32);
  ASSERT_TRUE(longest.ok()) << longest.status().ToString();
  EXPECT_EQ(longest->size(), 255u * 32);
  EXPECT_EQ(CodeOf(Hkdf(Hash::kSha256, prk, {}, {}, 0)), Code::kInvalidArgument);
}

TEST(Hkdf, ExpandRejectsAPrkShorterThanHashLen) {
  EXPECT_EQ(CodeOf(HkdfExpand(Hash::kSha256, Bytes(31, 0x01), {}, 16)), Code::kInvalidArgument);
}

// NIST CAVS ansx963_2001.rsp, as in OpenSSL's
// test/recipes/30-test_evp_data/evpkdf_x963.txt.
TEST(X963Kdf, MatchesNistCavsSha256WithSharedInfo) {
  EXPECT_EQ(Hex(X963Kdf(Hash::kSha256, HexOrDie("22518b10e70f2a3f243810ae3254139efbee04aa57c7af7d"),
                        HexOrDie("75eef81aa3041e33b80971203d2c0c52"), 128)),
            "c498af77161cc59f2962b9a713e2b215152d139766ce34a776df11866a69bf2e"
            "52a13d9c7c6fc878c50c5ea0bc7b00e0da2447cfd874f6cf92f30d0097111485"
            "500c90c3af8b487872d04685d14c8d1dc8d7fa08beb0ce0ababc11f0bd496269"
            "142d43525a78e5bc79a17f59676a5706dc54d54d4d1f0bd7e386128ec26afc21");
}

TEST(X963Kdf, MatchesNistCavsSha384AndSha512WithoutSharedInfo) {
  EXPECT_EQ(Hex(X963Kdf(Hash::kSha384, HexOrDie("d8554db1b392cd55c3fe957bed76af09c13ac2a9392f88f6"),
                        {}, 16)),
            "671a46aada145162f8ddf1ca586a1cda");
  EXPECT_EQ(Hex(X963Kdf(Hash::kSha512, HexOrDie("87fc0d8c4477485bb574f5fcea264b30885dc8d90ad82782"),
                        {}, 16)),
            "947665fbb9152153ef460238506a0245");
}

TEST(X963Kdf, MatchesNistCavsSha1) {
  EXPECT_EQ(Hex(X963Kdf(Hash::kSha1, HexOrDie("fd17198b89ab39c4ab5d7cca363b82f9fd7e23c3984dc8a2"),
                        HexOrDie("856a53f3e36a26bbc5792879f307cce2"), 128)),
            "6e5fad865cb4a51c95209b16df0cc490bc2c9064405c5bccd4ee4832a531fbe7"
            "f10cb79e2eab6ab1149fbd5a23cfdabc41242269c9df22f628c4424333855b64"
            "e95e2d4fb8469c669f17176c07d103376b10b384ec5763d8b8c610409f19aca8"
            "eb31f9d85cc61a8d6d4a03d03e5a506b78d6847e93d295ee548c65afedd2efec");
}

TEST(X963Kdf, RejectsLengthsOutsideOneTo1024AndAnEmptySecret) {
  Bytes z(32, 0x5a);
  EXPECT_EQ(CodeOf(X963Kdf(Hash::kSha256, z, {}, 0)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(X963Kdf(Hash::kSha256, z, {}, 1025)), Code::kInvalidArgument);
  EXPECT_TRUE(X963Kdf(Hash::kSha256, z, {}, 1024).ok());
  EXPECT_EQ(CodeOf(X963Kdf(Hash::kSha256, {}, {}, 16)), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::crypto

#include "common/crypto/mac.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/common/crypto/test_hex.hpp"

namespace tessera::crypto {
namespace {

using testutil::CodeOf;
using testutil::Hex;

// RFC 4493 §4 (and SP 800-38B Appendix D.1): the message of which the
// examples MAC the first 0, 16, 40 and 64 bytes.
const Bytes kCmacMessage = HexOrDie(
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
const Bytes kCmacKey = HexOrDie("2b7e151628aed2a6abf7158809cf4f3c");

struct CmacExample {
  std::size_t length;
  const char* tag;
};
constexpr CmacExample kRfc4493[] = {{0, "bb1d6929e95937287fa37d129b756746"},
                                    {16, "070a16b46b4d4144f79bdd9dd04a287c"},
                                    {40, "dfa66747de9ae63030ca32611497c827"},
                                    {64, "51f0bebf7e3b9d92fc49741779363cfe"}};

TEST(AesCmac, MatchesEveryRfc4493Example) {
  for (const CmacExample& e : kRfc4493) {
    ByteView message = ByteView(kCmacMessage).first(e.length);
    EXPECT_EQ(Hex(AesCmac(kCmacKey, message)), e.tag) << e.length << " bytes";
    EXPECT_EQ(Hex(AesCmacSecret(kCmacKey, message)), e.tag) << e.length << " bytes";
  }
}

TEST(AesCmac, MatchesSp80038bExampleForAes192) {
  // SP 800-38B Appendix D.2, Example 7 (the 40-byte message).
  Bytes key = HexOrDie("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b");
  EXPECT_EQ(Hex(AesCmac(key, ByteView(kCmacMessage).first(40))),
            "8a1de5be2eb31aad089a82e6ee908b0e");
}

TEST(AesCmac, RejectsAKeyOfNoAesLength) {
  for (std::size_t n : {0, 15, 17, 23, 33}) {
    EXPECT_EQ(CodeOf(AesCmac(Bytes(n, 0x11), kCmacMessage)), Code::kInvalidArgument) << n;
    EXPECT_EQ(CodeOf(MacStream::Cmac(Bytes(n, 0x11))), Code::kInvalidArgument) << n;
  }
}

// RFC 4231 §4: test cases 1, 2, 3, 4, 6 and 7 (case 5 truncates, which these
// APIs never do).
struct HmacCase {
  const char* name;
  Bytes key;
  Bytes data;
  const char* sha256;
  const char* sha384;
  const char* sha512;
};

std::vector<HmacCase> Rfc4231Cases() {
  const Bytes key131(131, 0xaa);
  return {
      {"4.2 case 1", Bytes(20, 0x0b), Bytes(AsBytes("Hi There").begin(), AsBytes("Hi There").end()),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
       "faea9ea9076ede7f4af152e8b2fa9cb6",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
      {"4.3 case 2", HexOrDie("4a656665"),  // "Jefe"
       HexOrDie("7768617420646f2079612077616e7420666f72206e6f7468696e673f"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
       "8e2240ca5e69e2c78b3239ecfab21649",
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {"4.4 case 3", Bytes(20, 0xaa), Bytes(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
       "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
       "2a5ab39dc13814b94e3ab6e101a34f27",
       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
       "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
      {"4.5 case 4", HexOrDie("0102030405060708090a0b0c0d0e0f10111213141516171819"),
       Bytes(50, 0xcd), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
       "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
       "6801dd23c4a7d679ccf8a386c674cffb",
       "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
       "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
      {"4.7 case 6", key131,
       [] {
         auto v = AsBytes("Test Using Larger Than Block-Size Key - Hash Key First");
         return Bytes(v.begin(), v.end());
       }(),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
       "0c2ef6ab4030fe8296248df163f44952",
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
       "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
      {"4.8 case 7", key131,
       [] {
         auto v = AsBytes(
             "This is a test using a larger than block-size key and a larger than block-size "
             "data. The key needs to be hashed before being used by the HMAC algorithm.");
         return Bytes(v.begin(), v.end());
       }(),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
       "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
       "a678cc31e799176d3860e6110c46523e",
       "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
       "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
  };
}

TEST(Hmac, MatchesRfc4231ForSha256Sha384AndSha512) {
  for (const HmacCase& c : Rfc4231Cases()) {
    EXPECT_EQ(Hex(Hmac(Hash::kSha256, c.key, c.data)), c.sha256) << c.name;
    EXPECT_EQ(Hex(Hmac(Hash::kSha384, c.key, c.data)), c.sha384) << c.name;
    EXPECT_EQ(Hex(Hmac(Hash::kSha512, c.key, c.data)), c.sha512) << c.name;
  }
}

TEST(Hmac, TakesAnEmptyKeyAsBlockSizeZeroBytes) {
  // RFC 2104 §2: a short key is padded with zeros to the block size B (64
  // for SHA-256), so the empty key and B zero bytes are the same key.
  Bytes data(AsBytes("message").begin(), AsBytes("message").end());
  auto empty = Hmac(Hash::kSha256, {}, data);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(Hex(empty), Hex(Hmac(Hash::kSha256, Bytes(64, 0x00), data)));
  EXPECT_NE(Hex(empty), Hex(Hmac(Hash::kSha256, Bytes(1, 0x01), data)));
}

// Splits `data` at the given cut points and feeds each part to `stream`.
Result<Bytes> FeedInParts(MacStream stream, ByteView data,
                          std::initializer_list<std::size_t> cuts) {
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    TESSERA_RETURN_IF_ERROR(stream.Update(data.subspan(at, cut - at)));
    at = cut;
  }
  TESSERA_RETURN_IF_ERROR(stream.Update(data.subspan(at)));
  return stream.Finish();
}

TEST(MacStream, CmacInPartsMatchesRfc4493) {
  auto stream = MacStream::Cmac(kCmacKey);
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->size(), 16u);
  EXPECT_EQ(Hex(FeedInParts(std::move(*stream), kCmacMessage, {0, 1, 17, 17, 33})),
            "51f0bebf7e3b9d92fc49741779363cfe");
}

TEST(MacStream, HmacInPartsEqualsOneShot) {
  for (const HmacCase& c : Rfc4231Cases()) {
    for (Hash h : {Hash::kSha1, Hash::kSha256, Hash::kSha384, Hash::kSha512}) {
      auto stream = MacStream::Hmac(h, c.key);
      ASSERT_TRUE(stream.ok());
      EXPECT_EQ(stream->size(), HashSize(h));
      std::size_t mid = c.data.size() / 3;
      EXPECT_EQ(Hex(FeedInParts(std::move(*stream), c.data, {1, mid, mid})),
                Hex(Hmac(h, c.key, c.data)))
          << c.name << " " << HashName(h);
    }
  }
}

TEST(MacStream, CannotBeUsedAfterFinish) {
  auto stream = MacStream::Hmac(Hash::kSha256, Bytes(32, 0x01));
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE(stream->Finish().ok());
  EXPECT_EQ(stream->Update(kCmacMessage).code(), Code::kInternal);
  EXPECT_EQ(CodeOf(stream->Finish()), Code::kInternal);
}

TEST(MacStream, MovesItsState) {
  auto stream = MacStream::Cmac(kCmacKey);
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE(stream->Update(ByteView(kCmacMessage).first(10)).ok());
  MacStream moved = std::move(*stream);
  ASSERT_TRUE(moved.Update(ByteView(kCmacMessage).subspan(10, 30)).ok());
  EXPECT_EQ(Hex(moved.Finish()), "dfa66747de9ae63030ca32611497c827");
}

}  // namespace
}  // namespace tessera::crypto

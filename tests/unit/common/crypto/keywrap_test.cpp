#include "common/crypto/keywrap.hpp"

#include <gtest/gtest.h>

#include "tests/unit/common/crypto/test_hex.hpp"

namespace tessera::crypto {
namespace {

using testutil::CodeOf;
using testutil::Hex;

struct WrapVector {
  const char* name;
  const char* kek;
  const char* key;
  const char* wrapped;
};

// RFC 3394 §4.1-§4.6 (also OpenSSL's evpciph_aes_wrap.txt).
constexpr WrapVector kRfc3394[] = {
    {"4.1", "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
     "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5"},
    {"4.2", "000102030405060708090a0b0c0d0e0f1011121314151617", "00112233445566778899aabbccddeeff",
     "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d"},
    {"4.3", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
     "00112233445566778899aabbccddeeff", "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7"},
    {"4.4", "000102030405060708090a0b0c0d0e0f1011121314151617",
     "00112233445566778899aabbccddeeff0001020304050607",
     "031d33264e15d33268f24ec260743edce1c6c7ddee725a936ba814915c6762d2"},
    {"4.5", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
     "00112233445566778899aabbccddeeff0001020304050607",
     "a8f9bc1612c68b3ff6e6f4fbe30e71e4769c8b80a32cb8958cd5d17d6b254da1"},
    {"4.6", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
     "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f",
     "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21"},
};

// RFC 5649 §6: a 20-octet and a 7-octet key under the same 192-bit KEK.
constexpr WrapVector kRfc5649[] = {
    {"6 (20 octets)", "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
     "c37b7e6492584340bed12207808941155068f738",
     "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"},
    {"6 (7 octets)", "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "466f7250617369",
     "afbeb0f07dfbf5419200f2ccb50bb24f"},
};

TEST(AesKeyWrap, MatchesRfc3394Section4) {
  for (const WrapVector& v : kRfc3394) {
    EXPECT_EQ(Hex(AesKeyWrap(HexOrDie(v.kek), HexOrDie(v.key))), v.wrapped) << v.name;
    EXPECT_EQ(Hex(AesKeyUnwrap(HexOrDie(v.kek), HexOrDie(v.wrapped))), v.key) << v.name;
  }
}

TEST(AesKeyWrapPad, MatchesRfc5649Section6) {
  for (const WrapVector& v : kRfc5649) {
    EXPECT_EQ(Hex(AesKeyWrapPad(HexOrDie(v.kek), HexOrDie(v.key))), v.wrapped) << v.name;
    EXPECT_EQ(Hex(AesKeyUnwrapPad(HexOrDie(v.kek), HexOrDie(v.wrapped))), v.key) << v.name;
  }
}

TEST(AesKeyWrap, UnwrapFailsTheIntegrityCheckForATamperedInputOrAnotherKek) {
  const WrapVector& v = kRfc3394[0];
  Bytes wrapped = HexOrDie(v.wrapped);
  for (std::size_t i = 0; i < wrapped.size(); ++i) {
    Bytes tampered = wrapped;
    tampered[i] ^= 0x01;
    EXPECT_EQ(CodeOf(AesKeyUnwrap(HexOrDie(v.kek), tampered)), Code::kSignatureInvalid) << i;
  }
  Bytes other_kek = HexOrDie(v.kek);
  other_kek[15] ^= 0x80;
  EXPECT_EQ(CodeOf(AesKeyUnwrap(other_kek, wrapped)), Code::kSignatureInvalid);
}

TEST(AesKeyWrapPad, UnwrapFailsTheIntegrityCheckForATamperedInputOrAnotherKek) {
  for (const WrapVector& v : kRfc5649) {
    Bytes wrapped = HexOrDie(v.wrapped);
    for (std::size_t i = 0; i < wrapped.size(); ++i) {
      Bytes tampered = wrapped;
      tampered[i] ^= 0x40;
      EXPECT_EQ(CodeOf(AesKeyUnwrapPad(HexOrDie(v.kek), tampered)), Code::kSignatureInvalid)
          << v.name << " byte " << i;
    }
    Bytes other_kek = HexOrDie(v.kek);
    other_kek[0] ^= 0x01;
    EXPECT_EQ(CodeOf(AesKeyUnwrapPad(other_kek, wrapped)), Code::kSignatureInvalid) << v.name;
  }
}

TEST(AesKeyWrap, RejectsLengthsNoWrapCanHave) {
  Bytes kek(16, 0x42);
  for (std::size_t n : {0, 8, 15, 17, 23}) {
    EXPECT_EQ(CodeOf(AesKeyWrap(kek, Bytes(n, 0x01))), Code::kInvalidArgument) << n;
  }
  for (std::size_t n : {0, 16, 23, 25, 31}) {
    EXPECT_EQ(CodeOf(AesKeyUnwrap(kek, Bytes(n, 0x01))), Code::kInvalidArgument) << n;
  }
  EXPECT_EQ(CodeOf(AesKeyWrapPad(kek, {})), Code::kInvalidArgument);
  for (std::size_t n : {0, 8, 15, 17, 23}) {
    EXPECT_EQ(CodeOf(AesKeyUnwrapPad(kek, Bytes(n, 0x01))), Code::kInvalidArgument) << n;
  }
}

TEST(AesKeyWrap, RejectsAKekOfNoAesLength) {
  for (std::size_t n : {0, 8, 15, 20, 33}) {
    Bytes kek(n, 0x42);
    EXPECT_EQ(CodeOf(AesKeyWrap(kek, Bytes(16, 0x01))), Code::kInvalidArgument) << n;
    EXPECT_EQ(CodeOf(AesKeyWrapPad(kek, Bytes(5, 0x01))), Code::kInvalidArgument) << n;
    EXPECT_EQ(CodeOf(AesKeyUnwrapPad(kek, Bytes(16, 0x01))), Code::kInvalidArgument) << n;
  }
}

TEST(AesKeyWrapPad, RoundTripsEveryLengthAcrossTheSemiblockBoundaries) {
  Bytes kek = HexOrDie("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  for (std::size_t n = 1; n <= 33; ++n) {
    Bytes key(n);
    for (std::size_t i = 0; i < n; ++i) key[i] = static_cast<std::uint8_t>(0xa0 + i);
    auto wrapped = AesKeyWrapPad(kek, key);
    ASSERT_TRUE(wrapped.ok()) << n;
    EXPECT_EQ(wrapped->size(), (n + 7) / 8 * 8 + 8) << n;
    EXPECT_EQ(Hex(AesKeyUnwrapPad(kek, *wrapped)), ToHex(key)) << n;
  }
}

}  // namespace
}  // namespace tessera::crypto

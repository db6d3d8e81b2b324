#include "common/tlv.hpp"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(Tlv, EncodesShortAndLongLengths) {
  EXPECT_EQ(ToHex(EncodeTlv(0x53, Bytes(3, 0xAA))), "5303aaaaaa");
  Bytes v128(128, 0);
  EXPECT_EQ(ToHex(EncodeTlv(0x53, v128)).substr(0, 6), "538180");
  Bytes v256(256, 0);
  EXPECT_EQ(ToHex(EncodeTlv(0x53, v256)).substr(0, 8), "53820100");
  Bytes v70000(70000, 0);
  EXPECT_EQ(ToHex(EncodeTlv(0x53, v70000)).substr(0, 10), "5383011170");
}

TEST(Tlv, EncodesOneTwoAndThreeByteTags) {
  EXPECT_EQ(ToHex(EncodeTlv(0x7E, {})), "7e00");
  EXPECT_EQ(ToHex(EncodeTlv(0x7F49, {})), "7f4900");
  EXPECT_EQ(ToHex(EncodeTlv(0x5FC105, {})), "5fc10500");
}

TEST(Tlv, RoundTripsNestedObjects) {
  Bytes inner = Concat({EncodeTlv(0x80, HexOrDie("0102")), EncodeTlv(0x5FC102, HexOrDie("ff"))});
  Bytes outer = EncodeTlv(0x7C, inner);
  auto top = ParseSingle(outer, 0x7C);
  ASSERT_TRUE(top.ok());
  auto items = ParseTlvs(*top);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].tag, 0x80u);
  EXPECT_EQ(ToHex((*items)[0].value), "0102");
  EXPECT_EQ((*items)[1].tag, 0x5FC102u);
  EXPECT_TRUE(EncodeTlv(0x7C, {}).size() == 2);
  EXPECT_TRUE((Tlv{0x7C, {}}).constructed());
  EXPECT_FALSE((Tlv{0x80, {}}).constructed());
}

TEST(Tlv, DecodesLongLengthForms) {
  Bytes data = HexOrDie("53820003aabbcc");
  auto v = ParseSingle(data, 0x53);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(ToHex(*v), "aabbcc");
}

struct BadTlv {
  const char* hex;
  const char* why;
};

class TlvRejects : public ::testing::TestWithParam<BadTlv> {};

TEST_P(TlvRejects, MalformedInput) {
  auto r = ParseTlvs(HexOrDie(GetParam().hex));
  ASSERT_FALSE(r.ok()) << GetParam().why;
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(
    Table, TlvRejects,
    ::testing::Values(BadTlv{"53", "missing length"}, BadTlv{"5303aabb", "value too short"},
                      BadTlv{"5380", "indefinite length"},
                      BadTlv{"5384000000010a", "4-byte length"},
                      BadTlv{"5f", "truncated 2-byte tag"}, BadTlv{"5fc1", "truncated 3-byte tag"},
                      BadTlv{"5fc1818101", "tag longer than 3 bytes"},
                      BadTlv{"5381", "truncated long length"}, BadTlv{"00", "zero tag byte"},
                      BadTlv{"530100ff", "trailing garbage"}));

TEST(Tlv, ParseSingleRejectsWrongTagAndTrailingBytes) {
  EXPECT_FALSE(ParseSingle(HexOrDie("5300"), 0x7C).ok());
  EXPECT_FALSE(ParseSingle(HexOrDie("53005300"), 0x53).ok());
}

}  // namespace
}  // namespace tessera

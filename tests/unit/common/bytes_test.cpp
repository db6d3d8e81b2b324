#include "common/bytes.hpp"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(Hex, RoundTrips) {
  Bytes b{0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(ToHex(b), "007f80ff");
  auto back = FromHex("00 7F:80ff");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, b);
}

TEST(Hex, RejectsBadDigitsAndOddLength) {
  EXPECT_FALSE(FromHex("0g").ok());
  EXPECT_FALSE(FromHex("abc").ok());
  EXPECT_FALSE(FromHex("a bc").ok());
}

TEST(ByteReader, StopsAtTheEndWithAnError) {
  Bytes b = HexOrDie("0102030405060708090a");
  ByteReader r(b);
  EXPECT_EQ(*r.U8(), 0x01);
  EXPECT_EQ(*r.U16(), 0x0203);
  EXPECT_EQ(*r.U32(), 0x04050607u);
  EXPECT_FALSE(r.U64().ok());
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_EQ(ToHex(*r.Take(3)), "08090a");
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.U8().ok());
}

TEST(BigEndian, PutAndGet) {
  Bytes out;
  PutU16(out, 0x1234);
  PutU32(out, 0x56789abc);
  PutU64(out, 0x0102030405060708ull);
  EXPECT_EQ(ToHex(out), "123456789abc0102030405060708");
  EXPECT_EQ(GetU64(ByteView(out).subspan(6)), 0x0102030405060708ull);
}

}  // namespace
}  // namespace tessera

#include "common/apdu.hpp"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(CommandApdu, ParsesAllIsoCases) {
  auto c1 = CommandApdu::Parse(HexOrDie("00a40400"));
  ASSERT_TRUE(c1.ok());
  EXPECT_TRUE(c1->data.empty());
  EXPECT_FALSE(c1->le.has_value());

  auto c2s = CommandApdu::Parse(HexOrDie("00fd000000"));
  ASSERT_TRUE(c2s.ok());
  EXPECT_EQ(c2s->le, 256u);

  auto c3s = CommandApdu::Parse(HexOrDie("002000800831323334353637ff"));
  ASSERT_TRUE(c3s.ok());
  EXPECT_EQ(c3s->data.size(), 8u);
  EXPECT_FALSE(c3s->le.has_value());

  auto c4s = CommandApdu::Parse(HexOrDie("00a4040005a00000030800"));
  ASSERT_TRUE(c4s.ok());
  EXPECT_EQ(ToHex(c4s->data), "a000000308");
  EXPECT_EQ(c4s->le, 256u);

  auto c2e = CommandApdu::Parse(HexOrDie("00cb3fff000000"));
  ASSERT_TRUE(c2e.ok());
  EXPECT_TRUE(c2e->extended);
  EXPECT_EQ(c2e->le, 65536u);

  auto c3e = CommandApdu::Parse(HexOrDie("00db3fff000003aabbcc"));
  ASSERT_TRUE(c3e.ok());
  EXPECT_EQ(ToHex(c3e->data), "aabbcc");
  EXPECT_FALSE(c3e->le.has_value());

  auto c4e = CommandApdu::Parse(HexOrDie("00870711000002aabb0100"));
  ASSERT_TRUE(c4e.ok());
  EXPECT_EQ(c4e->le, 256u);
  EXPECT_EQ(c4e->p1, 0x07);
  EXPECT_EQ(c4e->p2, 0x11);
}

TEST(CommandApdu, RejectsInconsistentLengths) {
  for (const char* hex :
       {"", "00", "00a404", "00a4040003aabb", "00a4040003aabbccdd00", "00db3fff0000",
        "00db3fff00000000", "00db3fff000003aabb", "00db3fff000002aabbcc"}) {
    auto r = CommandApdu::Parse(HexOrDie(hex));
    ASSERT_FALSE(r.ok()) << hex;
    EXPECT_EQ(r.status().code(), Code::kWrongLength) << hex;
  }
}

TEST(CommandApdu, SerializesShortAndExtended) {
  CommandApdu a{0x00, 0xa4, 0x04, 0x00, HexOrDie("a000000308"), 256, false};
  EXPECT_EQ(ToHex(a.Serialize()), "00a4040005a00000030800");
  CommandApdu big{0x00, 0xdb, 0x3f, 0xff, Bytes(300, 1), std::nullopt, false};
  Bytes raw = big.Serialize();
  EXPECT_EQ(ToHex(ByteView(raw).first(7)), "00db3fff00012c");
  auto back = CommandApdu::Parse(raw);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->data, big.data);
  CommandApdu le_ext{0x00, 0xcb, 0x3f, 0xff, {}, 65536, false};
  EXPECT_EQ(ToHex(le_ext.Serialize()), "00cb3fff000000");
}

TEST(CommandApdu, SplitsIntoChain) {
  CommandApdu big{0x00, 0xdb, 0x3f, 0xff, Bytes(600, 7), 256, false};
  auto parts = SplitForChaining(big);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].cla, 0x10);
  EXPECT_EQ(parts[0].data.size(), 255u);
  EXPECT_FALSE(parts[0].le.has_value());
  EXPECT_EQ(parts[1].cla, 0x10);
  EXPECT_EQ(parts[2].cla, 0x00);
  EXPECT_EQ(parts[2].data.size(), 90u);
  EXPECT_EQ(parts[2].le, 256u);
  auto single = SplitForChaining(CommandApdu{0x00, 0x20, 0x00, 0x80, Bytes(8, 1), {}, false});
  EXPECT_EQ(single.size(), 1u);
}

TEST(ResponseApdu, ParsesAndSerializes) {
  auto r = ResponseApdu::Parse(HexOrDie("0102039000"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(ToHex(r->data), "010203");
  auto warn = ResponseApdu::Parse(HexOrDie("63c2"));
  ASSERT_TRUE(warn.ok());
  EXPECT_EQ(warn->sw1(), 0x63);
  EXPECT_EQ(warn->sw2(), 0xc2);
  EXPECT_FALSE(ResponseApdu::Parse(HexOrDie("90")).ok());
  EXPECT_EQ(ToHex(ResponseApdu{HexOrDie("aa"), 0x6100}.Serialize()), "aa6100");
}

}  // namespace
}  // namespace tessera

// The key package (common/piv/key_package.hpp): the encoding byte for byte,
// round trips, and every malformed form refused with kInvalidArgument.
#include "common/piv/key_package.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/piv/wrapped_key.hpp"
#include "common/tlv.hpp"

namespace tessera::piv {
namespace {

const Bytes kShared = HexOrDie("54535731 00bc614e 9c");  // TSW1, serial 12345678, 9C
Bytes Blob(std::size_t wrapped = 40) {
  Bytes b(wrap::kPointSize + wrapped, 0xB0);
  b[0] = 0x04;
  return b;
}

KeyPackage Sample() {
  KeyPackage p;
  p.algorithm = 0x11;
  p.shared = kShared;
  p.blob = Blob();
  return p;
}

// 7F71 around the given inner TLVs, in the order given.
Bytes Package(std::initializer_list<ByteView> inner) {
  return EncodeTlv(kKeyPackageTag, Concat(inner));
}

TEST(KeyPackage, EncodesTheTagsInTheDocumentedOrder) {
  KeyPackage p = Sample();
  p.blob = Blob(16);
  const std::string expected =
      "7f71"
      "6a"
      "800111"
      "850103"
      "810106"
      "820120"
      "8309"
      "5453573100bc614e9c"
      "8451" +
      ToHex(p.blob);
  EXPECT_EQ(ToHex(EncodeKeyPackage(p)), expected);
}

// docs/piv-extensions.md "The key package object", "Example": the F2
// worked example's AES-128 key for slot C0 of the --seed 1 token.
TEST(KeyPackage, EncodesTheDocumentedExample) {
  KeyPackage p;
  p.algorithm = 0x08;
  p.family = 0x1F;
  p.kdf = 0x06;
  p.kek_length = 16;
  p.shared = HexOrDie("54535731 03714A17 C0");
  p.blob = HexOrDie(
      "04 515C3D6EB9E396B904D3FECA7F54FDCD0CC1E997BF375DCA515AD0A6C3B4035F"
      "4536BE3A50F318FBF9A5475902A221502BEF0D57E08C53B2CC0A56F17D9F9354"
      "6D20681B994E468D26FAF48AC8407C97138C1A1CCDE2057B");
  const Bytes encoded = EncodeKeyPackage(p);
  EXPECT_EQ(encoded.size(), 117u);
  EXPECT_EQ(ToHex(encoded).substr(0, 58),
            "7f7172"
            "800108"
            "85011f"
            "810106"
            "820110"
            "83095453573103714a17c0"
            "845904");
  auto parsed = ParseKeyPackage(encoded);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, p);
}

TEST(KeyPackage, RoundTripsWithAndWithoutAnAlgorithm) {
  KeyPackage with = Sample();
  auto parsed = ParseKeyPackage(EncodeKeyPackage(with));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, with);

  KeyPackage without = Sample();
  without.algorithm.reset();
  without.family = 0x1F;
  without.kdf = 0x08;
  without.kek_length = 16;
  without.shared = Concat({kShared, Bytes(64, 0x43)});  // the longest context
  without.blob = Blob(4096);                            // long lengths (82 form)
  parsed = ParseKeyPackage(EncodeKeyPackage(without));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, without);
  EXPECT_FALSE(parsed->algorithm.has_value());
}

struct Malformed {
  std::string name;
  Bytes encoded;
};

TEST(KeyPackage, RefusesEachMalformedForm) {
  const Bytes alg = HexOrDie("800111");
  const Bytes fam = HexOrDie("850103");
  const Bytes kdf = HexOrDie("810106");
  const Bytes kek = HexOrDie("820120");
  const Bytes shared = EncodeTlv(0x83, kShared);
  const Bytes blob = EncodeTlv(0x84, Blob());
  const Bytes good = Package({alg, fam, kdf, kek, shared, blob});
  ASSERT_TRUE(ParseKeyPackage(good).ok());

  const std::vector<Malformed> cases = {
      {"empty", {}},
      {"another outer tag", EncodeTlv(0x7F72, Concat({alg, fam, kdf, kek, shared, blob}))},
      {"the inner tags without 7F71", Concat({alg, fam, kdf, kek, shared, blob})},
      {"a trailing byte", Concat({good, Bytes{0x00}})},
      {"a second package", Concat({good, good})},
      {"truncated", Bytes(good.begin(), good.end() - 1)},
      {"empty 7F71", EncodeTlv(kKeyPackageTag, {})},
      {"garbage inside", Package({fam, kdf, kek, shared, blob, Bytes{0x84}})},
      {"an unknown tag 86", Package({fam, kdf, kek, shared, blob, HexOrDie("860100")})},
      {"an unknown tag AA", Package({fam, kdf, kek, shared, blob, HexOrDie("aa0101")})},
      {"tag 80 twice", Package({alg, alg, fam, kdf, kek, shared, blob})},
      {"tag 84 twice", Package({fam, kdf, kek, shared, blob, blob})},
      {"85 before 80", Package({fam, alg, kdf, kek, shared, blob})},
      {"84 before 83", Package({fam, kdf, kek, blob, shared})},
      {"no 85", Package({alg, kdf, kek, shared, blob})},
      {"no 81", Package({fam, kek, shared, blob})},
      {"no 82", Package({fam, kdf, shared, blob})},
      {"no 83", Package({fam, kdf, kek, blob})},
      {"no 84", Package({fam, kdf, kek, shared})},
      {"80 of two bytes", Package({HexOrDie("80021100"), fam, kdf, kek, shared, blob})},
      {"80 empty", Package({HexOrDie("8000"), fam, kdf, kek, shared, blob})},
      {"85 of two bytes", Package({HexOrDie("85020003"), kdf, kek, shared, blob})},
      {"85 no family", Package({HexOrDie("850105"), kdf, kek, shared, blob})},
      {"81 KDF 05", Package({fam, HexOrDie("810105"), kek, shared, blob})},
      {"81 KDF 09", Package({fam, HexOrDie("810109"), kek, shared, blob})},
      {"82 KEK 17 bytes", Package({fam, kdf, HexOrDie("820111"), shared, blob})},
      {"82 of two bytes", Package({fam, kdf, HexOrDie("82020020"), shared, blob})},
      {"83 of 8 bytes",
       Package({fam, kdf, kek, EncodeTlv(0x83, Bytes(kShared.begin(), kShared.end() - 1)), blob})},
      {"83 of 74 bytes",
       Package({fam, kdf, kek, EncodeTlv(0x83, Concat({kShared, Bytes(65, 0)})), blob})},
      {"83 not TSW1",
       Package({fam, kdf, kek, EncodeTlv(0x83, HexOrDie("5453573200bc614e9c")), blob})},
      {"84 only a point", Package({fam, kdf, kek, shared, EncodeTlv(0x84, Blob(0))})},
      {"84 one semiblock", Package({fam, kdf, kek, shared, EncodeTlv(0x84, Blob(8))})},
      {"84 not a multiple of 8", Package({fam, kdf, kek, shared, EncodeTlv(0x84, Blob(41))})},
  };
  for (const Malformed& c : cases) {
    auto parsed = ParseKeyPackage(c.encoded);
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument) << c.name;
    EXPECT_TRUE(parsed.status().message().starts_with("key package: "))
        << c.name << ": " << parsed.status().message();
  }
}

TEST(KeyPackage, NamesTheFault) {
  const Bytes fam = HexOrDie("850103");
  const Bytes kdf = HexOrDie("810106");
  const Bytes kek = HexOrDie("820120");
  const Bytes shared = EncodeTlv(0x83, kShared);
  EXPECT_EQ(ParseKeyPackage(Package({fam, kdf, kek, shared})).status().message(),
            "key package: missing tag 84");
  EXPECT_EQ(ParseKeyPackage(Package({fam, fam, kdf, kek, shared})).status().message(),
            "key package: repeated tag 85");
  EXPECT_EQ(ParseKeyPackage(Package({fam, HexOrDie("5fc10100")})).status().message(),
            "key package: unknown tag 5fc101");
}

}  // namespace
}  // namespace tessera::piv

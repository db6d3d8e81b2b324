#include "common/secure_bytes.hpp"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(SecureBytes, AppendsResizesAndClones) {
  SecureBytes s(HexOrDie("0102"));
  s.Append(HexOrDie("0304"));
  EXPECT_EQ(ToHex(s.view()), "01020304");
  s.Resize(6);
  EXPECT_EQ(ToHex(s.view()), "010203040000");
  s.Resize(1);
  EXPECT_EQ(ToHex(s.view()), "01");
  SecureBytes c = s.Clone();
  EXPECT_TRUE(ConstantTimeEqual(c.view(), s.view()));
}

TEST(SecureBytes, MoveLeavesSourceEmpty) {
  SecureBytes a(HexOrDie("aabb"));
  SecureBytes b(std::move(a));
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  a = std::move(b);
  EXPECT_EQ(ToHex(a.view()), "aabb");
}

TEST(SecureBytes, ClearWipesAndFrees) {
  SecureBytes s(HexOrDie("deadbeef"));
  s.Clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.data(), nullptr);
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEqual(HexOrDie("0102"), HexOrDie("0102")));
  EXPECT_FALSE(ConstantTimeEqual(HexOrDie("0102"), HexOrDie("0103")));
  EXPECT_FALSE(ConstantTimeEqual(HexOrDie("0102"), HexOrDie("010200")));
  EXPECT_TRUE(ConstantTimeEqual({}, {}));
}

}  // namespace
}  // namespace tessera

// The user identification TLV (common/registration/user_info.hpp): round
// trips, and every field rule refused with the field named.
#include "common/registration/user_info.hpp"

#include <gtest/gtest.h>

#include "common/tlv.hpp"

namespace tessera::registration {
namespace {

TEST(RegistrationUserInfo, RoundTripsWithAndWithoutOptionalFields) {
  const UserInfo full{"alice@example.org", "ABCDE-FGHIJ-KLMNO-PQRST", R"({"dept":"R&D"})"};
  Result<Bytes> encoded = Encode(full);
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  Result<UserInfo> back = DecodeUserInfo(*encoded);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->user_id, full.user_id);
  EXPECT_EQ(back->code, full.code);
  EXPECT_EQ(back->answers, full.answers);

  Result<Bytes> bare = Encode(UserInfo{"bob", "", ""});
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(*bare, (Bytes{0xC0, 3, 'b', 'o', 'b'}));
  Result<UserInfo> bare_back = DecodeUserInfo(*bare);
  ASSERT_TRUE(bare_back.ok());
  EXPECT_TRUE(bare_back->code.empty());
}

TEST(RegistrationUserInfo, RefusesBadFieldsNamingThem) {
  EXPECT_FALSE(Encode(UserInfo{"", "", ""}).ok());
  EXPECT_FALSE(Encode(UserInfo{"al ice", "", ""}).ok());
  EXPECT_FALSE(Encode(UserInfo{std::string(129, 'a'), "", ""}).ok());
  EXPECT_FALSE(Encode(UserInfo{"alice", "AB\tC", ""}).ok());
  EXPECT_FALSE(Encode(UserInfo{"alice", "", "[1]"}).ok());

  Result<UserInfo> no_user = DecodeUserInfo(Bytes{0xC1, 1, 'A'});
  ASSERT_FALSE(no_user.ok());
  EXPECT_NE(no_user.status().message().find("no user ID"), std::string::npos);
  Result<UserInfo> trailing = DecodeUserInfo(Bytes{0xC0, 1, 'a', 0x00});
  EXPECT_FALSE(trailing.ok());
  Result<UserInfo> reordered = DecodeUserInfo(Bytes{0xC0, 1, 'a', 0xC2, 2, '{', '}', 0xC1, 1, 'A'});
  ASSERT_FALSE(reordered.ok());
  Result<UserInfo> long_form = DecodeUserInfo(Bytes{0xC0, 0x81, 1, 'a'});
  ASSERT_FALSE(long_form.ok());
  EXPECT_NE(long_form.status().message().find("canonical"), std::string::npos);
}

}  // namespace
}  // namespace tessera::registration

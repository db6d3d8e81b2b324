// The short codes (common/registration/codes.hpp): base32 against the
// RFC 4648 §10 test vectors, the UIDC and enrolment-code formats, and the
// normalization people rely on when they type a code.
#include "common/registration/codes.hpp"

#include <gtest/gtest.h>

#include "common/registration/messages.hpp"

namespace tessera::registration {
namespace {

TEST(RegistrationCodes, Base32MatchesRfc4648Vectors) {
  // RFC 4648 §10, without the padding.
  EXPECT_EQ(Base32(AsBytes("")), "");
  EXPECT_EQ(Base32(AsBytes("f")), "MY");
  EXPECT_EQ(Base32(AsBytes("fo")), "MZXQ");
  EXPECT_EQ(Base32(AsBytes("foo")), "MZXW6");
  EXPECT_EQ(Base32(AsBytes("foob")), "MZXW6YQ");
  EXPECT_EQ(Base32(AsBytes("fooba")), "MZXW6YTB");
  EXPECT_EQ(Base32(AsBytes("foobar")), "MZXW6YTBOI");
}

TEST(RegistrationCodes, UidcIsSixteenCharactersAndValid) {
  const Bytes mac(32, 0xA5);
  Result<std::string> uidc = FormatUidc(mac);
  ASSERT_TRUE(uidc.ok()) << uidc.status().ToString();
  EXPECT_EQ(*uidc, "U" + Base32(mac).substr(0, 15));
  EXPECT_EQ(uidc->size(), kUidcLength);
  EXPECT_TRUE(IsValidUidc(*uidc));
  EXPECT_FALSE(FormatUidc(Bytes(9, 1)).ok());
}

TEST(RegistrationCodes, EnrolmentCodeIsGroupedAndNormalizes) {
  const Bytes random = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  Result<std::string> code = FormatEnrolmentCode(random);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  ASSERT_EQ(code->size(), 23u);
  EXPECT_EQ((*code)[5], '-');
  EXPECT_EQ((*code)[11], '-');
  EXPECT_EQ((*code)[17], '-');
  Result<std::string> plain = NormalizeEnrolmentCode(*code);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, Base32(random).substr(0, 20));
  std::string lower = *code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Result<std::string> typed = NormalizeEnrolmentCode(" " + lower + " ");
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(*typed, *plain);
  EXPECT_EQ(*EnrolmentCodeHash(*code), *EnrolmentCodeHash(lower));
  EXPECT_EQ(EnrolmentCodeHash(*code)->size(), 32u);
  EXPECT_FALSE(FormatEnrolmentCode(Bytes(12, 0)).ok());
}

TEST(RegistrationCodes, BadCodesAreRefusedWithAReason) {
  Result<std::string> short_code = NormalizeEnrolmentCode("ABCDE-FGHIJ");
  ASSERT_FALSE(short_code.ok());
  EXPECT_NE(short_code.status().message().find("20 characters"), std::string::npos);
  Result<std::string> bad_char = NormalizeEnrolmentCode("ABCDE-FGHIJ-KLMNO-PQRS1");
  ASSERT_FALSE(bad_char.ok());
  EXPECT_NE(bad_char.status().message().find("2-7"), std::string::npos);
  EXPECT_FALSE(EnrolmentCodeHash("").ok());
}

}  // namespace
}  // namespace tessera::registration

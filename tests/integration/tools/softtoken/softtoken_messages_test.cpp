// The bytes the soft-token device signs and the codes people type (issue 15
// design "Channel 1", "OTP"): PopMessage and PollMessage pinned byte for
// byte, their refusals, and the normalisation of one-time passwords and
// comparison codes.
#include "tools/tessera/softtoken_messages.hpp"

#include <gtest/gtest.h>

namespace tessera::cli::softtoken {
namespace {

Bytes Range(std::uint8_t first, std::size_t n) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(first + i);
  return out;
}

const Bytes kNonce = Range(0x00, 32);
const Bytes kExporter = Range(0x20, 32);
const Bytes kSpki = HexOrDie("3003020107");
constexpr char kId[] = "0123456789abcdef0123456789abcdef";

TEST(SoftTokenMessages, PopMessageIsDomainKindNonceExporterAndKeyHash) {
  auto m = PopMessage(kNonce, kExporter, kSpki);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // "tessera-softtoken-v1" 00 "request" 00 nonce exporter SHA-256(3003020107)
  EXPECT_EQ(ToHex(*m),
            "746573736572612d736f6674746f6b656e2d76310072657175657374"
            "00000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
            "eceda61045db145d209debf0d245e44b5b1cc52e3c04266aa2a486fdb6a2b285");
  EXPECT_EQ(m->size(), 21u + 8u + 96u);
}

TEST(SoftTokenMessages, PollMessageIsDomainKindAsciiIdAndExporter) {
  auto m = PollMessage(kId, kExporter);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(ToHex(*m),
            "746573736572612d736f6674746f6b656e2d763100706f6c6c00"
            "3031323334353637383961626364656630313233343536373839616263646566"
            "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
}

TEST(SoftTokenMessages, WrongSizesAndIdsAreRefused) {
  EXPECT_EQ(PopMessage(Range(0, 31), kExporter, kSpki).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PopMessage(kNonce, Range(0, 48), kSpki).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PopMessage(kNonce, kExporter, {}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PollMessage(kId, Range(0, 31)).status().code(), Code::kInvalidArgument);
  // Upper case, too short, or a path in disguise: never put in a URL.
  for (const char* id : {"0123456789ABCDEF0123456789ABCDEF", "0123", "../../../../../../../../x",
                         "0123456789abcdef0123456789abcdeg"}) {
    EXPECT_FALSE(IsRequestId(id)) << id;
    EXPECT_EQ(PollMessage(id, kExporter).status().code(), Code::kInvalidArgument) << id;
  }
  EXPECT_TRUE(IsRequestId(kId));
}

TEST(SoftTokenCodes, TypedCodesAreNormalisedAsTheServiceDoes) {
  struct Case {
    const char* typed;
    const char* normalised;
  };
  for (const Case& c :
       {Case{"ABCDE-FGHJK", "ABCDEFGHJK"}, Case{"abcde fghjk", "ABCDEFGHJK"},
        Case{"oOiIlL-01zz", "00111101ZZ"}, Case{" 7 8 9 M N-P Q R S T ", "789MNPQRST"}}) {
    auto n = NormaliseCode(c.typed, std::string(c.normalised).size(), "one-time password");
    ASSERT_TRUE(n.ok()) << c.typed << ": " << n.status().ToString();
    EXPECT_EQ(*n, c.normalised) << c.typed;
  }
  auto comparison = NormaliseCode("abc-d3f", kComparisonLength, "comparison code");
  ASSERT_TRUE(comparison.ok());
  EXPECT_EQ(DisplayCode(*comparison), "ABC-D3F");
  EXPECT_EQ(DisplayCode("ABCDEFGHJK"), "ABCDE-FGHJK");
}

TEST(SoftTokenCodes, CodesOfTheWrongLengthOrAlphabetAreRefused) {
  for (const char* typed :
       {"", "-----", "ABCDE-FGHJ", "ABCDE-FGHJKM", "ABCDE-FGHJU", "ABCDE_FGHJK", "ÄBCDE-FGHJK"}) {
    auto n = NormaliseCode(typed, kOtpLength, "one-time password");
    EXPECT_EQ(n.status().code(), Code::kInvalidArgument) << typed;
    EXPECT_NE(n.status().message().find("one-time password"), std::string::npos)
        << n.status().message();
  }
}

}  // namespace
}  // namespace tessera::cli::softtoken

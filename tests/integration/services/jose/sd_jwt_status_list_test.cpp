// The Token Status List (services/jose/status_list.hpp) against
// draft-ietf-oauth-status-list: its 16-entry example (0xB9 0xA3, lst
// "eNrbuRgAAhcBXQ") and its 2^20-entry 1-bit example both ways, the Status
// List Token signed and verified, a decompression bomb, and the refusals.
#include <gtest/gtest.h>
#include <zlib.h>

#include "services/jose/jwt.hpp"
#include "services/jose/status_list.hpp"
#include "tests/integration/services/jose/jws_key_signer.hpp"
#include "tests/integration/services/jose/sd_jwt_fixture.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;
using testing::kNow;

// The draft's "Status List" example: statuses 1 0 0 1 1 1 0 1 1 1 0 0 0 1 0 1.
const std::vector<std::uint64_t> kShortRevoked = {0, 3, 4, 5, 7, 8, 9, 13, 15};
// The draft's 1-bit example of 2^20 statuses (Appendix, "Test vectors").
const std::vector<std::uint64_t> kLongRevoked = {0,      1993,   25460,  159495, 495669, 554353,
                                                 645645, 723232, 854545, 934534, 1000345};
const char kLongLst[] =
    "eNrt3AENwCAMAEGogklACtKQPg9LugC9k_ACvreiogEAAKkeCQAAAAAAAAAAAAAAAAAAAIBylgQAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAXG9IAAAAAAAAAPwsJAAAAAAAAAAAAAAAvhsSAAAAAAAAAAAA"
    "7KpLAAAAAAAAAAAAAAAAAAAAAJsLCQAAAAAAAAAAADjelAAAAAAAAAAAKjDMAQAAAACAZC8L2AEb";

std::string Zlib(const Bytes& raw, int level = Z_BEST_COMPRESSION) {
  uLongf len = compressBound(static_cast<uLong>(raw.size()));
  Bytes out(len);
  EXPECT_EQ(compress2(out.data(), &len, raw.data(), static_cast<uLong>(raw.size()), level), Z_OK);
  out.resize(len);
  return Base64UrlEncode(out);
}

TEST(StatusList, DraftShortExampleBothWays) {
  auto bits = DecodeStatusList(Json{{"bits", 1}, {"lst", "eNrbuRgAAhcBXQ"}});
  ASSERT_TRUE(bits.ok()) << bits.status().ToString();
  EXPECT_EQ(*bits, (Bytes{0xB9, 0xA3}));
  const int expected[] = {1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1};
  for (std::uint64_t i = 0; i < 16; ++i) {
    EXPECT_EQ(static_cast<int>(StatusAt(*bits, i).value()), expected[i]) << i;
  }
  auto encoded = EncodeStatusList(kShortRevoked, 16);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded, Json({{"bits", 1}, {"lst", "eNrbuRgAAhcBXQ"}}));
}

TEST(StatusList, DraftLongExampleBothWays) {
  auto bits = DecodeStatusList(Json{{"bits", 1}, {"lst", kLongLst}});
  ASSERT_TRUE(bits.ok()) << bits.status().ToString();
  ASSERT_EQ(bits->size(), std::size_t{1} << 17);
  std::vector<std::uint64_t> set;
  for (std::uint64_t i = 0; i < (std::uint64_t{1} << 20); ++i) {
    if (StatusAt(*bits, i).value() == TokenStatus::kInvalid) set.push_back(i);
  }
  EXPECT_EQ(set, kLongRevoked);
  EXPECT_EQ(EncodeStatusList(kLongRevoked, std::uint64_t{1} << 20).value()["lst"], kLongLst);
}

TEST(StatusList, SizeRoundsUpAndIndicesOutsideAreRefused) {
  auto list = EncodeStatusList({9}, 10);
  ASSERT_TRUE(list.ok());
  auto bits = DecodeStatusList(*list).value();
  EXPECT_EQ(bits, (Bytes{0x00, 0x02}));
  EXPECT_EQ(StatusAt(bits, 9).value(), TokenStatus::kInvalid);
  EXPECT_EQ(StatusAt(bits, 15).value(), TokenStatus::kValid);  // padding bits read VALID
  EXPECT_EQ(StatusAt(bits, 16).status().code(), Code::kNotFound);
  EXPECT_EQ(EncodeStatusList({10}, 10).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EncodeStatusList({}, std::uint64_t{kMaxStatusListBytes} * 8 + 1).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(DecodeStatusList(EncodeStatusList({}, 0).value()).value(), Bytes{});
}

TEST(StatusList, DecompressionBombIsRefused) {
  // 32 MiB of zeros deflate to about 32 KiB: twice the limit.
  const std::string bomb = Zlib(Bytes(std::size_t{32} << 20, 0));
  EXPECT_LT(bomb.size(), 64u * 1024);
  auto decoded = DecodeStatusList(Json{{"bits", 1}, {"lst", bomb}});
  EXPECT_EQ(decoded.status().code(), Code::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("inflates beyond 16777216"), std::string::npos)
      << decoded.status().message();
  // Exactly the limit is accepted.
  EXPECT_TRUE(
      DecodeStatusList(Json{{"bits", 1}, {"lst", Zlib(Bytes(kMaxStatusListBytes, 0))}}).ok());
}

TEST(StatusList, MalformedListsAreRefused) {
  Bytes raw = Base64UrlDecode("eNrbuRgAAhcBXQ").value();
  Bytes trailing = raw;
  trailing.push_back(0);
  Bytes truncated(raw.begin(), raw.end() - 3);
  struct Case {
    Json list;
    const char* says;
  };
  const Case cases[] = {
      {Json{{"bits", 2}, {"lst", "eNrbuRgAAhcBXQ"}}, "bits is 2"},
      {Json{{"lst", "eNrbuRgAAhcBXQ"}}, "\"bits\" is missing"},
      {Json{{"bits", 1}}, "\"lst\" is missing"},
      {Json{{"bits", 1}, {"lst", "eNrbuRgAAhcBXQ=="}}, "padding"},
      {Json{{"bits", 1}, {"lst", Base64UrlEncode(trailing)}}, "after its zlib stream"},
      {Json{{"bits", 1}, {"lst", Base64UrlEncode(truncated)}}, "zlib"},
      {Json{{"bits", 1}, {"lst", Base64UrlEncode(AsBytes("not zlib"))}}, "not a zlib stream"},
      {Json::array(), "not an object"},
  };
  for (const Case& c : cases) {
    auto decoded = DecodeStatusList(c.list);
    EXPECT_EQ(decoded.status().code(), Code::kInvalidArgument) << c.list.dump();
    EXPECT_NE(decoded.status().message().find(c.says), std::string::npos)
        << decoded.status().message();
  }
}

class StatusListToken : public ::testing::Test {
 protected:
  std::string Sign(std::int64_t exp = kNow + 600) {
    StatusListClaims claims{kUri, kNow, exp, 300, EncodeStatusList({3, 42}, 1024).value()};
    auto jwt = SignStatusListToken(claims, {f.issuer_cert},
                                   testing::JwsKeySigner(JwsAlg::kEs256, *f.issuer_key));
    EXPECT_TRUE(jwt.ok()) << jwt.status().ToString();
    return jwt.ok() ? *jwt : "";
  }
  static constexpr const char* kUri = "https://tessera.example/softtoken/v1/status/default";
  testing::SdJwtFixture f;
};

TEST_F(StatusListToken, SignsAndVerifies) {
  const std::string jwt = Sign();
  EXPECT_TRUE(testing::Es256VerifiesWithOpenSsl(jwt, f.issuer_key.get()));
  auto parsed = ParseJwt(jwt).value();
  EXPECT_EQ(parsed.typ, "statuslist+jwt");
  EXPECT_EQ(parsed.x5c, std::vector<Bytes>{f.issuer_cert});
  EXPECT_EQ(parsed.claims["ttl"], 300);
  EXPECT_EQ(parsed.claims["sub"], kUri);
  // docs/softtoken-format.md's example: 1024 tokens, 3 and 42 revoked.
  EXPECT_EQ(parsed.claims["status_list"], Json({{"bits", 1}, {"lst", "eNrjYAACFoYBAwAGbAAN"}}));

  auto list = VerifyStatusListToken(jwt, *f.issuer_key, kUri, kNow + 10);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->uri, kUri);
  EXPECT_EQ(list->iat, kNow);
  EXPECT_EQ(list->exp, kNow + 600);
  EXPECT_EQ(list->ttl, 300);
  ASSERT_EQ(list->bits.size(), 128u);
  EXPECT_EQ(StatusAt(list->bits, 42).value(), TokenStatus::kInvalid);
  EXPECT_EQ(StatusAt(list->bits, 3).value(), TokenStatus::kInvalid);
  EXPECT_EQ(StatusAt(list->bits, 41).value(), TokenStatus::kValid);
  EXPECT_EQ(StatusAt(list->bits, 1024).status().code(), Code::kNotFound);
}

TEST_F(StatusListToken, RefusesAnotherListExpiredWrongTypeOrKey) {
  const std::string jwt = Sign();
  EXPECT_EQ(VerifyStatusListToken(jwt, *f.issuer_key, "https://tessera.example/other", kNow)
                .status()
                .code(),
            Code::kDataMismatch);
  auto expired = VerifyStatusListToken(jwt, *f.issuer_key, kUri, kNow + 600 + 61);
  EXPECT_EQ(expired.status().code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(expired.status().message().find("expired at"), std::string::npos);
  EXPECT_EQ(VerifyStatusListToken(jwt, *f.other_key, kUri, kNow).status().code(),
            Code::kSignatureInvalid);
  auto wrong_typ = SignJwt(JwsAlg::kEs256, Json{{"typ", "jwt"}}, {}, ParseJwt(jwt)->claims,
                           testing::JwsKeySigner(JwsAlg::kEs256, *f.issuer_key));
  auto typ = VerifyStatusListToken(wrong_typ.value(), *f.issuer_key, kUri, kNow);
  EXPECT_EQ(typ.status().code(), Code::kInvalidArgument);
  EXPECT_NE(typ.status().message().find("statuslist+jwt"), std::string::npos);
  EXPECT_EQ(SignStatusListToken({kUri, kNow, kNow, 1, Json::object()}, {},
                                testing::JwsKeySigner(JwsAlg::kEs256, *f.issuer_key))
                .status()
                .code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::jose

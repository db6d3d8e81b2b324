// E-form payloads (services/cms/eform.hpp, docs/cms-eforms.md): the exact
// canonical bytes of v1 and v2, round trips, and the refusals (not
// canonical, unknown or missing members, limits), and the officer's
// comparison of v2 with what was typed (seed 000 claim 5).
#include "services/cms/eform.hpp"

#include <gtest/gtest.h>

#include "common/bytes.hpp"

namespace tessera::cms {
namespace {

EformV1 SampleV1() {
  EformV1 v1;
  v1.user_id = "u-1024";
  v1.token_serial = 57756183;
  v1.reviewed = {"passport", "X1234567"};
  v1.nonce = HexOrDie("000102030405060708090a0b0c0d0e0f");
  v1.time = 1767225600;
  v1.officer = "officer-7";
  return v1;
}

EformV2 SampleV2() {
  EformV2 v2;
  v2.request_id = "req-42";
  v2.v1_sha256 = Bytes(32, 0xAB);
  v2.user = {"u-1024", "Ada Lovelace", "Analytical Engines Ltd", "ada@example.org",
             "passport X1234567"};
  v2.token_serial = 57756183;
  v2.token_key_sha256 = Bytes(32, 0x01);
  v2.officer = "officer-7";
  v2.reviewed = {"passport", "X1234567"};
  v2.issued_at = 1767225600;
  v2.expires_at = 1767226500;
  return v2;
}

constexpr char kV1Bytes[] =
    R"({"form":"v1","nonce":"AAECAwQFBgcICQoLDA0ODw","officer":"officer-7",)"
    R"("reviewed":{"document_number":"X1234567","document_type":"passport"},)"
    R"("time":1767225600,"token_serial":57756183,"user_id":"u-1024"})";

TEST(Eform, EncodesV1CanonicallyAndDecodesItBack) {
  auto payload = EncodeV1(SampleV1());
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  EXPECT_EQ(*payload, kV1Bytes);
  auto decoded = DecodeV1(*payload);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, SampleV1());
}

TEST(Eform, EncodesV2CanonicallyAndDecodesItBack) {
  auto payload = EncodeV2(SampleV2());
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  EXPECT_EQ(*payload,
            R"({"expires_at":1767226500,"form":"v2","issued_at":1767225600,"officer":"officer-7",)"
            R"("request_id":"req-42",)"
            R"("reviewed":{"document_number":"X1234567","document_type":"passport"},)"
            R"("token":{"serial":57756183,)"
            R"("token_key_sha256":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE"},)"
            R"("user":{"document":"passport X1234567","email":"ada@example.org",)"
            R"("id":"u-1024","name":"Ada Lovelace","organization":"Analytical Engines Ltd"},)"
            R"("v1_sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s"})");
  auto decoded = DecodeV2(*payload);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, SampleV2());
  // Each form decodes only as itself.
  EXPECT_EQ(DecodeV1(*payload).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DecodeV2(kV1Bytes).status().code(), Code::kInvalidArgument);
}

TEST(Eform, KeepsNonAsciiAndControlCharactersThroughTheRoundTrip) {
  EformV2 v2 = SampleV2();
  v2.user.name = "Zo\xC3\xAB \"Q\" O'Brien\t\xF0\x9F\x98\x80";
  v2.user.organization = "";
  auto payload = EncodeV2(v2);
  ASSERT_TRUE(payload.ok()) << payload.status().ToString();
  EXPECT_NE(payload->find("\"name\":\"Zo\xC3\xAB \\\"Q\\\" O'Brien\\t\xF0\x9F\x98\x80\""),
            std::string::npos);
  EXPECT_EQ(*DecodeV2(*payload), v2);
}

void ExpectRefused(std::string_view payload, std::string_view words) {
  auto decoded = DecodeV1(payload);
  ASSERT_FALSE(decoded.ok()) << payload;
  EXPECT_EQ(decoded.status().code(), Code::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find(words), std::string::npos)
      << decoded.status().message();
}

TEST(Eform, RefusesAPayloadThatIsNotCanonical) {
  // The same members, reordered or spaced: a signer that rewrites the JSON.
  ExpectRefused(
      R"({"user_id":"u-1024","form":"v1","nonce":"AAECAwQFBgcICQoLDA0ODw","officer":"officer-7",)"
      R"("reviewed":{"document_number":"X1234567","document_type":"passport"},)"
      R"("time":1767225600,"token_serial":57756183})",
      "not canonical");
  ExpectRefused(std::string(kV1Bytes) + " ", "not canonical");
  std::string escaped = kV1Bytes;
  escaped.replace(escaped.find("u-1024"), 6, "\\u0075-1024");
  ExpectRefused(escaped, "not canonical");
  ExpectRefused("{\"form\":\"v1\",\"time\":1.5}", "not an integer");
}

TEST(Eform, RefusesUnknownAndMissingMembersByName) {
  std::string unknown = kV1Bytes;
  unknown.replace(unknown.find("\"officer\""), 0, R"("note":"x",)");
  ExpectRefused(unknown, "\"note\" is unknown");

  std::string nested = kV1Bytes;
  nested.replace(nested.find("\"document_number\""), 0, R"("country":"GB",)");
  ExpectRefused(nested, "\"reviewed.country\" is unknown");

  std::string missing = kV1Bytes;
  missing.erase(missing.find("\"time\""), std::string("\"time\":1767225600,").size());
  ExpectRefused(missing, "\"time\" is missing");

  std::string missing_nested = kV1Bytes;
  missing_nested.erase(missing_nested.find("\"document_number\""),
                       std::string(R"("document_number":"X1234567",)").size());
  ExpectRefused(missing_nested, "\"reviewed.document_number\" is missing");
}

TEST(Eform, RefusesWrongTypesAndLimits) {
  auto with = [](std::string_view from, std::string_view to) {
    std::string s = kV1Bytes;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  ExpectRefused(with("57756183", "\"57756183\""), "\"token_serial\" is not an integer");
  ExpectRefused(with("57756183", "4294967296"), "\"token_serial\" is out of range");
  ExpectRefused(with("57756183", "-1"), "\"token_serial\" is out of range");
  ExpectRefused(with("1767225600", "-5"), "\"time\" is out of range");
  ExpectRefused(with("\"AAECAwQFBgcICQoLDA0ODw\"", "\"AAECAwQFBgcICQoLDA0O\""),
                "\"nonce\" is 15 bytes");
  ExpectRefused(with("AAECAwQFBgcICQoLDA0ODw", "AAECAwQFBgcICQoLDA0ODw=="), "padding");
  ExpectRefused(with("\"u-1024\"", "\"\""), "\"user_id\" is empty");
  ExpectRefused(with("\"u-1024\"", "\"" + std::string(257, 'u') + "\""), "longer than 256");
  ExpectRefused(with("\"passport\"", "null"), "\"reviewed.document_type\" is not a string");
  ExpectRefused(with("\"form\":\"v1\"", "\"form\":\"v2\""), "\"form\":\"v1\"");
  ExpectRefused(R"(["v1"])", "\"form\":\"v1\"");

  EformV1 long_id = SampleV1();
  long_id.user_id = std::string(257, 'u');
  EXPECT_EQ(EncodeV1(long_id).status().code(), Code::kInvalidArgument);
  EformV1 short_nonce = SampleV1();
  short_nonce.nonce.resize(15);
  EXPECT_EQ(EncodeV1(short_nonce).status().code(), Code::kInvalidArgument);
  EformV1 bad_utf8 = SampleV1();
  bad_utf8.officer = "\xC3";
  EXPECT_EQ(EncodeV1(bad_utf8).status().code(), Code::kInvalidArgument);
  EformV2 short_hash = SampleV2();
  short_hash.token_key_sha256.resize(31);
  EXPECT_EQ(EncodeV2(short_hash).status().code(), Code::kInvalidArgument);
}

TEST(Eform, ComparesV2WithWhatTheOfficerTyped) {
  EXPECT_TRUE(CompareWithTyped(SampleV2(), SampleV1()).empty());

  EformV1 typed = SampleV1();
  typed.user_id = "u-1025";
  typed.token_serial = 57756184;
  typed.reviewed = {"id-card", "Y7"};
  typed.officer = "officer-9";  // not a field the officer checks against v2
  EXPECT_EQ(CompareWithTyped(SampleV2(), typed),
            (std::vector<std::string>{
                "user_id: v2 says u-1024, typed u-1025",
                "token_serial: v2 says 57756183, typed 57756184",
                "reviewed.document_type: v2 says passport, typed id-card",
                "reviewed.document_number: v2 says X1234567, typed Y7",
            }));
}

}  // namespace
}  // namespace tessera::cms

// RFC 8785 canonical JSON (services/jose/jcs.hpp): the RFC's own examples
// that use strings, literals and integers, byte for byte, and the refusals
// Tessera adds (fractions, unsafe integers, invalid UTF-8, duplicates).
#include "services/jose/jcs.hpp"

#include <gtest/gtest.h>

#include "common/bytes.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;

std::string CanonicalOf(std::string_view text) {
  auto out = Canonicalize(Json::parse(text));
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::string();
}

TEST(Jcs, SortsMembersByUtf16CodeUnitsAsRfc8785Section323) {
  // RFC 8785 §3.2.3. In UTF-8 byte order U+FB33 (EF AC B3) would come before
  // U+1F600 (F0 9F 98 80); in UTF-16 the emoji's surrogate D83D is smaller.
  const std::string input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  const std::string expected =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
      "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
      "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
      "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}";
  EXPECT_EQ(CanonicalOf(input), expected);
}

TEST(Jcs, SerializesTheStringsAndLiteralsOfRfc8785Section322) {
  // RFC 8785 §3.2.2 without its "numbers" member (fractions are refused below).
  const std::string input = R"({
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })";
  EXPECT_EQ(CanonicalOf(input),
            "{\"literals\":[null,true,false],\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\"
            "\\\"/\"}");
}

TEST(Jcs, RefusesTheFractionsOfRfc8785Section322) {
  auto out = Canonicalize(Json::parse(
      R"({"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001]})"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
  EXPECT_NE(out.status().message().find("not an integer"), std::string::npos);
  EXPECT_EQ(Canonicalize(Json(1.5)).status().code(), Code::kInvalidArgument);
}

TEST(Jcs, EscapesControlsInLowerCaseHexAndLeavesSlashAndNonAsciiAlone) {
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  EXPECT_EQ(*Canonicalize(Json(all_controls)),
            R"("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f)"
            R"(\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c)"
            R"(\u001d\u001e\u001f")");
  EXPECT_EQ(*Canonicalize(Json("\"\\/\x7F\xC3\xA9\xF0\x9F\x98\x80")),
            "\"\\\"\\\\/\x7F\xC3\xA9\xF0\x9F\x98\x80\"");
}

TEST(Jcs, SortsNestedObjectsAndKeepsArrayOrder) {
  EXPECT_EQ(CanonicalOf(R"({ "b": [3, {"z": 1, "a": 2}], "a": {"y": {}, "x": []} })"),
            R"({"a":{"x":[],"y":{}},"b":[3,{"a":2,"z":1}]})");
}

TEST(Jcs, PrintsIntegersAsEcmaScriptUpToTwoToTheFiftyThreeMinusOne) {
  // RFC 8785 Appendix B: 0, minus zero and the largest exact integers.
  EXPECT_EQ(CanonicalOf("[0, -0, 9007199254740991, -9007199254740991, 1e3, -0.0]"),
            "[0,0,9007199254740991,-9007199254740991,1000,0]");
  for (const char* unsafe : {"9007199254740992", "-9007199254740992", "18446744073709551615"}) {
    auto out = Canonicalize(Json::parse(unsafe));
    EXPECT_EQ(out.status().code(), Code::kInvalidArgument) << unsafe;
  }
}

TEST(Jcs, RefusesStringsThatAreNotUtf8) {
  for (const char* bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF"}) {
    EXPECT_EQ(Canonicalize(Json(std::string(bad))).status().code(), Code::kInvalidArgument)
        << ToHex(AsBytes(bad));
    Json object;
    object[std::string(bad)] = 1;
    EXPECT_EQ(Canonicalize(object).status().code(), Code::kInvalidArgument);
  }
}

TEST(Jcs, IsCanonicalOnlyForTheExactBytes) {
  EXPECT_TRUE(*IsCanonical(R"({"a":1,"b":[true,null,"x"]})"));
  EXPECT_TRUE(*IsCanonical("{\"\\r\":1,\"\xF0\x9F\x98\x80\":2,\"\xEF\xAC\xB3\":3}"));
  for (const char* not_canonical : {
           R"({"b":1,"a":2})",                             // unsorted
           R"({"a": 1})",                                  // whitespace
           "{\"a\":1}\n",                                  // trailing newline
           R"({"a":"\u0041"})",                            // needless escape
           R"({"a":"\/"})",                                // escaped slash
           R"({"a":"\u001F"})",                            // upper-case hex
           R"({"a":1.0})",                                 // integral fraction: canonical is 1
           R"({"a":1e2})",                                 // exponent
           "{\"\xEF\xAC\xB3\":3,\"\xF0\x9F\x98\x80\":2}",  // UTF-8 byte order
       }) {
    auto canonical = IsCanonical(not_canonical);
    ASSERT_TRUE(canonical.ok()) << not_canonical << ": " << canonical.status().ToString();
    EXPECT_FALSE(*canonical) << not_canonical;
  }
}

TEST(Jcs, IsCanonicalRefusesWhatIsNotJsonDuplicatesAndFractions) {
  auto not_json = IsCanonical(R"({"a":})");
  EXPECT_EQ(not_json.status().code(), Code::kInvalidArgument);
  EXPECT_NE(not_json.status().message().find("not JSON"), std::string::npos);

  auto duplicate = IsCanonical(R"({"a":{"b":1,"b":1}})");
  EXPECT_EQ(duplicate.status().code(), Code::kInvalidArgument);
  EXPECT_NE(duplicate.status().message().find("\"b\" twice"), std::string::npos);
  // Equal names in different objects are fine.
  EXPECT_TRUE(*IsCanonical(R"({"a":{"b":1},"b":{"b":2}})"));

  EXPECT_EQ(IsCanonical(R"({"a":1.5})").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(IsCanonical("\"\xC3\"").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::jose

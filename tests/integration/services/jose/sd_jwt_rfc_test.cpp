// RFC 9901's own examples run through services/jose: the disclosures and
// digests of §4.2.1, §4.2.2, §4.2.3 and §5.1, the whole issued SD-JWT of
// §5.1 verified with the issuer key of Appendix A.5 and processed into the
// payload §5.2 prints, and the §5.2 KB-JWT checked against the holder key
// in cnf with its sd_hash. Also the P-256 JWKs (RFC 7517 Appendix A.1,
// RFC 7518 §6.2.1, RFC 7638 thumbprints).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "common/ossl.hpp"
#include "services/jose/jwk.hpp"
#include "services/jose/jwt.hpp"
#include "services/jose/sd_jwt_parts.hpp"
#include "services/jose/sd_jwt_process.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;

// The RFC prints its base64 strings wrapped; these are joined.
std::string Join(std::initializer_list<std::string_view> lines) {
  std::string out;
  for (std::string_view line : lines) out += line;
  return out;
}

// RFC 9901 §5.1, the Issuer-signed JWT.
const std::string kIssuerJwt = Join({
    "eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImV4YW1wbGUrc2Qtand0In0.eyJfc2QiOiBb",
    "IkNyUWU3UzVrcUJBSHQtbk1ZWGdjNmJkdDJTSDVhVFkxc1VfTS1QZ2tqUEkiLCAiSnpZ",
    "akg0c3ZsaUgwUjNQeUVNZmVadTZKdDY5dTVxZWhabzdGN0VQWWxTRSIsICJQb3JGYnBL",
    "dVZ1Nnh5bUphZ3ZrRnNGWEFiUm9jMkpHbEFVQTJCQTRvN2NJIiwgIlRHZjRvTGJnd2Q1",
    "SlFhSHlLVlFaVTlVZEdFMHc1cnREc3JaemZVYW9tTG8iLCAiWFFfM2tQS3QxWHlYN0tB",
    "TmtxVlI2eVoyVmE1TnJQSXZQWWJ5TXZSS0JNTSIsICJYekZyendzY002R242Q0pEYzZ2",
    "Vks4QmtNbmZHOHZPU0tmcFBJWmRBZmRFIiwgImdiT3NJNEVkcTJ4Mkt3LXc1d1BFemFr",
    "b2I5aFYxY1JEMEFUTjNvUUw5Sk0iLCAianN1OXlWdWx3UVFsaEZsTV8zSmx6TWFTRnpn",
    "bGhRRzBEcGZheVF3TFVLNCJdLCAiaXNzIjogImh0dHBzOi8vaXNzdWVyLmV4YW1wbGUu",
    "Y29tIiwgImlhdCI6IDE2ODMwMDAwMDAsICJleHAiOiAxODgzMDAwMDAwLCAic3ViIjog",
    "InVzZXJfNDIiLCAibmF0aW9uYWxpdGllcyI6IFt7Ii4uLiI6ICJwRm5kamtaX1ZDem15",
    "VGE2VWpsWm8zZGgta284YUlLUWM5RGxHemhhVllvIn0sIHsiLi4uIjogIjdDZjZKa1B1",
    "ZHJ5M2xjYndIZ2VaOGtoQXYxVTFPU2xlclAwVmtCSnJXWjAifV0sICJfc2RfYWxnIjog",
    "InNoYS0yNTYiLCAiY25mIjogeyJqd2siOiB7Imt0eSI6ICJFQyIsICJjcnYiOiAiUC0y",
    "NTYiLCAieCI6ICJUQ0FFUjE5WnZ1M09IRjRqNFc0dmZTVm9ISVAxSUxpbERsczd2Q2VH",
    "ZW1jIiwgInkiOiAiWnhqaVdXYlpNUUdIVldLVlE0aGJTSWlyc1ZmdWVjQ0U2dDRqVDlG",
    "MkhaUSJ9fX0.MczwjBFGtzf-6WMT-hIvYbkb11NrV1WMO-jTijpMPNbswNzZ87wY2uHz",
    "-CXo6R04b7jYrpj9mNRAvVssXou1iw",
});

// RFC 9901 §5.2: the four Disclosures presented (family_name, address,
// given_name, the "US" nationality) and the KB-JWT.
const std::string kPresentedDisclosures = Join({
    "WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIkRvZSJd~",
    "WyJBSngtMDk1VlBycFR0TjRRTU9xUk9BIiwgImFkZHJlc3MiLCB7InN0cmVldF9hZGRy",
    "ZXNzIjogIjEyMyBNYWluIFN0IiwgImxvY2FsaXR5IjogIkFueXRvd24iLCAicmVnaW9u",
    "IjogIkFueXN0YXRlIiwgImNvdW50cnkiOiAiVVMifV0~",
    "WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd~",
    "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIlVTIl0~",
});
const std::string kKbJwt = Join({
    "eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImtiK2p3dCJ9.eyJub25jZSI6ICIxMjM0NTY3",
    "ODkwIiwgImF1ZCI6ICJodHRwczovL3ZlcmlmaWVyLmV4YW1wbGUub3JnIiwgImlhdCI6",
    "IDE3NDg1MzcyNDQsICJzZF9oYXNoIjogIjBfQWYtMkItRWhMV1g1eWRoX3cyeHp3bU82",
    "aU02NkJfMlFDRWFuSTRmVVkifQ.T3SIus2OidNl41nmVkTZVCKKhOAX97aOldMyHFiYj",
    "Hm261eLiJ1YiuONFiMN8QlCmYzDlBLAdPvrXh52KaLgUQ",
});

// RFC 9901 Appendix A.5, the issuer's public key.
const Json kIssuerJwk = {{"kty", "EC"},
                         {"crv", "P-256"},
                         {"x", "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ"},
                         {"y", "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}};

TEST(SdJwtRfc9901, DisclosureDigestsAreTheRfcs) {
  struct Case {
    const char* disclosure;
    const char* digest;
  };
  const Case cases[] = {
      // §4.2.1 / §4.2.3: ["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"]
      {"WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0",
       "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"},
      // §5.1: ["2GLC42sKQveCfGfryNRN9w", "given_name", "John"]
      {"WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd",
       "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4"},
      {"WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIkRvZSJd",
       "TGf4oLbgwd5JQaHyKVQZU9UdGE0w5rtDsrZzfUaomLo"},
      {"WyJHMDJOU3JRZmpGWFE3SW8wOXN5YWpBIiwgInVwZGF0ZWRfYXQiLCAxNTcwMDAwMDAwXQ",
       "CrQe7S5kqBAHt-nMYXgc6bdt2SH5aTY1sU_M-PgkjPI"},
      // §5.1 array entry ["lklxF5jMYlGTPUovMNIvCA", "US"]
      {"WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIlVTIl0",
       "pFndjkZ_VCzmyTa6UjlZo3dh-ko8aIKQc9DlGzhaVYo"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DisclosureDigest(c.disclosure), c.digest) << c.disclosure;
    auto parsed = ParseDisclosure(c.disclosure);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->digest, c.digest);
  }
  auto given = ParseDisclosure(cases[1].disclosure);
  EXPECT_EQ(given->salt, "2GLC42sKQveCfGfryNRN9w");
  EXPECT_EQ(given->name, "given_name");
  EXPECT_EQ(given->value, "John");
  auto mobius = ParseDisclosure(cases[0].disclosure);
  EXPECT_EQ(mobius->value,
            "M\xC3\xB6"
            "bius");
  // §4.2.2: ["lklxF5jMYlGTPUovMNIvCA", "FR"], an array element: no name.
  auto fr = ParseDisclosure("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0");
  ASSERT_TRUE(fr.ok());
  EXPECT_FALSE(fr->name.has_value());
  EXPECT_EQ(fr->value, "FR");
}

TEST(SdJwtRfc9901, SameSaltNameValueMakeTheCanonicalDisclosure) {
  // §4.2.1 allows any JSON spelling; Tessera writes JCS. The RFC's "no
  // white space" variant of the Möbius disclosure is exactly that.
  auto d = MakeDisclosure("_26bc4LT-ac6q2KI6cBW5es", "family_name",
                          "M\xC3\xB6"
                          "bius");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->encoded, "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsImZhbWlseV9uYW1lIiwiTcO2Yml1cyJd");
  EXPECT_EQ(d->digest, DisclosureDigest(d->encoded));
}

TEST(SdJwtRfc9901, IssuedExampleVerifiesAndProcessesToSection52sPayload) {
  auto issuer = PublicKeyFromJwk(kIssuerJwk);
  ASSERT_TRUE(issuer.ok()) << issuer.status().ToString();
  const std::string presentation = kIssuerJwt + "~" + kPresentedDisclosures + kKbJwt;
  auto parts = SplitSdJwt(presentation);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->disclosures.size(), 4u);
  EXPECT_EQ(parts->kb_jwt, kKbJwt);

  auto jwt = VerifyJwt(parts->issuer_jwt, **issuer);
  ASSERT_TRUE(jwt.ok()) << jwt.status().ToString();
  EXPECT_EQ(jwt->typ, "example+sd-jwt");
  std::vector<Disclosure> disclosures;
  for (std::string_view d : parts->disclosures) disclosures.push_back(ParseDisclosure(d).value());
  auto processed = ProcessSdJwtPayload(jwt->claims, disclosures);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  const Json expected = Json::parse(R"({
    "iss": "https://issuer.example.com", "iat": 1683000000, "exp": 1883000000,
    "sub": "user_42", "nationalities": ["US"],
    "cnf": {"jwk": {"kty": "EC", "crv": "P-256",
                    "x": "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc",
                    "y": "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}},
    "family_name": "Doe",
    "address": {"street_address": "123 Main St", "locality": "Anytown",
                "region": "Anystate", "country": "US"},
    "given_name": "John"})");
  EXPECT_EQ(processed->payload, expected) << processed->payload.dump();
  std::vector<std::string> names = processed->top_level_disclosed;
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"address", "family_name", "given_name"}));

  // §5.2's KB-JWT: signed by the cnf key, its sd_hash over the presentation
  // through the last '~'.
  auto holder = PublicKeyFromJwk(processed->payload["cnf"]["jwk"]);
  ASSERT_TRUE(holder.ok());
  auto kb = VerifyJwt(parts->kb_jwt, **holder);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
  EXPECT_EQ(kb->typ, "kb+jwt");
  EXPECT_EQ(kb->claims["sd_hash"], "0_Af-2B-EhLWX5ydh_w2xzwmO6iM66B_2QCEanI4fUY");
  EXPECT_EQ(SdHash(parts->sd_jwt), "0_Af-2B-EhLWX5ydh_w2xzwmO6iM66B_2QCEanI4fUY");
  EXPECT_EQ(kb->claims["nonce"], "1234567890");
  EXPECT_EQ(kb->claims["aud"], "https://verifier.example.org");
  // The issuer's key does not verify the holder's JWT.
  EXPECT_EQ(VerifyJwt(parts->kb_jwt, **issuer).status().code(), Code::kSignatureInvalid);
}

TEST(SdJwtRfc9901, AnExtraOrRepeatedDisclosureIsRefused) {
  auto jwt = ParseJwt(kIssuerJwt).value();
  const Disclosure given =
      ParseDisclosure("WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd").value();
  auto twice = ProcessSdJwtPayload(jwt.claims, {given, given});
  EXPECT_EQ(twice.status().code(), Code::kInvalidArgument);
  EXPECT_NE(twice.status().message().find("sent twice"), std::string::npos);
  // §4.2.1's Möbius disclosure is not referenced by this SD-JWT (§7.1 step 5).
  const Disclosure stranger =
      ParseDisclosure("WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0")
          .value();
  auto unreferenced = ProcessSdJwtPayload(jwt.claims, {given, stranger});
  EXPECT_EQ(unreferenced.status().code(), Code::kInvalidArgument);
  EXPECT_NE(unreferenced.status().message().find("not referenced"), std::string::npos)
      << unreferenced.status().message();
}

TEST(Jwk, Rfc7517AppendixA1KeyRoundTripsThroughSpki) {
  const Json jwk = {{"kty", "EC"},
                    {"crv", "P-256"},
                    {"x", "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4"},
                    {"y", "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"},
                    {"use", "enc"}};
  // "use":"enc" is refused: the soft token's keys only sign.
  EXPECT_NE(SpkiFromJwk(jwk).status().message().find("\"use\""), std::string::npos);
  Json sig = jwk;
  sig["use"] = "sig";
  sig["kid"] = "1";
  auto spki = SpkiFromJwk(sig);
  ASSERT_TRUE(spki.ok()) << spki.status().ToString();
  ASSERT_EQ(spki->size(), 91u);  // the fixed P-256 uncompressed SPKI
  auto key = ossl::PublicKeyFromDer(*spki);
  ASSERT_TRUE(key.ok());
  auto back = JwkFromSpki(*spki);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, Json({{"kty", "EC"}, {"crv", "P-256"}, {"x", jwk["x"]}, {"y", jwk["y"]}}));
  // RFC 7638 §3.2 over {"crv","kty","x","y"}; the value computed apart
  // (Python hashlib) for this key.
  EXPECT_EQ(JwkThumbprint(sig).value(), "cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s");
  EXPECT_EQ(JwkThumbprint(kIssuerJwk).status().code(), Code::kOk);
}

TEST(Jwk, StrictParsingNamesTheMember) {
  const Json good = kIssuerJwk;
  struct Case {
    const char* member;
    Json value;
    const char* says;
  };
  const Case cases[] = {
      {"kty", "RSA", "\"kty\""},
      {"crv", "P-384", "\"crv\""},
      {"x", "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNt", "\"x\""},  // 31 bytes
      {"y", 12, "\"y\""},
      {"d", "Ur2bNKuBPOrAaxsRnbSH6hIhmNTxSGXshDSUD1a1y7g", "\"d\""},
      {"x5c", Json::array(), "\"x5c\""},
      {"alg", "ES384", "\"alg\""},
  };
  for (const Case& c : cases) {
    Json jwk = good;
    jwk[c.member] = c.value;
    auto spki = SpkiFromJwk(jwk);
    EXPECT_EQ(spki.status().code(), Code::kInvalidArgument) << c.member;
    EXPECT_NE(spki.status().message().find(c.says), std::string::npos) << spki.status().message();
  }
  Json missing = good;
  missing.erase("y");
  EXPECT_NE(SpkiFromJwk(missing).status().message().find("\"y\" is missing"), std::string::npos);
  EXPECT_EQ(SpkiFromJwk(Json::array()).status().code(), Code::kInvalidArgument);
}

TEST(Jwk, APointOffTheCurveIsRefused) {
  Json off = kIssuerJwk;
  // The issuer's x with the RFC 7517 A.1 key's y: not a point on P-256.
  off["y"] = "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM";
  auto spki = SpkiFromJwk(off);
  EXPECT_EQ(spki.status().code(), Code::kInvalidArgument);
  EXPECT_NE(spki.status().message().find("not a point on P-256"), std::string::npos);
  // x = p (the field prime) is no coordinate at all.
  off["x"] = "_____wAAAAEAAAAAAAAAAAAAAAD_______________8";
  EXPECT_EQ(SpkiFromJwk(off).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(JwkThumbprint(off).status().code(), Code::kInvalidArgument);
  // An SPKI of another curve has no P-256 JWK.
  ossl::PkeyPtr p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  auto der = ossl::PublicKeyToDer(p384.get());
  EXPECT_EQ(JwkFromSpki(*der).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(JwkFromSpki(Bytes{0x30, 0x00}).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::jose

// JWS compact serialization (services/jose/jws.hpp): signing with OpenSSL
// keys in each algorithm, RFC 7515 Appendix A.3, algorithm substitution,
// tampering, strict base64url, and the ECDSA DER <-> r || s conversion.
#include "services/jose/jws.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "tests/integration/services/jose/jws_key_signer.hpp"

namespace tessera::jose {
namespace {

ossl::PkeyPtr NewKey(const char* type, const char* curve_or_bits) {
  if (std::string_view(type) == "RSA") {
    return ossl::PkeyPtr(
        EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(std::stoul(curve_or_bits))));
  }
  return ossl::PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve_or_bits));
}

const EVP_PKEY& P256() {
  static ossl::PkeyPtr key = NewKey("EC", "P-256");
  return *key;
}
const EVP_PKEY& P384() {
  static ossl::PkeyPtr key = NewKey("EC", "P-384");
  return *key;
}
const EVP_PKEY& Rsa2048() {
  static ossl::PkeyPtr key = NewKey("RSA", "2048");
  return *key;
}

std::string Sign(JwsAlg alg, const EVP_PKEY& key, const std::string& payload = "{\"a\":1}") {
  auto jws = SignCompact(alg, "tessera-eform-v1+jws", "officer-7", payload,
                         tessera::testing::JwsKeySigner(alg, key));
  EXPECT_TRUE(jws.ok()) << jws.status().ToString();
  return jws.ok() ? *jws : std::string();
}

std::vector<std::string> Split(const std::string& jws) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = jws.find('.', start)) != std::string::npos; start = dot + 1) {
    parts.push_back(jws.substr(start, dot - start));
  }
  parts.push_back(jws.substr(start));
  return parts;
}

std::string B64(std::string_view text) { return Base64UrlEncode(AsBytes(text)); }

TEST(Jws, SignsAndVerifiesEachAlgorithmWithOpenSslKeys) {
  struct Case {
    JwsAlg alg;
    const EVP_PKEY& key;
    std::size_t signature_bytes;
  };
  for (const Case& c :
       {Case{JwsAlg::kEs256, P256(), 64}, Case{JwsAlg::kEs384, P384(), 96},
        Case{JwsAlg::kRs256, Rsa2048(), 256}, Case{JwsAlg::kPs256, Rsa2048(), 256}}) {
    SCOPED_TRACE(std::string(ToString(c.alg)));
    const std::string jws = Sign(c.alg, c.key, "payload bytes");
    const auto parts = Split(jws);
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(AsString(*Base64UrlDecode(parts[0])),
              R"({"alg":")" + std::string(ToString(c.alg)) +
                  R"(","kid":"officer-7","typ":"tessera-eform-v1+jws"})");
    EXPECT_EQ(Base64UrlDecode(parts[2])->size(), c.signature_bytes);

    auto verified = VerifyCompact(jws, c.key);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_EQ(verified->alg, c.alg);
    EXPECT_EQ(verified->typ, "tessera-eform-v1+jws");
    EXPECT_EQ(verified->kid, std::optional<std::string>("officer-7"));
    EXPECT_EQ(verified->payload, "payload bytes");
  }
  EXPECT_EQ(*JwsAlgFor(P256()), JwsAlg::kEs256);
  EXPECT_EQ(*JwsAlgFor(P384()), JwsAlg::kEs384);
  EXPECT_EQ(*JwsAlgFor(Rsa2048()), JwsAlg::kRs256);
}

TEST(Jws, VerifiesTheEs256ExampleOfRfc7515AppendixA3) {
  // The JWK of A.3: {"kty":"EC","crv":"P-256","x":..., "y":...}.
  Bytes point{0x04};
  Append(point, *Base64UrlDecode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"));
  Append(point, *Base64UrlDecode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"));
  const std::array<OSSL_PARAM, 3> params = {ossl::Utf8Param(OSSL_PKEY_PARAM_GROUP_NAME, "P-256"),
                                            ossl::OctetParam(OSSL_PKEY_PARAM_PUB_KEY, point),
                                            OSSL_PARAM_construct_end()};
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  ASSERT_EQ(EVP_PKEY_fromdata_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY,
                              const_cast<OSSL_PARAM*>(params.data())),
            1);
  ossl::PkeyPtr key(raw);

  const std::string a3 =
      "eyJhbGciOiJFUzI1NiJ9"
      ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnV"
      "lfQ"
      ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
  auto verified = VerifyCompact(a3, *key);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->alg, JwsAlg::kEs256);
  EXPECT_EQ(verified->typ, "");
  EXPECT_FALSE(verified->kid.has_value());
  // The payload is whatever bytes were signed; JWS does not ask for JCS.
  EXPECT_EQ(verified->payload,
            "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");

  std::string flipped = a3;
  flipped.back() = flipped.back() == 'Q' ? 'g' : 'Q';
  EXPECT_EQ(VerifyCompact(flipped, *key).status().code(), Code::kSignatureInvalid);
}

TEST(Jws, AnRsaPssKeyVerifiesOnlyPs256) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
  EVP_PKEY* raw = nullptr;
  ASSERT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048), 1);
  ASSERT_EQ(EVP_PKEY_generate(ctx.get(), &raw), 1);
  ossl::PkeyPtr pss(raw);
  EXPECT_EQ(*JwsAlgFor(*pss), JwsAlg::kPs256);
  const std::string jws = Sign(JwsAlg::kPs256, *pss);
  auto verified = VerifyCompact(jws, *pss);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  const auto parts = Split(jws);
  const std::string rs256 = B64(R"({"alg":"RS256"})") + "." + parts[1] + "." + parts[2];
  EXPECT_EQ(VerifyCompact(rs256, *pss).status().code(), Code::kSignatureInvalid);
}

TEST(Jws, RefusesAlgorithmSubstitution) {
  const std::string es256 = Sign(JwsAlg::kEs256, P256());
  auto with_rsa = VerifyCompact(es256, Rsa2048());
  EXPECT_EQ(with_rsa.status().code(), Code::kSignatureInvalid);
  EXPECT_NE(with_rsa.status().message().find("does not fit"), std::string::npos);
  EXPECT_EQ(VerifyCompact(es256, P384()).status().code(), Code::kSignatureInvalid);

  // An RS256 header over an ECDSA signature, checked with the EC key.
  const auto parts = Split(es256);
  const std::string rs256 = B64(R"({"alg":"RS256"})") + "." + parts[1] + "." + parts[2];
  auto substituted = VerifyCompact(rs256, P256());
  EXPECT_EQ(substituted.status().code(), Code::kSignatureInvalid);
  EXPECT_NE(substituted.status().message().find("RS256 does not fit"), std::string::npos);

  for (const char* alg : {"none", "HS256", "ES512", "es256"}) {
    const std::string unsecured =
        B64(std::string(R"({"alg":")") + alg + "\"}") + "." + parts[1] + ".";
    auto none = VerifyCompact(unsecured, P256());
    EXPECT_EQ(none.status().code(), Code::kInvalidArgument) << alg;
    EXPECT_NE(none.status().message().find("is not one of"), std::string::npos) << alg;
  }
}

TEST(Jws, ATamperedHeaderPayloadOrSignatureDoesNotVerify) {
  const std::string jws = Sign(JwsAlg::kEs256, P256(), R"({"user_id":"u1"})");
  const auto parts = Split(jws);
  const std::string header =
      B64(R"({"alg":"ES256","kid":"officer-8","typ":"tessera-eform-v1+jws"})");
  Bytes signature = *Base64UrlDecode(parts[2]);
  signature[10] ^= 0x01;
  for (const std::string& tampered :
       {header + "." + parts[1] + "." + parts[2],
        parts[0] + "." + B64(R"({"user_id":"u2"})") + "." + parts[2],
        parts[0] + "." + parts[1] + "." + Base64UrlEncode(signature),
        parts[0] + "." + parts[1] + "." + Base64UrlEncode(Bytes(64, 0)),
        parts[0] + "." + parts[1] + "." + parts[2].substr(0, 40)}) {
    EXPECT_EQ(VerifyCompact(tampered, P256()).status().code(), Code::kSignatureInvalid) << tampered;
  }
  const std::string rsa = Sign(JwsAlg::kPs256, Rsa2048());
  const auto rsa_parts = Split(rsa);
  const std::string as_rs256 =
      B64(R"({"alg":"RS256","kid":"officer-7","typ":"tessera-eform-v1+jws"})") + "." +
      rsa_parts[1] + "." + rsa_parts[2];
  EXPECT_EQ(VerifyCompact(as_rs256, Rsa2048()).status().code(), Code::kSignatureInvalid);
}

TEST(Jws, RefusesPaddingWhitespaceAndOtherShapes) {
  const std::string jws = Sign(JwsAlg::kEs256, P256(), "x");  // payload "eA"
  const auto p = Split(jws);
  struct Case {
    std::string text;
    std::string names;
  };
  for (const Case& c :
       {Case{p[0] + "." + p[1] + "==." + p[2], "JWS payload: base64url has padding"},
        Case{p[0] + "=." + p[1] + "." + p[2], "JWS header"},
        Case{p[0] + "." + p[1] + "." + p[2] + "\n", "JWS signature"}, Case{" " + jws, "JWS header"},
        Case{p[0] + ". " + p[1] + "." + p[2], "JWS payload"},
        Case{p[0] + "." + p[1] + "." + p[2].substr(1) + "+", "JWS signature"},
        Case{p[0] + "." + p[1], "three parts"}, Case{jws + ".", "three parts"},
        Case{jws + "." + p[2], "three parts"}}) {
    auto parsed = ParseCompact(c.text);
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument) << c.text;
    EXPECT_NE(parsed.status().message().find(c.names), std::string::npos)
        << parsed.status().message();
    EXPECT_EQ(VerifyCompact(c.text, P256()).status().code(), Code::kInvalidArgument);
  }
}

TEST(Jws, RefusesHeadersOutsideAlgTypKid) {
  const std::string rest = "." + B64("x") + "." + Base64UrlEncode(Bytes(64, 1));
  for (const char* header : {R"({"typ":"t","alg":"ES256"})", R"({"alg":"ES256", "typ":"t"})",
                             R"({"alg":"ES256","crit":["exp"]})", R"({"alg":"ES256","jwk":{}})",
                             R"({"alg":"ES256","kid":7})", R"({"typ":"t"})", R"(["ES256"])",
                             R"({"alg":"ES256","alg":"ES256"})", "not json"}) {
    auto parsed = ParseCompact(B64(header) + rest);
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument) << header;
  }
}

TEST(Jws, RefusesASignerThatGivesDerInsteadOfRs) {
  JwsSigner der = [](const std::string&) -> Result<Bytes> { return Bytes(70, 0x30); };
  EXPECT_EQ(SignCompact(JwsAlg::kEs256, "t", std::nullopt, "x", der).status().code(),
            Code::kInvalidArgument);
  JwsSigner failing = [](const std::string&) -> Result<Bytes> {
    return Status::SecurityStatus("PIN not verified");
  };
  EXPECT_EQ(SignCompact(JwsAlg::kEs256, "t", std::nullopt, "x", failing).status().code(),
            Code::kSecurityStatus);
}

TEST(Jws, ConvertsEcdsaBetweenDerAndRs) {
  // RFC 7515 A.3's signature: r starts 0E, s starts C5 (so DER adds a 00).
  const Bytes jose = *Base64UrlDecode(
      "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q");
  const Bytes r(jose.begin(), jose.begin() + 32);
  const Bytes s(jose.begin() + 32, jose.end());
  const Bytes der = Concat({HexOrDie("3045"
                                     "0220"),
                            r,
                            HexOrDie("0221"
                                     "00"),
                            s});
  EXPECT_EQ(ToHex(*EcdsaJoseToDer(jose)), ToHex(der));
  EXPECT_EQ(ToHex(*EcdsaDerToJose(der, 32)), ToHex(jose));

  // Short integers are left-padded to the field.
  const Bytes small_der = HexOrDie(
      "3006"
      "020101"
      "02017f");
  Bytes expected(64, 0);
  expected[31] = 0x01;
  expected[63] = 0x7f;
  EXPECT_EQ(ToHex(*EcdsaDerToJose(small_der, 32)), ToHex(expected));
  EXPECT_EQ(ToHex(*EcdsaJoseToDer(expected)), ToHex(small_der));

  EXPECT_EQ(EcdsaDerToJose(der, 16).status().code(), Code::kInvalidArgument);  // r too long
  EXPECT_EQ(EcdsaDerToJose(Concat({der, HexOrDie("00")}), 32).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(EcdsaDerToJose(HexOrDie("0401020304"), 32).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EcdsaJoseToDer(Bytes(63, 1)).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EcdsaJoseToDer(Bytes{}).status().code(), Code::kInvalidArgument);
}

TEST(Jws, Base64UrlIsRfc4648Section5WithoutPadding) {
  // RFC 4648 §10's vectors, padding removed.
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(B64(plain), encoded);
    EXPECT_EQ(AsString(*Base64UrlDecode(encoded)), plain);
  }
  EXPECT_EQ(Base64UrlEncode(HexOrDie("fbff")), "-_8");
  EXPECT_EQ(ToHex(*Base64UrlDecode("-_8")), "fbff");
  for (const char* bad : {"Zg==", "Zm9", "Z", "Zh", "+/8", "Zm 9v", "Zm9v\n"}) {
    EXPECT_EQ(Base64UrlDecode(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(Jws, GivesNoAlgForKeysJwsDoesNotCoverHere) {
  ossl::PkeyPtr small_rsa = NewKey("RSA", "1024");
  ossl::PkeyPtr ed25519 = NewKey("ED25519", nullptr);
  ossl::PkeyPtr p521 = NewKey("EC", "P-521");
  EXPECT_EQ(JwsAlgFor(*small_rsa).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(JwsAlgFor(*ed25519).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(JwsAlgFor(*p521).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(VerifyCompact(Sign(JwsAlg::kRs256, *small_rsa), *small_rsa).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::jose

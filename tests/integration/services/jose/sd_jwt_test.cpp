// The soft token as SD-JWT VC (services/jose/sd_jwt.hpp) with real P-256
// keys: what the issuer writes byte for byte (header, payload, one
// Disclosure per attribute), its signature checked with plain OpenSSL, a
// presentation with a KB-JWT verified back, and the x5c chain read out.
#include "services/jose/sd_jwt.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "services/jose/jwk.hpp"
#include "services/jose/jwt.hpp"
#include "services/jose/sd_jwt_parts.hpp"
#include "tests/integration/services/jose/jws_key_signer.hpp"
#include "tests/integration/services/jose/sd_jwt_fixture.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;
using testing::kNow;

class SdJwt : public ::testing::Test {
 protected:
  testing::SdJwtFixture f;
};

TEST_F(SdJwt, IssuedTokenHasTheProfilesHeaderPayloadAndDisclosures) {
  const std::string issued = f.Issue();
  auto parts = SplitSdJwt(issued);
  ASSERT_TRUE(parts.ok()) << issued;
  EXPECT_TRUE(parts->kb_jwt.empty());
  EXPECT_EQ(parts->sd_jwt, issued);  // ends in '~'
  ASSERT_EQ(parts->disclosures.size(), 7u);

  const std::size_t dot = issued.find('.');
  const std::string header = AsString(Base64UrlDecode(issued.substr(0, dot)).value());
  EXPECT_EQ(header, R"({"alg":"ES256","typ":"dc+sd-jwt","x5c":[")" + Base64Encode(f.issuer_cert) +
                        R"(",")" + Base64Encode(f.ca_cert) + R"("]})");

  auto jwt = ParseJwt(parts->issuer_jwt);
  ASSERT_TRUE(jwt.ok());
  const Json& c = jwt->claims;
  EXPECT_EQ(c["iss"], "https://tessera.example/softtoken");
  EXPECT_EQ(c["iat"], kNow);
  EXPECT_EQ(c["exp"], kNow + 86400);
  EXPECT_EQ(c["vct"], "urn:tessera:softtoken:id-attributes:1");
  EXPECT_EQ(c["cnf"]["jwk"], JwkFromSpki(f.device_spki).value());
  EXPECT_EQ(c["status"], Json::parse(R"({"status_list":{"idx":42,
      "uri":"https://tessera.example/softtoken/v1/status/default"}})"));
  EXPECT_EQ(c["_sd_alg"], "sha-256");
  EXPECT_EQ(c.size(), 8u) << c.dump();  // nothing else is visible
  ASSERT_EQ(c["_sd"].size(), 7u);
  EXPECT_TRUE(std::is_sorted(c["_sd"].begin(), c["_sd"].end()));

  std::map<std::string, Json> seen;
  for (std::string_view encoded : parts->disclosures) {
    auto d = ParseDisclosure(encoded);
    ASSERT_TRUE(d.ok());
    EXPECT_NE(std::find(c["_sd"].begin(), c["_sd"].end(), d->digest), c["_sd"].end());
    EXPECT_EQ(Base64UrlDecode(d->salt)->size(), 16u);  // RFC 9901 §9.3: 128 bits
    // Written canonically: ["<salt>","<name>",<value>] without spaces.
    EXPECT_EQ(AsString(Base64UrlDecode(encoded).value()),
              R"([")" + d->salt + R"(",")" + *d->name + R"(",)" + d->value.dump() + "]");
    seen[*d->name] = d->value;
  }
  std::map<std::string, Json> expected;
  for (const auto& [name, value] : testing::SdJwtFixture::Attributes()) expected[name] = value;
  EXPECT_EQ(seen, expected);
}

TEST_F(SdJwt, IssuerSignatureVerifiesWithPlainOpenSsl) {
  const std::string issued = f.Issue();
  const std::string jwt = issued.substr(0, issued.find('~'));
  EXPECT_TRUE(testing::Es256VerifiesWithOpenSsl(jwt, f.issuer_key.get()));
  EXPECT_FALSE(testing::Es256VerifiesWithOpenSsl(jwt, f.other_key.get()));
}

TEST_F(SdJwt, PresentationWithKeyBindingVerifies) {
  const std::string issued = f.Issue();
  const std::string presented = f.Present(issued);
  auto parts = SplitSdJwt(presented);
  ASSERT_TRUE(parts.ok()) << presented;
  EXPECT_EQ(parts->disclosures.size(), 2u);
  ASSERT_FALSE(parts->kb_jwt.empty());
  EXPECT_TRUE(testing::Es256VerifiesWithOpenSsl(std::string(parts->kb_jwt), f.device_key.get()));
  const std::string kb_header =
      AsString(Base64UrlDecode(parts->kb_jwt.substr(0, parts->kb_jwt.find('.'))).value());
  EXPECT_EQ(kb_header, R"({"alg":"ES256","typ":"kb+jwt"})");
  auto kb = ParseJwt(parts->kb_jwt);
  EXPECT_EQ(kb->claims, Json({{"aud", "https://rp.example"},
                              {"iat", kNow},
                              {"nonce", "n-0S6_WzA2Mj"},
                              {"sd_hash", SdHash(parts->sd_jwt)}}));

  auto verified = VerifySdJwt(presented, *f.issuer_key, f.Options());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->key_bound);
  EXPECT_EQ(verified->disclosed,
            (std::map<std::string, Json>{{"name", "Jane Doe"}, {"email", "jane.doe@example.org"}}));
  EXPECT_EQ(verified->claims["name"], "Jane Doe");
  EXPECT_FALSE(verified->claims.contains("user_id"));
  EXPECT_FALSE(verified->claims.contains("_sd"));
  EXPECT_FALSE(verified->claims.contains("_sd_alg"));
  EXPECT_EQ(verified->cnf_spki, f.device_spki);
  ASSERT_TRUE(verified->status.has_value());
  EXPECT_EQ(verified->status->idx, 42u);
  EXPECT_EQ(verified->status->uri, "https://tessera.example/softtoken/v1/status/default");
  EXPECT_EQ(verified->x5c, (std::vector<Bytes>{f.issuer_cert, f.ca_cert}));
  EXPECT_EQ(verified->iat, kNow);
  EXPECT_EQ(verified->exp, kNow + 86400);
  EXPECT_EQ(verified->iss, "https://tessera.example/softtoken");
  EXPECT_EQ(verified->vct, kSoftTokenVct);

  // docs/softtoken-format.md's example comes from here.
  if (const char* out = std::getenv("TESSERA_SDJWT_EXAMPLE_OUT")) {
    std::ofstream(out) << "issued " << issued << "\npresented " << presented << "\n";
  }
}

TEST_F(SdJwt, HolderMayVerifyTheIssuedTokenWithoutKeyBinding) {
  auto options = f.Options();
  options.require_key_binding = false;
  options.expected_aud.clear();
  options.expected_nonce.clear();
  auto verified = VerifySdJwt(f.Issue(), *f.issuer_key, options);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_FALSE(verified->key_bound);
  EXPECT_EQ(verified->disclosed.size(), 7u);
  EXPECT_EQ(verified->disclosed["card_serial"], 12345678);
}

TEST_F(SdJwt, PresentingNothingOrEverythingWorks) {
  const std::string issued = f.Issue();
  auto none = PresentSdJwt(issued, {}, f.Binding(*f.device_key));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->substr(0, none->find('~') + 1), issued.substr(0, issued.find('~') + 1));
  auto verified = VerifySdJwt(*none, *f.issuer_key, f.Options());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->disclosed.empty());

  std::set<std::string> all;
  for (const auto& [name, value] : testing::SdJwtFixture::Attributes()) all.insert(name);
  auto every = PresentSdJwt(issued, all, std::nullopt);
  ASSERT_TRUE(every.ok());
  EXPECT_EQ(*every, issued);  // the issued SD-JWT, in its order, no KB-JWT
}

TEST_F(SdJwt, IssuerChainIsReadWithoutVerifying) {
  const std::string presented = f.Present(f.Issue());
  auto chain = SdJwtIssuerChain(presented);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(*chain, (std::vector<Bytes>{f.issuer_cert, f.ca_cert}));
  // The leaf's key is the one that verifies.
  auto leaf = ossl::CertFromDer(chain->front());
  ASSERT_TRUE(leaf.ok());
  EXPECT_TRUE(VerifySdJwt(presented, *X509_get0_pubkey(leaf->get()), f.Options()).ok());
}

TEST_F(SdJwt, DecoyDigestsAreIgnored) {
  // RFC 9901 §4.2.5: digests no Disclosure matches.
  const std::string issued = f.Issue();
  auto parts = SplitSdJwt(issued).value();
  Json payload = ParseJwt(parts.issuer_jwt)->claims;
  payload["_sd"].push_back(DisclosureDigest("decoy-1"));
  payload["_sd"].push_back(DisclosureDigest("decoy-2"));
  auto jwt = SignJwt(JwsAlg::kEs256, Json{{"typ", "dc+sd-jwt"}}, {f.issuer_cert}, payload,
                     testing::JwsKeySigner(JwsAlg::kEs256, *f.issuer_key));
  ASSERT_TRUE(jwt.ok());
  std::string rebuilt = *jwt + "~";
  for (std::string_view d : parts.disclosures) rebuilt += std::string(d) + "~";
  auto presented = PresentSdJwt(rebuilt, {"email"}, f.Binding(*f.device_key));
  ASSERT_TRUE(presented.ok());
  auto verified = VerifySdJwt(*presented, *f.issuer_key, f.Options());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->disclosed.size(), 1u);
}

}  // namespace
}  // namespace tessera::jose

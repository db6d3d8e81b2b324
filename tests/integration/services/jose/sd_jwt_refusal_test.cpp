// What VerifySdJwt, PresentSdJwt and IssueSdJwt refuse (RFC 9901 §7.1,
// §7.3; draft-ietf-oauth-sd-jwt-vc): each refusal's code and the words
// naming what failed.
#include <gtest/gtest.h>

#include "services/jose/jwt.hpp"
#include "services/jose/sd_jwt.hpp"
#include "services/jose/sd_jwt_parts.hpp"
#include "tests/integration/services/jose/jws_key_signer.hpp"
#include "tests/integration/services/jose/sd_jwt_fixture.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;
using testing::kNow;

class SdJwtRefusal : public ::testing::Test {
 protected:
  // An issued token's parts, to rebuild variants of.
  void SetUp() override {
    issued_ = f.Issue();
    parts_ = SplitSdJwt(issued_).value();
    payload_ = ParseJwt(parts_.issuer_jwt)->claims;
    for (std::string_view d : parts_.disclosures) disclosures_.emplace_back(d);
  }

  // An issuer-signed JWT over `payload` with header typ `typ`, then the
  // given disclosures, each followed by '~'.
  std::string Rebuild(const Json& payload, const std::vector<std::string>& disclosures,
                      const std::string& typ = "dc+sd-jwt") {
    auto jwt = SignJwt(JwsAlg::kEs256, Json{{"typ", typ}}, {f.issuer_cert}, payload,
                       testing::JwsKeySigner(JwsAlg::kEs256, *f.issuer_key));
    std::string out = jwt.value() + "~";
    for (const std::string& d : disclosures) out += d + "~";
    return out;
  }

  Status Verify(const std::string& presentation) {
    return VerifySdJwt(presentation, *f.issuer_key, f.Options()).status();
  }
  // Without key binding, for issued SD-JWTs.
  Status VerifyIssued(const std::string& sd_jwt) {
    auto options = f.Options();
    options.require_key_binding = false;
    return VerifySdJwt(sd_jwt, *f.issuer_key, options).status();
  }

  testing::SdJwtFixture f;
  std::string issued_;
  SdJwtParts parts_;
  Json payload_;
  std::vector<std::string> disclosures_;
};

void ExpectRefused(const Status& s, Code code, const std::string& words) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(words), std::string::npos) << s.message();
}

TEST_F(SdJwtRefusal, TamperedDisclosureIsNotReferenced) {
  auto d = ParseDisclosure(disclosures_[0]).value();
  auto forged = MakeDisclosure(d.salt, *d.name, "Mallory").value();
  std::vector<std::string> with_forged = disclosures_;
  with_forged[0] = forged.encoded;
  std::string sd_jwt = std::string(parts_.issuer_jwt) + "~";
  for (const std::string& e : with_forged) sd_jwt += e + "~";
  ExpectRefused(VerifyIssued(sd_jwt), Code::kInvalidArgument, "is not referenced");
  // One flipped character in a disclosure: its JSON breaks or its digest does.
  std::string flipped = issued_;
  flipped[issued_.find('~') + 3] ^= 0x01;
  EXPECT_FALSE(VerifyIssued(flipped).ok());
}

TEST_F(SdJwtRefusal, DuplicateDigestIsRefused) {
  Json payload = payload_;
  payload["_sd"].push_back(payload["_sd"][0]);
  ExpectRefused(VerifyIssued(Rebuild(payload, disclosures_)), Code::kInvalidArgument,
                "appears more than once");
  // A digest in _sd and again in a nested object.
  payload = payload_;
  payload["extra"] = {{"_sd", {payload_["_sd"][0]}}};
  ExpectRefused(VerifyIssued(Rebuild(payload, disclosures_)), Code::kInvalidArgument,
                "appears more than once");
}

TEST_F(SdJwtRefusal, UnreferencedOrRepeatedDisclosureIsRefused) {
  auto stranger = MakeDisclosure("c2FsdHNhbHRzYWx0c2FsdA", "nickname", "JJ").value();
  std::vector<std::string> more = disclosures_;
  more.push_back(stranger.encoded);
  ExpectRefused(VerifyIssued(Rebuild(payload_, more)), Code::kInvalidArgument,
                "disclosure of \"nickname\" is not referenced");
  std::vector<std::string> twice = disclosures_;
  twice.push_back(disclosures_[2]);
  ExpectRefused(VerifyIssued(Rebuild(payload_, twice)), Code::kInvalidArgument, "sent twice");
}

TEST_F(SdJwtRefusal, ReservedOrClashingNamesAreRefused) {
  // A disclosure of "vct" hides the visible claim (SD-JWT VC: never disclosed).
  auto hidden = MakeDisclosure("c2FsdHNhbHRzYWx0c2FsdA", "vct", "urn:other").value();
  Json payload = payload_;
  payload.erase("vct");
  payload["_sd"].push_back(hidden.digest);
  std::vector<std::string> with = disclosures_;
  with.push_back(hidden.encoded);
  ExpectRefused(VerifyIssued(Rebuild(payload, with)), Code::kInvalidArgument,
                "\"vct\" may not be selectively disclosed");
  // A disclosed name already present in plain (RFC 9901 §7.1 step 3).
  payload = payload_;
  payload["email"] = "plain@example.org";
  ExpectRefused(VerifyIssued(Rebuild(payload, disclosures_)), Code::kInvalidArgument,
                "\"email\" already exists");
  // "_sd" and "..." as claim names (§4.2.1), built by hand.
  for (const char* name : {"_sd", "..."}) {
    const std::string array = std::string(R"(["c2FsdA",")") + name + R"(",1])";
    const std::string encoded = Base64UrlEncode(AsBytes(array));
    payload = payload_;
    payload["_sd"].push_back(DisclosureDigest(encoded));
    std::vector<std::string> bad = disclosures_;
    bad.push_back(encoded);
    ExpectRefused(VerifyIssued(Rebuild(payload, bad)), Code::kInvalidArgument, "is reserved");
  }
  // "_sd_alg" other than sha-256.
  payload = payload_;
  payload["_sd_alg"] = "sha-512";
  ExpectRefused(VerifyIssued(Rebuild(payload, disclosures_)), Code::kInvalidArgument, "_sd_alg");
}

TEST_F(SdJwtRefusal, WrongKeyBindingKeyIsRefused) {
  auto presented = PresentSdJwt(issued_, {"name"}, f.Binding(*f.other_key));
  ASSERT_TRUE(presented.ok());
  ExpectRefused(Verify(*presented), Code::kSignatureInvalid, "KB-JWT: ");
}

TEST_F(SdJwtRefusal, WrongSdHashIsRefused) {
  // The KB-JWT of one presentation moved onto another selection.
  const std::string presented = f.Present(issued_);
  const std::string kb = presented.substr(presented.rfind('~') + 1);
  auto other = PresentSdJwt(issued_, {"name"}, std::nullopt);
  ASSERT_TRUE(other.ok());
  ExpectRefused(Verify(*other + kb), Code::kSignatureInvalid, "sd_hash");
}

TEST_F(SdJwtRefusal, WrongAudienceOrNonceIsRefused) {
  const std::string presented = f.Present(issued_);
  auto options = f.Options();
  options.expected_aud = "https://other.example";
  ExpectRefused(VerifySdJwt(presented, *f.issuer_key, options).status(), Code::kDataMismatch,
                "aud");
  options = f.Options();
  options.expected_nonce = "another-nonce";
  ExpectRefused(VerifySdJwt(presented, *f.issuer_key, options).status(), Code::kDataMismatch,
                "nonce");
}

TEST_F(SdJwtRefusal, ExpiredOrStaleOrFutureIsRefused) {
  const std::string presented = f.Present(issued_);
  auto options = f.Options();
  options.now = kNow + 86400 + options.skew + 1;
  ExpectRefused(VerifySdJwt(presented, *f.issuer_key, options).status(),
                Code::kConditionsNotSatisfied, "SD-JWT expired at");
  options = f.Options();
  options.now = kNow + options.max_kb_age + options.skew + 1;
  ExpectRefused(VerifySdJwt(presented, *f.issuer_key, options).status(),
                Code::kConditionsNotSatisfied, "KB-JWT iat");
  options = f.Options();
  options.now = kNow - options.skew - 1;
  ExpectRefused(VerifySdJwt(presented, *f.issuer_key, options).status(),
                Code::kConditionsNotSatisfied, "in the future");
}

TEST_F(SdJwtRefusal, WrongTypesAreRefused) {
  ExpectRefused(VerifyIssued(Rebuild(payload_, disclosures_, "vc+sd-jwt")), Code::kInvalidArgument,
                "typ is \"vc+sd-jwt\", not \"dc+sd-jwt\"");
  // A KB-JWT typed "JWT".
  auto selection = PresentSdJwt(issued_, {"name"}, std::nullopt).value();
  const Json claims = {{"aud", "https://rp.example"},
                       {"iat", kNow},
                       {"nonce", "n-0S6_WzA2Mj"},
                       {"sd_hash", SdHash(selection)}};
  auto kb = SignJwt(JwsAlg::kEs256, Json{{"typ", "JWT"}}, {}, claims,
                    testing::JwsKeySigner(JwsAlg::kEs256, *f.device_key));
  ExpectRefused(Verify(selection + kb.value()), Code::kInvalidArgument, "KB-JWT: header typ");
  // Another vct.
  Json payload = payload_;
  payload["vct"] = "urn:other";
  ExpectRefused(VerifyIssued(Rebuild(payload, disclosures_)), Code::kInvalidArgument, "vct");
}

TEST_F(SdJwtRefusal, GarbageX5cIsRefused) {
  const std::string header = R"({"alg":"ES256","typ":"dc+sd-jwt","x5c":["not base64!"]})";
  const std::string rest = issued_.substr(issued_.find('.'));
  const std::string garbage = Base64UrlEncode(AsBytes(header)) + rest;
  ExpectRefused(SdJwtIssuerChain(garbage).status(), Code::kInvalidArgument, "x5c[0]");
  EXPECT_EQ(VerifyIssued(garbage).code(), Code::kInvalidArgument);
  const std::string not_array = R"({"alg":"ES256","typ":"dc+sd-jwt","x5c":"MIIB"})";
  ExpectRefused(SdJwtIssuerChain(Base64UrlEncode(AsBytes(not_array)) + rest).status(),
                Code::kInvalidArgument, "\"x5c\" is not an array");
  // Base64 that is no certificate comes back as bytes; OpenSSL refuses it.
  const std::string junk = R"({"alg":"ES256","typ":"dc+sd-jwt","x5c":["AAECAw=="]})";
  auto chain = SdJwtIssuerChain(Base64UrlEncode(AsBytes(junk)) + rest);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain->front(), (Bytes{0, 1, 2, 3}));
  EXPECT_FALSE(ossl::CertFromDer(chain->front()).ok());
  // No x5c at all.
  auto bare = SignJwt(JwsAlg::kEs256, Json{{"typ", "dc+sd-jwt"}}, {}, payload_,
                      testing::JwsKeySigner(JwsAlg::kEs256, *f.issuer_key));
  ExpectRefused(SdJwtIssuerChain(bare.value() + "~").status(), Code::kInvalidArgument, "no x5c");
}

TEST_F(SdJwtRefusal, WrongIssuerKeyOrMissingKeyBindingIsRefused) {
  const std::string presented = f.Present(issued_);
  ExpectRefused(VerifySdJwt(presented, *f.other_key, f.Options()).status(), Code::kSignatureInvalid,
                "issuer-signed JWT");
  ExpectRefused(Verify(issued_), Code::kConditionsNotSatisfied, "no KB-JWT");
  auto options = f.Options();
  options.expected_nonce.clear();
  ExpectRefused(VerifySdJwt(presented, *f.issuer_key, options).status(), Code::kInvalidArgument,
                "no aud or nonce");
}

TEST_F(SdJwtRefusal, MalformedSerializationsAreRefused) {
  ExpectRefused(Verify("abc.def.ghi"), Code::kInvalidArgument, "no '~'");
  ExpectRefused(VerifyIssued(std::string(parts_.issuer_jwt) + "~~"), Code::kInvalidArgument,
                "empty disclosure");
  ExpectRefused(VerifyIssued(issued_ + " "), Code::kInvalidArgument, "character");
  ExpectRefused(VerifyIssued(std::string(70000, 'A') + "~"), Code::kInvalidArgument,
                "over the limit");
  // The holder refuses to present an SD-JWT+KB (RFC 9901 §7.2).
  ExpectRefused(PresentSdJwt(f.Present(issued_), {}, std::nullopt).status(), Code::kInvalidArgument,
                "already ends in a KB-JWT");
  ExpectRefused(PresentSdJwt(issued_, {"shoe_size"}, std::nullopt).status(), Code::kNotFound,
                "\"shoe_size\"");
}

TEST_F(SdJwtRefusal, IssuerRefusesWhatTheProfileForbids) {
  const auto signer = testing::JwsKeySigner(JwsAlg::kEs256, *f.issuer_key);
  auto issue = [&](const SdJwtClaims& c, const Disclosable& d) {
    return IssueSdJwt(c, d, {f.issuer_cert}, signer, testing::OpenSslRandom()).status();
  };
  ExpectRefused(issue(f.Claims(), {{"exp", 1}}), Code::kInvalidArgument,
                "\"exp\" may not be selectively disclosed");
  ExpectRefused(issue(f.Claims(), {{"a", 1}, {"a", 2}}), Code::kInvalidArgument,
                "disclosable twice");
  SdJwtClaims c = f.Claims();
  c.exp = c.iat;
  ExpectRefused(issue(c, {}), Code::kInvalidArgument, "exp");
  c = f.Claims();
  c.cnf_spki =
      ossl::PublicKeyToDer(ossl::PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")).get())
          .value();
  ExpectRefused(issue(c, {}), Code::kInvalidArgument, "P-256");
  c = f.Claims();
  c.vct.clear();
  ExpectRefused(issue(c, {}), Code::kInvalidArgument, "vct");
}

}  // namespace
}  // namespace tessera::jose

// Fuzzes the soft token's formats (services/jose, issue 15): SD-JWT
// presentations as a verifier and a holder read them, Disclosures, the
// Token Status List and its token, and P-256 JWKs. Every input goes through
// every reader.
//
// Invariants, besides no crash, no sanitizer report and no unbounded
// allocation (the status list inflates to at most 16 MiB):
//   - an input before its first '~' that is a JSON object is signed as the
//     issuer-signed payload with the fixed issuer key, so VerifySdJwt's
//     checks after the signature are reached; whatever VerifySdJwt accepts
//     has no "_sd"/"_sd_alg" left, discloses no claim the profile keeps
//     visible, and is within its validity window;
//   - a parsed Disclosure's digest is the digest of its input;
//   - a decoded status list re-encodes (its set bits) to a list that
//     decodes to the same bytes;
//   - a JWK that SpkiFromJwk accepts comes back from its SPKI with the same
//     x and y, and has a thumbprint.
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "services/jose/json_strict.hpp"
#include "services/jose/jwk.hpp"
#include "services/jose/jwt.hpp"
#include "services/jose/sd_jwt.hpp"
#include "services/jose/sd_jwt_parts.hpp"
#include "services/jose/sd_jwt_rules.hpp"
#include "services/jose/status_list.hpp"

namespace {

using namespace tessera;
using namespace tessera::jose;
using Json = nlohmann::json;

constexpr std::int64_t kNow = 1'800'000'000;

// A fixed P-256 key (SEC1 DER), so that a saved input means the same in
// every run.
constexpr std::string_view kIssuerKey =
    "307702010104206658e90d7e2cc396f41421722aee56e07714bbe9728470cec069c085ac28728ea00a06082a8648"
    "ce3d030107a144034200045a4a4cedfe81005326df0fff2a45d84f5e747b0dc76698cb09b6471edc94ca0c834aa1"
    "24e6440d93ca74d9998b04c636234d4e81cf9a65a39d2fa3c5849b17fe";

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

EVP_PKEY* IssuerKey() {
  static EVP_PKEY* key = [] {
    const Bytes der = HexOrDie(kIssuerKey);
    const unsigned char* p = der.data();
    return d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  }();
  return key;
}

Result<Bytes> SignEs256(const std::string& input) {
  ossl::MdCtxPtr md(EVP_MD_CTX_new());
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, IssuerKey()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &len, data, input.size()) != 1) {
    return Status::Internal("sign");
  }
  Bytes der(len);
  if (EVP_DigestSign(md.get(), der.data(), &len, data, input.size()) != 1) {
    return Status::Internal("sign");
  }
  der.resize(len);
  return EcdsaDerToJose(der, 32);
}

void CheckVerified(const VerifiedSdJwt& v) {
  if (v.claims.contains("_sd") || v.claims.contains("_sd_alg")) Fail("_sd left in the claims");
  for (const auto& [name, value] : v.disclosed) {
    if (!sd_jwt_rules::MayBeDisclosed(name)) Fail("a visible claim was disclosed");
  }
  if (v.exp + 60 < kNow || v.iat > kNow + 60) Fail("accepted outside its validity");
}

void Presentations(std::string_view text) {
  SdJwtVerifyOptions options;
  options.now = kNow;
  options.require_key_binding = false;
  options.expected_vct.clear();
  if (auto v = VerifySdJwt(text, *IssuerKey(), options); v.ok()) CheckVerified(*v);
  (void)SdJwtIssuerChain(text);
  (void)PresentSdJwt(text, {"name", "email", "a"}, std::nullopt);
  // The part before the first '~' as a payload the issuer signed.
  const std::size_t tilde = text.find('~');
  if (tilde == std::string_view::npos) return;
  auto payload = ParseJsonStrict(text.substr(0, tilde), "payload");
  if (!payload.ok() || !payload->is_object()) return;
  auto jwt = SignJwt(JwsAlg::kEs256, Json{{"typ", kSdJwtVcType}}, {}, *payload, SignEs256);
  if (!jwt.ok()) return;
  const std::string signed_text = *jwt + std::string(text.substr(tilde));
  if (auto v = VerifySdJwt(signed_text, *IssuerKey(), options); v.ok()) CheckVerified(*v);
}

void Disclosures(std::string_view text) {
  if (auto d = ParseDisclosure(text); d.ok() && d->digest != DisclosureDigest(text)) {
    Fail("a disclosure's digest is not its input's");
  }
}

void StatusLists(std::string_view text) {
  auto bits = DecodeStatusList(Json{{"bits", 1}, {"lst", std::string(text)}});
  if (bits.ok() && bits->size() > kMaxStatusListBytes) Fail("status list over the limit");
  // The round trip walks every bit: only for lists of up to 64 KiB.
  if (bits.ok() && bits->size() <= 64 * 1024) {
    std::vector<std::uint64_t> set;
    for (std::uint64_t i = 0; i < bits->size() * 8; ++i) {
      if ((((*bits)[i / 8] >> (i % 8)) & 1) != 0) set.push_back(i);
    }
    auto again = EncodeStatusList(set, bits->size() * 8);
    if (!again.ok() || DecodeStatusList(*again).value() != *bits) Fail("status list round trip");
  }
  (void)VerifyStatusListToken(text, *IssuerKey(), "https://tessera.example/s/1", kNow);
}

void Jwks(std::string_view text) {
  auto json = ParseJsonStrict(text, "jwk");
  if (json.ok()) {
    if (auto spki = SpkiFromJwk(*json); spki.ok()) {
      auto back = JwkFromSpki(*spki);
      if (!back.ok() || (*back)["x"] != (*json)["x"] || (*back)["y"] != (*json)["y"]) {
        Fail("JWK does not round-trip through its SPKI");
      }
      if (!JwkThumbprint(*json).ok()) Fail("an accepted JWK has no thumbprint");
    }
  }
  (void)JwkFromSpki(AsBytes(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Presentations(text);
  Disclosures(text);
  StatusLists(text);
  Jwks(text);
  return 0;
}

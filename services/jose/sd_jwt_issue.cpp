// IssueSdJwt and PresentSdJwt (sd_jwt.hpp): the issuer's and the holder's
// sides. RFC 9901 §4 (formats), §7.2 (the holder).
#include <algorithm>

#include "services/jose/jwk.hpp"
#include "services/jose/jwt.hpp"
#include "services/jose/sd_jwt.hpp"
#include "services/jose/sd_jwt_parts.hpp"
#include "services/jose/sd_jwt_rules.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;

// RFC 9901 §9.3: 128 bits of salt.
constexpr std::size_t kSaltBytes = 16;

Result<std::vector<Disclosure>> MakeDisclosures(const Disclosable& disclosable,
                                                const RandomFn& random) {
  std::set<std::string> names;
  std::vector<Disclosure> out;
  for (const auto& [name, value] : disclosable) {
    if (!sd_jwt_rules::MayBeDisclosed(name)) {
      return Status::InvalidArgument("claim \"" + name + "\" may not be selectively disclosed");
    }
    if (!names.insert(name).second) {
      return Status::InvalidArgument("claim \"" + name + "\" is disclosable twice");
    }
    TESSERA_ASSIGN_OR_RETURN(Bytes salt, random(kSaltBytes));
    if (salt.size() != kSaltBytes) return Status::Internal("random gave a short salt");
    TESSERA_ASSIGN_OR_RETURN(Disclosure d, MakeDisclosure(Base64UrlEncode(salt), name, value));
    out.push_back(std::move(d));
  }
  return out;
}

Result<Json> IssuerPayload(const SdJwtClaims& plain, const std::vector<Disclosure>& disclosures) {
  if (plain.vct.empty()) return Status::InvalidArgument("SD-JWT VC needs a vct");
  if (plain.exp <= plain.iat) return Status::InvalidArgument("SD-JWT exp is not after its iat");
  TESSERA_ASSIGN_OR_RETURN(Json jwk, JwkFromSpki(plain.cnf_spki));
  Json payload = {{"iat", plain.iat},
                  {"exp", plain.exp},
                  {"vct", plain.vct},
                  {"cnf", {{"jwk", jwk}}},
                  {"_sd_alg", "sha-256"}};
  if (!plain.iss.empty()) payload["iss"] = plain.iss;
  if (plain.status) payload["status"] = sd_jwt_rules::StatusClaim(*plain.status);
  // RFC 9901 §4.2.4.1: the digests sorted, so their order tells nothing.
  std::vector<std::string> digests;
  digests.reserve(disclosures.size());
  for (const Disclosure& d : disclosures) digests.push_back(d.digest);
  std::sort(digests.begin(), digests.end());
  if (!digests.empty()) payload["_sd"] = digests;
  return payload;
}

Result<std::string> KeyBindingJwt(const std::string& sd_jwt, const KeyBinding& kb) {
  const Json claims = {
      {"aud", kb.aud}, {"iat", kb.iat}, {"nonce", kb.nonce}, {"sd_hash", SdHash(sd_jwt)}};
  return SignJwt(JwsAlg::kEs256, Json{{"typ", kKbJwtType}}, {}, claims, kb.signer);
}

}  // namespace

Result<std::string> IssueSdJwt(const SdJwtClaims& plain, const Disclosable& disclosable,
                               const std::vector<Bytes>& x5c, const JwsSigner& signer,
                               const RandomFn& random) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<Disclosure> disclosures,
                           MakeDisclosures(disclosable, random));
  TESSERA_ASSIGN_OR_RETURN(Json payload, IssuerPayload(plain, disclosures));
  TESSERA_ASSIGN_OR_RETURN(
      std::string jwt, SignJwt(JwsAlg::kEs256, Json{{"typ", kSdJwtVcType}}, x5c, payload, signer));
  std::string out = jwt + "~";
  for (const Disclosure& d : disclosures) out += d.encoded + "~";
  return out;
}

Result<std::string> PresentSdJwt(std::string_view sd_jwt, const std::set<std::string>& disclose,
                                 const std::optional<KeyBinding>& key_binding) {
  TESSERA_ASSIGN_OR_RETURN(SdJwtParts parts, SplitSdJwt(sd_jwt));
  // RFC 9901 §7.2: the holder receives an SD-JWT, never an SD-JWT+KB.
  if (!parts.kb_jwt.empty()) {
    return Status::InvalidArgument("the SD-JWT to present already ends in a KB-JWT");
  }
  TESSERA_ASSIGN_OR_RETURN(Jwt jwt, ParseJwt(parts.issuer_jwt));
  const Json sd = jwt.claims.value("_sd", Json::array());
  std::string out = std::string(parts.issuer_jwt) + "~";
  std::set<std::string> found;
  for (std::string_view encoded : parts.disclosures) {
    TESSERA_ASSIGN_OR_RETURN(Disclosure d, ParseDisclosure(encoded));
    // Only the top-level claims the issuer's payload references (§7.2:
    // each Disclosure sent must be referenced).
    if (!d.name || disclose.count(*d.name) == 0) continue;
    if (!sd.is_array() || std::find(sd.begin(), sd.end(), d.digest) == sd.end()) continue;
    if (!found.insert(*d.name).second) {
      return Status::InvalidArgument("the SD-JWT discloses \"" + *d.name + "\" twice");
    }
    out += d.encoded + "~";
  }
  for (const std::string& name : disclose) {
    if (found.count(name) == 0) {
      return Status::NotFound("the SD-JWT has no disclosure of \"" + name + "\"");
    }
  }
  if (!key_binding) return out;
  TESSERA_ASSIGN_OR_RETURN(std::string kb, KeyBindingJwt(out, *key_binding));
  return out + kb;
}

}  // namespace tessera::jose

// VerifySdJwt and SdJwtIssuerChain (sd_jwt.hpp): RFC 9901 §7.1 and §7.3
// with draft-ietf-oauth-sd-jwt-vc's "Verification and Processing".
#include <openssl/crypto.h>

#include "services/jose/json_strict.hpp"
#include "services/jose/jwk.hpp"
#include "services/jose/jwt.hpp"
#include "services/jose/sd_jwt.hpp"
#include "services/jose/sd_jwt_parts.hpp"
#include "services/jose/sd_jwt_process.hpp"
#include "services/jose/sd_jwt_rules.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;

Status TooEarly(const char* what, std::int64_t at) {
  return Status::ConditionsNotSatisfied(std::string(what) + " " + std::to_string(at) +
                                        " is in the future");
}

// RFC 7519 §4.1.4/.5/.6 and RFC 9901 §9.7: the soft token always has iat
// and exp; nbf is honoured when present.
Status CheckValidity(VerifiedSdJwt& out, const Json& claims, const SdJwtVerifyOptions& opt) {
  TESSERA_ASSIGN_OR_RETURN(out.iat, IntegerMember(claims, "iat", "SD-JWT"));
  TESSERA_ASSIGN_OR_RETURN(out.exp, IntegerMember(claims, "exp", "SD-JWT"));
  if (out.iat > opt.now + opt.skew) return TooEarly("SD-JWT iat", out.iat);
  if (claims.contains("nbf")) {
    TESSERA_ASSIGN_OR_RETURN(std::int64_t nbf, IntegerMember(claims, "nbf", "SD-JWT"));
    if (nbf > opt.now + opt.skew) return TooEarly("SD-JWT nbf", nbf);
  }
  if (out.exp + opt.skew < opt.now) {
    return Status::ConditionsNotSatisfied("SD-JWT expired at " + std::to_string(out.exp));
  }
  return Status::Ok();
}

// SD-JWT VC "Registered JWT Claims": vct, optional iss, cnf.jwk, status.
Status ReadVisibleClaims(VerifiedSdJwt& out, const Json& claims, const SdJwtVerifyOptions& opt) {
  TESSERA_ASSIGN_OR_RETURN(out.vct, StringMember(claims, "vct", "SD-JWT VC"));
  if (!opt.expected_vct.empty() && out.vct != opt.expected_vct) {
    return Status::InvalidArgument("SD-JWT VC vct is \"" + out.vct + "\", not \"" +
                                   opt.expected_vct + "\"");
  }
  if (claims.contains("iss")) {
    TESSERA_ASSIGN_OR_RETURN(out.iss, StringMember(claims, "iss", "SD-JWT"));
  }
  const auto cnf = claims.find("cnf");
  if (cnf == claims.end() || !cnf->is_object() || !cnf->contains("jwk")) {
    return Status::InvalidArgument("SD-JWT has no cnf.jwk (RFC 7800 §3.2)");
  }
  TESSERA_ASSIGN_OR_RETURN(out.cnf_spki, SpkiFromJwk((*cnf)["jwk"]));
  if (claims.contains("status")) {
    TESSERA_ASSIGN_OR_RETURN(out.status, sd_jwt_rules::ReadStatusClaim(claims["status"]));
  }
  return Status::Ok();
}

// RFC 9901 §7.3 step 5, with the key from cnf (§4.3.2).
Status VerifyKeyBinding(const SdJwtParts& parts, const VerifiedSdJwt& token,
                        const SdJwtVerifyOptions& opt) {
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr holder, ossl::PublicKeyFromDer(token.cnf_spki));
  auto kb = VerifyJwt(parts.kb_jwt, *holder);
  if (!kb.ok()) return kb.status().Prefixed("KB-JWT: ");
  TESSERA_RETURN_IF_ERROR(ExpectJwtType(*kb, kKbJwtType, "KB-JWT"));
  TESSERA_ASSIGN_OR_RETURN(std::int64_t iat, IntegerMember(kb->claims, "iat", "KB-JWT"));
  if (iat > opt.now + opt.skew) return TooEarly("KB-JWT iat", iat);
  if (iat + opt.max_kb_age + opt.skew < opt.now) {
    return Status::ConditionsNotSatisfied("KB-JWT iat " + std::to_string(iat) + " is older than " +
                                          std::to_string(opt.max_kb_age) + " s");
  }
  TESSERA_ASSIGN_OR_RETURN(std::string aud, StringMember(kb->claims, "aud", "KB-JWT"));
  TESSERA_ASSIGN_OR_RETURN(std::string nonce, StringMember(kb->claims, "nonce", "KB-JWT"));
  TESSERA_ASSIGN_OR_RETURN(std::string sd_hash, StringMember(kb->claims, "sd_hash", "KB-JWT"));
  if (!opt.expected_aud.empty() && aud != opt.expected_aud) {
    return Status::DataMismatch("KB-JWT aud is \"" + aud + "\", not \"" + opt.expected_aud + "\"");
  }
  if (!opt.expected_nonce.empty() && nonce != opt.expected_nonce) {
    return Status::DataMismatch("KB-JWT nonce is not the one expected");
  }
  const std::string expected = SdHash(parts.sd_jwt);
  if (sd_hash.size() != expected.size() ||
      CRYPTO_memcmp(sd_hash.data(), expected.data(), expected.size()) != 0) {
    return Status::SignatureInvalid("KB-JWT sd_hash does not match the presentation");
  }
  return Status::Ok();
}

Status CheckOptions(const SdJwtVerifyOptions& opt) {
  if (opt.require_key_binding && (opt.expected_aud.empty() || opt.expected_nonce.empty())) {
    return Status::InvalidArgument("key binding is required but no aud or nonce is expected");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Bytes>> SdJwtIssuerChain(std::string_view sd_jwt) {
  TESSERA_ASSIGN_OR_RETURN(SdJwtParts parts, SplitSdJwt(sd_jwt));
  TESSERA_ASSIGN_OR_RETURN(Jwt jwt, ParseJwt(parts.issuer_jwt));
  if (jwt.x5c.empty()) return Status::InvalidArgument("SD-JWT header has no x5c");
  return jwt.x5c;
}

Result<VerifiedSdJwt> VerifySdJwt(std::string_view presentation, const EVP_PKEY& issuer_key,
                                  const SdJwtVerifyOptions& options) {
  TESSERA_RETURN_IF_ERROR(CheckOptions(options));
  TESSERA_ASSIGN_OR_RETURN(SdJwtParts parts, SplitSdJwt(presentation));
  // §7.3 step 1-2: the policy decides, not whether a KB-JWT came.
  if (options.require_key_binding && parts.kb_jwt.empty()) {
    return Status::ConditionsNotSatisfied(
        "key binding is required; the presentation has no KB-JWT");
  }
  auto jwt = VerifyJwt(parts.issuer_jwt, issuer_key);
  if (!jwt.ok()) return jwt.status().Prefixed("issuer-signed JWT: ");
  TESSERA_RETURN_IF_ERROR(ExpectJwtType(*jwt, kSdJwtVcType, "issuer-signed JWT"));
  std::vector<Disclosure> disclosures;
  for (std::string_view encoded : parts.disclosures) {
    TESSERA_ASSIGN_OR_RETURN(Disclosure d, ParseDisclosure(encoded));
    disclosures.push_back(std::move(d));
  }
  TESSERA_ASSIGN_OR_RETURN(ProcessedSdJwt processed, ProcessSdJwtPayload(jwt->claims, disclosures));
  VerifiedSdJwt out;
  for (const std::string& name : processed.top_level_disclosed) {
    if (!sd_jwt_rules::MayBeDisclosed(name)) {
      return Status::InvalidArgument("claim \"" + name + "\" may not be selectively disclosed");
    }
    out.disclosed[name] = processed.payload[name];
  }
  TESSERA_RETURN_IF_ERROR(ReadVisibleClaims(out, processed.payload, options));
  TESSERA_RETURN_IF_ERROR(CheckValidity(out, processed.payload, options));
  out.x5c = jwt->x5c;
  out.claims = std::move(processed.payload);
  if (!parts.kb_jwt.empty()) {
    TESSERA_RETURN_IF_ERROR(VerifyKeyBinding(parts, out, options));
    out.key_bound = true;
  }
  return out;
}

}  // namespace tessera::jose

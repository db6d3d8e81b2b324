// The soft token as an SD-JWT VC (RFC 9901; draft-ietf-oauth-sd-jwt-vc):
// issued by the soft-token service, presented by the device with a Key
// Binding JWT, verified by anyone holding the issuer's certificate. The
// layout is docs/softtoken-format.md's; part of tessera_jose.
//
//   header  {"alg":"ES256","typ":"dc+sd-jwt","x5c":[issuer, CA...]}
//   payload {"iss","iat","exp","vct","cnf":{"jwk"},"status":{"status_list":
//            {"idx","uri"}},"_sd_alg":"sha-256","_sd":[sorted digests]}
//   then one Disclosure per attribute: <jwt>~<d1>~...~<dn>~
//
// The issuer's key stays in its HSM and the device's on its token: both
// sign through a JwsSigner. The issuer certificate chain (x5c) is not
// checked here: SdJwtIssuerChain hands it to the caller, who validates it
// with OpenSSL and passes the leaf's key to VerifySdJwt.
//
// Errors name what failed: kInvalidArgument for a malformed token or a
// broken RFC 9901 rule, kSignatureInvalid for a signature or an sd_hash
// that does not verify, kConditionsNotSatisfied for a time outside its
// window or a missing Key Binding, kDataMismatch for a KB-JWT made for
// another audience or nonce, kNotFound for a claim asked to be disclosed
// that the token does not have. Stateless, thread-safe.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/jose/jws.hpp"

namespace tessera::jose {

inline constexpr std::string_view kSdJwtVcType = "dc+sd-jwt";  // SD-JWT VC "JOSE Header"
inline constexpr std::string_view kKbJwtType = "kb+jwt";       // RFC 9901 §4.3
inline constexpr std::string_view kSoftTokenVct = "urn:tessera:softtoken:id-attributes:1";

// The Referenced Token's status claim (draft-ietf-oauth-status-list,
// "Referenced Token in JWT Format").
struct StatusReference {
  std::uint64_t idx = 0;
  std::string uri;
};

// The always-visible claims.
struct SdJwtClaims {
  std::string iss;  // left out when empty (the x5c leaf then names the issuer)
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::string vct;
  Bytes cnf_spki;  // the holder's P-256 key (SPKI DER), written as cnf.jwk
  std::optional<StatusReference> status;
};

// (claim name, value) made selectively disclosable, one Disclosure each.
using Disclosable = std::vector<std::pair<std::string, nlohmann::json>>;
// n random bytes (RAND_bytes in production); the salts come from it.
using RandomFn = std::function<Result<Bytes>(std::size_t n)>;

// "<issuer-signed JWT>~<d1>~...~<dn>~", signed ES256 by `signer`.
// kInvalidArgument for an empty vct, exp <= iat, a cnf_spki that is not
// P-256, or a disclosable name that repeats or may not be disclosed
// (iss nbf exp cnf vct vct#integrity status, SD-JWT VC "Registered JWT
// Claims"; _sd ... _sd_alg); the signer's or random's error otherwise.
Result<std::string> IssueSdJwt(const SdJwtClaims& plain, const Disclosable& disclosable,
                               const std::vector<Bytes>& x5c, const JwsSigner& signer,
                               const RandomFn& random);

// The holder's side of a presentation (RFC 9901 §7.2).
struct KeyBinding {
  std::string aud;
  std::string nonce;
  std::int64_t iat = 0;
  JwsSigner signer;  // ES256 with the key in cnf
};

// The issued SD-JWT with only the Disclosures named in `disclose`, and a
// KB-JWT when `key_binding` is given. The issuer's signature is not checked
// (the holder verifies with VerifySdJwt). kInvalidArgument for an input
// that is not an SD-JWT without KB-JWT; kNotFound for a name in `disclose`
// that no Disclosure of the token has.
Result<std::string> PresentSdJwt(std::string_view sd_jwt, const std::set<std::string>& disclose,
                                 const std::optional<KeyBinding>& key_binding);

// The x5c certificates (DER, leaf first) of an SD-JWT or presentation,
// read without verifying anything. kInvalidArgument when malformed or when
// the header has no x5c.
Result<std::vector<Bytes>> SdJwtIssuerChain(std::string_view sd_jwt);

struct SdJwtVerifyOptions {
  std::int64_t now = 0;                                   // unix seconds
  std::int64_t skew = 60;                                 // leeway on every time comparison
  std::string expected_vct = std::string(kSoftTokenVct);  // empty: any vct
  bool require_key_binding = true;
  // Checked when a KB-JWT is present; required to be set when
  // require_key_binding (kInvalidArgument otherwise).
  std::string expected_aud;
  std::string expected_nonce;
  std::int64_t max_kb_age = 300;  // how old the KB-JWT's iat may be
};

struct VerifiedSdJwt {
  nlohmann::json claims;                            // the Processed SD-JWT Payload (RFC 9901 §7.1)
  std::map<std::string, nlohmann::json> disclosed;  // the top-level disclosed claims
  std::string iss;                                  // empty when absent
  std::string vct;
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  Bytes cnf_spki;
  std::optional<StatusReference> status;
  std::vector<Bytes> x5c;
  bool key_bound = false;  // a KB-JWT was present and verified
};

// RFC 9901 §7.1 and §7.3 with the SD-JWT VC rules: typ dc+sd-jwt, the
// issuer's signature with `issuer_key`, vct, iat, exp (and nbf) against
// `now`, cnf.jwk, the status reference's form, every Disclosure, and the
// KB-JWT (typ kb+jwt, signed by the cnf key, iat fresh, aud, nonce,
// sd_hash).
Result<VerifiedSdJwt> VerifySdJwt(std::string_view presentation, const EVP_PKEY& issuer_key,
                                  const SdJwtVerifyOptions& options);

}  // namespace tessera::jose

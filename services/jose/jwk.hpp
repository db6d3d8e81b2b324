// JSON Web Keys (RFC 7517) for the one key type the soft token carries: an
// EC P-256 public key (RFC 7518 §6.2.1), {"kty":"EC","crv":"P-256","x","y"}
// with x and y the coordinates as 32 bytes each, base64url. The device key
// travels this way in the SD-JWT VC's cnf claim (RFC 7800 §3.2); inside
// Tessera keys are SubjectPublicKeyInfo DER. Part of tessera_jose.
//
// Reading is strict: kty "EC" and crv "P-256" exactly; x and y exactly 32
// bytes (RFC 7518 §6.2.1.2/.3: the full coordinate size); "use" "sig",
// "alg" "ES256" and a string "kid" are allowed; any other member, and a
// private "d" above all, is refused; the point must lie on the curve.
// Errors are kInvalidArgument naming the member. Stateless, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/status.hpp"

namespace tessera::jose {

// {"crv":"P-256","kty":"EC","x":...,"y":...} for a P-256 SPKI DER.
// kInvalidArgument for DER that is not one P-256 public key.
Result<nlohmann::json> JwkFromSpki(ByteView spki_der);

// The SPKI DER (uncompressed point) of a JWK as above.
Result<Bytes> SpkiFromJwk(const nlohmann::json& jwk);

// The same key as an OpenSSL public key.
Result<ossl::PkeyPtr> PublicKeyFromJwk(const nlohmann::json& jwk);

// RFC 7638 §3: base64url(SHA-256({"crv":..,"kty":"EC","x":..,"y":..})), the
// required members only, in that order, without whitespace. Reads `jwk`
// as SpkiFromJwk does (so an unusable key has no thumbprint).
Result<std::string> JwkThumbprint(const nlohmann::json& jwk);

}  // namespace tessera::jose

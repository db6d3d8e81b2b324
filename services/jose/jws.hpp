// JWS compact serialization (RFC 7515 §7.1) of the E-forms and the other
// signed JSON documents of the services: the protected header and the
// payload base64url without padding, the signature over "<header>.<payload>"
// (docs/cms-api.md "E-forms"). Part of the shared services library
// tessera_jose (docs/architecture.md).
//
// Algorithms (RFC 7518 §3): ES256 and ES384 (the raw r || s signature, not
// DER), RS256 and PS256. The protected header is canonical JSON (jcs.hpp)
// with "alg" and, optionally, "typ" and "kid" (so RFC 7515 A.3's
// {"alg":"ES256"} reads; the E-form layer insists on its typ); any other
// member, or a "crit", is refused. Signing calls a Signer, so the private key can stay on a token
// (the officer's terminal signs through PKCS#11) or in an HSM. Stateless,
// thread-safe.
#pragma once

#include <openssl/evp.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::jose {

enum class JwsAlg : std::uint8_t { kEs256, kEs384, kRs256, kPs256 };
std::string_view ToString(JwsAlg alg);  // "ES256", ...
Result<JwsAlg> JwsAlgFromString(std::string_view name);
// The algorithm for a public key: P-256 ES256, P-384 ES384, RSA RS256
// (RSA-PSS PS256); kInvalidArgument for other keys and RSA under 2048 bits.
Result<JwsAlg> JwsAlgFor(const EVP_PKEY& public_key);

// Given the signing input (ASCII "<b64 header>.<b64 payload>"), returns the
// JWS signature bytes for the algorithm (ES*: r || s, each the curve's size).
using JwsSigner = std::function<Result<Bytes>(const std::string& signing_input)>;

struct JwsParts {
  JwsAlg alg = JwsAlg::kEs256;
  std::string typ;  // empty when the header has none
  std::optional<std::string> kid;
  std::string payload;  // decoded payload bytes
};

// "<b64 header>.<b64 payload>.<b64 signature>". An empty `typ` is left out
// of the header. kInvalidArgument when an ES* signer gives anything but
// r || s of the curve's size (DER, say); the signer's own error otherwise.
Result<std::string> SignCompact(JwsAlg alg, const std::string& typ,
                                const std::optional<std::string>& kid, const std::string& payload,
                                const JwsSigner& signer);

// SignCompact with a protected header of any members besides "alg" (which
// this sets): an x5c chain, a typ, a kid (RFC 7515 §4.1). The header is
// written canonically (jcs.hpp). kInvalidArgument when `header_members` is
// not an object, carries "alg" or "crit", or will not canonicalize; the
// signer's error, or kInvalidArgument for a wrong r || s, as above. Note that
// ParseCompact and VerifyCompact refuse members beyond alg/typ/kid; read such
// a JWS with jwt.hpp.
Result<std::string> SignCompactWithHeader(JwsAlg alg, const nlohmann::json& header_members,
                                          const std::string& payload, const JwsSigner& signer);

// The signature check alone: `signature` (JWS bytes, r || s for ES*) over
// `signing_input` with `public_key`, the alg fitting the key as
// VerifyCompact requires. kSignatureInvalid or kInvalidArgument as there.
Status VerifyJwsSignature(JwsAlg alg, const EVP_PKEY& public_key, std::string_view signing_input,
                          ByteView signature);

// Splits and decodes without checking the signature. kInvalidArgument for
// anything that is not three base64url parts (no padding, no whitespace) with
// a header as above; the message says which part.
Result<JwsParts> ParseCompact(std::string_view jws);

// ParseCompact, then the signature with `public_key`. The header's alg must
// fit the key (no algorithm substitution): ES256 a P-256 key, ES384 a P-384
// key, RS256 or PS256 an RSA key (an RSA-PSS key only PS256); RSA keys of
// 2048 bits or more (RFC 7518 §3.3). kSignatureInvalid when the signature
// fails or the alg does not fit the key; kInvalidArgument as above, or for a
// key JwsAlgFor refuses.
Result<JwsParts> VerifyCompact(std::string_view jws, const EVP_PKEY& public_key);

// Turns a DER ECDSA signature (what OpenSSL's EVP_DigestSign gives) into
// JWS r || s of `field_bytes` each, and back. kInvalidArgument if malformed.
Result<Bytes> EcdsaDerToJose(ByteView der, std::size_t field_bytes);
Result<Bytes> EcdsaJoseToDer(ByteView jose);

std::string Base64UrlEncode(ByteView data);
Result<Bytes> Base64UrlDecode(std::string_view text);  // no padding allowed

}  // namespace tessera::jose

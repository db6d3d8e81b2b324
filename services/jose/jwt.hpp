// JSON Web Tokens (RFC 7519) as the soft token's formats carry them: a JWS
// compact serialization (RFC 7515 §7.1) whose protected header may hold
// more than jws.hpp's alg/typ/kid (an "x5c" chain, RFC 7515 §4.1.6) and
// whose payload is a JSON object. Part of tessera_jose.
//
// Reading is strict: the header and the payload are JSON objects without a
// repeated member name (json_strict.hpp); "alg" is one of jws.hpp's (so
// never "none", RFC 8725 §3.1); "crit" is refused (RFC 7515 §4.1.11: no
// extension is understood here); "typ", "kid" must be strings and "x5c" an
// array of base64 (not base64url) DER certificates. Other header members
// are kept in `header` for the caller to judge. Unlike jws.hpp the header
// need not be canonical JSON, so JWTs made elsewhere (RFC 9901's examples)
// read too; what Tessera writes is canonical. Stateless, thread-safe.
#pragma once

#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/jose/jws.hpp"

namespace tessera::jose {

struct Jwt {
  nlohmann::json header;  // the whole protected header
  JwsAlg alg = JwsAlg::kEs256;
  std::string typ;            // empty when the header has none
  std::vector<Bytes> x5c;     // DER, leaf first; empty when the header has none
  nlohmann::json claims;      // the payload, a JSON object
  std::string signing_input;  // "<b64 header>.<b64 payload>"
  Bytes signature;
};

// Signs `claims` (written canonically) under a header of `header_members`
// plus "alg" (and "x5c" as base64 of each DER when `x5c` is not empty).
// Errors as SignCompactWithHeader.
Result<std::string> SignJwt(JwsAlg alg, const nlohmann::json& header_members,
                            const std::vector<Bytes>& x5c, const nlohmann::json& claims,
                            const JwsSigner& signer);

// Splits and decodes without checking the signature. kInvalidArgument for
// anything but three base64url parts with a header and payload as above;
// the message names the part and the member.
Result<Jwt> ParseJwt(std::string_view compact);

// ParseJwt, then the signature with `public_key` (the alg must fit the key,
// as VerifyCompact). kSignatureInvalid when it does not verify.
Result<Jwt> VerifyJwt(std::string_view compact, const EVP_PKEY& public_key);

// Checks the header's "typ" is `typ` (RFC 8725 §3.11 explicit typing);
// kInvalidArgument naming both otherwise. `what` starts the message.
Status ExpectJwtType(const Jwt& jwt, std::string_view typ, std::string_view what);

// Base64 with padding (RFC 4648 §4), as x5c carries certificates. Decoding
// is strict: the standard alphabet, the length a multiple of 4, '=' only
// as the one or two last characters, unused bits zero.
std::string Base64Encode(ByteView data);
Result<Bytes> Base64Decode(std::string_view text);

}  // namespace tessera::jose

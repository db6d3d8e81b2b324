// Token Status List (draft-ietf-oauth-status-list): the revocation status
// of the soft tokens, one bit each. Part of tessera_jose.
//
// The list is a byte array: token i's status is bit i % 8 (least
// significant first) of byte i / 8 ("Status List"); 0 is VALID, 1 INVALID
// ("Status Types Values"; bits is always 1 here, so SUSPENDED does not
// occur). It travels ZLIB-compressed (RFC 1950 over DEFLATE, RFC 1951) and
// base64url'd as "lst" in {"bits":1,"lst":...} ("Status List in JSON
// Format"), inside a JWT with typ "statuslist+jwt" and the claims sub (the
// list's URI), iat, exp, ttl, status_list ("Status List Token in JWT
// Format"), served as application/statuslist+jwt.
//
// Decoding refuses a list that inflates beyond kMaxStatusListBytes (a
// decompression bomb) or carries bytes after its zlib stream. Errors:
// kInvalidArgument (malformed, naming the part), kSignatureInvalid,
// kConditionsNotSatisfied (expired), kDataMismatch (another list's token),
// kNotFound (an index beyond the list). Stateless, thread-safe.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/jose/jws.hpp"

namespace tessera::jose {

inline constexpr std::string_view kStatusListType = "statuslist+jwt";
inline constexpr std::string_view kStatusListMediaType = "application/statuslist+jwt";
inline constexpr std::size_t kMaxStatusListBytes = std::size_t{16} << 20;  // 16 MiB, 2^27 tokens

enum class TokenStatus : std::uint8_t { kValid = 0, kInvalid = 1 };

// {"bits":1,"lst":...} for `size` tokens (ceil(size / 8) bytes) with the
// `revoked` indices set. kInvalidArgument for an index >= size or a size
// over kMaxStatusListBytes * 8.
Result<nlohmann::json> EncodeStatusList(const std::vector<std::uint64_t>& revoked,
                                        std::uint64_t size);

// The byte array of a status_list object: bits must be 1, lst base64url of
// one zlib stream and nothing after it, inflating to at most
// kMaxStatusListBytes.
Result<Bytes> DecodeStatusList(const nlohmann::json& status_list);

// Token `index`'s status in `list`; kNotFound past the end (the draft:
// no statement can be made, so the token is not accepted).
Result<TokenStatus> StatusAt(ByteView list, std::uint64_t index);

struct StatusListClaims {
  std::string uri;  // "sub"
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::int64_t ttl = 0;        // seconds a consumer may cache the token
  nlohmann::json status_list;  // from EncodeStatusList
};

// The Status List Token, ES256 by `signer`, with `x5c` in its header when
// not empty. kInvalidArgument for an empty uri, exp <= iat or ttl <= 0.
Result<std::string> SignStatusListToken(const StatusListClaims& claims,
                                        const std::vector<Bytes>& x5c, const JwsSigner& signer);

struct StatusList {
  std::string uri;
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::int64_t ttl = 0;  // 0 when the token has none
  Bytes bits;            // the decoded byte array
};

// Verifies a Status List Token against `key`: typ statuslist+jwt, sub equal
// to `expected_uri` (the Referenced Token's status_list.uri), iat not in
// the future and exp not past (each with `skew`), then decodes the list.
Result<StatusList> VerifyStatusListToken(std::string_view jwt, const EVP_PKEY& key,
                                         std::string_view expected_uri, std::int64_t now,
                                         std::int64_t skew = 60);

}  // namespace tessera::jose

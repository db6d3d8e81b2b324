// E-forms (seed 000 claims 2, 4, 5; docs/cms-api.md "E-forms"): what the
// tokenizing officer signs and what the CMS returns, as JSON objects in the
// canonical form (RFC 8785, services/jose/jcs.hpp) inside a JWS (services/jose/jws.hpp).
//
//   v1   the officer's terminal -> CMS, typ "tessera-eform-v1+jws":
//        {"form":"v1","user_id","token_serial","reviewed":{"document_type",
//         "document_number"},"nonce" (base64url),"time" (unix seconds),
//         "officer" (officer ID)}
//   v2   CMS -> officer, filled from the directory (claim 4), typ
//        "tessera-eform-v2+jws" when countersigned:
//        {"form":"v2","request_id","v1_sha256" (base64url of SHA-256 over
//         the v1 JWS compact bytes),"user":{"id","name","organization",
//         "email","document"},"token":{"serial","token_key_sha256"},
//         "officer","reviewed":{...as v1},"issued_at","expires_at"}
//
// Members are exactly these (an unknown member or a missing one is
// kInvalidArgument naming it); strings are UTF-8, at most 256 bytes, and
// not empty except user.name, .organization, .email and .document; times
// are unix seconds >= 0; nonces 16-64 bytes, hashes 32 bytes; the
// payload must be canonical (a signer that reorders members is refused, so
// the bytes the CMS sent are the bytes that come back). Stateless,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::cms {

inline constexpr char kEformV1Type[] = "tessera-eform-v1+jws";
inline constexpr char kEformV2Type[] = "tessera-eform-v2+jws";

struct Reviewed {
  std::string document_type;  // "passport", "id-card", ...
  std::string document_number;
  bool operator==(const Reviewed&) const = default;
};

struct EformV1 {
  std::string user_id;
  std::uint32_t token_serial = 0;
  Reviewed reviewed;
  Bytes nonce;  // 16 to 64 bytes, from POST /cms/nonces
  std::int64_t time = 0;
  std::string officer;
  bool operator==(const EformV1&) const = default;
};

struct EformUser {
  std::string id, name, organization, email, document;
  bool operator==(const EformUser&) const = default;
};

struct EformV2 {
  std::string request_id;
  Bytes v1_sha256;  // 32 bytes
  EformUser user;
  std::uint32_t token_serial = 0;
  Bytes token_key_sha256;  // SHA-256 of F0's SubjectPublicKeyInfo DER
  std::string officer;
  Reviewed reviewed;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  bool operator==(const EformV2&) const = default;
};

// The canonical JSON payloads.
Result<std::string> EncodeV1(const EformV1& form);
Result<std::string> EncodeV2(const EformV2& form);
// Parse a payload; it must be canonical and complete (see above).
Result<EformV1> DecodeV1(std::string_view payload);
Result<EformV2> DecodeV2(std::string_view payload);

// The fields of v2 that differ from what the officer typed (user ID, token
// serial, document type and number), as "field: v2 says X, typed Y" lines;
// empty when all agree. The terminal's comparison (claim 5).
std::vector<std::string> CompareWithTyped(const EformV2& v2, const EformV1& typed);

}  // namespace tessera::cms

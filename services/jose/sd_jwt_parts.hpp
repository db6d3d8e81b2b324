// The pieces of an SD-JWT (RFC 9901, Selective Disclosure for JSON Web
// Tokens): Disclosures, their digests, the '~'-separated serialization and
// the Key Binding JWT's sd_hash. Only the sha-256 digest (RFC 9901 §4.1.1,
// the one every implementation must support) is made or read. Part of
// tessera_jose; sd_jwt.hpp builds the soft token on these. Stateless,
// thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace tessera::jose {

// Bounds on what is read, far above what the soft token carries (seven
// disclosures, a few KiB), so a hostile presentation costs little.
inline constexpr std::size_t kMaxSdJwtBytes = 64 * 1024;
inline constexpr std::size_t kMaxDisclosures = 64;

// One Disclosure (RFC 9901 §4.2): [salt, name, value] for an object
// property (§4.2.1) or [salt, value] for an array element (§4.2.2).
struct Disclosure {
  std::string encoded;  // base64url of the JSON array, as it travels
  std::string digest;   // base64url(SHA-256(ASCII of `encoded`)), §4.2.3
  std::string salt;
  std::optional<std::string> name;  // absent for an array element
  nlohmann::json value;
};

// The base64url SHA-256 digest of a Disclosure's ASCII form (§4.2.3).
std::string DisclosureDigest(std::string_view encoded);

// An object-property Disclosure, its array written canonically (RFC 8785,
// so only integer numbers). kInvalidArgument for an empty salt, a name that
// is "_sd" or "..." (§4.2.1), or a value JCS refuses.
Result<Disclosure> MakeDisclosure(std::string salt, std::string name, const nlohmann::json& value);

// Reads a Disclosure as §7.1 step 3 wants it: base64url of a JSON array of
// two or three elements, the salt and the name strings, the name not "_sd"
// or "...". kInvalidArgument saying which rule failed.
Result<Disclosure> ParseDisclosure(std::string_view encoded);

// <Issuer-signed JWT>~<D.1>~...~<D.N>~[<KB-JWT>] (§4).
struct SdJwtParts {
  std::string_view issuer_jwt;
  std::vector<std::string_view> disclosures;
  std::string_view sd_jwt;  // everything through the last '~': what sd_hash covers
  std::string_view kb_jwt;  // empty when there is none
};

// Splits by '~'. kInvalidArgument for text without a '~', longer than
// kMaxSdJwtBytes, with an empty Disclosure (two '~' in a row) or more than
// kMaxDisclosures, or whose characters are not base64url, '.' and '~'.
Result<SdJwtParts> SplitSdJwt(std::string_view text);

// §4.3.1: base64url(SHA-256(ASCII of `sd_jwt`)), `sd_jwt` running through
// the last '~'.
std::string SdHash(std::string_view sd_jwt);

}  // namespace tessera::jose

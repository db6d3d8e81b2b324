#include "services/jose/sd_jwt_parts.hpp"

#include <openssl/sha.h>

#include <array>

#include "services/jose/jcs.hpp"
#include "services/jose/json_strict.hpp"
#include "services/jose/jws.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;

std::string Sha256Url(std::string_view ascii) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(ascii.data()), ascii.size(), digest.data());
  return Base64UrlEncode(digest);
}

bool ReservedName(std::string_view name) { return name == "_sd" || name == "..."; }

bool SdJwtCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

}  // namespace

std::string DisclosureDigest(std::string_view encoded) { return Sha256Url(encoded); }

std::string SdHash(std::string_view sd_jwt) { return Sha256Url(sd_jwt); }

Result<Disclosure> MakeDisclosure(std::string salt, std::string name, const Json& value) {
  if (salt.empty()) return Status::InvalidArgument("disclosure salt is empty");
  if (ReservedName(name)) {
    return Status::InvalidArgument("disclosure claim name \"" + name + "\" is reserved");
  }
  TESSERA_ASSIGN_OR_RETURN(std::string array, Canonicalize(Json::array({salt, name, value})));
  Disclosure d;
  d.encoded = Base64UrlEncode(AsBytes(array));
  d.digest = DisclosureDigest(d.encoded);
  d.salt = std::move(salt);
  d.name = std::move(name);
  d.value = value;
  return d;
}

Result<Disclosure> ParseDisclosure(std::string_view encoded) {
  auto bytes = Base64UrlDecode(encoded);
  if (!bytes.ok()) return Status::InvalidArgument("disclosure: " + bytes.status().message());
  TESSERA_ASSIGN_OR_RETURN(Json array, ParseJsonStrict(AsString(*bytes), "disclosure"));
  if (!array.is_array() || (array.size() != 2 && array.size() != 3)) {
    return Status::InvalidArgument("disclosure is not a JSON array of 2 or 3 elements");
  }
  if (!array[0].is_string()) return Status::InvalidArgument("disclosure salt is not a string");
  Disclosure d;
  d.encoded = std::string(encoded);
  d.digest = DisclosureDigest(encoded);
  d.salt = array[0].get<std::string>();
  if (array.size() == 3) {
    if (!array[1].is_string()) {
      return Status::InvalidArgument("disclosure claim name is not a string");
    }
    d.name = array[1].get<std::string>();
    if (ReservedName(*d.name)) {
      return Status::InvalidArgument("disclosure claim name \"" + *d.name +
                                     "\" is reserved (RFC 9901 §7.1)");
    }
  }
  d.value = std::move(array.back());
  return d;
}

Result<SdJwtParts> SplitSdJwt(std::string_view text) {
  if (text.size() > kMaxSdJwtBytes) {
    return Status::InvalidArgument("SD-JWT is " + std::to_string(text.size()) +
                                   " bytes, over the limit of " + std::to_string(kMaxSdJwtBytes));
  }
  for (char c : text) {
    if (!SdJwtCharacter(c)) {
      return Status::InvalidArgument("SD-JWT has a character that is not base64url, '.' or '~'");
    }
  }
  const std::size_t last = text.rfind('~');
  if (last == std::string_view::npos) {
    return Status::InvalidArgument("SD-JWT has no '~' after the issuer-signed JWT");
  }
  SdJwtParts parts;
  parts.sd_jwt = text.substr(0, last + 1);
  parts.kb_jwt = text.substr(last + 1);
  std::size_t start = text.find('~');
  parts.issuer_jwt = text.substr(0, start);
  while (start < last) {
    const std::size_t end = text.find('~', start + 1);
    if (end == start + 1) return Status::InvalidArgument("SD-JWT has an empty disclosure ('~~')");
    if (parts.disclosures.size() == kMaxDisclosures) {
      return Status::InvalidArgument("SD-JWT has more than " + std::to_string(kMaxDisclosures) +
                                     " disclosures");
    }
    parts.disclosures.push_back(text.substr(start + 1, end - start - 1));
    start = end;
  }
  if (parts.issuer_jwt.empty()) return Status::InvalidArgument("SD-JWT has no issuer-signed JWT");
  return parts;
}

}  // namespace tessera::jose

#include "services/jose/jwt.hpp"

#include <algorithm>

#include "services/jose/jcs.hpp"
#include "services/jose/json_strict.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;

// An x5c chain longer than this is not a certificate chain Tessera makes.
constexpr std::size_t kMaxX5c = 8;

Status ReadHeader(Jwt& jwt) {
  const Json& h = jwt.header;
  if (!h.is_object()) return Status::InvalidArgument("JWT header is not a JSON object");
  if (h.contains("crit")) {
    return Status::InvalidArgument("JWT header has \"crit\"; no extension is understood here");
  }
  TESSERA_ASSIGN_OR_RETURN(std::string alg, StringMember(h, "alg", "JWT header"));
  auto known = JwsAlgFromString(alg);
  if (!known.ok()) return Status::InvalidArgument("JWT header: " + known.status().message());
  jwt.alg = *known;
  if (h.contains("typ")) {
    TESSERA_ASSIGN_OR_RETURN(jwt.typ, StringMember(h, "typ", "JWT header"));
  }
  if (h.contains("kid") && !h["kid"].is_string()) {
    return Status::InvalidArgument("JWT header: \"kid\" is not a string");
  }
  if (h.contains("x5c")) {
    const Json& chain = h["x5c"];
    if (!chain.is_array() || chain.empty() || chain.size() > kMaxX5c) {
      return Status::InvalidArgument("JWT header: \"x5c\" is not an array of 1 to " +
                                     std::to_string(kMaxX5c) + " certificates");
    }
    for (std::size_t i = 0; i < chain.size(); ++i) {
      auto der = chain[i].is_string() ? Base64Decode(chain[i].get<std::string>())
                                      : Result<Bytes>(Status::InvalidArgument("not a string"));
      if (!der.ok() || der->empty()) {
        return Status::InvalidArgument("JWT header: x5c[" + std::to_string(i) +
                                       "] is not base64 of a certificate");
      }
      jwt.x5c.push_back(std::move(*der));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> SignJwt(JwsAlg alg, const Json& header_members, const std::vector<Bytes>& x5c,
                            const Json& claims, const JwsSigner& signer) {
  if (!claims.is_object()) return Status::InvalidArgument("JWT claims are not a JSON object");
  Json header = header_members;
  if (!x5c.empty()) {
    Json chain = Json::array();
    for (const Bytes& der : x5c) chain.push_back(Base64Encode(der));
    header["x5c"] = std::move(chain);
  }
  TESSERA_ASSIGN_OR_RETURN(std::string payload, Canonicalize(claims));
  return SignCompactWithHeader(alg, header, payload, signer);
}

Result<Jwt> ParseJwt(std::string_view compact) {
  const std::size_t dot1 = compact.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : compact.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || compact.find('.', dot2 + 1) != std::string_view::npos) {
    return Status::InvalidArgument("JWT is not three parts joined by '.'");
  }
  auto header = Base64UrlDecode(compact.substr(0, dot1));
  if (!header.ok()) return Status::InvalidArgument("JWT header: " + header.status().message());
  auto payload = Base64UrlDecode(compact.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload.ok()) return Status::InvalidArgument("JWT payload: " + payload.status().message());
  auto signature = Base64UrlDecode(compact.substr(dot2 + 1));
  if (!signature.ok()) {
    return Status::InvalidArgument("JWT signature: " + signature.status().message());
  }
  Jwt jwt;
  TESSERA_ASSIGN_OR_RETURN(jwt.header, ParseJsonStrict(AsString(*header), "JWT header"));
  TESSERA_RETURN_IF_ERROR(ReadHeader(jwt));
  TESSERA_ASSIGN_OR_RETURN(jwt.claims, ParseJsonStrict(AsString(*payload), "JWT payload"));
  if (!jwt.claims.is_object()) return Status::InvalidArgument("JWT payload is not a JSON object");
  jwt.signing_input = std::string(compact.substr(0, dot2));
  jwt.signature = std::move(*signature);
  return jwt;
}

Result<Jwt> VerifyJwt(std::string_view compact, const EVP_PKEY& public_key) {
  TESSERA_ASSIGN_OR_RETURN(Jwt jwt, ParseJwt(compact));
  TESSERA_RETURN_IF_ERROR(
      VerifyJwsSignature(jwt.alg, public_key, jwt.signing_input, jwt.signature));
  return jwt;
}

Status ExpectJwtType(const Jwt& jwt, std::string_view typ, std::string_view what) {
  if (jwt.typ == typ) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + ": header typ is \"" + jwt.typ + "\", not \"" +
                                 std::string(typ) + "\"");
}

std::string Base64Encode(ByteView data) {
  std::string out = Base64UrlEncode(data);
  std::replace(out.begin(), out.end(), '-', '+');
  std::replace(out.begin(), out.end(), '_', '/');
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return Status::InvalidArgument("base64 length is not a multiple of 4");
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  std::string url(text.substr(0, text.size() - pad));
  for (char& c : url) {
    if (c == '-' || c == '_' || c == '=') {
      return Status::InvalidArgument("base64 has a character outside its alphabet");
    }
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return Base64UrlDecode(url);
}

}  // namespace tessera::jose

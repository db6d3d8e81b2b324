#include "services/jose/jwk.hpp"

#include <openssl/core_names.h>
#include <openssl/sha.h>

#include <array>

#include "services/jose/json_strict.hpp"
#include "services/jose/jws.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kCoordinate = 32;  // P-256, RFC 7518 §6.2.1.2

Result<Bytes> Coordinate(const Json& jwk, const char* name) {
  TESSERA_ASSIGN_OR_RETURN(std::string text, StringMember(jwk, name, "JWK"));
  auto bytes = Base64UrlDecode(text);
  if (!bytes.ok()) {
    return Status::InvalidArgument(std::string("JWK: \"") + name + "\" " +
                                   bytes.status().message());
  }
  if (bytes->size() != kCoordinate) {
    return Status::InvalidArgument(std::string("JWK: \"") + name + "\" is " +
                                   std::to_string(bytes->size()) + " bytes, not 32");
  }
  return *bytes;
}

Status CheckMembers(const Json& jwk) {
  if (!jwk.is_object()) return Status::InvalidArgument("JWK is not a JSON object");
  for (const auto& [name, value] : jwk.items()) {
    if (name == "kty" || name == "crv" || name == "x" || name == "y") continue;
    if (name == "d") return Status::InvalidArgument("JWK: \"d\" is a private key; refused");
    const bool fits = (name == "kid" && value.is_string()) || (name == "use" && value == "sig") ||
                      (name == "alg" && value == "ES256");
    if (!fits) return Status::InvalidArgument("JWK: member \"" + name + "\" is not accepted");
  }
  TESSERA_ASSIGN_OR_RETURN(std::string kty, StringMember(jwk, "kty", "JWK"));
  if (kty != "EC") return Status::InvalidArgument("JWK: \"kty\" is \"" + kty + "\", not \"EC\"");
  TESSERA_ASSIGN_OR_RETURN(std::string crv, StringMember(jwk, "crv", "JWK"));
  if (crv != "P-256") {
    return Status::InvalidArgument("JWK: \"crv\" is \"" + crv + "\", not \"P-256\"");
  }
  return Status::Ok();
}

}  // namespace

Result<Json> JwkFromSpki(ByteView spki_der) {
  auto key = ossl::PublicKeyFromDer(spki_der);
  if (!key.ok()) return Status::InvalidArgument("SPKI: " + key.status().message());
  auto alg = JwsAlgFor(**key);
  if (!alg.ok() || *alg != JwsAlg::kEs256) {
    return Status::InvalidArgument("SPKI is not an EC P-256 public key");
  }
  std::array<unsigned char, 1 + 2 * kCoordinate> point{};
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key->get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                      point.size(), &len) != 1 ||
      len != point.size() || point[0] != 0x04) {
    return ossl::Error("P-256 public point");
  }
  const ByteView p(point.data(), point.size());
  return Json{{"kty", "EC"},
              {"crv", "P-256"},
              {"x", Base64UrlEncode(p.subspan(1, kCoordinate))},
              {"y", Base64UrlEncode(p.subspan(1 + kCoordinate))}};
}

Result<ossl::PkeyPtr> PublicKeyFromJwk(const Json& jwk) {
  TESSERA_RETURN_IF_ERROR(CheckMembers(jwk));
  TESSERA_ASSIGN_OR_RETURN(Bytes x, Coordinate(jwk, "x"));
  TESSERA_ASSIGN_OR_RETURN(Bytes y, Coordinate(jwk, "y"));
  Bytes point{0x04};
  Append(point, x);
  Append(point, y);
  // OpenSSL decodes the point (refusing coordinates >= p and points off the
  // curve); EVP_PKEY_public_check makes the refusal explicit.
  const std::array<OSSL_PARAM, 3> params = {ossl::Utf8Param(OSSL_PKEY_PARAM_GROUP_NAME, "P-256"),
                                            ossl::OctetParam(OSSL_PKEY_PARAM_PUB_KEY, point),
                                            OSSL_PARAM_construct_end()};
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY,
                        const_cast<OSSL_PARAM*>(params.data())) != 1) {
    (void)ossl::DrainErrors();
    return Status::InvalidArgument("JWK: \"x\", \"y\" is not a point on P-256");
  }
  ossl::PkeyPtr key(raw);
  ossl::PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    (void)ossl::DrainErrors();
    return Status::InvalidArgument("JWK: \"x\", \"y\" is not a point on P-256");
  }
  return key;
}

Result<Bytes> SpkiFromJwk(const Json& jwk) {
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, PublicKeyFromJwk(jwk));
  return ossl::PublicKeyToDer(key.get());
}

Result<std::string> JwkThumbprint(const Json& jwk) {
  TESSERA_RETURN_IF_ERROR(PublicKeyFromJwk(jwk).status());
  // RFC 7638 §3.2: the required members in lexicographic order, no
  // whitespace; base64url values need no escaping.
  const std::string input = R"({"crv":"P-256","kty":"EC","x":")" + jwk["x"].get<std::string>() +
                            R"(","y":")" + jwk["y"].get<std::string>() + R"("})";
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  return Base64UrlEncode(digest);
}

}  // namespace tessera::jose

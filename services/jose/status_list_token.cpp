// SignStatusListToken and VerifyStatusListToken (status_list.hpp):
// draft-ietf-oauth-status-list "Status List Token in JWT Format".
#include "services/jose/json_strict.hpp"
#include "services/jose/jwt.hpp"
#include "services/jose/status_list.hpp"

namespace tessera::jose {

namespace {
using Json = nlohmann::json;
}  // namespace

Result<std::string> SignStatusListToken(const StatusListClaims& claims,
                                        const std::vector<Bytes>& x5c, const JwsSigner& signer) {
  if (claims.uri.empty()) return Status::InvalidArgument("status list token needs a uri (sub)");
  if (claims.exp <= claims.iat) return Status::InvalidArgument("status list exp is not after iat");
  if (claims.ttl <= 0) return Status::InvalidArgument("status list ttl must be positive");
  const Json payload = {{"sub", claims.uri},
                        {"iat", claims.iat},
                        {"exp", claims.exp},
                        {"ttl", claims.ttl},
                        {"status_list", claims.status_list}};
  return SignJwt(JwsAlg::kEs256, Json{{"typ", kStatusListType}}, x5c, payload, signer);
}

Result<StatusList> VerifyStatusListToken(std::string_view jwt, const EVP_PKEY& key,
                                         std::string_view expected_uri, std::int64_t now,
                                         std::int64_t skew) {
  auto token = VerifyJwt(jwt, key);
  if (!token.ok()) return token.status().Prefixed("status list token: ");
  TESSERA_RETURN_IF_ERROR(ExpectJwtType(*token, kStatusListType, "status list token"));
  const Json& c = token->claims;
  StatusList out;
  TESSERA_ASSIGN_OR_RETURN(out.uri, StringMember(c, "sub", "status list token"));
  if (out.uri != expected_uri) {
    return Status::DataMismatch("status list token is for \"" + out.uri + "\", not \"" +
                                std::string(expected_uri) + "\"");
  }
  TESSERA_ASSIGN_OR_RETURN(out.iat, IntegerMember(c, "iat", "status list token"));
  if (out.iat > now + skew) {
    return Status::ConditionsNotSatisfied("status list token iat " + std::to_string(out.iat) +
                                          " is in the future");
  }
  if (c.contains("exp")) {
    TESSERA_ASSIGN_OR_RETURN(out.exp, IntegerMember(c, "exp", "status list token"));
    if (out.exp + skew < now) {
      return Status::ConditionsNotSatisfied("status list token expired at " +
                                            std::to_string(out.exp));
    }
  }
  if (c.contains("ttl")) {
    TESSERA_ASSIGN_OR_RETURN(out.ttl, IntegerMember(c, "ttl", "status list token"));
    if (out.ttl <= 0) return Status::InvalidArgument("status list token: \"ttl\" is not positive");
  }
  if (!c.contains("status_list")) {
    return Status::InvalidArgument("status list token: \"status_list\" is missing");
  }
  TESSERA_ASSIGN_OR_RETURN(out.bits, DecodeStatusList(c["status_list"]));
  return out;
}

}  // namespace tessera::jose

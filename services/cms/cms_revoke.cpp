// Revoking a token inside a transaction (cms_common.hpp): the lost-token
// path (CmsService::RevokeToken) and the redundant-token path of a binding
// (claim 3, reason superseded) share it.
#include "services/cms/cms_common.hpp"

namespace tessera::cms {

Status RevokeTokenIn(directory::SqlTransaction& tx, ca::CaService& ca, const Caller& caller,
                     std::uint32_t serial, int reason, std::int64_t now, TokenRevocation* out) {
  const std::string name = "token " + std::to_string(serial);
  TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CmsTokenRecord> found,
                           directory::FindCmsToken(tx, serial));
  if (!found) return Status::NotFound(name + " is not in the inventory");
  if (found->state == "revoked") return Status::AlreadyExists(name + " is revoked already");
  out->token = *found;
  TESSERA_ASSIGN_OR_RETURN(std::optional<directory::BindingRecord> binding,
                           directory::LiveBindingOfToken(tx, serial));
  if (binding) {
    out->binding_id = binding->id;
    binding->state = "revoked";
    binding->revoked_at = now;
    binding->revoked_reason = reason;
    binding->updated_at = now;
    TESSERA_RETURN_IF_ERROR(directory::UpdateBinding(tx, *binding));
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CmsRequestRecord> request,
                             directory::FindCmsRequest(tx, binding->id));
    if (request) {
      request->state = "revoked";
      request->updated_at = now;
      TESSERA_RETURN_IF_ERROR(directory::UpdateCmsRequest(tx, *request));
    }
  }
  TESSERA_ASSIGN_OR_RETURN(std::vector<directory::CertificateRef> certificates,
                           directory::UnrevokedCertificatesOfToken(tx, serial));
  for (const directory::CertificateRef& c : certificates) {
    out->certificates.push_back(ca::RevokeRequest{c.ca, c.serial, reason});
  }
  TESSERA_RETURN_IF_ERROR(
      ca.RevokeWithin(tx, out->certificates, ca::Actor{caller.name, caller.request_id}, now));
  out->token.state = "revoked";
  out->token.user_id.reset();
  out->token.revoked_at = now;
  out->token.revoked_reason = reason;
  out->token.updated_at = now;
  return directory::UpdateCmsToken(tx, out->token);
}

}  // namespace tessera::cms

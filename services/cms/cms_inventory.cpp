// The inventory (seed 000 claims 1, 11): a token is recorded only after its
// attestation checks out; a revoked token comes back only after a reset.
// And RevokeToken: a lost token takes its binding and certificates with it.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/piv/piv_constants.hpp"
#include "services/ca/revocation_reason.hpp"
#include "services/cms/cms_common.hpp"
#include "services/cms/cms_service.hpp"
#include "services/trust/attestation.hpp"

namespace tessera::cms {
namespace {

Status CheckTransport(const std::string& transport) {
  if (transport == "sim" || transport == "pcsc" || transport == "usb") return Status::Ok();
  return Status::InvalidArgument("transport must be sim, pcsc or usb, not '" + transport + "'");
}

// A token revoked before comes back only reset (docs/cms-api.md
// "Re-registration"): PIV RESET gives it a new CHUID and empties its key
// slots, so the station must read no user key and a CHUID other than the
// recorded one.
Status CheckReset(const directory::CmsTokenRecord& old, const RegisterTokenRequest& request) {
  if (!request.used_key_slots.empty()) {
    std::string slots;
    for (const std::string& slot : request.used_key_slots)
      slots += (slots.empty() ? "" : ", ") + slot;
    return Status::ConditionsNotSatisfied("token " + std::to_string(request.serial) +
                                          " was revoked and still holds keys (" + slots +
                                          "); reset it before registering it again");
  }
  if (request.chuid == old.chuid) {
    return Status::ConditionsNotSatisfied("token " + std::to_string(request.serial) +
                                          " was revoked and has not been reset (same CHUID)");
  }
  return Status::Ok();
}

}  // namespace

Result<directory::CmsTokenRecord> CmsService::RegisterToken(const RegisterTokenRequest& request,
                                                            const Caller& caller) {
  const std::string object = TokenObject(request.serial);
  const std::int64_t now = ca_->Now();
  Status input = CheckTransport(request.transport);
  if (!input.ok()) return Refuse("cms.token.register", object, input, caller);
  // The token key F0 (trust::AttestationInput's default slot).
  Result<trust::AttestationResult> attested = trust::VerifyAttestation(
      trust::AttestationInput{request.serial, request.token_key, request.attestation,
                              request.attestation_ca, piv::key::kTokenKey},
      options_.manufacturer_cas, now);
  if (!attested.ok()) return Refuse("cms.token.register", object, attested.status(), caller);

  directory::CmsTokenRecord record;
  record.serial = request.serial;
  record.token_key = attested->token_key_spki;
  record.attestation = request.attestation;
  record.attestation_ca = request.attestation_ca;
  record.chuid = request.chuid;
  record.transport = request.transport;
  record.registered_at = now;
  record.updated_at = now;
  bool again = false;
  Status stored = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CmsTokenRecord> old,
                             directory::FindCmsToken(tx, request.serial));
    again = old.has_value();
    if (!old) {
      record.registrations = 1;
      TESSERA_RETURN_IF_ERROR(directory::InsertCmsToken(tx, record));
    } else {
      if (old->state != "revoked") {
        return Status::AlreadyExists("token " + std::to_string(request.serial) +
                                     " is in the inventory already (" + old->state + ")");
      }
      if (old->token_key != record.token_key) {
        return Status::ConditionsNotSatisfied("token " + std::to_string(request.serial) +
                                              " presents another token key than it was "
                                              "registered with");
      }
      TESSERA_RETURN_IF_ERROR(CheckReset(*old, request));
      record.registrations = old->registrations + 1;
      TESSERA_RETURN_IF_ERROR(directory::UpdateCmsToken(tx, record));
    }
    return AuditIn(tx, caller, again ? "cms.token.reregister" : "cms.token.register", object,
                   nlohmann::json{{"transport", request.transport},
                                  {"manufacturer", attested->manufacturer},
                                  {"registrations", record.registrations}}
                       .dump(),
                   now);
  });
  if (!stored.ok()) return Refuse("cms.token.register", object, stored, caller);
  return record;
}

Result<directory::CmsTokenRecord> CmsService::RevokeToken(std::uint32_t serial, int reason,
                                                          const Caller& caller) {
  const std::string object = TokenObject(serial);
  TESSERA_RETURN_IF_ERROR(ca::RevocationReasonFromName(ca::RevocationReasonName(reason)).status());
  const std::int64_t now = ca_->Now();
  TokenRevocation revocation;
  Status done = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    revocation = TokenRevocation();
    TESSERA_RETURN_IF_ERROR(RevokeTokenIn(tx, *ca_, caller, serial, reason, now, &revocation));
    return AuditIn(tx, caller, "cms.token.revoke", object,
                   nlohmann::json{{"reason", ca::RevocationReasonName(reason)},
                                  {"certificates", revocation.certificates.size()},
                                  {"binding", revocation.binding_id}}
                       .dump(),
                   now);
  });
  if (!done.ok()) return Refuse("cms.token.revoke", object, done, caller);
  ca_->ForgetRevoked(revocation.certificates);
  return revocation.token;
}

}  // namespace tessera::cms

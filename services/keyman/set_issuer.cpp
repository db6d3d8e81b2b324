#include "services/keyman/set_issuer.hpp"

#include <string>

#include "common/card_manager_constants.hpp"
#include "services/keyman/channel_steps.hpp"
#include "services/keyman/token_access.hpp"

namespace tessera::keyman {
namespace {

std::string Version(std::uint8_t v) { return std::to_string(v); }

// The directory row the channel's MK version comes from: personalized, and
// at the version the token itself reports.
Result<directory::TokenRecord> SettledRow(const directory::Directory& directory, const Bytes& uid,
                                          const TokenKeyVersions& keys) {
  TESSERA_ASSIGN_OR_RETURN(auto record, directory.FindByUid(uid));
  if (!record) {
    return Status::ConditionsNotSatisfied(
        "the token is not in the directory: its MK version is unknown");
  }
  if (record->lifecycle != directory::Lifecycle::kPersonalized || record->target_mk_version) {
    return Status::ConditionsNotSatisfied(
        "the directory has the token " + std::string(directory::ToString(record->lifecycle)) +
        (record->target_mk_version ? " with an MK replacement in flight" : "") +
        ": finish that with `tessera personalize` or `tessera mk-replace` first");
  }
  if (keys.mk != record->mk_version) {
    return Status::ConditionsNotSatisfied("the token reports MK version " +
                                          (keys.mk ? Version(*keys.mk) : std::string("none")) +
                                          ", the directory's row " + Version(record->mk_version));
  }
  return *std::move(record);
}

}  // namespace

Result<IssuerKeyChange> SetIssuerKey(hsm::HsmToken& hsm, const directory::Directory& directory,
                                     const std::shared_ptr<host::Reader>& reader,
                                     ByteView issuer_point) {
  TESSERA_ASSIGN_OR_RETURN(TokenConnection connection, TokenConnection::Open(reader));
  host::CardManagerClient& client = connection.client();
  TESSERA_ASSIGN_OR_RETURN(Bytes uid, client.GetUid());
  TESSERA_ASSIGN_OR_RETURN(host::CardManagerStatus status, client.GetStatus());
  if (status.lifecycle != static_cast<std::uint8_t>(cm::Lifecycle::kPersonalized)) {
    return Status::ConditionsNotSatisfied(
        std::string("the token is ") + cm::LifecycleName(status.lifecycle) +
        "; set-issuer needs a personalized token (`tessera personalize --issuer-key` embeds "
        "one in a new token)");
  }
  TESSERA_ASSIGN_OR_RETURN(TokenKeyVersions keys, ReadKeyVersions(client));
  TESSERA_ASSIGN_OR_RETURN(directory::TokenRecord record, SettledRow(directory, uid, keys));
  Result<hsm::HsmStaticKeys> channel_keys = OpenUnderMk(hsm, client, uid, record.mk_version);
  if (!channel_keys.ok()) {
    return channel_keys.status().Prefixed("no secure channel under the directory's MK version " +
                                          Version(record.mk_version) + ": ");
  }
  IssuerKeyChange change;
  change.mk_version = record.mk_version;
  change.previous_version = keys.issuer;
  TESSERA_ASSIGN_OR_RETURN(change.version, PutIssuerKey(client, issuer_point, keys.issuer));
  client.CloseChannel();
  return change;
}

}  // namespace tessera::keyman

#include "host/keyman/personalize.hpp"

#include "common/card_manager_constants.hpp"
#include "common/scp03/key_set.hpp"
#include "common/scp03/secure_channel.hpp"
#include "hsm/cryptogram.hpp"
#include "hsm/diversify.hpp"
#include "hsm/scp03_keys.hpp"
#include "hsm/version_objects.hpp"

namespace tessera::keyman {
namespace {

// Everything the channel may protect: C-DEC, C-MAC, R-ENC, R-MAC.
constexpr std::uint8_t kFullProtection = 0x33;

Result<host::PutKeyEntry> WrapFor(hsm::HsmToken& hsm, host::CardManagerClient& client,
                                  const hsm::KeyObject& key) {
  const scp03::SessionKeys* session = client.session_keys();
  if (session == nullptr) return Status::Internal("PUT KEY: no secure channel open");
  TESSERA_ASSIGN_OR_RETURN(hsm::PutKeyData data, hsm::WrapForPutKey(hsm, session->dek.view(), key));
  return host::PutKeyEntry{std::move(data.encrypted), std::move(data.kcv)};
}

Result<Outcome> Resume(directory::Directory& directory, const Bytes& uid, std::uint8_t version,
                       std::optional<std::uint8_t> token_mk) {
  TESSERA_ASSIGN_OR_RETURN(auto record, directory.FindByUid(uid));
  if (!record) {
    return Status::ConditionsNotSatisfied(
        "the token is personalized but not in the directory: its KRK cryptogram is unknown");
  }
  if (record->lifecycle == directory::Lifecycle::kPersonalized) return Outcome::kAlreadyDone;
  if (record->lifecycle == directory::Lifecycle::kPersonalizing && token_mk == record->mk_version &&
      record->mk_version == version) {
    TESSERA_RETURN_IF_ERROR(directory.MarkPersonalized(uid));
    return Outcome::kResumed;
  }
  return Status::ConditionsNotSatisfied("the token is personalized, but not as the directory says");
}

}  // namespace

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDone: return "done";
    case Outcome::kAlreadyDone: return "already done";
    case Outcome::kResumed: return "resumed";
  }
  return "?";
}

Result<std::uint8_t> LatestVersion(hsm::HsmToken& hsm) {
  for (int v = hsm::kMaxVersion; v >= hsm::kMinVersion; --v) {
    TESSERA_ASSIGN_OR_RETURN(hsm::VersionObjects objects,
                             hsm::FindVersion(hsm.session(), static_cast<std::uint8_t>(v)));
    if (objects.complete()) return static_cast<std::uint8_t>(v);
  }
  return Status::NotFound("HSM token '" + hsm.label() + "' holds no complete key version");
}

Result<Outcome> PersonalizeToken(hsm::HsmToken& hsm, directory::Directory& directory,
                                 const std::shared_ptr<host::Reader>& reader,
                                 std::uint8_t version) {
  TESSERA_ASSIGN_OR_RETURN(TokenConnection connection, TokenConnection::Open(reader));
  host::CardManagerClient& client = connection.client();
  TESSERA_ASSIGN_OR_RETURN(Bytes uid, client.GetUid());
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t serial, client.GetSerial());
  TESSERA_ASSIGN_OR_RETURN(host::CardManagerStatus status, client.GetStatus());
  if (status.lifecycle == static_cast<std::uint8_t>(cm::Lifecycle::kPersonalized)) {
    TESSERA_ASSIGN_OR_RETURN(auto token_mk, client.KeyVersion(cm::kKeyIdMk));
    return Resume(directory, uid, version, token_mk);
  }
  if (status.lifecycle != static_cast<std::uint8_t>(cm::Lifecycle::kManufactured)) {
    return Status::ConditionsNotSatisfied(std::string("the token is ") +
                                          cm::LifecycleName(status.lifecycle));
  }

  TESSERA_ASSIGN_OR_RETURN(hsm::KeyObject mk, hsm::DeriveTokenMk(hsm, version, uid));
  TESSERA_ASSIGN_OR_RETURN(hsm::NewKrkResult krk, hsm::NewKrk(hsm, version));
  TESSERA_RETURN_IF_ERROR(
      directory.RecordPersonalizing(uid, serial, krk.cryptogram, version, version));

  const auto factory = scp03::FactoryBaseKey();
  TESSERA_ASSIGN_OR_RETURN(scp03::StaticKeys factory_keys, scp03::StaticKeysFromBase(factory));
  TESSERA_RETURN_IF_ERROR(client.OpenChannel(scp03::kFactoryKvn, factory_keys, kFullProtection));
  TESSERA_ASSIGN_OR_RETURN(host::PutKeyEntry krk_entry, WrapFor(hsm, client, krk.krk));
  TESSERA_ASSIGN_OR_RETURN(host::PutKeyEntry mk_entry, WrapFor(hsm, client, mk));
  // P2 = key ID 1 with bit 8: more keys follow (GP 2.3 §11.8.2.2).
  TESSERA_RETURN_IF_ERROR(
      client.PutKeys(0x00, 0x80 | cm::kKeyIdKrk, version, {krk_entry, mk_entry}));
  TESSERA_RETURN_IF_ERROR(directory.MarkPersonalized(uid));
  return Outcome::kDone;
}

}  // namespace tessera::keyman

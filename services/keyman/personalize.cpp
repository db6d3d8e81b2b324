#include "services/keyman/personalize.hpp"

#include "common/card_manager_constants.hpp"
#include "common/scp03/key_set.hpp"
#include "hsm/cryptogram.hpp"
#include "hsm/diversify.hpp"
#include "hsm/scp03_keys.hpp"
#include "services/keyman/channel_steps.hpp"

namespace tessera::keyman {
namespace {

Result<host::PutKeyEntry> WrapFor(hsm::HsmToken& hsm, const hsm::HsmStaticKeys& keys,
                                  host::CardManagerClient& client, const hsm::KeyObject& key) {
  const Bytes* context = client.channel_context();
  if (context == nullptr) return Status::Internal("PUT KEY: no secure channel open");
  TESSERA_ASSIGN_OR_RETURN(hsm::PutKeyData data, hsm::WrapForPutKey(hsm, keys, *context, key));
  return host::PutKeyEntry{std::move(data.encrypted), std::move(data.kcv)};
}

// A PERSONALIZED token whose row is settled, asked for an issuer key it
// does not hold yet: the key goes in inside a channel under the row's MK.
Result<Outcome> AddIssuerKey(hsm::HsmToken& hsm, host::CardManagerClient& client, const Bytes& uid,
                             const directory::TokenRecord& record, const StepOptions& options) {
  TESSERA_ASSIGN_OR_RETURN(TokenKeyVersions keys, ReadKeyVersions(client));
  // Kept as it is: `tessera token set-issuer` replaces an issuer key.
  if (keys.issuer) return Outcome::kAlreadyDone;
  if (keys.mk != record.mk_version) {
    return Status::ConditionsNotSatisfied(
        "the token holds another MK version than the directory's row");
  }
  TESSERA_ASSIGN_OR_RETURN(hsm::HsmStaticKeys static_keys,
                           OpenUnderMk(hsm, client, uid, record.mk_version));
  TESSERA_RETURN_IF_ERROR(PutIssuerKey(client, *options.issuer_point, keys.issuer).status());
  client.CloseChannel();
  return Outcome::kDone;
}

// The token is PERSONALIZED: settle the directory row, after the token has
// proved it holds the row's MK and the KRK of the row's cryptogram.
Result<Outcome> Resume(hsm::HsmToken& hsm, directory::Directory& directory,
                       host::CardManagerClient& client, const Bytes& uid,
                       const StepOptions& options) {
  TESSERA_ASSIGN_OR_RETURN(auto record, directory.FindByUid(uid));
  if (!record) {
    return Status::ConditionsNotSatisfied(
        "the token is personalized but not in the directory: its KRK cryptogram is unknown");
  }
  if (record->lifecycle == directory::Lifecycle::kPersonalized) {
    if (!options.issuer_point) return Outcome::kAlreadyDone;
    return AddIssuerKey(hsm, client, uid, *record, options);
  }
  if (record->lifecycle != directory::Lifecycle::kPersonalizing) {
    return Status::ConditionsNotSatisfied("the token is personalized, but the directory has it " +
                                          std::string(directory::ToString(record->lifecycle)));
  }
  TESSERA_ASSIGN_OR_RETURN(TokenKeyVersions keys, ReadKeyVersions(client));
  if (keys.mk != record->mk_version || keys.krk != record->krk_version) {
    return Status::ConditionsNotSatisfied(
        "the token is personalized with other key versions than the directory's row");
  }
  TESSERA_RETURN_IF_ERROR(CheckKrkTries(client, options.force));
  TESSERA_ASSIGN_OR_RETURN(hsm::HsmStaticKeys static_keys,
                           OpenUnderMk(hsm, client, uid, record->mk_version));
  // The interrupted run wrote its issuer key before the KRK and the MK, so
  // it is normally there already.
  if (options.issuer_point && !keys.issuer) {
    TESSERA_RETURN_IF_ERROR(PutIssuerKey(client, *options.issuer_point, keys.issuer).status());
  }
  TESSERA_RETURN_IF_ERROR(
      UnlockWithCryptogram(hsm, client, uid, record->krk_version, record->cryptogram));
  client.CloseChannel();  // relocks: UNLOCKED lives only in the channel
  TESSERA_RETURN_IF_ERROR(directory.MarkPersonalized(uid, record->cryptogram));
  return Outcome::kResumed;
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

Result<Outcome> PersonalizeToken(hsm::HsmToken& hsm, directory::Directory& directory,
                                 const std::shared_ptr<host::Reader>& reader,
                                 const StepOptions& options) {
  TESSERA_ASSIGN_OR_RETURN(TokenConnection connection, TokenConnection::Open(reader));
  host::CardManagerClient& client = connection.client();
  TESSERA_ASSIGN_OR_RETURN(Bytes uid, client.GetUid());
  TESSERA_ASSIGN_OR_RETURN(host::CardManagerStatus status, client.GetStatus());
  if (status.lifecycle == static_cast<std::uint8_t>(cm::Lifecycle::kPersonalized)) {
    return Resume(hsm, directory, client, uid, options);
  }
  if (status.lifecycle != static_cast<std::uint8_t>(cm::Lifecycle::kManufactured)) {
    return Status::ConditionsNotSatisfied(std::string("the token is ") +
                                          cm::LifecycleName(status.lifecycle));
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t serial, client.GetSerial());
  // Anyone on the line may set the issuer key under the public factory key
  // before personalization (docs/card-manager.md): replace what is there.
  std::optional<std::uint8_t> issuer_version;
  if (options.issuer_point) {
    TESSERA_ASSIGN_OR_RETURN(TokenKeyVersions present, ReadKeyVersions(client));
    issuer_version = present.issuer;
  }

  const std::uint8_t version = options.version;
  TESSERA_ASSIGN_OR_RETURN(hsm::KeyObject mk, hsm::DeriveTokenMk(hsm, version, uid));
  TESSERA_ASSIGN_OR_RETURN(hsm::NewKrkResult krk, hsm::NewKrk(hsm, version));
  // Stored before the KRK goes onto the token: R is gone from the HSM, so
  // this cryptogram is the only way back to that KRK.
  TESSERA_RETURN_IF_ERROR(
      directory.RecordPersonalizing(uid, serial, krk.cryptogram, version, version));

  TESSERA_ASSIGN_OR_RETURN(hsm::HsmStaticKeys factory_keys,
                           hsm::HsmStaticKeys::DeriveFromPublicBase(hsm, scp03::FactoryBaseKey()));
  TESSERA_RETURN_IF_ERROR(
      client.OpenChannel(scp03::kFactoryKvn, factory_keys.Prfs(), kFullProtection));
  // Before the KRK and the MK: PUT KEY of those closes the channel, and a
  // token cut off between the two is still MANUFACTURED (a re-run redoes
  // both).
  if (options.issuer_point) {
    TESSERA_RETURN_IF_ERROR(PutIssuerKey(client, *options.issuer_point, issuer_version).status());
  }
  TESSERA_ASSIGN_OR_RETURN(host::PutKeyEntry krk_entry,
                           WrapFor(hsm, factory_keys, client, krk.krk));
  TESSERA_ASSIGN_OR_RETURN(host::PutKeyEntry mk_entry, WrapFor(hsm, factory_keys, client, mk));
  // P2 = key ID 1 with bit 8: more keys follow (GP 2.3 §11.8.2.2).
  TESSERA_RETURN_IF_ERROR(
      client.PutKeys(0x00, 0x80 | cm::kKeyIdKrk, version, {krk_entry, mk_entry}));
  TESSERA_RETURN_IF_ERROR(directory.MarkPersonalized(uid, krk.cryptogram));
  return Outcome::kDone;
}

}  // namespace tessera::keyman

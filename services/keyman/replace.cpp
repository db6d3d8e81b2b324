#include "services/keyman/replace.hpp"

#include "common/card_manager_constants.hpp"
#include "hsm/diversify.hpp"
#include "hsm/scp03_keys.hpp"
#include "services/keyman/channel_steps.hpp"

namespace tessera::keyman {
namespace {

std::string VersionText(std::optional<std::uint8_t> v) {
  return v ? std::to_string(*v) : std::string("none");
}

// The directory row of `uid`, checked for what a replacement needs.
Result<directory::TokenRecord> RecordFor(directory::Directory& directory, const Bytes& uid) {
  TESSERA_ASSIGN_OR_RETURN(auto record, directory.FindByUid(uid));
  if (!record) {
    return Status::NotFound("token UID " + ToHex(uid) +
                            " is not in the directory (never personalized here)");
  }
  if (record->cryptogram.empty()) {
    return Status::NotFound("the directory holds no KRK cryptogram for UID " + ToHex(uid));
  }
  if (record->lifecycle == directory::Lifecycle::kTerminated) {
    return Status::ConditionsNotSatisfied("token UID " + ToHex(uid) + " is terminated");
  }
  if (record->lifecycle != directory::Lifecycle::kPersonalized) {
    return Status::ConditionsNotSatisfied("token UID " + ToHex(uid) +
                                          " is not marked personalized in the directory");
  }
  return std::move(*record);
}

// The token's KRK must be the one of the row's cryptogram, and its MK the
// row's or the target of the row's replacement in flight (which then
// committed). Nothing else is accepted, even with a secure channel to prove
// it: whoever holds a retired MK block could otherwise present a token
// under a retired version and move the row back to it.
Status CheckAgainstRow(const directory::TokenRecord& record, const TokenKeyVersions& keys) {
  if (!keys.mk) return Status::ConditionsNotSatisfied("the token holds no MK");
  if (keys.krk != record.krk_version) {
    return Status::ConditionsNotSatisfied("the token's KRK version " + VersionText(keys.krk) +
                                          " differs from the directory's " +
                                          VersionText(record.krk_version));
  }
  if (*keys.mk != record.mk_version && keys.mk != record.target_mk_version) {
    return Status::ConditionsNotSatisfied("the token holds MK version " + VersionText(keys.mk) +
                                          ", the directory expects " +
                                          VersionText(record.mk_version));
  }
  return Status::Ok();
}

// UNLOCK with the KRK of the row's cryptogram: the prefetched one when it
// was made from exactly this row, else recovered now.
Status Unlock(hsm::HsmToken& hsm, host::CardManagerClient& client, const Bytes& uid,
              const directory::TokenRecord& record, KrkPrefetcher* prefetcher) {
  std::optional<hsm::KeyObject> krk;
  if (prefetcher != nullptr) {
    krk = prefetcher->Take(uid, record.krk_version, record.cryptogram, hsm.session());
  }
  if (krk) return UnlockWithKrk(hsm, client, uid, record.krk_version, *krk);
  return UnlockWithCryptogram(hsm, client, uid, record.krk_version, record.cryptogram);
}

}  // namespace

Status ProbeToken(hsm::HsmToken& hsm, const std::shared_ptr<host::Reader>& reader,
                  std::uint8_t version) {
  TESSERA_ASSIGN_OR_RETURN(TokenConnection connection, TokenConnection::Open(reader));
  host::CardManagerClient& client = connection.client();
  TESSERA_ASSIGN_OR_RETURN(Bytes uid, client.GetUid());
  TESSERA_RETURN_IF_ERROR(OpenUnderMk(hsm, client, uid, version).status());
  // A protected command proves the channel works both ways (R-MAC checked).
  TESSERA_ASSIGN_OR_RETURN(Bytes echoed_uid, client.GetUid());
  if (echoed_uid != uid) return Status::SecurityStatus("the token changed its UID in the channel");
  client.CloseChannel();
  return Status::Ok();
}

Result<Outcome> ReplaceMasterKey(hsm::HsmToken& hsm, directory::Directory& directory,
                                 const std::shared_ptr<host::Reader>& reader,
                                 const StepOptions& options, KrkPrefetcher* prefetcher) {
  const std::uint8_t to_version = options.version;
  TESSERA_ASSIGN_OR_RETURN(TokenConnection connection, TokenConnection::Open(reader));
  host::CardManagerClient& client = connection.client();
  TESSERA_ASSIGN_OR_RETURN(Bytes uid, client.GetUid());
  TESSERA_ASSIGN_OR_RETURN(directory::TokenRecord record, RecordFor(directory, uid));
  TESSERA_ASSIGN_OR_RETURN(TokenKeyVersions keys, ReadKeyVersions(client));
  if (keys.mk == to_version && record.mk_version == to_version && !record.target_mk_version) {
    return Outcome::kAlreadyDone;
  }
  TESSERA_RETURN_IF_ERROR(CheckAgainstRow(record, keys));
  const std::uint8_t token_mk = *keys.mk;
  if (token_mk == to_version) {
    // A replacement cut off after the token committed: settle the row once
    // the token has proved the new MK.
    TESSERA_RETURN_IF_ERROR(OpenUnderMk(hsm, client, uid, token_mk).status());
    client.CloseChannel();
    TESSERA_RETURN_IF_ERROR(directory.SettleMkVersion(uid, to_version));
    return Outcome::kResumed;
  }
  TESSERA_RETURN_IF_ERROR(CheckKrkTries(client, options.force));

  // The new MK from the HSM first, so a missing version fails before the
  // token is touched.
  TESSERA_ASSIGN_OR_RETURN(hsm::KeyObject new_mk, hsm::DeriveTokenMk(hsm, to_version, uid));
  TESSERA_ASSIGN_OR_RETURN(hsm::HsmStaticKeys static_keys, OpenUnderMk(hsm, client, uid, token_mk));
  if (record.target_mk_version) {
    // An earlier replacement was cut off; the channel just proved which way
    // it went (token_mk is the row's MK or that target, CheckAgainstRow).
    TESSERA_RETURN_IF_ERROR(directory.SettleMkVersion(uid, token_mk));
  }
  TESSERA_RETURN_IF_ERROR(Unlock(hsm, client, uid, record, prefetcher));
  TESSERA_RETURN_IF_ERROR(client.DeleteMasterKey(token_mk));
  const Bytes* context = client.channel_context();
  if (context == nullptr) return Status::Internal("PUT KEY: the channel closed");
  TESSERA_ASSIGN_OR_RETURN(hsm::PutKeyData data,
                           hsm::WrapForPutKey(hsm, static_keys, *context, new_mk));
  // From here the token may end up with either MK (a cut link can hide the
  // commit): the row says a replacement is in flight until it is settled.
  TESSERA_RETURN_IF_ERROR(directory.BeginReplacement(uid, to_version));
  TESSERA_RETURN_IF_ERROR(
      client.PutKeys(token_mk, cm::kKeyIdMk, to_version,
                     {host::PutKeyEntry{std::move(data.encrypted), std::move(data.kcv)}}));
  TESSERA_RETURN_IF_ERROR(directory.FinishReplacement(uid, to_version));
  return Outcome::kDone;
}

}  // namespace tessera::keyman

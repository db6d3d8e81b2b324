#include "host/keyman/replace.hpp"

#include "common/card_manager_constants.hpp"
#include "common/scp03/key_set.hpp"
#include "hsm/cryptogram.hpp"
#include "hsm/diversify.hpp"
#include "hsm/scp03_keys.hpp"

namespace tessera::keyman {
namespace {

constexpr std::uint8_t kFullProtection = 0x33;

std::string VersionText(std::uint8_t v) { return std::to_string(v); }

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

// Opens the channel under the token's current MK, derived in the HSM.
Status OpenUnderMk(hsm::HsmToken& hsm, host::CardManagerClient& client, const Bytes& uid,
                   std::uint8_t version) {
  TESSERA_ASSIGN_OR_RETURN(hsm::KeyObject mk, hsm::DeriveTokenMk(hsm, version, uid));
  TESSERA_ASSIGN_OR_RETURN(hsm::HsmStaticKeys keys, hsm::HsmStaticKeys::Derive(hsm, mk));
  return client.OpenChannel(version, keys.Prfs(), kFullProtection);
}

}  // namespace

Status ProbeToken(hsm::HsmToken& hsm, const std::shared_ptr<host::Reader>& reader,
                  std::uint8_t version) {
  TESSERA_ASSIGN_OR_RETURN(TokenConnection connection, TokenConnection::Open(reader));
  host::CardManagerClient& client = connection.client();
  TESSERA_ASSIGN_OR_RETURN(Bytes uid, client.GetUid());
  TESSERA_RETURN_IF_ERROR(OpenUnderMk(hsm, client, uid, version));
  // A protected command proves the channel works both ways (R-MAC checked).
  TESSERA_ASSIGN_OR_RETURN(Bytes echoed_uid, client.GetUid());
  if (echoed_uid != uid) return Status::SecurityStatus("the token changed its UID in the channel");
  client.CloseChannel();
  return Status::Ok();
}

Result<Outcome> ReplaceMasterKey(hsm::HsmToken& hsm, directory::Directory& directory,
                                 const std::shared_ptr<host::Reader>& reader,
                                 std::uint8_t to_version) {
  TESSERA_ASSIGN_OR_RETURN(TokenConnection connection, TokenConnection::Open(reader));
  host::CardManagerClient& client = connection.client();
  TESSERA_ASSIGN_OR_RETURN(Bytes uid, client.GetUid());
  TESSERA_ASSIGN_OR_RETURN(directory::TokenRecord record, RecordFor(directory, uid));
  TESSERA_ASSIGN_OR_RETURN(auto token_mk, client.KeyVersion(cm::kKeyIdMk));
  if (!token_mk) return Status::ConditionsNotSatisfied("the token holds no MK");
  if (*token_mk == to_version) {
    if (record.mk_version == to_version && !record.target_mk_version) return Outcome::kAlreadyDone;
    TESSERA_RETURN_IF_ERROR(directory.FinishReplacement(uid, to_version));
    return Outcome::kResumed;
  }
  TESSERA_ASSIGN_OR_RETURN(auto token_krk, client.KeyVersion(cm::kKeyIdKrk));
  if (token_krk != record.krk_version) {
    return Status::ConditionsNotSatisfied(
        "the token's KRK version " + (token_krk ? VersionText(*token_krk) : "none") +
        " differs from the directory's " + VersionText(record.krk_version));
  }

  // Everything from the HSM first, so a missing version fails before the
  // token is touched.
  TESSERA_ASSIGN_OR_RETURN(hsm::KeyObject krk,
                           hsm::RecoverKrk(hsm, record.krk_version, record.cryptogram));
  TESSERA_ASSIGN_OR_RETURN(hsm::KeyObject new_mk, hsm::DeriveTokenMk(hsm, to_version, uid));

  TESSERA_RETURN_IF_ERROR(OpenUnderMk(hsm, client, uid, *token_mk));
  TESSERA_ASSIGN_OR_RETURN(Bytes challenge, client.GetChallenge());
  TESSERA_ASSIGN_OR_RETURN(SecureBytes response,
                           hsm::Cmac(hsm, krk, scp03::UnlockMessage(challenge, uid)));
  TESSERA_RETURN_IF_ERROR(client.Unlock(record.krk_version, response.view()));
  TESSERA_RETURN_IF_ERROR(client.DeleteMasterKey(*token_mk));
  const scp03::SessionKeys* session = client.session_keys();
  if (session == nullptr) return Status::Internal("PUT KEY: the channel closed");
  TESSERA_ASSIGN_OR_RETURN(hsm::PutKeyData data,
                           hsm::WrapForPutKey(hsm, session->dek.view(), new_mk));
  // From here the token may end up with either MK (a cut link can hide the
  // commit): the row says a replacement is in flight until it is settled.
  TESSERA_RETURN_IF_ERROR(directory.BeginReplacement(uid, to_version));
  TESSERA_RETURN_IF_ERROR(
      client.PutKeys(*token_mk, cm::kKeyIdMk, to_version,
                     {host::PutKeyEntry{std::move(data.encrypted), std::move(data.kcv)}}));
  TESSERA_RETURN_IF_ERROR(directory.FinishReplacement(uid, to_version));
  return Outcome::kDone;
}

}  // namespace tessera::keyman

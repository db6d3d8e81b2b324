#include "services/keyman/channel_steps.hpp"

#include "common/card_manager_constants.hpp"
#include "common/scp03/key_set.hpp"
#include "hsm/cryptogram.hpp"
#include "hsm/diversify.hpp"

namespace tessera::keyman {

Result<TokenKeyVersions> ReadKeyVersions(host::CardManagerClient& client) {
  TESSERA_ASSIGN_OR_RETURN(auto keys, client.GetKeyInfo());
  TokenKeyVersions versions;
  for (const auto& key : keys) {
    if (key.id == cm::kKeyIdKrk) versions.krk = key.kvn;
    if (key.id == cm::kKeyIdMk) versions.mk = key.kvn;
    if (key.id == cm::kKeyIdIssuer) versions.issuer = key.kvn;
  }
  return versions;
}

Result<std::uint8_t> PutIssuerKey(host::CardManagerClient& client, ByteView point,
                                  std::optional<std::uint8_t> current) {
  constexpr std::uint8_t kMaxKvn = 0x7F;
  const std::uint8_t old_kvn = current.value_or(0);
  const auto next = static_cast<std::uint8_t>(old_kvn >= kMaxKvn ? 1 : old_kvn + 1);
  TESSERA_RETURN_IF_ERROR(client.PutIssuerKey(point, next, old_kvn));
  return next;
}

Result<hsm::HsmStaticKeys> OpenUnderMk(hsm::HsmToken& hsm, host::CardManagerClient& client,
                                       const Bytes& uid, std::uint8_t version) {
  TESSERA_ASSIGN_OR_RETURN(hsm::KeyObject mk, hsm::DeriveTokenMk(hsm, version, uid));
  TESSERA_ASSIGN_OR_RETURN(hsm::HsmStaticKeys keys, hsm::HsmStaticKeys::Derive(hsm, mk));
  TESSERA_RETURN_IF_ERROR(client.OpenChannel(version, keys.Prfs(), kFullProtection));
  return keys;
}

Status CheckKrkTries(host::CardManagerClient& client, bool force) {
  TESSERA_ASSIGN_OR_RETURN(host::CardManagerStatus status, client.GetStatus());
  if (status.krk_tries_left == 0) {
    return Status::AuthBlocked(
        "the token's KRK is locked for good; its MK can no longer be "
        "replaced");
  }
  if (status.krk_tries_left <= kReservedKrkTries && !force) {
    return Status::ConditionsNotSatisfied(
        "earlier UNLOCKs failed on this token: only " + std::to_string(status.krk_tries_left) +
        " of " + std::to_string(status.krk_try_limit) +
        " KRK tries left. Check the directory's cryptogram for it; --force spends one");
  }
  return Status::Ok();
}

Status UnlockWithCryptogram(hsm::HsmToken& hsm, host::CardManagerClient& client, const Bytes& uid,
                            std::uint8_t krk_version, ByteView cryptogram) {
  TESSERA_ASSIGN_OR_RETURN(hsm::KeyObject krk, hsm::RecoverKrk(hsm, krk_version, cryptogram));
  return UnlockWithKrk(hsm, client, uid, krk_version, krk);
}

Status UnlockWithKrk(hsm::HsmToken& hsm, host::CardManagerClient& client, const Bytes& uid,
                     std::uint8_t krk_version, const hsm::KeyObject& krk) {
  TESSERA_ASSIGN_OR_RETURN(Bytes challenge, client.GetChallenge());
  TESSERA_ASSIGN_OR_RETURN(SecureBytes response,
                           hsm::Cmac(hsm, krk, scp03::UnlockMessage(challenge, uid)));
  return client.Unlock(krk_version, response.view());
}

}  // namespace tessera::keyman

// Steps personalization, replacement and probing share on an open token
// connection: reading the key versions, opening the SCP03 channel under a
// per-token MK derived in the HSM, and proving the KRK with UNLOCK
// (docs/card-manager.md). Borrow everything; the HsmToken's thread.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "host/card/card_manager_client.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/scp03_keys.hpp"

namespace tessera::keyman {

// Everything the channel can protect: C-DEC, C-MAC, R-ENC, R-MAC.
inline constexpr std::uint8_t kFullProtection = 0x33;

struct TokenKeyVersions {
  std::optional<std::uint8_t> krk;
  std::optional<std::uint8_t> mk;
  std::optional<std::uint8_t> issuer;  // key ID 10, the registration issuer key
};
// One GET DATA 00E0.
Result<TokenKeyVersions> ReadKeyVersions(host::CardManagerClient& client);

// Inside an open channel: PUT KEY of the registration issuer key (key ID
// 10; docs/card-manager.md), a P-256 point, replacing version `current`.
// The new version is current + 1 (01 after 7F), or 01 when the token has
// none; it is returned.
Result<std::uint8_t> PutIssuerKey(host::CardManagerClient& client, ByteView point,
                                  std::optional<std::uint8_t> current);

// Opens the channel under MK `version` of the token `uid`, derived in the
// HSM: success proves the token holds that MK. The static keys returned
// derive S-DEK for the channel's PUT KEY: keep them until then.
Result<hsm::HsmStaticKeys> OpenUnderMk(hsm::HsmToken& hsm, host::CardManagerClient& client,
                                       const Bytes& uid, std::uint8_t version);

// The token allows 5 wrong UNLOCK answers in its life. The last
// kReservedKrkTries of them are spent only with `force`: re-runs against a
// wrong cryptogram stop there instead of locking the KRK for good, while a
// try lost to a power cut between UNLOCK's two writes (docs/card-manager.md)
// does not stop an automatic resume.
inline constexpr int kReservedKrkTries = 2;
// kAuthBlocked when the KRK is locked, kConditionsNotSatisfied when only
// reserved tries are left and not `force`.
Status CheckKrkTries(host::CardManagerClient& client, bool force);

// Inside an open channel: recovers the KRK from `cryptogram` in the HSM and
// answers the token's UNLOCK challenge with it. Success proves the
// cryptogram belongs to the token's KRK, and leaves the channel UNLOCKED.
Status UnlockWithCryptogram(hsm::HsmToken& hsm, host::CardManagerClient& client, const Bytes& uid,
                            std::uint8_t krk_version, ByteView cryptogram);
// The same with a KRK already recovered (a KrkPrefetcher's).
Status UnlockWithKrk(hsm::HsmToken& hsm, host::CardManagerClient& client, const Bytes& uid,
                     std::uint8_t krk_version, const hsm::KeyObject& krk);

}  // namespace tessera::keyman

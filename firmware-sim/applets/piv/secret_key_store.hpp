// What the secret-key instructions (F2 into C0..DF, F4, F5, GET METADATA)
// share: the attribute tags a new key takes (0A usage, 02 PIN policy, 0B
// label, 0C ID), the choice of a target slot, the metadata encoding, and the
// one commit that stores a new key (docs/piv-extensions.md "Secret-key
// slots"). Not thread-safe; the token's lock serializes commands.
#pragma once

#include <cstdint>
#include <optional>

#include "common/piv/secret_keys.hpp"
#include "firmware-sim/applets/piv/command_fields.hpp"
#include "firmware-sim/applets/piv/piv_context.hpp"
#include "firmware-sim/applets/piv/secret_key_record.hpp"

namespace tessera::sim::piv_applet {

// The attributes of a new secret key, defaults filled in: no usage, PIN
// policy once, empty label and ID.
struct SecretAttributes {
  std::uint16_t usage = 0;
  piv::PinPolicy pin_policy = piv::PinPolicy::kOnce;
  Bytes label;
  Bytes id;
};
// Tags 0A (2 bytes, only the defined bits), 02 (1 byte, 00..03; 00 is the
// default, once), 0B and 0C (0..32 bytes); kInvalidArgument otherwise.
Result<SecretAttributes> ParseSecretAttributes(const CommandFields& fields);

// Tag 01 of F4 (and 80 of F2 for a secret-key slot).
Result<piv::secret::KeyType> ParseSecretKeyType(std::uint8_t b);
// Tag 0E: absent gives DefaultLength(type); AES must match its size, a
// generic secret 16..64 bytes.
Result<std::size_t> ResolveSecretLength(piv::secret::KeyType type,
                                        std::optional<std::uint16_t> requested);

// The slot a new key goes to: P2 itself when empty (kConditionsNotSatisfied,
// 6985, when it holds a key), or for P2 FF the lowest free slot (kNoSpace,
// 6A84, when all are taken).
Result<std::uint8_t> ClaimSecretSlot(const Storage& s, std::uint8_t p2);

// The slot's record; kReferenceNotFound (6A88) when empty.
Result<SecretKeyRecord> RequireSecretKey(const Storage& s, std::uint8_t slot);

SecretKeyRecord NewSecretRecord(piv::secret::KeyType type, SecureBytes value,
                                SecretAttributes attributes, piv::KeyOrigin origin);

// 01 type, 02 PIN policy + touch (01), 03 origin, 0A usage, 0B label, 0C ID,
// [0D slot], 0E length.
Bytes EncodeSecretMetadata(const SecretKeyRecord& r, std::optional<std::uint8_t> slot);

// Commits `r` into `slot` as one transaction, together with what `txn`
// already holds (F2 empties the key package 5FFF20 in the same commit);
// returns its metadata with 0D.
Result<Bytes> StoreSecretKey(PivContext& c, std::uint8_t slot, const SecretKeyRecord& r,
                             Transaction txn = {});

}  // namespace tessera::sim::piv_applet

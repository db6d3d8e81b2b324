// The persistent record of one secret-key slot (docs/piv-extensions.md
// "Secret-key slots"), under "piv/skey/<slot hex>" beside piv_records.hpp's
// records, so RESET erases it with everything else under "piv/":
//
//   u8 version (1) | type | PIN policy | origin | usage u16 BE
//   | u8 label length | label | u8 ID length | ID | u8 key length | key
//
// The value sits in SecureBytes. Decoding rejects anything malformed
// (unknown version, type, policy or origin, stray usage bits, oversize
// label or ID, a key length the type does not allow, trailing bytes) with
// kCorrupt, never a silent default. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/piv/piv_constants.hpp"
#include "common/piv/secret_keys.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim::piv_applet {

struct SecretKeyRecord {
  piv::secret::KeyType type = piv::secret::KeyType::kAes256;
  piv::PinPolicy pin_policy = piv::PinPolicy::kOnce;  // resolved: never kDefault
  piv::KeyOrigin origin = piv::KeyOrigin::kGenerated;
  std::uint16_t usage = 0;
  Bytes label;  // opaque, at most piv::secret::kMaxLabel
  Bytes id;     // opaque, at most piv::secret::kMaxId
  SecureBytes value;

  bool Allows(std::uint16_t bits) const { return (usage & bits) == bits; }
};

inline constexpr const char* kSecretKeyPrefix = "piv/skey/";
std::string SecretKeySlotKey(std::uint8_t slot);

SecureBytes EncodeSecretKey(const SecretKeyRecord& r);
Result<SecretKeyRecord> DecodeSecretKey(ByteView b);

// nullopt for an empty slot; kCorrupt for a record that fails its checks.
Result<std::optional<SecretKeyRecord>> LoadSecretKey(const Storage& s, std::uint8_t slot);
void PutSecretKey(Transaction& txn, std::uint8_t slot, const SecretKeyRecord& r);
void EraseSecretKey(Transaction& txn, std::uint8_t slot);
// The lowest slot C0..DF with no record, or nullopt when all 32 are taken.
std::optional<std::uint8_t> LowestFreeSecretSlot(const Storage& s);

}  // namespace tessera::sim::piv_applet

// ExecutiveState: the card manager's persistent state (docs/card-manager.md
// "Token side"), one record per Storage key under "cm/":
//
//   cm/lifecycle   u8: 01 MANUFACTURED, 0F PERSONALIZED, FF TERMINATED
//                  (1F UNLOCKED is never stored: it belongs to a channel)
//   cm/sequence    u24 big-endian: the last SCP03 sequence counter used
//   cm/krk-tries   u8: UNLOCK tries left (limit cm::kKrkTryLimit)
//   cm/key/01      KVN | 32-byte KRK (key slot 1)
//   cm/key/02      KVN | 32-byte MK (key slot 2)
//
// A missing record has its factory value (MANUFACTURED, counter 0, all tries
// left, no key), so a state file written before this applet existed loads
// as a manufactured card manager. Anything present but malformed is
// kCorrupt, never a silent default. Writers only add to the caller's
// Transaction. Plain values with keys in SecureBytes; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>

#include "common/card_manager_constants.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim::card_manager {

inline constexpr std::uint32_t kMaxSequenceCounter = 0xFFFFFF;  // 3 bytes (Amd D §7.1.1)

struct StoredKey {
  std::uint8_t kvn = 0;
  SecureBytes value;  // cm::kKeyLength bytes
};

struct ExecutiveState {
  cm::Lifecycle lifecycle = cm::Lifecycle::kManufactured;
  std::uint32_t sequence = 0;
  std::uint8_t krk_tries_left = cm::kKrkTryLimit;
  std::optional<StoredKey> krk;
  std::optional<StoredKey> mk;
};

Result<ExecutiveState> LoadExecutiveState(const Storage& storage);

void PutLifecycle(Transaction& txn, cm::Lifecycle lifecycle);
void PutSequence(Transaction& txn, std::uint32_t sequence);
void PutKrkTries(Transaction& txn, std::uint8_t tries_left);
// `id` is cm::kKeyIdKrk or cm::kKeyIdMk.
void PutKey(Transaction& txn, std::uint8_t id, const StoredKey& key);
// The records of a new token: MANUFACTURED, counter 0, all UNLOCK tries.
void PutFactoryState(Transaction& txn);

}  // namespace tessera::sim::card_manager

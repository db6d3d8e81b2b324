#include "firmware-sim/applets/card_manager/executive_state.hpp"

#include <string>

namespace tessera::sim::card_manager {
namespace {

constexpr const char* kLifecycleKey = "cm/lifecycle";
constexpr const char* kSequenceKey = "cm/sequence";
constexpr const char* kKrkTriesKey = "cm/krk-tries";

std::string KeySlotKey(std::uint8_t id) { return "cm/key/" + ToHex(Bytes{id}); }

Status Malformed(const std::string& key) {
  return Status::Corrupt("card manager: malformed " + key);
}

Result<std::optional<StoredKey>> LoadKey(const Storage& storage, std::uint8_t id) {
  const std::string key = KeySlotKey(id);
  std::optional<SecureBytes> raw = storage.Get(key);
  if (!raw) return std::optional<StoredKey>();
  if (raw->size() != 1 + cm::kKeyLength) return Malformed(key);
  StoredKey out;
  out.kvn = (*raw)[0];
  out.value = SecureBytes(raw->view().subspan(1));
  return std::optional<StoredKey>(std::move(out));
}

Result<cm::Lifecycle> LoadLifecycle(const Storage& storage) {
  std::optional<SecureBytes> raw = storage.Get(kLifecycleKey);
  if (!raw) return cm::Lifecycle::kManufactured;
  if (raw->size() != 1) return Malformed(kLifecycleKey);
  switch (static_cast<cm::Lifecycle>((*raw)[0])) {
    case cm::Lifecycle::kManufactured: return cm::Lifecycle::kManufactured;
    case cm::Lifecycle::kPersonalized: return cm::Lifecycle::kPersonalized;
    case cm::Lifecycle::kTerminated: return cm::Lifecycle::kTerminated;
    case cm::Lifecycle::kUnlocked: break;  // volatile only
  }
  return Malformed(kLifecycleKey);
}

}  // namespace

Result<ExecutiveState> LoadExecutiveState(const Storage& storage) {
  ExecutiveState s;
  TESSERA_ASSIGN_OR_RETURN(s.lifecycle, LoadLifecycle(storage));
  if (std::optional<SecureBytes> raw = storage.Get(kSequenceKey)) {
    if (raw->size() != 3) return Malformed(kSequenceKey);
    s.sequence = (std::uint32_t{(*raw)[0]} << 16) | (std::uint32_t{(*raw)[1]} << 8) | (*raw)[2];
  }
  if (std::optional<SecureBytes> raw = storage.Get(kKrkTriesKey)) {
    if (raw->size() != 1 || (*raw)[0] > cm::kKrkTryLimit) return Malformed(kKrkTriesKey);
    s.krk_tries_left = (*raw)[0];
  }
  TESSERA_ASSIGN_OR_RETURN(s.krk, LoadKey(storage, cm::kKeyIdKrk));
  TESSERA_ASSIGN_OR_RETURN(s.mk, LoadKey(storage, cm::kKeyIdMk));
  // Past MANUFACTURED both keys exist: personalization writes them together.
  if (s.lifecycle != cm::Lifecycle::kManufactured && (!s.krk || !s.mk)) {
    return Status::Corrupt("card manager: personalized without both keys");
  }
  return s;
}

void PutLifecycle(Transaction& txn, cm::Lifecycle lifecycle) {
  txn.Put(kLifecycleKey, Bytes{static_cast<std::uint8_t>(lifecycle)});
}

void PutSequence(Transaction& txn, std::uint32_t sequence) {
  txn.Put(kSequenceKey,
          Bytes{static_cast<std::uint8_t>(sequence >> 16), static_cast<std::uint8_t>(sequence >> 8),
                static_cast<std::uint8_t>(sequence)});
}

void PutKrkTries(Transaction& txn, std::uint8_t tries_left) {
  txn.Put(kKrkTriesKey, Bytes{tries_left});
}

void PutKey(Transaction& txn, std::uint8_t id, const StoredKey& key) {
  SecureBytes record;
  const std::uint8_t kvn[1] = {key.kvn};
  record.Append(kvn);
  record.Append(key.value.view());
  txn.Put(KeySlotKey(id), record.view());
}

void PutFactoryState(Transaction& txn) {
  PutLifecycle(txn, cm::Lifecycle::kManufactured);
  PutSequence(txn, 0);
  PutKrkTries(txn, cm::kKrkTryLimit);
}

}  // namespace tessera::sim::card_manager

// Storage: the transactional key-value store behind one token's state.
//
// Applets read committed values with Get and change state only through
// Commit(Transaction), which applies every operation of the transaction or
// none of them, even when the power is cut in the middle (see FileStorage).
// Values are held in zeroizing buffers because they include PINs and private
// keys. A Storage belongs to one token and is not thread-safe: the token's
// owner serializes access.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::sim {

// A batch of writes for Storage::Commit. Later operations on the same key win.
class Transaction {
 public:
  struct Op {
    std::string key;
    std::optional<SecureBytes> value;  // nullopt: erase
  };

  void Put(std::string key, ByteView value);
  void Erase(std::string key);
  bool empty() const { return ops_.empty(); }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // The committed value under `key`, copied out.
  virtual std::optional<SecureBytes> Get(std::string_view key) const = 0;
  // Committed keys that start with `prefix`, sorted.
  virtual std::vector<std::string> Keys(std::string_view prefix) const = 0;
  // Applies `txn` atomically. Returns kPowerLost when an injected power cut
  // stopped it; the persisted state is then the old one or the new one, and
  // the caller must treat the token as dead until it is loaded again.
  virtual Status Commit(const Transaction& txn) = 0;

  // Convenience for a single write.
  Status Put(std::string key, ByteView value);
};

// Volatile storage for unit tests that need no file.
class MemoryStorage final : public Storage {
 public:
  std::optional<SecureBytes> Get(std::string_view key) const override;
  std::vector<std::string> Keys(std::string_view prefix) const override;
  Status Commit(const Transaction& txn) override;

 private:
  std::vector<std::pair<std::string, SecureBytes>> entries_;  // sorted by key
};

}  // namespace tessera::sim

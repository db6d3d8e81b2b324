#include "pkcs11/core/session_table.hpp"

#include <algorithm>

namespace tessera::p11 {

std::unique_ptr<CryptoOperation>& SessionState::Op(OpKind kind) {
  switch (kind) {
    case OpKind::kSign: return sign;
    case OpKind::kVerify: return verify;
    case OpKind::kEncrypt: return encrypt;
    case OpKind::kDecrypt: return decrypt;
    case OpKind::kDigest: break;
  }
  return digest;
}

SessionHandle SessionTable::Open(SlotId slot, bool read_write, std::uint64_t insertion) {
  std::lock_guard lock(mu_);
  SessionHandle handle = next_++;
  SessionRecord record;
  record.handle = handle;
  record.slot = slot;
  record.read_write = read_write;
  record.insertion = insertion;
  sessions_.emplace(handle, std::move(record));
  return handle;
}

bool SessionTable::Close(SessionHandle handle) {
  std::lock_guard lock(mu_);
  return sessions_.erase(handle) == 1;
}

std::size_t SessionTable::CloseAll(SlotId slot) {
  std::lock_guard lock(mu_);
  return std::erase_if(sessions_, [&](const auto& entry) { return entry.second.slot == slot; });
}

std::optional<SessionRecord> SessionTable::Find(SessionHandle handle) const {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(handle);
  if (it == sessions_.end()) return std::nullopt;
  return it->second;
}

std::size_t SessionTable::Count(SlotId slot, std::uint64_t insertion) const {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(std::count_if(
      sessions_.begin(), sessions_.end(),
      [&](const auto& e) { return e.second.slot == slot && e.second.insertion == insertion; }));
}

std::size_t SessionTable::CountReadOnly(SlotId slot, std::uint64_t insertion) const {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(
      std::count_if(sessions_.begin(), sessions_.end(), [&](const auto& e) {
        return e.second.slot == slot && e.second.insertion == insertion && !e.second.read_write;
      }));
}

}  // namespace tessera::p11

#include "firmware-sim/os/storage.hpp"

#include <algorithm>

namespace tessera::sim {

void Transaction::Put(std::string key, ByteView value) {
  ops_.push_back(Op{std::move(key), SecureBytes(value)});
}

void Transaction::Erase(std::string key) { ops_.push_back(Op{std::move(key), std::nullopt}); }

Status Storage::Put(std::string key, ByteView value) {
  Transaction txn;
  txn.Put(std::move(key), value);
  return Commit(txn);
}

namespace {

auto LowerBound(auto& entries, std::string_view key) {
  return std::lower_bound(entries.begin(), entries.end(), key,
                          [](const auto& e, std::string_view k) { return e.first < k; });
}

}  // namespace

std::optional<SecureBytes> MemoryStorage::Get(std::string_view key) const {
  auto it = LowerBound(entries_, key);
  if (it == entries_.end() || it->first != key) return std::nullopt;
  return it->second.Clone();
}

std::vector<std::string> MemoryStorage::Keys(std::string_view prefix) const {
  std::vector<std::string> out;
  for (auto it = LowerBound(entries_, prefix); it != entries_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.push_back(it->first);
  }
  return out;
}

Status MemoryStorage::Commit(const Transaction& txn) {
  for (const auto& op : txn.ops()) {
    auto it = LowerBound(entries_, op.key);
    bool found = it != entries_.end() && it->first == op.key;
    if (op.value) {
      if (found) {
        it->second = op.value->Clone();
      } else {
        entries_.emplace(it, op.key, op.value->Clone());
      }
    } else if (found) {
      entries_.erase(it);
    }
  }
  return Status::Ok();
}

}  // namespace tessera::sim

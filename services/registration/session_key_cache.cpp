#include "services/registration/session_key_cache.hpp"

namespace tessera::registration {

std::shared_ptr<const RecordKeys> SessionKeyCache::Find(const std::string& session_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(session_id);
  if (it == entries_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second.position);
  return it->second.keys;
}

void SessionKeyCache::Put(const std::string& session_id, std::shared_ptr<const RecordKeys> keys) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(session_id);
  if (it != entries_.end()) {
    it->second.keys = std::move(keys);
    order_.splice(order_.begin(), order_, it->second.position);
    return;
  }
  order_.push_front(session_id);
  entries_.emplace(session_id, Entry{std::move(keys), order_.begin()});
  while (entries_.size() > capacity_) {
    entries_.erase(order_.back());
    order_.pop_back();
  }
}

void SessionKeyCache::Forget(const std::string& session_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(session_id);
  if (it == entries_.end()) return;
  order_.erase(it->second.position);
  entries_.erase(it);
}

}  // namespace tessera::registration

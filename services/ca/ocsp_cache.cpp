#include "services/ca/ocsp_cache.hpp"

#include <algorithm>
#include <mutex>

namespace tessera::ca {

std::string OcspCache::Key(const std::string& ca, ByteView cert_id_der) {
  std::string key = ca;
  key += '\n';
  key.append(cert_id_der.begin(), cert_id_der.end());
  return key;
}

std::optional<CachedAnswer> OcspCache::Find(const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.second;
}

void OcspCache::Put(std::string key, CachedAnswer answer) {
  std::unique_lock lock(mutex_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[std::move(key)] = {Bytes(), std::move(answer)};
}

void OcspCache::ForgetCa(const std::string& ca) {
  std::unique_lock lock(mutex_);
  const std::string prefix = ca + '\n';
  auto it = entries_.lower_bound(prefix);
  while (it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
    it = entries_.erase(it);
  }
}

void OcspCache::ForgetSerial(const std::string& ca, ByteView serial) {
  // The status check catches the change anyway; this only frees the bytes
  // sooner, so dropping the CA's answers is good enough and simple.
  (void)serial;
  ForgetCa(ca);
}

}  // namespace tessera::ca

// SessionKeyCache: the record keys of open login sessions, per gateway node,
// so that a request in a session costs no HSM call (the directory keeps
// them GCM-sealed under the KEK; a node that has not seen the session, or
// has evicted it, opens them in the HSM once). At most `capacity` sessions,
// least recently used first out; entries are wiped when they go.
// Thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/secure_bytes.hpp"

namespace tessera::registration {

struct RecordKeys {
  SecureBytes c2s;  // RecordKey(SES, client to server)
  SecureBytes s2c;  // RecordKey(SES, server to client)
};

class SessionKeyCache {
 public:
  explicit SessionKeyCache(std::size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const RecordKeys> Find(const std::string& session_id);
  void Put(const std::string& session_id, std::shared_ptr<const RecordKeys> keys);
  void Forget(const std::string& session_id);

 private:
  using Order = std::list<std::string>;
  struct Entry {
    std::shared_ptr<const RecordKeys> keys;
    Order::iterator position;
  };

  std::size_t capacity_;
  std::mutex mutex_;
  Order order_;  // most recently used first
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace tessera::registration

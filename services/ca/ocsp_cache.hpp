// OcspCache: signed OCSP answers kept per (CA, CertID), so that a request
// without a nonce (RFC 5019 §2.1) for a status that has not changed costs
// a directory read and no HSM signature. The entry remembers the status it
// answered; the responder checks the directory on every request and reuses
// the bytes only when the status is the same and the answer is fresh, so
// nodes that share a directory never serve a stale status. Bounded: when
// full, it is emptied. Thread-safe (a shared mutex; readers do not block
// each other).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>

#include "common/bytes.hpp"
#include "services/ca/ocsp_response.hpp"

namespace tessera::ca {

struct CachedAnswer {
  CertState state = CertState::kUnknown;
  std::int64_t revoked_at = 0;
  int reason = 0;
  std::int64_t this_update = 0;
  std::int64_t next_update = 0;
  std::shared_ptr<const Bytes> der;
};

class OcspCache {
 public:
  explicit OcspCache(std::size_t max_entries) : max_entries_(max_entries) {}

  static std::string Key(const std::string& ca, ByteView cert_id_der);
  std::optional<CachedAnswer> Find(const std::string& key) const;
  void Put(std::string key, CachedAnswer answer);
  // Drops every answer of `ca` (its responder certificate changed).
  void ForgetCa(const std::string& ca);
  // Drops the answers about `serial` (it was revoked here); other nodes
  // notice the change through the status check.
  void ForgetSerial(const std::string& ca, ByteView serial);

 private:
  std::size_t max_entries_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::pair<Bytes, CachedAnswer>, std::less<>> entries_;
};

}  // namespace tessera::ca

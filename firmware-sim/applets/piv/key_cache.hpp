// KeyCache: private keys decoded from their stored PKCS#8 records, by key
// reference, so a signature does not pay for decoding each time (about
// 0.4 ms with OpenSSL 3, most of a P-256 signature's cost).
//
// Volatile like the rest of PivSession: cleared on deselect and power off,
// and PivContext::Commit drops every entry whenever a transaction writes or
// erases a key record, so a cached key is always the stored one. Not
// thread-safe; the token's lock serializes commands.
#pragma once

#include <cstdint>
#include <map>

#include "common/ossl.hpp"
#include "firmware-sim/applets/piv/piv_records.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim::piv_applet {

class KeyCache {
 public:
  // The key of `slot`, decoding `record` on a miss. The caller gets its own
  // reference (EVP_PKEY_up_ref).
  Result<ossl::PkeyPtr> Get(std::uint8_t slot, const KeyRecord& record);
  // Forgets everything if `txn` touches any key record.
  void InvalidateFor(const Transaction& txn);
  void Clear() { keys_.clear(); }

 private:
  std::map<std::uint8_t, ossl::PkeyPtr> keys_;
};

}  // namespace tessera::sim::piv_applet

// CaContext: a CA as the service works with it, parsed once from its
// directory record: the certificate and public key, the hashes an OCSP
// CertID names it by (RFC 6960 §4.1.1), and its delegated responder.
// ContextCache keeps them per name and reloads one after `ttl` seconds, so a
// responder renewed by another node is picked up. Contexts are immutable
// and shared; the cache is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/status.hpp"
#include "hsm/signing_key.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/ca_store.hpp"

namespace tessera::ca {

struct CaContext {
  directory::CaRecord record;
  hsm::SigningKeyType key_type = hsm::SigningKeyType::kP256;
  ossl::X509Ptr certificate;
  ossl::PkeyPtr public_key;
  ossl::X509Ptr responder_certificate;  // null before init finished
  Bytes responder_key_hash;             // SHA-1 of its key BIT STRING (byKey)
  std::int64_t loaded_at = 0;

  // Does a CertID's (hash, issuerNameHash, issuerKeyHash) name this CA?
  bool IsIssuer(int hash_nid, ByteView name_hash, ByteView key_hash) const;

 private:
  friend Result<std::shared_ptr<const CaContext>> MakeContext(directory::CaRecord record,
                                                              std::int64_t now);
  Bytes sha1_name_, sha1_key_, sha256_name_, sha256_key_;
};

Result<std::shared_ptr<const CaContext>> MakeContext(directory::CaRecord record, std::int64_t now);

class ContextCache {
 public:
  explicit ContextCache(std::int64_t ttl) : ttl_(ttl) {}
  // kNotFound naming the CA when the directory has none.
  Result<std::shared_ptr<const CaContext>> Get(directory::Database& db, const std::string& name,
                                               std::int64_t now);
  void Forget(const std::string& name);

 private:
  std::int64_t ttl_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const CaContext>> contexts_;
};

// Hash of `data` with the digest `nid`; empty for a digest OpenSSL lacks.
Bytes DigestByNid(int nid, ByteView data);

}  // namespace tessera::ca

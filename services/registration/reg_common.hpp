// What the registration gateway's steps share (reg_*.cpp): the server's
// context (certificate, keys' labels, template), the HSM keys of a lease,
// random IDs, audit records and object names. Internal to
// services/registration.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "hsm/signing_key.hpp"
#include "services/ca/hsm_pool.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/reg_store.hpp"
#include "services/registration/registration_service.hpp"
#include "services/registration/session_key_cache.hpp"

namespace tessera::registration {

struct RegistrationService::ServerContext {
  directory::RegServerRecord record;
  std::vector<Bytes> chain;  // the issuer CA's certificate up to the root
  Bytes spki_sha256;         // of the server certificate's key: the token's slot ID
  Bytes template_hash;       // SHA-256 of the template JSON
};

struct RegistrationService::OpenedRecord {
  std::string session_id;
  Bytes sid;  // its 16 bytes
  std::uint64_t seq = 0;
  SecureBytes plaintext;
  std::shared_ptr<const RecordKeys> keys;
  std::string user_id;
  std::string user_id_code;
  std::int64_t config_version = 0;
};

// The path prefixes of an entitlement row (a JSON array of strings);
// kCorrupt for anything else.
Result<std::vector<std::string>> PathPrefixes(const std::string& json_text);

// The gateway's three HSM keys, found by label in one lease's session.
struct ServerKeys {
  hsm::SigningKey agreement;  // ECDH of R1, ES256 of documents
  CK_OBJECT_HANDLE kek = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE uidc = CK_INVALID_HANDLE;
};
Result<ServerKeys> FindServerKeys(ca::HsmPool::Lease& lease,
                                  const directory::RegServerRecord& server);

// `n` random bytes from the host's CSPRNG (IDs and nonces, which are not
// keys); kInternal when it fails.
Result<Bytes> RandomBytes(std::size_t n);
// 16 random bytes as 32 lower-case hex digits.
Result<std::string> NewId();
// The 16 raw bytes of a 32-hex-digit ID; kNotFound for anything else (an
// ID in a URL that is not one of ours names nothing).
Result<Bytes> IdBytes(const std::string& id, const char* what);

Status AuditIn(directory::SqlTransaction& tx, const Caller& caller, const std::string& action,
               const std::string& object, const std::string& details, std::int64_t now);

std::string RegistrationObject(const std::string& id);  // "reg/registration/<id>"
std::string SessionObject(const std::string& id);       // "reg/session/<id>"
std::string UserObject(const std::string& id);          // "reg/user/<id>"
std::string AppObject(const std::string& name);         // "reg/app/<name>"

// The UIDC of `user_id`: FormatUidc(HMAC(uidc key, label || user_id)) in the
// HSM (codes.hpp).
Result<std::string> UidcOf(ca::HsmPool::Lease& lease, const ServerKeys& keys,
                           const std::string& user_id);

// The SubjectPublicKeyInfo DER of a DER certificate's key.
Result<Bytes> SubjectPublicKeyInfo(ByteView certificate);

// "TSK1" || session ID: the AAD of a session's record keys under the KEK.
Bytes SessionKeysAad(ByteView session_id);

// SHA-256, for the MAC and code hashes the directory keeps.
Bytes Sha256(ByteView data);

}  // namespace tessera::registration

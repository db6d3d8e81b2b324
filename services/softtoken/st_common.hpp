// What the soft-token service's steps share (st_*.cpp): the issuer's
// context, random IDs, audit records and object names. Internal to
// services/softtoken.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/signing_key.hpp"
#include "services/ca/hsm_pool.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/softtoken_store.hpp"
#include "services/softtoken/softtoken_service.hpp"

namespace tessera::softtoken {

struct SoftTokenService::Issuer {
  directory::SoftTokenIssuerRecord record;
  Bytes certificate;         // DER, from the CA's records
  std::vector<Bytes> chain;  // the issuer CA's certificate up to the root
};

// The HSM key label of issuer `name`.
std::string IssuerKeyLabel(const std::string& name);

// `n` random bytes from the host's CSPRNG; kInternal when it fails.
Result<Bytes> RandomBytes(std::size_t n);
// 16 random bytes as 32 lower-case hex digits.
Result<std::string> NewId();
// kNotFound for anything but 32 lower-case hex digits (an ID in a URL that
// is not one of ours names nothing).
Status CheckId(const std::string& id, const char* what);

Status AuditIn(directory::SqlTransaction& tx, const Caller& caller, const std::string& action,
               const std::string& object, const std::string& details, std::int64_t now);

std::string RequestObject(const std::string& id);  // "softtoken/request/<id>"
std::string TokenObject(const std::string& id);    // "softtoken/token/<id>"

Bytes Sha256(ByteView data);
// The status list of issuer `issuer`'s tokens: one list per issuer.
std::string StatusListName(const std::string& issuer);
std::string StatusListUri(const std::string& public_url, const std::string& list);

}  // namespace tessera::softtoken

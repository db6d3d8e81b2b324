#include "services/softtoken/st_common.hpp"

#include <openssl/rand.h>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "services/audit/audit_log.hpp"

namespace tessera::softtoken {

std::string IssuerKeyLabel(const std::string& name) {
  return name == "default" ? std::string("tessera-softtoken-issuer")
                           : "tessera-softtoken-issuer-" + name;
}

Result<Bytes> RandomBytes(std::size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) return ossl::Error("RAND_bytes");
  return out;
}

Result<std::string> NewId() {
  TESSERA_ASSIGN_OR_RETURN(Bytes id, RandomBytes(16));
  return ToHex(id);
}

Status CheckId(const std::string& id, const char* what) {
  const bool hex = id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex) return Status::NotFound(std::string("no ") + what + " '" + id.substr(0, 64) + "'");
  return Status::Ok();
}

Status AuditIn(directory::SqlTransaction& tx, const Caller& caller, const std::string& action,
               const std::string& object, const std::string& details, std::int64_t now) {
  const audit::AuditEvent event{caller.name, action, object, caller.request_id, details};
  return audit::Append(tx, event, now).status();
}

std::string RequestObject(const std::string& id) { return "softtoken/request/" + id; }
std::string TokenObject(const std::string& id) { return "softtoken/token/" + id; }

Bytes Sha256(ByteView data) {
  Result<Bytes> digest = crypto::DigestOnce(crypto::Hash::kSha256, data);
  return digest.ok() ? *digest : Bytes(32, 0);
}

std::string StatusListName(const std::string& issuer) { return issuer; }

std::string StatusListUri(const std::string& public_url, const std::string& list) {
  return public_url + "/softtoken/v1/status/" + list;
}

}  // namespace tessera::softtoken

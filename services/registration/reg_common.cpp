#include "services/registration/reg_common.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include "common/ossl.hpp"
#include "common/registration/codes.hpp"
#include "hsm/agreement_key.hpp"
#include "hsm/secret_wrap.hpp"
#include "services/audit/audit_log.hpp"

namespace tessera::registration {

Result<ServerKeys> FindServerKeys(ca::HsmPool::Lease& lease,
                                  const directory::RegServerRecord& server) {
  ServerKeys keys;
  TESSERA_ASSIGN_OR_RETURN(keys.agreement,
                           hsm::FindAgreementKey(lease.session(), server.key_label));
  TESSERA_ASSIGN_OR_RETURN(keys.kek, hsm::FindSecretKek(lease.session(), server.kek_label));
  TESSERA_ASSIGN_OR_RETURN(keys.uidc, hsm::FindHmacKey(lease.session(), server.uidc_label));
  return keys;
}

Result<Bytes> RandomBytes(std::size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return ossl::Error("RAND_bytes");
  }
  return out;
}

Result<std::string> NewId() {
  TESSERA_ASSIGN_OR_RETURN(Bytes id, RandomBytes(16));
  return ToHex(id);
}

Result<Bytes> IdBytes(const std::string& id, const char* what) {
  const bool hex = id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex) return Status::NotFound(std::string("no ") + what + " '" + id.substr(0, 64) + "'");
  return FromHex(id);
}

Status AuditIn(directory::SqlTransaction& tx, const Caller& caller, const std::string& action,
               const std::string& object, const std::string& details, std::int64_t now) {
  const audit::AuditEvent event{caller.name, action, object, caller.request_id, details};
  return audit::Append(tx, event, now).status();
}

std::string RegistrationObject(const std::string& id) { return "reg/registration/" + id; }
std::string SessionObject(const std::string& id) { return "reg/session/" + id; }
std::string UserObject(const std::string& id) { return "reg/user/" + id; }
std::string AppObject(const std::string& name) { return "reg/app/" + name; }

Result<std::string> UidcOf(ca::HsmPool::Lease& lease, const ServerKeys& keys,
                           const std::string& user_id) {
  Bytes input(kUidcLabel.begin(), kUidcLabel.end());
  input.push_back(0x00);
  Append(input, AsBytes(user_id));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes mac, hsm::HmacSign(lease.session(), keys.uidc, input));
  return FormatUidc(mac.view());
}

Result<Bytes> SubjectPublicKeyInfo(ByteView certificate) {
  const unsigned char* p = certificate.data();
  ossl::X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(certificate.size())));
  if (!x509) return ossl::Error("d2i_X509");
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(X509_get0_pubkey(x509.get()), &der);
  if (size <= 0) return ossl::Error("i2d_PUBKEY");
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

Result<std::vector<std::string>> PathPrefixes(const std::string& json_text) {
  const nlohmann::json parsed = nlohmann::json::parse(json_text, nullptr, false);
  std::vector<std::string> out;
  if (parsed.is_array()) {
    for (const nlohmann::json& p : parsed) {
      if (!p.is_string()) break;
      out.push_back(p.get<std::string>());
    }
    if (out.size() == parsed.size()) return out;
  }
  return Status::Corrupt("an entitlement's paths are not a JSON array of strings");
}

Bytes Sha256(ByteView data) {
  Bytes out(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), out.data());
  return out;
}

}  // namespace tessera::registration

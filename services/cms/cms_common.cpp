#include "services/cms/cms_common.hpp"

#include <openssl/rand.h>

#include "services/audit/audit_log.hpp"

namespace tessera::cms {

Result<Bytes> RandomBytes(std::size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return ossl::Error("RAND_bytes");
  }
  return out;
}

Result<std::string> NewRequestId() {
  TESSERA_ASSIGN_OR_RETURN(Bytes id, RandomBytes(16));
  return ToHex(id);
}

Status AuditIn(directory::SqlTransaction& tx, const Caller& caller, const std::string& action,
               const std::string& object, const std::string& details, std::int64_t now) {
  const audit::AuditEvent event{caller.name, action, object, caller.request_id, details};
  return audit::Append(tx, event, now).status();
}

std::string TokenObject(std::uint32_t serial) { return "cms/token/" + std::to_string(serial); }
std::string UserObject(const std::string& id) { return "cms/user/" + id; }

Result<ossl::X509Ptr> ParseCertificateDer(ByteView der) {
  const unsigned char* p = der.data();
  ossl::X509Ptr certificate(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!certificate || p != der.data() + der.size()) {
    ossl::DrainErrors();
    return Status::InvalidArgument("not a DER X.509 certificate");
  }
  return certificate;
}

Result<Bytes> PublicKeyInfoOf(X509* certificate) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(X509_get0_pubkey(certificate), &der);
  if (size <= 0) return ossl::Error("i2d_PUBKEY");
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

Bytes SerialOf(X509* certificate) {
  ossl::BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr));
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

}  // namespace tessera::cms

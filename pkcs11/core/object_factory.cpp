#include "pkcs11/core/object_factory.hpp"

#include <openssl/crypto.h>

#include "pkcs11/core/crypto/key_import.hpp"
#include "pkcs11/core/fault.hpp"

namespace tessera::p11 {
namespace {

ByteView Or(std::optional<ByteView> v) { return v.value_or(ByteView()); }

Result<unsigned long> UlongAttr(const Template& tmpl, Attr attr, const char* name) {
  auto v = FindIn(tmpl, attr);
  if (!v) return Refuse(Fault::kTemplateIncomplete, std::string(name) + " is required");
  auto u = AsUlong(*v);
  if (!u) return Refuse(Fault::kAttributeValueInvalid, std::string(name) + " is a CK_ULONG");
  return *u;
}

Status RequireTokenObject(const Template& tmpl) {
  auto token = FindIn(tmpl, Attr::kToken);
  if (token && !AsBool(*token).value_or(false)) {
    return Refuse(Fault::kTemplateInconsistent, "only token objects can be created here");
  }
  return Status::Ok();
}

Result<ossl::PkeyPtr> PrivateKeyFrom(const Template& tmpl) {
  TESSERA_ASSIGN_OR_RETURN(unsigned long type, UlongAttr(tmpl, Attr::kKeyType, "CKA_KEY_TYPE"));
  Result<ossl::PkeyPtr> key = Status::Internal("unset");
  switch (static_cast<KeyType>(type)) {
    case KeyType::kRsa: {
      crypto::RsaPrivateParts parts;
      parts.n = SecureBytes(Or(FindIn(tmpl, Attr::kModulus)));
      parts.e = SecureBytes(Or(FindIn(tmpl, Attr::kPublicExponent)));
      parts.d = SecureBytes(Or(FindIn(tmpl, Attr::kPrivateExponent)));
      parts.p = SecureBytes(Or(FindIn(tmpl, Attr::kPrime1)));
      parts.q = SecureBytes(Or(FindIn(tmpl, Attr::kPrime2)));
      parts.dp = SecureBytes(Or(FindIn(tmpl, Attr::kExponent1)));
      parts.dq = SecureBytes(Or(FindIn(tmpl, Attr::kExponent2)));
      parts.qinv = SecureBytes(Or(FindIn(tmpl, Attr::kCoefficient)));
      // PIV imports the CRT form: the primes are required (SP 800-73-4 has
      // no import; the YubiKey's IMPORT KEY takes p, q, dP, dQ, qInv).
      if (parts.p.empty() || parts.q.empty()) {
        return Refuse(Fault::kTemplateIncomplete, "an RSA key needs CKA_PRIME_1 and CKA_PRIME_2");
      }
      key = crypto::RsaPrivateKey(parts);
      break;
    }
    case KeyType::kEc:
    case KeyType::kEcEdwards:
    case KeyType::kEcMontgomery: {
      auto params = FindIn(tmpl, Attr::kEcParams);
      auto value = FindIn(tmpl, Attr::kValue);
      if (!params || !value) {
        return Refuse(Fault::kTemplateIncomplete, "an EC key needs CKA_EC_PARAMS and CKA_VALUE");
      }
      key = crypto::EcPrivateKey(*params, *value);
      break;
    }
    default: return Refuse(Fault::kAttributeValueInvalid, "PIV holds RSA and EC keys only");
  }
  if (!key.ok()) return Refuse(Fault::kAttributeValueInvalid, key.status().message());
  return key;
}

}  // namespace

Result<ObjectHandle> CreateObject(Slot& slot, const Template& tmpl) {
  TESSERA_ASSIGN_OR_RETURN(unsigned long cls, UlongAttr(tmpl, Attr::kClass, "CKA_CLASS"));
  TESSERA_RETURN_IF_ERROR(RequireTokenObject(tmpl));
  const ByteView id = Or(FindIn(tmpl, Attr::kId));
  const ByteView label = Or(FindIn(tmpl, Attr::kLabel));
  switch (static_cast<ObjectClass>(cls)) {
    case ObjectClass::kCertificate: {
      auto type = FindIn(tmpl, Attr::kCertificateType);
      if (type && AsUlong(*type) != kCertX509) {
        return Refuse(Fault::kTemplateInconsistent, "only X.509 certificates");
      }
      auto der = FindIn(tmpl, Attr::kValue);
      if (!der) return Refuse(Fault::kTemplateIncomplete, "a certificate needs CKA_VALUE");
      return slot.CreateCertificate(id, label, *der);
    }
    case ObjectClass::kPrivateKey: {
      TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, PrivateKeyFrom(tmpl));
      return slot.ImportPrivateKey(id, label, key.get());
    }
    default:
      return Refuse(Fault::kTemplateInconsistent,
                    "a PIV token stores certificates and private keys only");
  }
}

void WipeTemplate(Template& tmpl) {
  for (auto& [attr, value] : tmpl) OPENSSL_cleanse(value.data(), value.size());
}

}  // namespace tessera::p11

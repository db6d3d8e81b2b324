// Session objects from templates: the template rules, and data objects and
// certificates. Keys are in key_objects.cpp.
#include "pkcs11/drivers/soft/object_builder.hpp"

#include "pkcs11/drivers/soft/template_rules.hpp"
#include "pkcs11/model/attribute_rules.hpp"
#include "pkcs11/model/fault.hpp"
#include "pkcs11/model/key_attributes.hpp"

namespace tessera::p11::soft {
namespace {

Result<Object> BuildData(const Template& tmpl, bool so) {
  Object o = NewObject(ObjectClass::kData);
  TESSERA_RETURN_IF_ERROR(ApplyTemplate(o, tmpl, so, {}));
  StorageDefaults(o);
  SetDefault(o, Attr::kApplication, {});
  SetDefault(o, Attr::kObjectId, {});
  SetDefault(o, Attr::kValue, {});
  return o;
}

// §4.6.3 X.509 public key certificates: CKA_VALUE is required; the subject,
// issuer, serial number and public key come from it unless the template
// gives them.
Result<Object> BuildCertificate(const Template& tmpl, bool so) {
  // The spec requires CKA_CERTIFICATE_TYPE; callers that leave it out mean
  // X.509, the one type the module holds.
  auto type = FindIn(tmpl, Attr::kCertificateType);
  if (type && AsUlong(*type) != kCertX509) {
    return Refuse(Fault::kAttributeValueInvalid, "only X.509 certificates");
  }
  auto der = FindIn(tmpl, Attr::kValue);
  if (!der) return Refuse(Fault::kTemplateIncomplete, "a certificate needs CKA_VALUE");
  Object o = NewObject(ObjectClass::kCertificate);
  if (!AddCertificateAttributes(o, *der, nullptr).ok()) {
    return Refuse(Fault::kAttributeValueInvalid, "CKA_VALUE is not a DER X.509 certificate");
  }
  TESSERA_RETURN_IF_ERROR(ApplyTemplate(o, tmpl, so, {}));
  StorageDefaults(o);
  SetDefault(o, Attr::kTrusted, BoolValue(false));
  SetDefault(o, Attr::kCertificateCategory, UlongValue(0));
  SetDefault(o, Attr::kId, {});
  SetDefault(o, Attr::kStartDate, {});
  SetDefault(o, Attr::kEndDate, {});
  SetDefault(o, Attr::kUrl, {});
  SetDefault(o, Attr::kHashOfSubjectPublicKey, {});
  SetDefault(o, Attr::kHashOfIssuerPublicKey, {});
  SetDefault(o, Attr::kJavaMidpSecurityDomain, UlongValue(0));
  TESSERA_RETURN_IF_ERROR(SetCheckValue(o, Sha1CheckValue(*o.Get(Attr::kValue))));
  return o;
}

}  // namespace

Result<std::optional<KeyType>> TemplateKeyType(const Template& tmpl) {
  auto v = FindIn(tmpl, Attr::kKeyType);
  if (!v) return std::optional<KeyType>();
  auto u = AsUlong(*v);
  if (!u) return Refuse(Fault::kAttributeValueInvalid, "CKA_KEY_TYPE is a CK_ULONG");
  return std::optional<KeyType>(static_cast<KeyType>(*u));
}

Result<std::optional<std::size_t>> TemplateValueLen(const Template& tmpl) {
  auto v = FindIn(tmpl, Attr::kValueLen);
  if (!v) return std::optional<std::size_t>();
  auto u = AsUlong(*v);
  if (!u) return Refuse(Fault::kAttributeValueInvalid, "CKA_VALUE_LEN is a CK_ULONG");
  return std::optional<std::size_t>(*u);
}

Result<Object> BuildObject(const Template& tmpl, bool so) {
  auto cls_value = FindIn(tmpl, Attr::kClass);
  if (!cls_value) return Refuse(Fault::kTemplateIncomplete, "CKA_CLASS is required");
  auto cls = AsUlong(*cls_value);
  if (!cls) return Refuse(Fault::kAttributeValueInvalid, "CKA_CLASS is a CK_ULONG");
  switch (static_cast<ObjectClass>(*cls)) {
    case ObjectClass::kData: return BuildData(tmpl, so);
    case ObjectClass::kCertificate: return BuildCertificate(tmpl, so);
    case ObjectClass::kPublicKey:
    case ObjectClass::kPrivateKey:
    case ObjectClass::kSecretKey: return BuildKeyFromTemplate(tmpl, so);
  }
  return Refuse(Fault::kAttributeValueInvalid, "an object class the module does not hold");
}

}  // namespace tessera::p11::soft

#include "pkcs11/drivers/soft/template_rules.hpp"

#include <algorithm>

#include "common/crypto/hash.hpp"
#include "pkcs11/model/attribute_rules.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11::soft {

Object NewObject(ObjectClass cls, std::optional<KeyType> type) {
  Object o;
  o.cls = cls;
  o.Set(Attr::kClass, UlongValue(static_cast<unsigned long>(cls)));
  if (type) o.Set(Attr::kKeyType, UlongValue(static_cast<unsigned long>(*type)));
  return o;
}

Status ApplyTemplate(Object& o, const Template& tmpl, bool so,
                     std::initializer_list<Attr> consumed) {
  for (const auto& [attr, value] : tmpl) {
    if (std::find(consumed.begin(), consumed.end(), attr) != consumed.end()) continue;
    const AttrRule rule = RuleFor(o.cls, attr, o.key_type());
    if (!rule.applies) {
      return Refuse(Fault::kAttributeTypeInvalid,
                    std::string(AttrName(attr)) + " is not an attribute of this object");
    }
    TESSERA_RETURN_IF_ERROR(CheckAttributeValue(attr, rule.kind, value));
    if (rule.token_only) {
      return Refuse(Fault::kAttributeReadOnly,
                    std::string(AttrName(attr)) + " is set by the token");
    }
    // §4.6.1: only the security officer makes an object trusted.
    if (rule.so_only && AsBool(value).value_or(false) && !so) {
      return Refuse(Fault::kAttributeReadOnly, "only the SO sets CKA_TRUSTED");
    }
    if (attr == Attr::kClass || attr == Attr::kKeyType) {
      if (o.Has(attr) &&
          !std::equal(value.begin(), value.end(), o.Get(attr)->begin(), o.Get(attr)->end())) {
        return Refuse(Fault::kTemplateInconsistent, "the class or key type contradicts the key");
      }
    }
    o.Set(attr, value);
  }
  return Status::Ok();
}

void SetDefault(Object& o, Attr attr, Bytes value) {
  if (!o.Has(attr)) o.Set(attr, std::move(value));
}

void StorageDefaults(Object& o) {
  SetDefault(o, Attr::kToken, BoolValue(false));
  const bool key_material = o.cls == ObjectClass::kPrivateKey || o.cls == ObjectClass::kSecretKey;
  SetDefault(o, Attr::kPrivate, BoolValue(key_material));
  SetDefault(o, Attr::kModifiable, BoolValue(true));
  SetDefault(o, Attr::kCopyable, BoolValue(true));
  SetDefault(o, Attr::kDestroyable, BoolValue(true));
  SetDefault(o, Attr::kLabel, {});
}

void KeyDefaults(Object& o, const Provenance& provenance) {
  StorageDefaults(o);
  SetDefault(o, Attr::kId, {});
  SetDefault(o, Attr::kStartDate, {});
  SetDefault(o, Attr::kEndDate, {});
  SetDefault(o, Attr::kDerive, BoolValue(false));
  o.Set(Attr::kLocal, BoolValue(provenance.generated));
  o.Set(Attr::kKeyGenMechanism, UlongValue(provenance.generated && provenance.mechanism
                                               ? static_cast<unsigned long>(*provenance.mechanism)
                                               : kUnavailable));
}

void SensitivityFacts(Object& o, const Provenance& provenance) {
  if (o.cls == ObjectClass::kPublicKey) return;
  SetDefault(o, Attr::kSensitive, BoolValue(false));
  SetDefault(o, Attr::kExtractable, BoolValue(true));
  SetDefault(o, Attr::kWrapWithTrusted, BoolValue(false));
  const bool sensitive = o.Flag(Attr::kSensitive);
  const bool extractable = o.Flag(Attr::kExtractable);
  // Generated here: as sensitive as it is now. Derived: only if its base
  // always was too. Created or unwrapped: it was outside the token once.
  const bool always =
      provenance.generated ? sensitive : provenance.always_sensitive_source && sensitive;
  const bool never =
      provenance.generated ? !extractable : provenance.never_extractable_source && !extractable;
  o.Set(Attr::kAlwaysSensitive, BoolValue(always));
  o.Set(Attr::kNeverExtractable, BoolValue(never));
}

Status SetCheckValue(Object& o, Bytes computed) {
  if (auto given = o.Get(Attr::kCheckValue)) {
    if (!std::equal(given->begin(), given->end(), computed.begin(), computed.end())) {
      return Refuse(Fault::kAttributeValueInvalid, "CKA_CHECK_VALUE does not match the value");
    }
  }
  o.Set(Attr::kCheckValue, std::move(computed));
  return Status::Ok();
}

Bytes Sha1CheckValue(ByteView value) {
  auto digest = ::tessera::crypto::DigestOnce(::tessera::crypto::Hash::kSha1, value);
  if (!digest.ok()) return {};
  return Bytes(digest->begin(), digest->begin() + 3);
}

}  // namespace tessera::p11::soft

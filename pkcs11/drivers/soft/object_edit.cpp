#include "pkcs11/drivers/soft/object_edit.hpp"

#include "pkcs11/model/attribute_rules.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11::soft {
namespace {

bool CopyOnly(Attr attr) {
  return attr == Attr::kToken || attr == Attr::kPrivate || attr == Attr::kModifiable ||
         attr == Attr::kDestroyable;
}

Status CheckChange(const Object& o, Attr attr, ByteView value, bool so, bool copying) {
  const AttrRule rule = RuleFor(o.cls, attr, o.key_type());
  if (!rule.applies) {
    return Refuse(Fault::kAttributeTypeInvalid,
                  std::string(AttrName(attr)) + " is not an attribute of this object");
  }
  TESSERA_RETURN_IF_ERROR(CheckAttributeValue(attr, rule.kind, value));
  if (!rule.modifiable && !(copying && CopyOnly(attr))) {
    return Refuse(Fault::kAttributeReadOnly, std::string(AttrName(attr)) + " cannot change");
  }
  const bool now = o.Flag(attr);
  const bool wanted = AsBool(value).value_or(false);
  if ((rule.one_way == OneWay::kOnlyToTrue && now && !wanted) ||
      (rule.one_way == OneWay::kOnlyToFalse && !now && wanted)) {
    return Refuse(Fault::kAttributeReadOnly,
                  std::string(AttrName(attr)) + " can change in one direction only");
  }
  if (rule.so_only && wanted && !so) {
    return Refuse(Fault::kAttributeReadOnly, "only the SO sets CKA_TRUSTED");
  }
  return Status::Ok();
}

Status CheckAll(const Object& o, const Template& changes, bool so, bool copying) {
  for (const auto& [attr, value] : changes) {
    TESSERA_RETURN_IF_ERROR(CheckChange(o, attr, value, so, copying));
  }
  return Status::Ok();
}

}  // namespace

Status ApplyChanges(Object& object, const Template& changes, bool so) {
  if (object.Has(Attr::kModifiable) && !object.Flag(Attr::kModifiable)) {
    return Refuse(Fault::kActionProhibited, "the object has CKA_MODIFIABLE false");
  }
  TESSERA_RETURN_IF_ERROR(CheckAll(object, changes, so, false));
  for (const auto& [attr, value] : changes) object.Set(attr, value);
  return Status::Ok();
}

Result<Object> CopyWith(const Object& source, const Template& changes, bool so) {
  if (source.Has(Attr::kCopyable) && !source.Flag(Attr::kCopyable)) {
    return Refuse(Fault::kActionProhibited, "the object has CKA_COPYABLE false");
  }
  TESSERA_RETURN_IF_ERROR(CheckAll(source, changes, so, true));
  Object copy = source;
  copy.handle = 0;
  copy.session = 0;
  for (const auto& [attr, value] : changes) copy.Set(attr, value);
  return copy;
}

}  // namespace tessera::p11::soft

#include "hsm/attribute_template.hpp"

#include <cstdio>
#include <string>

#include "hsm/pkcs11_error.hpp"

namespace tessera::hsm {
namespace {

template <typename T>
ByteView ValueBytes(const T& value) {
  return {reinterpret_cast<const std::uint8_t*>(&value), sizeof value};
}

std::string Context(Attr type, std::string_view what) {
  char hex[24];
  (void)std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(Raw(type)));
  return "reading attribute " + std::string(hex) + " of " + std::string(what);
}

// C_GetAttributeValue with a size query first. PKCS#11 3.0 §5.7.5: a
// sensitive attribute comes back as CK_UNAVAILABLE_INFORMATION with
// CKR_ATTRIBUTE_SENSITIVE.
Result<Bytes> Read(HsmSession& session, CK_OBJECT_HANDLE object, Attr type, std::string_view what) {
  const CK_FUNCTION_LIST& f = session.library().functions();
  CK_ATTRIBUTE attribute{Raw(type), nullptr, 0};
  CK_RV rv = f.C_GetAttributeValue(session.handle(), object, &attribute, 1);
  if (rv == CKR_ATTRIBUTE_SENSITIVE) {
    return Status::SecurityStatus(Context(type, what) + ": the attribute is sensitive");
  }
  if (rv == CKR_ATTRIBUTE_TYPE_INVALID || attribute.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
    return Status::NotFound(Context(type, what) + ": the object has no such attribute");
  }
  if (rv != CKR_OK) return CkRvStatus(Context(type, what), "C_GetAttributeValue", rv);
  Bytes value(attribute.ulValueLen);
  attribute.pValue = value.data();
  rv = f.C_GetAttributeValue(session.handle(), object, &attribute, 1);
  if (rv != CKR_OK) return CkRvStatus(Context(type, what), "C_GetAttributeValue", rv);
  value.resize(attribute.ulValueLen);
  return value;
}

}  // namespace

AttributeTemplate& AttributeTemplate::AddRaw(Attr type, ByteView value) {
  values_.emplace_back(value);
  SecureBytes& stored = values_.back();
  attributes_.push_back(
      CK_ATTRIBUTE{Raw(type), stored.data(), static_cast<CK_ULONG>(stored.size())});
  return *this;
}

AttributeTemplate& AttributeTemplate::Add(Attr type, bool value) {
  const CK_BBOOL b = value ? CK_TRUE : CK_FALSE;
  return AddRaw(type, ValueBytes(b));
}

AttributeTemplate& AttributeTemplate::Add(Attr type, ObjectClass value) {
  return AddRaw(type, ValueBytes(Raw(value)));
}

AttributeTemplate& AttributeTemplate::Add(Attr type, KeyType value) {
  return AddRaw(type, ValueBytes(Raw(value)));
}

AttributeTemplate& AttributeTemplate::Add(Attr type, CK_ULONG value) {
  return AddRaw(type, ValueBytes(value));
}

AttributeTemplate& AttributeTemplate::Add(Attr type, ByteView value) { return AddRaw(type, value); }

AttributeTemplate& AttributeTemplate::Add(Attr type, std::string_view value) {
  return AddRaw(type, AsBytes(value));
}

Result<bool> ReadBool(HsmSession& session, CK_OBJECT_HANDLE object, Attr type,
                      std::string_view what) {
  TESSERA_ASSIGN_OR_RETURN(Bytes value, Read(session, object, type, what));
  if (value.size() != sizeof(CK_BBOOL)) {
    return Status::Internal(Context(type, what) + ": not a CK_BBOOL");
  }
  return value[0] != CK_FALSE;
}

Result<Bytes> ReadBytes(HsmSession& session, CK_OBJECT_HANDLE object, Attr type,
                        std::string_view what) {
  return Read(session, object, type, what);
}

}  // namespace tessera::hsm

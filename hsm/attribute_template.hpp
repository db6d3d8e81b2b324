// AttributeTemplate: a PKCS#11 attribute template (CK_ATTRIBUTE array) that
// owns the values its entries point at.
//
// Add() copies each value into storage the template owns, so the array stays
// valid for as long as the template lives, and wipes it (SecureBytes) when
// the template goes: a template may carry a key value for C_CreateObject.
// Also the attribute reads the adapter needs (C_GetAttributeValue). Move-only
// value type, thread-compatible.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/pkcs11_types.hpp"

namespace tessera::hsm {

class AttributeTemplate {
 public:
  AttributeTemplate() = default;
  AttributeTemplate(AttributeTemplate&&) noexcept = default;
  AttributeTemplate& operator=(AttributeTemplate&&) noexcept = default;
  AttributeTemplate(const AttributeTemplate&) = delete;
  AttributeTemplate& operator=(const AttributeTemplate&) = delete;

  AttributeTemplate& Add(Attr type, bool value);
  AttributeTemplate& Add(Attr type, ObjectClass value);
  AttributeTemplate& Add(Attr type, KeyType value);
  AttributeTemplate& Add(Attr type, CK_ULONG value);
  AttributeTemplate& Add(Attr type, ByteView value);
  AttributeTemplate& Add(Attr type, std::string_view value);  // e.g. a label

  CK_ATTRIBUTE* data() { return attributes_.data(); }
  CK_ULONG size() const { return static_cast<CK_ULONG>(attributes_.size()); }

 private:
  AttributeTemplate& AddRaw(Attr type, ByteView value);

  std::vector<SecureBytes> values_;  // moving a SecureBytes keeps its buffer
  std::vector<CK_ATTRIBUTE> attributes_;
};

// C_GetAttributeValue of one attribute of `object`. `what` names the object
// in errors ("secret key 'tessera-mk-v01'"). A sensitive or absent attribute
// is an error (kSecurityStatus / kNotFound).
Result<bool> ReadBool(HsmSession& session, CK_OBJECT_HANDLE object, Attr type,
                      std::string_view what);
Result<Bytes> ReadBytes(HsmSession& session, CK_OBJECT_HANDLE object, Attr type,
                        std::string_view what);

}  // namespace tessera::hsm

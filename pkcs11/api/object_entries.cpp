// Object management and searches (PKCS#11 3.0 §5.7).
#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <cstring>

#include "pkcs11/api/export.hpp"
#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/api/session_access.hpp"
#include "pkcs11/core/object_requests.hpp"

namespace {

using tessera::ByteView;
using tessera::p11::Attr;
using tessera::p11::AttrRead;
using tessera::p11::Object;
using tessera::p11::Template;
using tessera::p11::api::AccessSession;
using tessera::p11::api::Guard;
using tessera::p11::api::ReadTemplate;
using tessera::p11::api::SessionAccess;
using tessera::p11::api::ToRv;

// §5.7 C_GetAttributeValue, for one attribute; returns the error this
// attribute contributes, or CKR_OK.
CK_RV FillAttribute(const Object& object, CK_ATTRIBUTE& a) {
  ByteView value;
  switch (tessera::p11::ReadAttribute(object, static_cast<Attr>(a.type), &value)) {
    case AttrRead::kSensitive:
      a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
      return CKR_ATTRIBUTE_SENSITIVE;
    case AttrRead::kInvalid:
      a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
      return CKR_ATTRIBUTE_TYPE_INVALID;
    case AttrRead::kValue: break;
  }
  if (a.pValue == nullptr) {
    a.ulValueLen = value.size();
    return CKR_OK;
  }
  if (a.ulValueLen < value.size()) {
    a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
    return CKR_BUFFER_TOO_SMALL;
  }
  if (!value.empty()) std::memcpy(a.pValue, value.data(), value.size());
  a.ulValueLen = value.size();
  return CKR_OK;
}

}  // namespace

TESSERA_P11_EXPORT CK_RV C_FindObjectsInit(CK_SESSION_HANDLE handle, CK_ATTRIBUTE_PTR tmpl,
                                           CK_ULONG count) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    Template wanted;
    if (CK_RV rv = ReadTemplate(tmpl, count, &wanted); rv != CKR_OK) return rv;
    return ToRv(s.session->FindInit(wanted));
  });
}

TESSERA_P11_EXPORT CK_RV C_FindObjects(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE_PTR objects,
                                       CK_ULONG max, CK_ULONG_PTR count) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    if (count == nullptr || (objects == nullptr && max > 0)) return CKR_ARGUMENTS_BAD;
    auto found = s.session->Find(max);
    if (!found.ok()) return ToRv(found.status());
    for (std::size_t i = 0; i < found->size(); ++i) objects[i] = (*found)[i];
    *count = found->size();
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE handle) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    return ToRv(s.session->FindFinal());
  });
}

TESSERA_P11_EXPORT CK_RV C_GetAttributeValue(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object,
                                             CK_ATTRIBUTE_PTR tmpl, CK_ULONG count) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    if (tmpl == nullptr && count > 0) return CKR_ARGUMENTS_BAD;
    std::vector<Attr> wanted;
    for (CK_ULONG i = 0; i < count; ++i) wanted.push_back(static_cast<Attr>(tmpl[i].type));
    auto read = s.slot->ReadObject(object, wanted);
    if (!read.ok()) return ToRv(read.status());
    // Every attribute is processed; the result is one of the errors met
    // (§5.7: the spec does not rank them).
    CK_RV rv = CKR_OK;
    for (CK_ULONG i = 0; i < count; ++i) {
      CK_RV one = FillAttribute(*read, tmpl[i]);
      if (one != CKR_OK) rv = one;
    }
    return rv;
  });
}

TESSERA_P11_EXPORT CK_RV C_SetAttributeValue(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object,
                                             CK_ATTRIBUTE_PTR tmpl, CK_ULONG count) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    Template changes;
    if (CK_RV rv = ReadTemplate(tmpl, count, &changes); rv != CKR_OK) return rv;
    return ToRv(s.slot->SetAttributes(object, changes, s.session->read_write()));
  });
}

TESSERA_P11_EXPORT CK_RV C_GetObjectSize(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object,
                                         CK_ULONG_PTR size) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    if (size == nullptr) return CKR_ARGUMENTS_BAD;
    auto known = s.slot->ObjectSize(object);
    if (!known.ok()) return ToRv(known.status());
    // The card's storage is not the module's to tell (§5.7 allows this).
    *size = known->has_value() ? **known : CK_UNAVAILABLE_INFORMATION;
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_CopyObject(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object,
                                      CK_ATTRIBUTE_PTR tmpl, CK_ULONG count,
                                      CK_OBJECT_HANDLE_PTR copy) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    Template changes;
    if (CK_RV rv = ReadTemplate(tmpl, count, &changes); rv != CKR_OK) return rv;
    if (copy == nullptr) return CKR_ARGUMENTS_BAD;
    auto made = s.slot->CopyObject(object, changes, s.session->handle(), s.session->read_write());
    if (!made.ok()) return ToRv(made.status());
    *copy = *made;
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_DestroyObject(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    return ToRv(s.slot->DestroyObject(object, s.session->read_write()));
  });
}

TESSERA_P11_EXPORT CK_RV C_CreateObject(CK_SESSION_HANDLE handle, CK_ATTRIBUTE_PTR tmpl,
                                        CK_ULONG count, CK_OBJECT_HANDLE_PTR object) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    Template given;
    if (CK_RV rv = ReadTemplate(tmpl, count, &given); rv != CKR_OK) return rv;
    if (object == nullptr) {
      tessera::p11::WipeTemplate(given);
      return CKR_ARGUMENTS_BAD;
    }
    auto made = tessera::p11::CreateObject(*s.session, given);
    tessera::p11::WipeTemplate(given);
    if (!made.ok()) return ToRv(made.status());
    *object = *made;
    return CKR_OK;
  });
}

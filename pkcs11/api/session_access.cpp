#include "pkcs11/api/session_access.hpp"

#include "pkcs11/api/rv_map.hpp"

namespace tessera::p11::api {
namespace {

// No attribute value is bigger than this; a larger length is garbage.
constexpr CK_ULONG kMaxAttributeLength = 1 << 20;
constexpr CK_ULONG kMaxTemplateLength = 1024;

}  // namespace

SlotAccess AccessSlot(CK_SLOT_ID id) {
  SlotAccess a;
  a.module = CurrentLibrary();
  if (a.module == nullptr) {
    a.rv = CKR_CRYPTOKI_NOT_INITIALIZED;
    return a;
  }
  auto slot = a.module->FindSlot(id);
  if (!slot.ok()) {
    a.rv = ToRv(slot.status());
    return a;
  }
  a.slot = *slot;
  return a;
}

SessionAccess AccessSession(CK_SESSION_HANDLE handle) {
  SessionAccess a;
  a.module = CurrentLibrary();
  if (a.module == nullptr) {
    a.rv = CKR_CRYPTOKI_NOT_INITIALIZED;
    return a;
  }
  auto session = a.module->FindSession(handle);
  if (!session.ok()) {
    a.rv = ToRv(session.status());
    return a;
  }
  a.session = std::move(session->session);
  a.slot = session->slot;
  return a;
}

CK_RV ReadTemplate(const CK_ATTRIBUTE* attrs, CK_ULONG count, Template* out) {
  out->clear();
  if (count == 0) return CKR_OK;
  if (attrs == nullptr) return CKR_ARGUMENTS_BAD;
  if (count > kMaxTemplateLength) return CKR_ARGUMENTS_BAD;
  for (CK_ULONG i = 0; i < count; ++i) {
    const CK_ATTRIBUTE& a = attrs[i];
    if (a.ulValueLen > kMaxAttributeLength) return CKR_ATTRIBUTE_VALUE_INVALID;
    if (a.pValue == nullptr && a.ulValueLen != 0) return CKR_ARGUMENTS_BAD;
    const auto* v = static_cast<const std::uint8_t*>(a.pValue);
    out->emplace_back(static_cast<Attr>(a.type),
                      v == nullptr ? Bytes{} : Bytes(v, v + a.ulValueLen));
  }
  return CKR_OK;
}

}  // namespace tessera::p11::api

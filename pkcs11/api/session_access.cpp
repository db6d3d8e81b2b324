#include "pkcs11/api/session_access.hpp"

namespace tessera::p11::api {
namespace {

// No attribute value is bigger than this; a larger length is garbage.
constexpr CK_ULONG kMaxAttributeLength = 1 << 20;
constexpr CK_ULONG kMaxTemplateLength = 1024;

}  // namespace

SessionAccess AccessSession(CK_SESSION_HANDLE handle) {
  SessionAccess a;
  a.library = CurrentLibrary();
  if (a.library == nullptr) {
    a.rv = CKR_CRYPTOKI_NOT_INITIALIZED;
    return a;
  }
  auto session = a.library->sessions.Find(handle);
  if (!session) {
    a.rv = CKR_SESSION_HANDLE_INVALID;
    return a;
  }
  a.session = *session;
  a.slot = a.library->slots.Find(session->slot);
  if (a.slot == nullptr) {
    a.rv = CKR_SESSION_HANDLE_INVALID;
  } else if (a.slot->insertion() != session->insertion) {
    // PKCS#11 2.40 §5.1.2: removing a token closes all sessions with it.
    a.library->sessions.Close(handle);
    a.slot->DestroySessionObjects(handle);
    a.rv = CKR_SESSION_HANDLE_INVALID;
  }
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

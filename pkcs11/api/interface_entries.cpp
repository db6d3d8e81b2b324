// PKCS#11 3.0 interfaces (§5.4): "PKCS 11" version 3.0 (the default) and
// version 2.40, plus the 3.0 session functions the module implements.
#include <cstring>

#include "pkcs11/api/copy_out.hpp"
#include "pkcs11/api/export.hpp"
#include "pkcs11/api/function_list.hpp"
#include "pkcs11/api/library.hpp"
#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/api/session_access.hpp"

namespace {

// The spec's interface name and the interfaces: fixed, but not const because
// CK_INTERFACE holds non-const pointers.
// NOLINTBEGIN(readability-identifier-naming)
CK_CHAR kInterfaceName[] = "PKCS 11";

CK_INTERFACE kInterfaces[] = {
    {kInterfaceName, &tessera::p11::api::kFunctionList30, 0},
    {kInterfaceName, &tessera::p11::api::kFunctionList240, 0},
};
// NOLINTEND(readability-identifier-naming)

CK_VERSION VersionOf(const CK_INTERFACE& interface) {
  return static_cast<const CK_FUNCTION_LIST*>(interface.pFunctionList)->version;
}

}  // namespace

// May be called before C_Initialize, like C_GetFunctionList.
TESSERA_P11_EXPORT CK_RV C_GetInterfaceList(CK_INTERFACE_PTR list, CK_ULONG_PTR count) {
  if (count == nullptr) return CKR_ARGUMENTS_BAD;
  return tessera::p11::api::CopyOut(kInterfaces, list, count);
}

// A NULL name or version means the default: "PKCS 11" 3.0. The module's
// interfaces carry no flags, so asking for any flag finds none.
TESSERA_P11_EXPORT CK_RV C_GetInterface(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version,
                                        CK_INTERFACE_PTR_PTR interface, CK_FLAGS flags) {
  if (interface == nullptr) return CKR_ARGUMENTS_BAD;
  for (CK_INTERFACE& candidate : kInterfaces) {
    if (name != nullptr &&
        std::strcmp(reinterpret_cast<const char*>(name),
                    reinterpret_cast<const char*>(candidate.pInterfaceName)) != 0) {
      continue;
    }
    const CK_VERSION v = VersionOf(candidate);
    if (version != nullptr && (version->major != v.major || version->minor != v.minor)) continue;
    if ((candidate.flags & flags) != flags) continue;
    *interface = &candidate;
    return CKR_OK;
  }
  return CKR_ARGUMENTS_BAD;
}

// PIV has no user names: C_LoginUser without one is C_Login (3.0 §5.6).
TESSERA_P11_EXPORT CK_RV C_LoginUser(CK_SESSION_HANDLE session, CK_USER_TYPE user_type,
                                     CK_UTF8CHAR_PTR pin, CK_ULONG pin_len,
                                     CK_UTF8CHAR_PTR username, CK_ULONG username_len) {
  if (username != nullptr && username_len != 0) {
    return tessera::p11::api::CurrentLibrary() == nullptr ? CKR_CRYPTOKI_NOT_INITIALIZED
                                                          : CKR_ARGUMENTS_BAD;
  }
  return C_Login(session, user_type, pin, pin_len);
}

// 3.0 §5.6 C_SessionCancel: ends the session's operations that `flags`
// names (CKF_ENCRYPT, CKF_SIGN ..., CKF_FIND_OBJECTS). Nothing runs in the
// background, so nothing is ever half-way.
TESSERA_P11_EXPORT CK_RV C_SessionCancel(CK_SESSION_HANDLE session, CK_FLAGS flags) {
  return tessera::p11::api::Guard([&]() -> CK_RV {
    tessera::p11::api::SessionAccess s = tessera::p11::api::AccessSession(session);
    if (s.rv != CKR_OK) return s.rv;
    using tessera::p11::OpKind;
    std::vector<OpKind> kinds;
    if ((flags & CKF_ENCRYPT) != 0) kinds.push_back(OpKind::kEncrypt);
    if ((flags & CKF_DECRYPT) != 0) kinds.push_back(OpKind::kDecrypt);
    if ((flags & CKF_DIGEST) != 0) kinds.push_back(OpKind::kDigest);
    if ((flags & CKF_SIGN) != 0) kinds.push_back(OpKind::kSign);
    if ((flags & CKF_VERIFY) != 0) kinds.push_back(OpKind::kVerify);
    s.session->Cancel(kinds, (flags & CKF_FIND_OBJECTS) != 0);
    return CKR_OK;
  });
}

// General-purpose functions (PKCS#11 2.40 §5.4): initialization, library
// information and the function list.
#include <p11-kit/pkcs11.h>

#include "pkcs11/api/ck_text.hpp"
#include "pkcs11/api/export.hpp"
#include "pkcs11/api/function_list.hpp"
#include "pkcs11/api/library.hpp"
#include "pkcs11/api/rv_map.hpp"

using tessera::p11::api::Guard;

TESSERA_P11_EXPORT CK_RV C_Initialize(CK_VOID_PTR init_args) {
  return Guard([&] { return tessera::p11::api::InitializeLibrary(init_args); });
}

TESSERA_P11_EXPORT CK_RV C_Finalize(CK_VOID_PTR reserved) {
  return Guard([&] { return tessera::p11::api::FinalizeLibrary(reserved); });
}

TESSERA_P11_EXPORT CK_RV C_GetInfo(CK_INFO_PTR info) {
  return Guard([&]() -> CK_RV {
    if (tessera::p11::api::CurrentLibrary() == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (info == nullptr) return CKR_ARGUMENTS_BAD;
    info->cryptokiVersion = {2, 40};
    tessera::p11::api::SetPadded(info->manufacturerID, "Tessera");
    info->flags = 0;
    tessera::p11::api::SetPadded(info->libraryDescription, "Tessera PKCS#11 module");
    info->libraryVersion = {0, 1};
    return CKR_OK;
  });
}

// §5.4: may be called before C_Initialize.
TESSERA_P11_EXPORT CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (list == nullptr) return CKR_ARGUMENTS_BAD;
  *list = &tessera::p11::api::kFunctionList240;
  return CKR_OK;
}

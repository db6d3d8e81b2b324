// C_GetMechanismList and C_GetMechanismInfo (PKCS#11 2.40 §5.5).
#include <p11-kit/pkcs11.h>

#include "pkcs11/api/copy_out.hpp"
#include "pkcs11/api/export.hpp"
#include "pkcs11/api/library.hpp"
#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/model/mechanism.hpp"

using tessera::p11::api::CurrentLibrary;
using tessera::p11::api::Guard;

TESSERA_P11_EXPORT CK_RV C_GetMechanismList(CK_SLOT_ID slot_id, CK_MECHANISM_TYPE_PTR list,
                                            CK_ULONG_PTR count) {
  return Guard([&]() -> CK_RV {
    auto library = CurrentLibrary();
    if (library == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    auto* slot = library->slots().Find(slot_id);
    if (slot == nullptr) return CKR_SLOT_ID_INVALID;
    if (count == nullptr) return CKR_ARGUMENTS_BAD;
    if (!slot->TokenPresent()) return CKR_TOKEN_NOT_PRESENT;
    auto all = tessera::p11::AllMechanisms();
    return tessera::p11::api::CopyOut(all, list, count, [](const auto& mechanism) {
      return static_cast<CK_MECHANISM_TYPE>(mechanism.type);
    });
  });
}

TESSERA_P11_EXPORT CK_RV C_GetMechanismInfo(CK_SLOT_ID slot_id, CK_MECHANISM_TYPE type,
                                            CK_MECHANISM_INFO_PTR info) {
  return Guard([&]() -> CK_RV {
    auto library = CurrentLibrary();
    if (library == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    auto* slot = library->slots().Find(slot_id);
    if (slot == nullptr) return CKR_SLOT_ID_INVALID;
    if (info == nullptr) return CKR_ARGUMENTS_BAD;
    if (!slot->TokenPresent()) return CKR_TOKEN_NOT_PRESENT;
    const auto* m = tessera::p11::FindMechanism(static_cast<tessera::p11::Mech>(type));
    if (m == nullptr) return CKR_MECHANISM_INVALID;
    info->ulMinKeySize = m->min_key_size;
    info->ulMaxKeySize = m->max_key_size;
    info->flags = m->flags;
    return CKR_OK;
  });
}

// Slot and token management (PKCS#11 2.40 §5.5): slots, their tokens and the
// mechanisms they offer.
#include <p11-kit/pkcs11.h>

#include <vector>

#include "pkcs11/api/ck_text.hpp"
#include "pkcs11/api/copy_out.hpp"
#include "pkcs11/api/export.hpp"
#include "pkcs11/api/library.hpp"
#include "pkcs11/api/rv_map.hpp"

namespace {

using tessera::p11::Slot;
using tessera::p11::TokenInfo;
using tessera::p11::api::CurrentLibrary;
using tessera::p11::api::Guard;
using tessera::p11::api::SetPadded;

// §5.5 token flags from the card's PIN retry counter.
CK_FLAGS TokenFlags(const TokenInfo& info) {
  CK_FLAGS flags = CKF_RNG | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED;
  if (info.pin_tries_left == 0) {
    flags |= CKF_USER_PIN_LOCKED;
  } else if (info.pin_tries_left == 1) {
    flags |= CKF_USER_PIN_FINAL_TRY;
  } else if (info.pin_tries_left < info.pin_max_tries) {
    flags |= CKF_USER_PIN_COUNT_LOW;
  }
  return flags;
}

}  // namespace

// §5.5: a NULL list asks for the count, and is when the module looks for
// new tokens; a short list is CKR_BUFFER_TOO_SMALL with the count set.
TESSERA_P11_EXPORT CK_RV C_GetSlotList(CK_BBOOL token_present, CK_SLOT_ID_PTR list,
                                       CK_ULONG_PTR count) {
  return Guard([&]() -> CK_RV {
    auto library = CurrentLibrary();
    if (library == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (count == nullptr) return CKR_ARGUMENTS_BAD;
    if (list == nullptr) library->slots().Refresh();
    std::vector<tessera::p11::SlotId> ids = library->slots().Ids(token_present == CK_TRUE);
    return tessera::p11::api::CopyOut(ids, list, count);
  });
}

// §5.5: the next slot whose token went in or out. With CKF_DONT_BLOCK,
// CKR_NO_EVENT when there is none; otherwise it blocks until one comes, and
// C_Finalize in another thread ends the wait with
// CKR_CRYPTOKI_NOT_INITIALIZED.
TESSERA_P11_EXPORT CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot,
                                            CK_VOID_PTR reserved) {
  return Guard([&]() -> CK_RV {
    auto library = CurrentLibrary();
    if (library == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (slot == nullptr || reserved != nullptr) return CKR_ARGUMENTS_BAD;
    tessera::p11::SlotId id = 0;
    switch (library->slots().WaitForEvent((flags & CKF_DONT_BLOCK) == 0, &id)) {
      case tessera::p11::SlotManager::Wait::kEvent: *slot = id; return CKR_OK;
      case tessera::p11::SlotManager::Wait::kNoEvent: return CKR_NO_EVENT;
      case tessera::p11::SlotManager::Wait::kShutDown: return CKR_CRYPTOKI_NOT_INITIALIZED;
    }
    return CKR_GENERAL_ERROR;
  });
}

TESSERA_P11_EXPORT CK_RV C_GetSlotInfo(CK_SLOT_ID slot_id, CK_SLOT_INFO_PTR info) {
  return Guard([&]() -> CK_RV {
    auto library = CurrentLibrary();
    if (library == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    Slot* slot = library->slots().Find(slot_id);
    if (slot == nullptr) return CKR_SLOT_ID_INVALID;
    if (info == nullptr) return CKR_ARGUMENTS_BAD;
    SetPadded(info->slotDescription, slot->Description());
    SetPadded(info->manufacturerID, "Tessera");
    info->flags =
        CKF_REMOVABLE_DEVICE | CKF_HW_SLOT | (slot->TokenPresent() ? CKF_TOKEN_PRESENT : 0);
    info->hardwareVersion = {0, 1};
    info->firmwareVersion = {0, 1};
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_GetTokenInfo(CK_SLOT_ID slot_id, CK_TOKEN_INFO_PTR info) {
  return Guard([&]() -> CK_RV {
    auto library = CurrentLibrary();
    if (library == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    Slot* slot = library->slots().Find(slot_id);
    if (slot == nullptr) return CKR_SLOT_ID_INVALID;
    if (info == nullptr) return CKR_ARGUMENTS_BAD;
    auto token = slot->GetTokenInfo();
    if (!token.ok()) return tessera::p11::api::ToRv(token.status());
    SetPadded(info->label, token->label);
    SetPadded(info->manufacturerID, "Tessera");
    SetPadded(info->model, token->model);
    SetPadded(info->serialNumber, token->serial);
    info->flags = TokenFlags(*token);
    info->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
    info->ulSessionCount = CK_UNAVAILABLE_INFORMATION;
    info->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
    info->ulRwSessionCount = CK_UNAVAILABLE_INFORMATION;
    info->ulMaxPinLen = token->max_pin_length;
    info->ulMinPinLen = token->min_pin_length;
    info->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info->hardwareVersion = {token->firmware[0], token->firmware[1]};
    info->firmwareVersion = {token->firmware[0], token->firmware[1]};
    SetPadded(info->utcTime, "");
    return CKR_OK;
  });
}

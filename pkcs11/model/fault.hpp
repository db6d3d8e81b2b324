// Fault: why the module refuses a request, in the module's own words. Core and
// driver code return Refuse(Fault::k..., "why"); api/rv_map.cpp turns each
// Fault into the CK_RV the spec names for it (PKCS#11 3.0 §5.1 and each
// function's list of return values). Nothing below the module creates these.
#pragma once

#include <string>

#include "common/status.hpp"

namespace tessera::p11 {

enum class Fault : int {
  kActionProhibited = 1,
  kArgumentsBad,
  kAttributeReadOnly,
  kAttributeSensitive,
  kAttributeTypeInvalid,
  kAttributeValueInvalid,
  kBufferTooSmall,
  kCurveNotSupported,
  kDataInvalid,
  kDataLenRange,
  kDeviceError,
  kDeviceMemory,
  kDeviceRemoved,
  kEncryptedDataInvalid,
  kEncryptedDataLenRange,
  kFunctionFailed,
  kFunctionNotSupported,
  kKeyFunctionNotPermitted,
  kKeyHandleInvalid,
  kKeyNotWrappable,
  kKeySizeRange,
  kKeyTypeInconsistent,
  kKeyUnextractable,
  kMechanismInvalid,
  kMechanismParamInvalid,
  kObjectHandleInvalid,
  kOperationActive,
  kOperationNotInitialized,
  kPinIncorrect,
  kPinInvalid,
  kPinLenRange,
  kPinLocked,
  kSessionExists,
  kSessionHandleInvalid,
  kSessionReadOnly,
  kSessionReadOnlyExists,
  kSessionReadWriteSoExists,
  kSignatureInvalid,
  kSignatureLenRange,
  kSlotIdInvalid,
  kTemplateIncomplete,
  kTemplateInconsistent,
  kTokenNotPresent,
  kTokenWriteProtected,
  kUnwrappingKeyHandleInvalid,
  kUnwrappingKeyTypeInconsistent,
  kUserAlreadyLoggedIn,
  kUserAnotherAlreadyLoggedIn,
  kUserNotLoggedIn,
  kUserTypeInvalid,
  kWrappedKeyInvalid,
  kWrappedKeyLenRange,
  kWrappingKeyHandleInvalid,
  kWrappingKeyTypeInconsistent,
};

inline Status Refuse(Fault fault, std::string msg) {
  return Status::Refused(static_cast<int>(fault), std::move(msg));
}

// True when `status` is the refusal `fault`.
inline bool IsFault(const Status& status, Fault fault) {
  return status.code() == Code::kRefused && status.detail() == static_cast<int>(fault);
}

// `status` with a refusal of one kind renamed to another, for a caller that
// knows better what the failure means (a bad object handle passed as a
// function's key is CKR_KEY_HANDLE_INVALID).
inline Status Recast(Status status, Fault from, Fault to) {
  if (IsFault(status, from)) return Refuse(to, status.message());
  return status;
}

}  // namespace tessera::p11

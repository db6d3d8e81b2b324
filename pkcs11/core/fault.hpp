// Fault: why the module refuses a request, in the module's own words. Core
// code returns Refuse(Fault::k..., "why"); api/rv_map.cpp turns each Fault into
// the CK_RV the spec names for it (PKCS#11 2.40 §5.1 and each function's
// list of return values). Nothing below the module creates these.
#pragma once

#include <string>

#include "common/status.hpp"

namespace tessera::p11 {

enum class Fault : int {
  kActionProhibited = 1,
  kAttributeReadOnly,
  kAttributeTypeInvalid,
  kAttributeValueInvalid,
  kDataInvalid,
  kDataLenRange,
  kEncryptedDataInvalid,
  kEncryptedDataLenRange,
  kKeyFunctionNotPermitted,
  kKeyHandleInvalid,
  kKeySizeRange,
  kKeyTypeInconsistent,
  kMechanismInvalid,
  kMechanismParamInvalid,
  kObjectHandleInvalid,
  kOperationActive,
  kOperationNotInitialized,
  kPinInvalid,
  kPinLenRange,
  kSessionReadOnly,
  kSignatureLenRange,
  kTemplateIncomplete,
  kTemplateInconsistent,
  kTokenWriteProtected,
  kUserNotLoggedIn,
  kFunctionNotSupported,
  kDeviceMemory,
  kCurveNotSupported,
  kDeviceRemoved,
};

inline Status Refuse(Fault fault, std::string msg) {
  return Status::Refused(static_cast<int>(fault), std::move(msg));
}

}  // namespace tessera::p11

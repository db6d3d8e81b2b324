#include "pkcs11/api/rv_map.hpp"

#include <ios>

#include "pkcs11/core/fault.hpp"
#include "pkcs11/core/log/log.hpp"

namespace tessera::p11::api {
namespace {

CK_RV FaultRv(int reason) {
  switch (static_cast<Fault>(reason)) {
    case Fault::kActionProhibited: return CKR_ACTION_PROHIBITED;
    case Fault::kAttributeReadOnly: return CKR_ATTRIBUTE_READ_ONLY;
    case Fault::kAttributeTypeInvalid: return CKR_ATTRIBUTE_TYPE_INVALID;
    case Fault::kAttributeValueInvalid: return CKR_ATTRIBUTE_VALUE_INVALID;
    case Fault::kDataInvalid: return CKR_DATA_INVALID;
    case Fault::kDataLenRange: return CKR_DATA_LEN_RANGE;
    case Fault::kEncryptedDataInvalid: return CKR_ENCRYPTED_DATA_INVALID;
    case Fault::kEncryptedDataLenRange: return CKR_ENCRYPTED_DATA_LEN_RANGE;
    case Fault::kKeyFunctionNotPermitted: return CKR_KEY_FUNCTION_NOT_PERMITTED;
    case Fault::kKeyHandleInvalid: return CKR_KEY_HANDLE_INVALID;
    case Fault::kKeySizeRange: return CKR_KEY_SIZE_RANGE;
    case Fault::kKeyTypeInconsistent: return CKR_KEY_TYPE_INCONSISTENT;
    case Fault::kMechanismInvalid: return CKR_MECHANISM_INVALID;
    case Fault::kMechanismParamInvalid: return CKR_MECHANISM_PARAM_INVALID;
    case Fault::kObjectHandleInvalid: return CKR_OBJECT_HANDLE_INVALID;
    case Fault::kOperationActive: return CKR_OPERATION_ACTIVE;
    case Fault::kOperationNotInitialized: return CKR_OPERATION_NOT_INITIALIZED;
    case Fault::kPinInvalid: return CKR_PIN_INVALID;
    case Fault::kPinLenRange: return CKR_PIN_LEN_RANGE;
    case Fault::kSessionReadOnly: return CKR_SESSION_READ_ONLY;
    case Fault::kSignatureLenRange: return CKR_SIGNATURE_LEN_RANGE;
    case Fault::kTemplateIncomplete: return CKR_TEMPLATE_INCOMPLETE;
    case Fault::kTemplateInconsistent: return CKR_TEMPLATE_INCONSISTENT;
    case Fault::kTokenWriteProtected: return CKR_TOKEN_WRITE_PROTECTED;
    case Fault::kUserNotLoggedIn: return CKR_USER_NOT_LOGGED_IN;
    case Fault::kFunctionNotSupported: return CKR_FUNCTION_NOT_SUPPORTED;
    case Fault::kDeviceMemory: return CKR_DEVICE_MEMORY;
    case Fault::kCurveNotSupported: return CKR_CURVE_NOT_SUPPORTED;
    case Fault::kDeviceRemoved: return CKR_DEVICE_REMOVED;
  }
  return CKR_GENERAL_ERROR;
}

// Status codes as the token reports them, mapped to the closest PKCS#11 2.40
// return value (§11.1 lists them).
CK_RV MapStatus(const Status& status) {
  switch (status.code()) {
    case Code::kOk: return CKR_OK;
    case Code::kInvalidArgument: return CKR_ARGUMENTS_BAD;
    case Code::kWrongLength: return CKR_DATA_LEN_RANGE;
    case Code::kNotFound: return CKR_TOKEN_NOT_PRESENT;
    case Code::kFunctionNotSupported:
    case Code::kInsNotSupported:
    case Code::kClaNotSupported: return CKR_FUNCTION_NOT_SUPPORTED;
    case Code::kIncorrectP1P2: return CKR_ARGUMENTS_BAD;
    case Code::kSecurityStatus: return CKR_USER_NOT_LOGGED_IN;
    case Code::kAuthBlocked: return CKR_PIN_LOCKED;
    case Code::kPinIncorrect: return CKR_PIN_INCORRECT;
    case Code::kConditionsNotSatisfied: return CKR_FUNCTION_FAILED;
    case Code::kReferenceNotFound: return CKR_KEY_HANDLE_INVALID;
    case Code::kNoSpace: return CKR_DEVICE_MEMORY;
    case Code::kIoError:
    case Code::kPowerLost: return CKR_DEVICE_ERROR;
    case Code::kSignatureInvalid: return CKR_SIGNATURE_INVALID;
    case Code::kDataMismatch: return CKR_DATA_INVALID;
    case Code::kRefused: return FaultRv(status.detail());
    case Code::kCorrupt:
    case Code::kInternal: return CKR_GENERAL_ERROR;
  }
  return CKR_GENERAL_ERROR;
}

}  // namespace

CK_RV ToRv(const Status& status) {
  const CK_RV rv = MapStatus(status);
  if (status.ok()) return rv;
  // Failures of the module or the card are errors; refusals of the caller's
  // request are information. Status messages never carry secrets: a wrong
  // PIN says "PIN incorrect".
  const bool failure =
      rv == CKR_GENERAL_ERROR || rv == CKR_DEVICE_ERROR || rv == CKR_FUNCTION_FAILED;
  log::Log(failure ? log::Level::kError : log::Level::kInfo, "CK_RV 0x", std::hex, rv, ": ",
           status.ToString());
  return rv;
}

}  // namespace tessera::p11::api

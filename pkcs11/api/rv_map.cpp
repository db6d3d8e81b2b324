#include "pkcs11/api/rv_map.hpp"

#include <ios>

#include "pkcs11/core/log/log.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11::api {
namespace {

CK_RV FaultRv(int reason) {
  switch (static_cast<Fault>(reason)) {
    case Fault::kActionProhibited: return CKR_ACTION_PROHIBITED;
    case Fault::kArgumentsBad: return CKR_ARGUMENTS_BAD;
    case Fault::kAttributeReadOnly: return CKR_ATTRIBUTE_READ_ONLY;
    case Fault::kAttributeSensitive: return CKR_ATTRIBUTE_SENSITIVE;
    case Fault::kAttributeTypeInvalid: return CKR_ATTRIBUTE_TYPE_INVALID;
    case Fault::kAttributeValueInvalid: return CKR_ATTRIBUTE_VALUE_INVALID;
    case Fault::kBufferTooSmall: return CKR_BUFFER_TOO_SMALL;
    case Fault::kCurveNotSupported: return CKR_CURVE_NOT_SUPPORTED;
    case Fault::kDataInvalid: return CKR_DATA_INVALID;
    case Fault::kDataLenRange: return CKR_DATA_LEN_RANGE;
    case Fault::kDeviceError: return CKR_DEVICE_ERROR;
    case Fault::kDeviceMemory: return CKR_DEVICE_MEMORY;
    case Fault::kDeviceRemoved: return CKR_DEVICE_REMOVED;
    case Fault::kEncryptedDataInvalid: return CKR_ENCRYPTED_DATA_INVALID;
    case Fault::kEncryptedDataLenRange: return CKR_ENCRYPTED_DATA_LEN_RANGE;
    case Fault::kFunctionFailed: return CKR_FUNCTION_FAILED;
    case Fault::kFunctionNotSupported: return CKR_FUNCTION_NOT_SUPPORTED;
    case Fault::kKeyFunctionNotPermitted: return CKR_KEY_FUNCTION_NOT_PERMITTED;
    case Fault::kKeyHandleInvalid: return CKR_KEY_HANDLE_INVALID;
    case Fault::kKeyNotWrappable: return CKR_KEY_NOT_WRAPPABLE;
    case Fault::kKeySizeRange: return CKR_KEY_SIZE_RANGE;
    case Fault::kKeyTypeInconsistent: return CKR_KEY_TYPE_INCONSISTENT;
    case Fault::kKeyUnextractable: return CKR_KEY_UNEXTRACTABLE;
    case Fault::kMechanismInvalid: return CKR_MECHANISM_INVALID;
    case Fault::kMechanismParamInvalid: return CKR_MECHANISM_PARAM_INVALID;
    case Fault::kObjectHandleInvalid: return CKR_OBJECT_HANDLE_INVALID;
    case Fault::kOperationActive: return CKR_OPERATION_ACTIVE;
    case Fault::kOperationNotInitialized: return CKR_OPERATION_NOT_INITIALIZED;
    case Fault::kPinIncorrect: return CKR_PIN_INCORRECT;
    case Fault::kPinInvalid: return CKR_PIN_INVALID;
    case Fault::kPinLenRange: return CKR_PIN_LEN_RANGE;
    case Fault::kPinLocked: return CKR_PIN_LOCKED;
    case Fault::kSessionExists: return CKR_SESSION_EXISTS;
    case Fault::kSessionHandleInvalid: return CKR_SESSION_HANDLE_INVALID;
    case Fault::kSessionReadOnly: return CKR_SESSION_READ_ONLY;
    case Fault::kSessionReadOnlyExists: return CKR_SESSION_READ_ONLY_EXISTS;
    case Fault::kSessionReadWriteSoExists: return CKR_SESSION_READ_WRITE_SO_EXISTS;
    case Fault::kSignatureInvalid: return CKR_SIGNATURE_INVALID;
    case Fault::kSignatureLenRange: return CKR_SIGNATURE_LEN_RANGE;
    case Fault::kSlotIdInvalid: return CKR_SLOT_ID_INVALID;
    case Fault::kTemplateIncomplete: return CKR_TEMPLATE_INCOMPLETE;
    case Fault::kTemplateInconsistent: return CKR_TEMPLATE_INCONSISTENT;
    case Fault::kTokenNotPresent: return CKR_TOKEN_NOT_PRESENT;
    case Fault::kTokenWriteProtected: return CKR_TOKEN_WRITE_PROTECTED;
    case Fault::kUnwrappingKeyHandleInvalid: return CKR_UNWRAPPING_KEY_HANDLE_INVALID;
    case Fault::kUnwrappingKeyTypeInconsistent: return CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT;
    case Fault::kUserAlreadyLoggedIn: return CKR_USER_ALREADY_LOGGED_IN;
    case Fault::kUserAnotherAlreadyLoggedIn: return CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
    case Fault::kUserNotLoggedIn: return CKR_USER_NOT_LOGGED_IN;
    case Fault::kUserTypeInvalid: return CKR_USER_TYPE_INVALID;
    case Fault::kWrappedKeyInvalid: return CKR_WRAPPED_KEY_INVALID;
    case Fault::kWrappedKeyLenRange: return CKR_WRAPPED_KEY_LEN_RANGE;
    case Fault::kWrappingKeyHandleInvalid: return CKR_WRAPPING_KEY_HANDLE_INVALID;
    case Fault::kWrappingKeyTypeInconsistent: return CKR_WRAPPING_KEY_TYPE_INCONSISTENT;
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
    case Code::kCorrupt: return CKR_DEVICE_ERROR;
    case Code::kSignatureInvalid: return CKR_SIGNATURE_INVALID;
    case Code::kDataMismatch: return CKR_DATA_INVALID;
    case Code::kRefused: return FaultRv(status.detail());
    case Code::kAlreadyExists:
    case Code::kAborted:
    case Code::kInternal: return CKR_GENERAL_ERROR;
    case Code::kUnavailable: return CKR_DEVICE_ERROR;
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

#include "pkcs11/api/rv_map.hpp"

namespace tessera::p11::api {

// Status codes as the token reports them, mapped to the closest PKCS#11 2.40
// return value (§11.1 lists them).
CK_RV ToRv(const Status& status) {
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
    case Code::kCorrupt:
    case Code::kInternal: return CKR_GENERAL_ERROR;
  }
  return CKR_GENERAL_ERROR;
}

}  // namespace tessera::p11::api

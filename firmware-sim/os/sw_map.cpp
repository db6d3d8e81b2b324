#include "firmware-sim/os/sw_map.hpp"

#include <algorithm>

namespace tessera::sim {

// ISO 7816-4 §5.6 status words, one row per Status code.
std::uint16_t StatusToSw(const Status& status) {
  switch (status.code()) {
    case Code::kOk: return sw::kOk;
    case Code::kInvalidArgument: return sw::kIncorrectData;
    case Code::kWrongLength: return sw::kWrongLength;
    case Code::kNotFound: return sw::kFileNotFound;
    case Code::kFunctionNotSupported: return sw::kFunctionNotSupported;
    case Code::kInsNotSupported: return sw::kInsNotSupported;
    case Code::kClaNotSupported: return sw::kClaNotSupported;
    case Code::kIncorrectP1P2: return sw::kIncorrectP1P2;
    case Code::kSecurityStatus: return sw::kSecurityStatusNotSatisfied;
    case Code::kAuthBlocked: return sw::kAuthMethodBlocked;
    case Code::kPinIncorrect:
      return static_cast<std::uint16_t>(sw::kPinTriesLeft | std::clamp(status.detail(), 0, 15));
    case Code::kConditionsNotSatisfied: return sw::kConditionsNotSatisfied;
    case Code::kReferenceNotFound: return sw::kReferenceNotFound;
    case Code::kNoSpace: return sw::kNotEnoughMemory;
    case Code::kSignatureInvalid: return sw::kVerificationFailed;
    case Code::kDataMismatch: return sw::kReferenceDataNotUsable;
    case Code::kCorrupt:
    case Code::kIoError:
    case Code::kPowerLost:
    case Code::kRefused:
    case Code::kAlreadyExists:
    case Code::kUnavailable:
    case Code::kAborted:
    case Code::kInternal: return sw::kNoPreciseDiagnosis;
  }
  return sw::kNoPreciseDiagnosis;
}

}  // namespace tessera::sim

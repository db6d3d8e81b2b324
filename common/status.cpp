#include "common/status.hpp"

namespace tessera {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "invalid argument";
    case Code::kWrongLength: return "wrong length";
    case Code::kNotFound: return "not found";
    case Code::kFunctionNotSupported: return "function not supported";
    case Code::kInsNotSupported: return "instruction not supported";
    case Code::kClaNotSupported: return "class not supported";
    case Code::kIncorrectP1P2: return "incorrect P1/P2";
    case Code::kSecurityStatus: return "security status not satisfied";
    case Code::kAuthBlocked: return "authentication method blocked";
    case Code::kPinIncorrect: return "PIN incorrect";
    case Code::kConditionsNotSatisfied: return "conditions of use not satisfied";
    case Code::kReferenceNotFound: return "referenced data not found";
    case Code::kNoSpace: return "not enough memory";
    case Code::kCorrupt: return "corrupt";
    case Code::kIoError: return "I/O error";
    case Code::kPowerLost: return "power lost";
    case Code::kSignatureInvalid: return "signature invalid";
    case Code::kDataMismatch: return "data does not fit the request";
    case Code::kRefused: return "refused";
    case Code::kAlreadyExists: return "already exists";
    case Code::kUnavailable: return "unavailable";
    case Code::kAborted: return "aborted";
    case Code::kInternal: return "internal error";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s = CodeName(code_);
  if (!message_.empty() && message_ != s) s += ": " + message_;
  if (code_ == Code::kPinIncorrect) s += " (" + std::to_string(detail_) + " tries left)";
  return s;
}

}  // namespace tessera

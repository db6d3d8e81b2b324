#include "host/card/sw_status.hpp"

#include <cstdio>
#include <string>

#include "common/status_words.hpp"

namespace tessera::host {

Status SwToStatus(std::uint16_t word, const char* what) {
  char text[5];
  (void)std::snprintf(text, sizeof text, "%04X", word);
  std::string msg = std::string(what) + ": card answered " + text;
  if ((word & 0xFFF0) == sw::kPinTriesLeft) return Status::PinIncorrect(word & 0x0F);
  switch (word) {
    case sw::kOk: return Status::Ok();
    case sw::kVerificationFailed: return Status::SignatureInvalid(msg);
    case sw::kWrongLength: return Status::WrongLength(msg);
    case sw::kSecurityStatusNotSatisfied: return Status::SecurityStatus(msg);
    case sw::kAuthMethodBlocked: return Status::AuthBlocked(msg);
    case sw::kReferenceDataNotUsable: return Status::DataMismatch(msg);
    case sw::kConditionsNotSatisfied: return Status::ConditionsNotSatisfied(msg);
    case sw::kIncorrectData: return Status::InvalidArgument(msg);
    case sw::kFunctionNotSupported: return Status::FunctionNotSupported(msg);
    case sw::kFileNotFound: return Status::NotFound(msg);
    case sw::kNotEnoughMemory: return Status::NoSpace(msg);
    case sw::kIncorrectP1P2: return Status::IncorrectP1P2(msg);
    case sw::kReferenceNotFound: return Status::ReferenceNotFound(msg);
    case sw::kInsNotSupported: return Status::InsNotSupported(msg);
    case sw::kClaNotSupported: return Status::ClaNotSupported(msg);
    default: return Status::IoError(msg);
  }
}

}  // namespace tessera::host

#include "host/card/sw_status.hpp"

#include <cstdio>
#include <string>

namespace tessera::host {

Status SwToStatus(std::uint16_t sw, const char* what) {
  char word[5];
  (void)std::snprintf(word, sizeof word, "%04X", sw);
  std::string msg = std::string(what) + ": card answered " + word;
  if ((sw & 0xFFF0) == 0x63C0) return Status::PinIncorrect(sw & 0x0F);
  switch (sw) {
    case 0x9000: return Status::Ok();
    case 0x6700: return Status::WrongLength(msg);
    case 0x6982: return Status::SecurityStatus(msg);
    case 0x6983: return Status::AuthBlocked(msg);
    case 0x6985: return Status::ConditionsNotSatisfied(msg);
    case 0x6A80: return Status::InvalidArgument(msg);
    case 0x6A81: return Status::FunctionNotSupported(msg);
    case 0x6A82: return Status::NotFound(msg);
    case 0x6A84: return Status::NoSpace(msg);
    case 0x6A86: return Status::IncorrectP1P2(msg);
    case 0x6A88: return Status::ReferenceNotFound(msg);
    case 0x6D00: return Status::InsNotSupported(msg);
    case 0x6E00: return Status::ClaNotSupported(msg);
    default: return Status::IoError(msg);
  }
}

}  // namespace tessera::host

#include "firmware-sim/applets/piv/pin_check.hpp"

namespace tessera::sim::piv_applet {
namespace {

constexpr std::size_t kMinPinLength = 6;

}  // namespace

Result<PinRecord> CheckReferenceData(PivContext& c, std::uint8_t reference, ByteView candidate) {
  TESSERA_ASSIGN_OR_RETURN(PinRecord record, LoadPin(c.storage(), reference));
  if (record.tries_left == 0) return Status::AuthBlocked("reference data blocked");

  // Decrement and persist first, so cutting the power after a wrong guess
  // cannot give the guess back (DESIGN.md: tearing).
  --record.tries_left;
  Transaction txn;
  PutPin(txn, reference, record);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));

  c.Charge(Cost::kPinCheck);
  if (!ConstantTimeEqual(record.value.view(), candidate)) {
    if (reference == piv::key::kPin) c.session().ClearPin();
    return Status::PinIncorrect(record.tries_left);
  }
  record.tries_left = record.max_tries;
  return record;
}

Status ValidateNewReferenceData(ByteView block) {
  if (block.size() != kPinBlockSize) return Status::InvalidArgument("PIN block must be 8 bytes");
  std::size_t length = 0;
  while (length < block.size() && block[length] != 0xFF) ++length;
  for (std::size_t i = length; i < block.size(); ++i) {
    if (block[i] != 0xFF) return Status::InvalidArgument("PIN padding only at the end");
  }
  if (length < kMinPinLength) return Status::InvalidArgument("PIN shorter than 6 bytes");
  return Status::Ok();
}

}  // namespace tessera::sim::piv_applet

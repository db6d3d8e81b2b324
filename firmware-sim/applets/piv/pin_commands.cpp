// VERIFY (INS 20), CHANGE REFERENCE DATA (INS 24), RESET RETRY COUNTER (INS 2C).
#include "common/piv/piv_constants.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"
#include "firmware-sim/applets/piv/pin_check.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace key = piv::key;

// Data of CHANGE REFERENCE DATA and RESET RETRY COUNTER: two padded blocks.
Status CheckTwoBlocks(const CommandApdu& apdu) {
  if (apdu.data.size() != 2 * kPinBlockSize) {
    return Status::InvalidArgument("expected two 8-byte blocks");
  }
  return ValidateNewReferenceData(ByteView(apdu.data).subspan(kPinBlockSize));
}

// SP 800-73-4 Part 2 §3.2.1: VERIFY without data reports the status.
Result<Bytes> PinStatus(PivContext& c) {
  if (c.session().pin_verified) return Bytes{};
  TESSERA_ASSIGN_OR_RETURN(PinRecord pin, LoadPin(c.storage(), key::kPin));
  if (pin.tries_left == 0) return Status::AuthBlocked("PIN blocked");
  return Status::PinIncorrect(pin.tries_left);
}

}  // namespace

// SP 800-73-4 Part 2 §3.2.1.
Result<Bytes> HandleVerify(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p2 != key::kPin) return Status::ReferenceNotFound("VERIFY supports the PIN only");
  if (apdu.p1 == 0xFF) {
    // P1 = FF resets the security status of the PIN.
    if (!apdu.data.empty()) return Status::InvalidArgument("VERIFY P1=FF takes no data");
    c.session().ClearPin();
    return Bytes{};
  }
  if (apdu.p1 != 0x00) return Status::IncorrectP1P2("VERIFY P1 must be 00 or FF");
  if (apdu.data.empty()) return PinStatus(c);
  if (apdu.data.size() != kPinBlockSize)
    return Status::InvalidArgument("PIN block must be 8 bytes");

  TESSERA_ASSIGN_OR_RETURN(PinRecord pin, CheckReferenceData(c, key::kPin, apdu.data));
  Transaction txn;
  PutPin(txn, key::kPin, pin);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  c.session().pin_verified = true;
  c.session().pin_always_grant = true;
  return Bytes{};
}

// SP 800-73-4 Part 2 §3.2.2: old || new, both padded to 8 bytes.
Result<Bytes> HandleChangeReference(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p1 != 0x00) return Status::IncorrectP1P2("CHANGE REFERENCE DATA P1 must be 00");
  if (apdu.p2 != key::kPin && apdu.p2 != key::kPuk) {
    return Status::ReferenceNotFound("CHANGE REFERENCE DATA supports PIN and PUK only");
  }
  // A malformed new value costs no try: it is refused before the check.
  TESSERA_RETURN_IF_ERROR(CheckTwoBlocks(apdu));
  ByteView data(apdu.data);
  TESSERA_ASSIGN_OR_RETURN(PinRecord record,
                           CheckReferenceData(c, apdu.p2, data.first(kPinBlockSize)));
  record.value = SecureBytes(data.subspan(kPinBlockSize));
  record.is_default = false;
  Transaction txn;
  PutPin(txn, apdu.p2, record);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return Bytes{};
}

// SP 800-73-4 Part 2 §3.2.3: PUK || new PIN; resets the PIN's counter.
Result<Bytes> HandleResetRetryCounter(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p1 != 0x00) return Status::IncorrectP1P2("RESET RETRY COUNTER P1 must be 00");
  if (apdu.p2 != key::kPin) return Status::ReferenceNotFound("RESET RETRY COUNTER resets the PIN");
  TESSERA_RETURN_IF_ERROR(CheckTwoBlocks(apdu));
  ByteView data(apdu.data);
  TESSERA_ASSIGN_OR_RETURN(PinRecord puk,
                           CheckReferenceData(c, key::kPuk, data.first(kPinBlockSize)));
  TESSERA_ASSIGN_OR_RETURN(PinRecord pin, LoadPin(c.storage(), key::kPin));
  pin.value = SecureBytes(data.subspan(kPinBlockSize));
  pin.tries_left = pin.max_tries;
  pin.is_default = false;
  Transaction txn;
  PutPin(txn, key::kPuk, puk);
  PutPin(txn, key::kPin, pin);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return Bytes{};
}

}  // namespace tessera::sim::piv_applet

#include "firmware-sim/applets/piv/factory.hpp"

#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/piv_records.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace key = piv::key;

PinRecord DefaultPin(std::string_view value, std::uint8_t tries) {
  PinRecord r;
  r.value = SecureBytes(kPinBlockSize);
  for (std::size_t i = 0; i < kPinBlockSize; ++i) {
    r.value[i] = i < value.size() ? static_cast<std::uint8_t>(value[i]) : 0xFF;
  }
  r.max_tries = r.tries_left = tries;
  r.is_default = true;
  return r;
}

}  // namespace

void PutDefaultPins(Transaction& txn, std::uint8_t pin_tries, std::uint8_t puk_tries) {
  PutPin(txn, key::kPin, DefaultPin(piv::kDefaultPin, pin_tries));
  PutPin(txn, key::kPuk, DefaultPin(piv::kDefaultPuk, puk_tries));
}

void PutFactoryDefaults(Rng& rng, Transaction& txn) {
  PutDefaultPins(txn, piv::kDefaultPinTries, piv::kDefaultPukTries);
  ManagementKeyRecord mgm;
  mgm.algorithm = piv::Algorithm::kTdes;
  mgm.is_default = true;
  mgm.key = SecureBytes(piv::kDefaultManagementKey);
  PutManagementKey(txn, mgm);
  PutObject(txn, piv::tag::kChuid, NewChuid(rng));
  PutObject(txn, piv::tag::kCardCapabilityContainer, NewCcc(rng));
}

// SP 800-73-4 Part 1 §3.1.2 CHUID: FASC-N (the all-9999 test agency value
// yubico-piv-tool writes), a random GUID, expiry 2030-12-31, empty signature
// and error detection code.
Bytes NewChuid(Rng& rng) {
  Bytes out;
  AppendTlv(out, 0x30, HexOrDie("d4e739da739ced39ce739d836858210842108421c84210c3eb"));
  AppendTlv(out, 0x34, rng.Generate(16));
  AppendTlv(out, 0x35, AsBytes("20301231"));
  AppendTlv(out, 0x3E, {});
  AppendTlv(out, 0xFE, {});
  return out;
}

// SP 800-73-4 Part 1 §3.1.1 CCC, with yubico-piv-tool's fixed fields and a
// random card identifier after the GSC-RID prefix.
Bytes NewCcc(Rng& rng) {
  Bytes id = HexOrDie("a000000116ff02");
  Append(id, rng.Generate(14));
  Bytes out;
  AppendTlv(out, 0xF0, id);
  AppendTlv(out, 0xF1, HexOrDie("21"));
  AppendTlv(out, 0xF2, HexOrDie("21"));
  AppendTlv(out, 0xF3, {});
  AppendTlv(out, 0xF4, HexOrDie("00"));
  AppendTlv(out, 0xF5, HexOrDie("10"));
  for (std::uint32_t t : {0xF6u, 0xF7u, 0xFAu, 0xFBu, 0xFCu, 0xFDu, 0xFEu}) AppendTlv(out, t, {});
  return out;
}

piv::PinPolicy ResolvePinPolicy(std::uint8_t slot, piv::PinPolicy requested) {
  if (requested != piv::PinPolicy::kDefault) return requested;
  switch (slot) {
    case key::kSignature: return piv::PinPolicy::kAlways;
    case key::kCardAuthentication:
    case key::kAttestation:
    case key::kTokenKey: return piv::PinPolicy::kNever;
    default: return piv::PinPolicy::kOnce;
  }
}

piv::TouchPolicy ResolveTouchPolicy(piv::TouchPolicy requested) {
  return requested == piv::TouchPolicy::kDefault ? piv::TouchPolicy::kNever : requested;
}

}  // namespace tessera::sim::piv_applet

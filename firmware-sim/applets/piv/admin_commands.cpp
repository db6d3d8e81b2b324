// YubiKey administration: SET MANAGEMENT KEY (INS FF), SET PIN RETRIES
// (INS FA) and RESET (INS FB).
#include "common/piv/piv_constants.hpp"
#include "firmware-sim/applets/piv/factory.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"
#include "firmware-sim/applets/piv/piv_records.hpp"
#include "firmware-sim/applets/piv/registration_steps.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace key = piv::key;

constexpr std::uint8_t kTouchRequired = 0xFE;
constexpr std::uint8_t kNoTouch = 0xFF;

// Data: <algorithm> 9B <length> <key>.
Result<ManagementKeyRecord> ParseManagementKey(const CommandApdu& apdu) {
  const Bytes& d = apdu.data;
  if (d.size() < 3 || d[1] != key::kManagement || d[2] != d.size() - 3) {
    return Status::InvalidArgument("expected <alg> 9B <len> <key>");
  }
  auto alg = piv::AlgorithmFromByte(d[0]);
  if (!alg || !piv::IsSymmetric(*alg) || piv::SymmetricKeySize(*alg) != d.size() - 3) {
    return Status::InvalidArgument("management key must be 3DES or AES of matching length");
  }
  ManagementKeyRecord r;
  r.algorithm = *alg;
  r.key = SecureBytes(ByteView(d).subspan(3));
  r.touch_required = apdu.p2 == kTouchRequired;
  r.is_default =
      *alg == piv::Algorithm::kTdes && ConstantTimeEqual(r.key.view(), piv::kDefaultManagementKey);
  return r;
}

// The state RESET keeps: the attestation key with its certificate, the
// token key (seed 000: the CMS has recorded its public key) and the
// registration time floor, which only rises (docs/piv-extensions.md "F3").
// Everything else under "piv/" goes, the secret keys ("piv/skey/",
// registration keys among them) included.
bool SurvivesReset(const std::string& storage_key) {
  return storage_key == SlotKey(key::kAttestation) || storage_key == SlotKey(key::kTokenKey) ||
         storage_key == ObjectKey(piv::tag::kYubicoAttestationCert) || storage_key == kTimeFloorKey;
}

}  // namespace

Result<Bytes> HandleSetManagementKey(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p1 != 0xFF || (apdu.p2 != kNoTouch && apdu.p2 != kTouchRequired)) {
    return Status::IncorrectP1P2("SET MANAGEMENT KEY needs P1 FF and P2 FF or FE");
  }
  TESSERA_RETURN_IF_ERROR(RequireManagementKey(c));
  TESSERA_ASSIGN_OR_RETURN(ManagementKeyRecord record, ParseManagementKey(apdu));
  Transaction txn;
  PutManagementKey(txn, record);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return Bytes{};
}

// Sets the tries and, as a YubiKey does, puts PIN and PUK back to defaults.
Result<Bytes> HandleSetPinRetries(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p1 == 0 || apdu.p2 == 0) return Status::IncorrectP1P2("tries must be 1 to 255");
  TESSERA_RETURN_IF_ERROR(RequireManagementKey(c));
  if (!c.session().pin_verified) return Status::SecurityStatus("SET PIN RETRIES needs the PIN");
  Transaction txn;
  PutDefaultPins(txn, apdu.p1, apdu.p2);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  c.session().ClearPin();  // the PIN just changed
  return Bytes{};
}

// Factory reset, allowed only once PIN and PUK are both blocked.
Result<Bytes> HandleReset(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p1 != 0x00 || apdu.p2 != 0x00) return Status::IncorrectP1P2("RESET needs P1 P2 00 00");
  TESSERA_ASSIGN_OR_RETURN(PinRecord pin, LoadPin(c.storage(), key::kPin));
  TESSERA_ASSIGN_OR_RETURN(PinRecord puk, LoadPin(c.storage(), key::kPuk));
  if (pin.tries_left != 0 || puk.tries_left != 0) {
    return Status::ConditionsNotSatisfied("RESET needs PIN and PUK blocked");
  }
  Transaction txn;
  for (const std::string& k : c.storage().Keys("piv/")) {
    if (!SurvivesReset(k)) txn.Erase(k);
  }
  PutFactoryDefaults(c.rng(), txn);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  c.session().Clear();
  return Bytes{};
}

}  // namespace tessera::sim::piv_applet

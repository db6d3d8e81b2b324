// YubiKey GET METADATA (INS F7) and ATTEST (INS F9). GET METADATA also
// describes Tessera's secret keys (P2 C0..DF, docs/piv-extensions.md).
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/attestation.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"
#include "firmware-sim/applets/piv/secret_key_store.hpp"
#include "firmware-sim/applets/piv/slot_keys.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace key = piv::key;

// YubiKey metadata tags.
constexpr std::uint32_t kAlgorithmTag = 0x01;
constexpr std::uint32_t kPolicyTag = 0x02;
constexpr std::uint32_t kOriginTag = 0x03;
constexpr std::uint32_t kPublicKeyTag = 0x04;
constexpr std::uint32_t kDefaultTag = 0x05;
constexpr std::uint32_t kRetriesTag = 0x06;
constexpr std::uint8_t kPinAlgorithm = 0xFF;  // "PIN or PUK", as a YubiKey reports it

std::uint8_t U8(auto v) { return static_cast<std::uint8_t>(v); }

Result<Bytes> PinMetadata(PivContext& c, std::uint8_t reference) {
  TESSERA_ASSIGN_OR_RETURN(PinRecord pin, LoadPin(c.storage(), reference));
  Bytes out;
  AppendTlv(out, kAlgorithmTag, Bytes{kPinAlgorithm});
  AppendTlv(out, kDefaultTag, Bytes{U8(pin.is_default)});
  AppendTlv(out, kRetriesTag, Bytes{pin.max_tries, pin.tries_left});
  return out;
}

Result<Bytes> ManagementKeyMetadata(PivContext& c) {
  TESSERA_ASSIGN_OR_RETURN(ManagementKeyRecord mgm, LoadManagementKey(c.storage()));
  piv::TouchPolicy touch =
      mgm.touch_required ? piv::TouchPolicy::kAlways : piv::TouchPolicy::kNever;
  Bytes out;
  AppendTlv(out, kAlgorithmTag, Bytes{U8(mgm.algorithm)});
  AppendTlv(out, kPolicyTag, Bytes{0x00, U8(touch)});
  AppendTlv(out, kDefaultTag, Bytes{U8(mgm.is_default)});
  return out;
}

Result<Bytes> SlotMetadata(PivContext& c, std::uint8_t slot) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyRecord> record, LoadKey(c.storage(), slot));
  if (!record) return Status::ReferenceNotFound("slot is empty");
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, c.PrivateKey(slot, *record));
  TESSERA_ASSIGN_OR_RETURN(Bytes public_key, piv::EncodePublicKey(key.get()));
  Bytes out;
  AppendTlv(out, kAlgorithmTag, Bytes{U8(record->algorithm)});
  AppendTlv(out, kPolicyTag, Bytes{U8(record->pin_policy), U8(record->touch_policy)});
  AppendTlv(out, kOriginTag, Bytes{U8(record->origin)});
  AppendTlv(out, kPublicKeyTag, public_key);
  return out;
}

}  // namespace

Result<Bytes> HandleGetMetadata(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p1 != 0x00) return Status::IncorrectP1P2("GET METADATA P1 must be 00");
  if (apdu.p2 == key::kPin || apdu.p2 == key::kPuk) return PinMetadata(c, apdu.p2);
  if (apdu.p2 == key::kManagement) return ManagementKeyMetadata(c);
  if (IsDescribableSlot(apdu.p2)) return SlotMetadata(c, apdu.p2);
  if (piv::secret::IsSlot(apdu.p2)) {
    // docs/piv-extensions.md "Metadata encoding"; the slot is P2, so no 0D.
    TESSERA_ASSIGN_OR_RETURN(SecretKeyRecord record, RequireSecretKey(c.storage(), apdu.p2));
    return EncodeSecretMetadata(record, std::nullopt);
  }
  return Status::IncorrectP1P2("GET METADATA: not a key reference");
}

// A statement for a key generated on the token; imported keys have no
// provenance to attest (6A80), as on a YubiKey.
Result<Bytes> HandleAttest(PivContext& c, const CommandApdu& apdu) {
  bool attestable = IsUserSlot(apdu.p1) || apdu.p1 == key::kTokenKey;
  if (!attestable || apdu.p2 != 0x00) {
    return Status::IncorrectP1P2("ATTEST needs a user slot or F0 in P1 and 00 in P2");
  }
  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyRecord> record, LoadKey(c.storage(), apdu.p1));
  if (!record) return Status::ReferenceNotFound("slot is empty");
  if (record->origin != piv::KeyOrigin::kGenerated) {
    return Status::InvalidArgument("imported keys cannot be attested");
  }
  return IssueAttestationStatement(c, apdu.p1, *record);
}

}  // namespace tessera::sim::piv_applet

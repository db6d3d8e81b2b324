// GET DATA (GP Card Spec v2.3 §11.3): identity, CPLC, key information and
// the executive status, readable without a channel (docs/card-manager.md
// "GET DATA").
#include "common/scp03/key_set.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/card_manager/handlers.hpp"
#include "firmware-sim/applets/shared/issuer_key_record.hpp"

namespace tessera::sim::card_manager {
namespace {

constexpr std::size_t kCplcLength = 42;
constexpr std::size_t kCplcSerialOffset = 12;

// GP Card Spec v2.3 Table H-6 (CPLC): IC fabricator, IC type, OS ID, OS
// release date and level, then the IC fabrication date and IC serial number;
// the other fields stay zero.
Bytes Cplc(std::uint32_t serial) {
  Bytes cplc = HexOrDie("5453 0003 5445 6325 0100");
  cplc.resize(kCplcSerialOffset, 0x00);  // IC fabrication date
  PutU32(cplc, serial);
  cplc.resize(kCplcLength, 0x00);
  return cplc;
}

// GP Card Spec v2.3 §11.3.3.1: C0 { key ID, KVN, type 88 (AES), length 32 }.
void AppendKeyInformation(Bytes& out, std::uint8_t id, std::uint8_t kvn) {
  AppendTlv(out, 0xC0, Bytes{id, kvn, cm::kKeyTypeAes, static_cast<std::uint8_t>(cm::kKeyLength)});
}

Result<Bytes> KeyInformationTemplate(const Storage& storage, const ExecutiveState& state) {
  Bytes entries;
  if (state.lifecycle == cm::Lifecycle::kManufactured) {
    // Only the factory transport key, in slot 1 (docs/card-manager.md).
    AppendKeyInformation(entries, cm::kKeyIdKrk, scp03::kFactoryKvn);
  } else {
    AppendKeyInformation(entries, cm::kKeyIdKrk, state.krk->kvn);
    AppendKeyInformation(entries, cm::kKeyIdMk, state.mk->kvn);
  }
  // The issuer key (issue 14): C0 { 10, KVN, B0 (ECC public), 41 (65) }.
  TESSERA_ASSIGN_OR_RETURN(std::optional<IssuerKey> issuer, LoadIssuerKey(storage));
  if (issuer) {
    AppendTlv(entries, 0xC0,
              Bytes{cm::kKeyIdIssuer, issuer->kvn, cm::kKeyTypeEccPublic,
                    static_cast<std::uint8_t>(kIssuerPointSize)});
  }
  return EncodeTlv(0xE0, entries);
}

}  // namespace

Result<Bytes> HandleGetData(CmContext& c, const CommandApdu& apdu) {
  const auto tag = static_cast<std::uint16_t>((apdu.p1 << 8) | apdu.p2);
  switch (tag) {
    case cm::tag::kUid: return EncodeTlv(cm::tag::kUid, c.token().uid);
    case cm::tag::kCplc: return EncodeTlv(cm::tag::kCplc, Cplc(c.token().serial));
    case cm::tag::kKeyInfo: return KeyInformationTemplate(*c.token().storage, c.state());
    case cm::tag::kExecutiveStatus:
      return EncodeTlv(
          cm::tag::kExecutiveStatus,
          Bytes{static_cast<std::uint8_t>(EffectiveLifecycle(c)), c.state().krk_tries_left,
                static_cast<std::uint8_t>(cm::kKrkTryLimit)});
    default:
      return Status::ReferenceNotFound("card manager: no data object " +
                                       ToHex(Bytes{apdu.p1, apdu.p2}));
  }
}

}  // namespace tessera::sim::card_manager

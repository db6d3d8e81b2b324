// PUT KEY of the issuer key, key ID 10 (docs/card-manager.md "PUT KEY";
// issue 14): the P-256 public key of the CA that signs the registration
// gateway's certificate, in the layout of GPC Amendment F for PK.CA-KLOC.ECDSA
// (the one yubikit's put_key sends for a public key):
//
//   KVN || B0 41 <04 || X || Y> || F0 01 00 || 00
//   (new KVN, ECC public key, curve parameter reference 00 = P-256, no KCV)
//
// The key is public, so it needs no C-DECRYPTION; it needs a channel keyed
// from the factory key in MANUFACTURED or from the MK in PERSONALIZED. The
// channel stays open: its keys did not change.
#include "common/piv/key_material.hpp"
#include "firmware-sim/applets/card_manager/handlers.hpp"
#include "firmware-sim/applets/shared/issuer_key_record.hpp"

namespace tessera::sim::card_manager {
namespace {

constexpr std::uint8_t kTypeEccParams = 0xF0;  // key parameter reference
constexpr std::uint8_t kCurveP256 = 0x00;      // GPC Amd F Table 4-2
constexpr std::size_t kDataLength = 1 + 2 + kIssuerPointSize + 3 + 1;

// MANUFACTURED under the factory key, or PERSONALIZED under the MK; not
// UNLOCKED (that channel is for replacing the MK) nor anything else.
Status CheckChannel(const CmContext& c, const Channel& channel) {
  const cm::Lifecycle lifecycle = EffectiveLifecycle(c);
  if (lifecycle == cm::Lifecycle::kManufactured) return Status::Ok();
  if (lifecycle == cm::Lifecycle::kPersonalized && c.state().mk &&
      channel.kvn == c.state().mk->kvn) {
    return Status::Ok();
  }
  return Status::ConditionsNotSatisfied(
      std::string("PUT KEY: the issuer key is not accepted while ") +
      cm::LifecycleName(static_cast<std::uint8_t>(lifecycle)));
}

Result<IssuerKey> ParseIssuerKey(ByteView data) {
  if (data.size() != kDataLength) return Status::WrongLength("PUT KEY: wrong issuer key length");
  IssuerKey key;
  key.kvn = data[0];
  if (key.kvn < kMinIssuerKvn || key.kvn > kMaxIssuerKvn) {
    return Status::InvalidArgument("PUT KEY: key version must be 01..7F");
  }
  const ByteView point = data.subspan(3, kIssuerPointSize);
  const ByteView params = data.subspan(3 + kIssuerPointSize);
  if (data[1] != cm::kKeyTypeEccPublic || data[2] != kIssuerPointSize ||
      params[0] != kTypeEccParams || params[1] != 0x01 || params[3] != 0x00) {
    return Status::InvalidArgument("PUT KEY: malformed key data (want B0 41 <point> F0 01 00 00)");
  }
  if (params[2] != kCurveP256) {
    return Status::InvalidArgument("PUT KEY: the issuer key must be on P-256 (curve 00)");
  }
  const piv::Curve& p256 = *piv::CurveOf(piv::Algorithm::kEccP256);
  if (!piv::EcPublicKeyFromPoint(p256, point).ok()) {
    return Status::InvalidArgument("PUT KEY: the issuer key is not a point on P-256");
  }
  key.point.assign(point.begin(), point.end());
  return key;
}

}  // namespace

Result<Bytes> HandlePutIssuerKey(CmContext& c, const Channel& channel, const CommandApdu& apdu) {
  TESSERA_RETURN_IF_ERROR(CheckChannel(c, channel));
  TESSERA_ASSIGN_OR_RETURN(std::optional<IssuerKey> current, LoadIssuerKey(*c.token().storage));
  // GP Card Spec v2.3 §11.8.2.1: P1 00 adds the key, a KVN replaces that
  // version. Either way there is one issuer key.
  if (apdu.p1 != 0x00 && (!current || current->kvn != apdu.p1)) {
    return Status::ReferenceNotFound("PUT KEY: no issuer key with version " +
                                     ToHex(Bytes{apdu.p1}));
  }
  TESSERA_ASSIGN_OR_RETURN(IssuerKey key, ParseIssuerKey(apdu.data));
  Transaction txn;
  PutIssuerKey(txn, key);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return Bytes{key.kvn};
}

}  // namespace tessera::sim::card_manager

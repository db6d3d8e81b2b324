#include "firmware-sim/applets/piv/secret_key_derive.hpp"

#include "common/crypto/kdf.hpp"
#include "common/piv/secret_keys.hpp"
#include "firmware-sim/applets/piv/command_fields.hpp"
#include "firmware-sim/applets/piv/secret_key_store.hpp"
#include "firmware-sim/applets/piv/slot_keys.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace secret = piv::secret;
namespace tag = secret::tag;
using crypto::Hash;

// What both derivations read: the new key's type, length and attributes.
struct NewKey {
  secret::KeyType type = secret::KeyType::kGeneric;
  std::size_t length = 0;
  SecretAttributes attributes;
};

Result<NewKey> ParseNewKey(const CommandFields& f) {
  NewKey k;
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t type_byte, f.RequireByte(tag::kAlgorithm));
  TESSERA_ASSIGN_OR_RETURN(k.type, ParseSecretKeyType(type_byte));
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::uint16_t> requested,
                           f.OptionalNumber(tag::kLength, 1));
  TESSERA_ASSIGN_OR_RETURN(k.length, ResolveSecretLength(k.type, requested));
  TESSERA_ASSIGN_OR_RETURN(k.attributes, ParseSecretAttributes(f));
  return k;
}

ByteView OptionalBytes(const CommandFields& f, std::uint32_t t) {
  auto v = f.Find(t);
  return v ? *v : ByteView();
}

Result<Bytes> Store(PivContext& c, std::uint8_t slot, NewKey& k, SecureBytes value) {
  SecretKeyRecord record =
      NewSecretRecord(k.type, std::move(value), std::move(k.attributes), piv::KeyOrigin::kDerived);
  return StoreSecretKey(c, slot, record);
}

bool CanAgree(piv::Algorithm alg) {
  return piv::IsEcdsaCurve(alg) || alg == piv::Algorithm::kX25519;
}

void ChargeAgreement(PivContext& c, piv::Algorithm alg) {
  if (alg == piv::Algorithm::kX25519) {
    c.Charge(Cost::kEdPrivate);
  } else {
    c.Charge(Cost::kEcPrivate, alg == piv::Algorithm::kEccP384 ? 384 : 256);
  }
}

// Z, or the key from Z: its first bytes (KDF 00) or HKDF-SHA-256 (KDF 01).
Result<SecureBytes> KeyFromShared(const SecureBytes& z, secret::EcdhKdf kdf, const CommandFields& f,
                                  std::size_t length) {
  if (kdf == secret::EcdhKdf::kNone) {
    if (length > z.size()) return Status::InvalidArgument("key longer than the shared secret");
    return SecureBytes(z.view().first(length));
  }
  return crypto::Hkdf(Hash::kSha256, z.view(), OptionalBytes(f, tag::kSalt),
                      OptionalBytes(f, tag::kInfo), length);
}

Result<secret::EcdhKdf> ParseEcdhKdf(const CommandFields& f) {
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t b, f.RequireByte(tag::kEcdhKdf));
  if (b == static_cast<std::uint8_t>(secret::EcdhKdf::kHkdfSha256)) {
    return secret::EcdhKdf::kHkdfSha256;
  }
  if (b != static_cast<std::uint8_t>(secret::EcdhKdf::kNone)) {
    return Status::InvalidArgument("KDF must be 00 or 01");
  }
  TESSERA_RETURN_IF_ERROR(f.Forbid({tag::kSalt, tag::kInfo}));  // nothing to salt
  return secret::EcdhKdf::kNone;
}

Result<secret::HkdfMode> ParseHkdfMode(const CommandFields& f) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::uint16_t> b, f.OptionalNumber(tag::kHkdfMode, 1));
  if (!b || *b == static_cast<std::uint8_t>(secret::HkdfMode::kExtractExpand)) {
    return secret::HkdfMode::kExtractExpand;
  }
  if (*b != static_cast<std::uint8_t>(secret::HkdfMode::kExpandOnly)) {
    return Status::InvalidArgument("HKDF mode must be 01 or 02");
  }
  TESSERA_RETURN_IF_ERROR(f.Forbid({tag::kSalt}));  // expand has no salt
  return secret::HkdfMode::kExpandOnly;
}

}  // namespace

// P1 03. The base's PIN policy applies; F0, whose policy is "never" for the
// token's own use, needs the PIN verified in this session.
Result<Bytes> DeriveSecretFromPrivateKey(PivContext& c, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(
      CommandFields f,
      CommandFields::Parse(
          apdu.data, {tag::kAlgorithm, tag::kLength, tag::kBaseKey, tag::kPeerPublic, tag::kEcdhKdf,
                      tag::kSalt, tag::kInfo, tag::kUsage, tag::kPolicy, tag::kLabel, tag::kId}));
  TESSERA_ASSIGN_OR_RETURN(NewKey k, ParseNewKey(f));
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t base, f.RequireByte(tag::kBaseKey));
  if (!IsUserSlot(base) && base != piv::key::kTokenKey) {
    return Status::InvalidArgument("base must be a PIV key slot or F0");
  }
  TESSERA_ASSIGN_OR_RETURN(ByteView peer, f.Require(tag::kPeerPublic));
  TESSERA_ASSIGN_OR_RETURN(secret::EcdhKdf kdf, ParseEcdhKdf(f));

  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyRecord> record, LoadKey(c.storage(), base));
  if (!record) return Status::ReferenceNotFound("base key slot is empty");
  const piv::PinPolicy policy =
      base == piv::key::kTokenKey ? piv::PinPolicy::kOnce : record->pin_policy;
  TESSERA_RETURN_IF_ERROR(CheckPinPolicy(c, policy));
  if (!CanAgree(record->algorithm)) {
    return Status::ConditionsNotSatisfied("base key cannot do key agreement");
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t slot, ClaimSecretSlot(c.storage(), apdu.p2));

  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, c.PrivateKey(base, *record));
  ChargeAgreement(c, record->algorithm);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes z, DeriveShared(key.get(), peer));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes value, KeyFromShared(z, kdf, f, k.length));
  ConsumePinPolicy(c, policy);
  return Store(c, slot, k, std::move(value));
}

// P1 04: HKDF-SHA-256 from a secret key that has the `derive` usage.
Result<Bytes> DeriveSecretFromSecretKey(PivContext& c, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(
      CommandFields f,
      CommandFields::Parse(
          apdu.data, {tag::kAlgorithm, tag::kLength, tag::kBaseKey, tag::kHkdfMode, tag::kSalt,
                      tag::kInfo, tag::kUsage, tag::kPolicy, tag::kLabel, tag::kId}));
  TESSERA_ASSIGN_OR_RETURN(NewKey k, ParseNewKey(f));
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t base, f.RequireByte(tag::kBaseKey));
  if (!secret::IsSlot(base)) return Status::InvalidArgument("base must be a secret-key slot");
  TESSERA_ASSIGN_OR_RETURN(secret::HkdfMode mode, ParseHkdfMode(f));

  TESSERA_ASSIGN_OR_RETURN(SecretKeyRecord record, RequireSecretKey(c.storage(), base));
  TESSERA_RETURN_IF_ERROR(CheckPinPolicy(c, record.pin_policy));
  if (!record.Allows(secret::usage::kDerive)) {
    return Status::ConditionsNotSatisfied("base key lacks the derive usage");
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t slot, ClaimSecretSlot(c.storage(), apdu.p2));

  c.Charge(Cost::kSymmetric);
  const ByteView info = OptionalBytes(f, tag::kInfo);
  Result<SecureBytes> value =
      mode == secret::HkdfMode::kExtractExpand
          ? crypto::Hkdf(Hash::kSha256, record.value.view(), OptionalBytes(f, tag::kSalt), info,
                         k.length)
          : crypto::HkdfExpand(Hash::kSha256, record.value.view(), info, k.length);
  if (!value.ok()) return value.status();
  ConsumePinPolicy(c, record.pin_policy);
  return Store(c, slot, k, std::move(value).value());
}

}  // namespace tessera::sim::piv_applet

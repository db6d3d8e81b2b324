#include "firmware-sim/applets/piv/secret_key_store.hpp"

#include "common/tlv.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace secret = piv::secret;

std::uint8_t U8(auto v) { return static_cast<std::uint8_t>(v); }

Result<Bytes> OpaqueField(const CommandFields& fields, std::uint32_t tag, std::size_t max,
                          const char* what) {
  auto value = fields.Find(tag);
  if (!value) return Bytes{};
  if (value->size() > max) return Status::InvalidArgument(std::string(what) + " too long");
  return Bytes(value->begin(), value->end());
}

}  // namespace

Result<SecretAttributes> ParseSecretAttributes(const CommandFields& fields) {
  SecretAttributes a;
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::uint16_t> usage,
                           fields.OptionalNumber(secret::tag::kUsage, 2));
  if (usage) {
    if ((*usage & ~secret::usage::kAll) != 0) return Status::InvalidArgument("unknown usage bits");
    a.usage = *usage;
  }
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::uint16_t> pin,
                           fields.OptionalNumber(secret::tag::kPolicy, 1));
  if (pin) {
    if (*pin > 3) return Status::InvalidArgument("bad PIN policy");
    if (*pin != 0) a.pin_policy = static_cast<piv::PinPolicy>(*pin);
  }
  TESSERA_ASSIGN_OR_RETURN(a.label,
                           OpaqueField(fields, secret::tag::kLabel, secret::kMaxLabel, "label"));
  TESSERA_ASSIGN_OR_RETURN(a.id, OpaqueField(fields, secret::tag::kId, secret::kMaxId, "ID"));
  return a;
}

Result<secret::KeyType> ParseSecretKeyType(std::uint8_t b) {
  auto type = secret::KeyTypeFromByte(b);
  if (!type) return Status::InvalidArgument("not a secret-key type");
  return *type;
}

Result<std::size_t> ResolveSecretLength(secret::KeyType type,
                                        std::optional<std::uint16_t> requested) {
  if (!requested) return secret::DefaultLength(type);
  if (!secret::IsValidLength(type, *requested)) {
    return Status::InvalidArgument("key length not allowed for the type");
  }
  return std::size_t{*requested};
}

Result<std::uint8_t> ClaimSecretSlot(const Storage& s, std::uint8_t p2) {
  if (p2 == secret::kAnyFreeSlot) {
    auto slot = LowestFreeSecretSlot(s);
    if (!slot) return Status::NoSpace("every secret-key slot holds a key");
    return *slot;
  }
  if (s.Get(SecretKeySlotKey(p2))) {
    return Status::ConditionsNotSatisfied("secret-key slot occupied; delete it first");
  }
  return p2;
}

Result<SecretKeyRecord> RequireSecretKey(const Storage& s, std::uint8_t slot) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<SecretKeyRecord> record, LoadSecretKey(s, slot));
  if (!record) return Status::ReferenceNotFound("secret-key slot is empty");
  return std::move(*record);
}

SecretKeyRecord NewSecretRecord(secret::KeyType type, SecureBytes value,
                                SecretAttributes attributes, piv::KeyOrigin origin) {
  SecretKeyRecord r;
  r.type = type;
  r.pin_policy = attributes.pin_policy;
  r.origin = origin;
  r.usage = attributes.usage;
  r.label = std::move(attributes.label);
  r.id = std::move(attributes.id);
  r.value = std::move(value);
  return r;
}

Bytes EncodeSecretMetadata(const SecretKeyRecord& r, std::optional<std::uint8_t> slot) {
  Bytes out;
  AppendTlv(out, secret::tag::kAlgorithm, Bytes{U8(r.type)});
  AppendTlv(out, secret::tag::kPolicy, Bytes{U8(r.pin_policy), U8(piv::TouchPolicy::kNever)});
  AppendTlv(out, secret::tag::kOrigin, Bytes{U8(r.origin)});
  AppendTlv(out, secret::tag::kUsage, Bytes{U8(r.usage >> 8), U8(r.usage)});
  AppendTlv(out, secret::tag::kLabel, r.label);
  AppendTlv(out, secret::tag::kId, r.id);
  if (slot) AppendTlv(out, secret::tag::kSlot, Bytes{*slot});
  AppendTlv(out, secret::tag::kLength, Bytes{U8(r.value.size())});
  return out;
}

Result<Bytes> StoreSecretKey(PivContext& c, std::uint8_t slot, const SecretKeyRecord& r,
                             Transaction txn) {
  PutSecretKey(txn, slot, r);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return EncodeSecretMetadata(r, slot);
}

}  // namespace tessera::sim::piv_applet

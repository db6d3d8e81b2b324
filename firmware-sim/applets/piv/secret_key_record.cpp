#include "firmware-sim/applets/piv/secret_key_record.hpp"

#include <algorithm>
#include <vector>

namespace tessera::sim::piv_applet {
namespace {

namespace secret = piv::secret;

constexpr std::uint8_t kRecordVersion = 1;

Status Malformed(const char* why) {
  return Status::Corrupt(std::string("piv: malformed secret-key record: ") + why);
}

void AppendShort(SecureBytes& out, ByteView field) {
  std::uint8_t len[1] = {static_cast<std::uint8_t>(field.size())};
  out.Append(len);
  out.Append(field);
}

// u8 length | bytes, at most `max`.
Result<ByteView> ReadShort(ByteReader& in, std::size_t max, const char* what) {
  auto len = in.U8();
  if (!len.ok() || *len > max) return Malformed(what);
  auto field = in.Take(*len);
  if (!field.ok()) return Malformed(what);
  return *field;
}

}  // namespace

std::string SecretKeySlotKey(std::uint8_t slot) { return kSecretKeyPrefix + ToHex(Bytes{slot}); }

SecureBytes EncodeSecretKey(const SecretKeyRecord& r) {
  SecureBytes out;
  std::uint8_t head[6] = {kRecordVersion,
                          static_cast<std::uint8_t>(r.type),
                          static_cast<std::uint8_t>(r.pin_policy),
                          static_cast<std::uint8_t>(r.origin),
                          static_cast<std::uint8_t>(r.usage >> 8),
                          static_cast<std::uint8_t>(r.usage)};
  out.Append(head);
  AppendShort(out, r.label);
  AppendShort(out, r.id);
  AppendShort(out, r.value.view());
  return out;
}

Result<SecretKeyRecord> DecodeSecretKey(ByteView b) {
  ByteReader in(b);
  auto version = in.U8();
  if (!version.ok() || *version != kRecordVersion) {
    return Status::Corrupt("piv: unknown secret-key record version");
  }
  auto type = in.U8();
  auto pin = in.U8();
  auto origin = in.U8();
  auto usage = in.U16();
  if (!type.ok() || !pin.ok() || !origin.ok() || !usage.ok()) return Malformed("truncated");
  SecretKeyRecord r;
  auto key_type = secret::KeyTypeFromByte(*type);
  if (!key_type) return Malformed("unknown type");
  if (*pin < 1 || *pin > 3) return Malformed("PIN policy");
  if (*origin < 1 || *origin > 3) return Malformed("origin");
  if ((*usage & ~secret::usage::kDefined) != 0) return Malformed("usage");
  TESSERA_ASSIGN_OR_RETURN(ByteView label, ReadShort(in, secret::kMaxLabel, "label"));
  TESSERA_ASSIGN_OR_RETURN(ByteView id, ReadShort(in, secret::kMaxId, "ID"));
  TESSERA_ASSIGN_OR_RETURN(ByteView value, ReadShort(in, secret::kGenericMaxLength, "key"));
  if (!in.empty()) return Malformed("trailing bytes");
  if (!secret::IsValidLength(*key_type, value.size())) return Malformed("key length");
  r.type = *key_type;
  r.pin_policy = static_cast<piv::PinPolicy>(*pin);
  r.origin = static_cast<piv::KeyOrigin>(*origin);
  r.usage = *usage;
  r.label.assign(label.begin(), label.end());
  r.id.assign(id.begin(), id.end());
  r.value = SecureBytes(value);
  return r;
}

Result<std::optional<SecretKeyRecord>> LoadSecretKey(const Storage& s, std::uint8_t slot) {
  auto raw = s.Get(SecretKeySlotKey(slot));
  if (!raw) return std::optional<SecretKeyRecord>();
  TESSERA_ASSIGN_OR_RETURN(SecretKeyRecord r, DecodeSecretKey(raw->view()));
  return std::optional<SecretKeyRecord>(std::move(r));
}

void PutSecretKey(Transaction& txn, std::uint8_t slot, const SecretKeyRecord& r) {
  txn.Put(SecretKeySlotKey(slot), EncodeSecretKey(r).view());
}

void EraseSecretKey(Transaction& txn, std::uint8_t slot) { txn.Erase(SecretKeySlotKey(slot)); }

std::optional<std::uint8_t> LowestFreeSecretSlot(const Storage& s) {
  const std::vector<std::string> taken = s.Keys(kSecretKeyPrefix);  // sorted
  for (unsigned slot = secret::kFirstSlot; slot <= secret::kLastSlot; ++slot) {
    const std::string key = SecretKeySlotKey(static_cast<std::uint8_t>(slot));
    if (!std::binary_search(taken.begin(), taken.end(), key)) {
      return static_cast<std::uint8_t>(slot);
    }
  }
  return std::nullopt;
}

}  // namespace tessera::sim::piv_applet

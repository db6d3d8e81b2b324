#include "firmware-sim/applets/piv/piv_records.hpp"

namespace tessera::sim::piv_applet {
namespace {

constexpr std::uint8_t kRecordVersion = 1;

std::string HexByte(std::uint8_t b) { return ToHex(Bytes{b}); }

Status Truncated(const char* what) {
  return Status::Corrupt(std::string("piv: truncated ") + what);
}

Result<std::uint8_t> ReadVersion(ByteReader& in, const char* what) {
  auto v = in.U8();
  if (!v.ok() || *v != kRecordVersion) {
    return Status::Corrupt(std::string("piv: unknown ") + what + " record version");
  }
  return *v;
}

Result<piv::Algorithm> ReadAlgorithm(ByteReader& in, const char* what) {
  auto b = in.U8();
  if (!b.ok()) return Truncated(what);
  auto alg = piv::AlgorithmFromByte(*b);
  if (!alg) return Status::Corrupt(std::string("piv: bad algorithm in ") + what + " record");
  return *alg;
}

}  // namespace

std::string PinKey(std::uint8_t reference) {
  return reference == piv::key::kPuk ? "piv/puk" : "piv/pin";
}
std::string SlotKey(std::uint8_t slot) { return kKeyPrefix + HexByte(slot); }
std::string ObjectKey(std::uint32_t tag) {
  Bytes b;
  for (int shift = 16; shift >= 0; shift -= 8) {
    if ((tag >> shift) != 0 || shift == 0) b.push_back(static_cast<std::uint8_t>(tag >> shift));
  }
  return kObjectPrefix + ToHex(b);
}

SecureBytes EncodePin(const PinRecord& r) {
  SecureBytes out;
  std::uint8_t head[1] = {kRecordVersion};
  out.Append(head);
  out.Append(r.value.view());
  std::uint8_t tail[3] = {r.max_tries, r.tries_left, static_cast<std::uint8_t>(r.is_default)};
  out.Append(tail);
  return out;
}

Result<PinRecord> DecodePin(ByteView b) {
  ByteReader in(b);
  TESSERA_RETURN_IF_ERROR(ReadVersion(in, "PIN").status());
  PinRecord r;
  auto value = in.Take(kPinBlockSize);
  auto max = in.U8();
  auto left = in.U8();
  auto def = in.U8();
  if (!value.ok() || !max.ok() || !left.ok() || !def.ok() || !in.empty()) return Truncated("PIN");
  if (*left > *max) return Status::Corrupt("piv: PIN tries left exceed the maximum");
  r.value = SecureBytes(*value);
  r.max_tries = *max;
  r.tries_left = *left;
  r.is_default = *def != 0;
  return r;
}

SecureBytes EncodeManagementKey(const ManagementKeyRecord& r) {
  SecureBytes out;
  std::uint8_t head[5] = {kRecordVersion, static_cast<std::uint8_t>(r.algorithm),
                          static_cast<std::uint8_t>(r.touch_required),
                          static_cast<std::uint8_t>(r.is_default),
                          static_cast<std::uint8_t>(r.key.size())};
  out.Append(head);
  out.Append(r.key.view());
  return out;
}

Result<ManagementKeyRecord> DecodeManagementKey(ByteView b) {
  ByteReader in(b);
  TESSERA_RETURN_IF_ERROR(ReadVersion(in, "management key").status());
  ManagementKeyRecord r;
  TESSERA_ASSIGN_OR_RETURN(r.algorithm, ReadAlgorithm(in, "management key"));
  auto touch = in.U8();
  auto def = in.U8();
  auto len = in.U8();
  if (!touch.ok() || !def.ok() || !len.ok()) return Truncated("management key");
  auto key = in.Take(*len);
  if (!key.ok() || !in.empty() || !piv::IsSymmetric(r.algorithm) ||
      key->size() != piv::SymmetricKeySize(r.algorithm)) {
    return Status::Corrupt("piv: malformed management key record");
  }
  r.touch_required = *touch != 0;
  r.is_default = *def != 0;
  r.key = SecureBytes(*key);
  return r;
}

SecureBytes EncodeKey(const KeyRecord& r) {
  SecureBytes out;
  std::uint8_t head[5] = {kRecordVersion, static_cast<std::uint8_t>(r.algorithm),
                          static_cast<std::uint8_t>(r.pin_policy),
                          static_cast<std::uint8_t>(r.touch_policy),
                          static_cast<std::uint8_t>(r.origin)};
  out.Append(head);
  out.Append(r.private_key.view());
  return out;
}

Result<KeyRecord> DecodeKey(ByteView b) {
  ByteReader in(b);
  TESSERA_RETURN_IF_ERROR(ReadVersion(in, "key").status());
  KeyRecord r;
  TESSERA_ASSIGN_OR_RETURN(r.algorithm, ReadAlgorithm(in, "key"));
  auto pin = in.U8();
  auto touch = in.U8();
  auto origin = in.U8();
  if (!pin.ok() || !touch.ok() || !origin.ok() || in.empty()) return Truncated("key");
  // Stored policies are always resolved (never kDefault).
  if (*pin < 1 || *pin > 3 || *touch < 1 || *touch > 3 || *origin < 1 || *origin > 2 ||
      piv::IsSymmetric(r.algorithm)) {
    return Status::Corrupt("piv: malformed key record");
  }
  r.pin_policy = static_cast<piv::PinPolicy>(*pin);
  r.touch_policy = static_cast<piv::TouchPolicy>(*touch);
  r.origin = static_cast<piv::KeyOrigin>(*origin);
  r.private_key = SecureBytes(*in.Take(in.remaining()));
  return r;
}

Result<PinRecord> LoadPin(const Storage& s, std::uint8_t reference) {
  auto raw = s.Get(PinKey(reference));
  if (!raw) return Status::Corrupt("piv: " + PinKey(reference) + " missing");
  return DecodePin(raw->view());
}

Result<ManagementKeyRecord> LoadManagementKey(const Storage& s) {
  auto raw = s.Get(kManagementKeyKey);
  if (!raw) return Status::Corrupt("piv: management key record missing");
  return DecodeManagementKey(raw->view());
}

Result<std::optional<KeyRecord>> LoadKey(const Storage& s, std::uint8_t slot) {
  auto raw = s.Get(SlotKey(slot));
  if (!raw) return std::optional<KeyRecord>();
  TESSERA_ASSIGN_OR_RETURN(KeyRecord r, DecodeKey(raw->view()));
  return std::optional<KeyRecord>(std::move(r));
}

std::optional<SecureBytes> LoadObject(const Storage& s, std::uint32_t tag) {
  return s.Get(ObjectKey(tag));
}

void PutPin(Transaction& txn, std::uint8_t reference, const PinRecord& r) {
  txn.Put(PinKey(reference), EncodePin(r).view());
}
void PutManagementKey(Transaction& txn, const ManagementKeyRecord& r) {
  txn.Put(kManagementKeyKey, EncodeManagementKey(r).view());
}
void PutKey(Transaction& txn, std::uint8_t slot, const KeyRecord& r) {
  txn.Put(SlotKey(slot), EncodeKey(r).view());
}
void PutObject(Transaction& txn, std::uint32_t tag, ByteView value) {
  txn.Put(ObjectKey(tag), value);
}

}  // namespace tessera::sim::piv_applet

#include "firmware-sim/os/state_codec.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "firmware-sim/os/crc32.hpp"

namespace tessera::sim {
namespace {

constexpr std::uint8_t kKindPut = 0;
constexpr std::uint8_t kKindErase = 1;

void AppendU8(SecureBytes& out, std::uint8_t v) { out.Append(ByteView(&v, 1)); }
void AppendU16(SecureBytes& out, std::uint16_t v) {
  const std::uint8_t b[2] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  out.Append(b);
}
void AppendU32(SecureBytes& out, std::uint32_t v) {
  AppendU16(out, static_cast<std::uint16_t>(v >> 16));
  AppendU16(out, static_cast<std::uint16_t>(v));
}

// One entry: u16 key length | key | u8 kind | u32 value length | value.
Status AppendEntry(SecureBytes& out, std::string_view key, const SecureBytes* value) {
  if (key.size() > std::numeric_limits<std::uint16_t>::max()) {
    return Status::InvalidArgument("storage key longer than 65535 bytes");
  }
  const std::size_t value_size = value != nullptr ? value->size() : 0;
  if (value_size > std::numeric_limits<std::uint32_t>::max()) {
    return Status::NoSpace("storage value longer than 4 GiB");
  }
  AppendU16(out, static_cast<std::uint16_t>(key.size()));
  out.Append(AsBytes(key));
  AppendU8(out, value != nullptr ? kKindPut : kKindErase);
  AppendU32(out, static_cast<std::uint32_t>(value_size));
  if (value != nullptr) out.Append(value->view());
  return Status::Ok();
}

// Frames `body` as magic | u32 length | body | u32 crc32(body).
Result<SecureBytes> Frame(std::string_view magic, const SecureBytes& body, std::size_t max_body) {
  if (body.size() > max_body) return Status::NoSpace("state larger than the file format allows");
  SecureBytes out;
  out.Append(AsBytes(magic));
  AppendU32(out, static_cast<std::uint32_t>(body.size()));
  out.Append(body.view());
  AppendU32(out, Crc32(body.view()));
  return out;
}

std::string At(std::size_t offset) { return " at offset " + std::to_string(offset); }

// Decodes a list of entries into a Transaction; a snapshot may hold only puts.
Result<Transaction> DecodeEntries(ByteView list, bool allow_erase, std::size_t base) {
  Transaction txn;
  ByteReader r(list);
  while (!r.empty()) {
    const std::size_t entry_at = base + r.position();
    auto key_len = r.U16();
    if (!key_len.ok()) return Status::Corrupt("entry cut short" + At(entry_at));
    auto key = r.Take(*key_len);
    auto kind = r.U8();
    auto value_len = r.U32();
    if (!key.ok() || !kind.ok() || !value_len.ok())
      return Status::Corrupt("entry cut short" + At(entry_at));
    auto value = r.Take(*value_len);
    if (!value.ok()) return Status::Corrupt("entry value runs past its list" + At(entry_at));
    if (*kind == kKindPut) {
      txn.Put(AsString(*key), *value);
    } else if (*kind == kKindErase && allow_erase && value->empty()) {
      txn.Erase(AsString(*key));
    } else {
      return Status::Corrupt("impossible entry kind " + std::to_string(*kind) + At(entry_at));
    }
  }
  return txn;
}

bool HasPrefix(ByteView data, std::string_view expected, std::size_t n) {
  return std::equal(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n),
                    AsBytes(expected).begin());
}

// Where one journal record starting at `offset` ends, or nullopt when the
// image ends inside it. Only a commit the power cut short ends that way: the
// bytes present must still be a prefix of a well-formed record.
Result<std::optional<std::size_t>> ReplayRecord(ByteView image, std::size_t offset,
                                                StateMap& state) {
  const ByteView rec = image.subspan(offset);
  if (!HasPrefix(rec, kRecordMagic, std::min(rec.size(), kRecordMagic.size()))) {
    return Status::Corrupt("bad journal record magic" + At(offset));
  }
  if (rec.size() < 8) return std::optional<std::size_t>();
  const std::size_t len = GetU32(rec.subspan(4));
  if (len > kMaxRecordPayload) return Status::Corrupt("impossible record length" + At(offset));
  const std::size_t body_end = 8 + len + 4;
  if (rec.size() < body_end) return std::optional<std::size_t>();
  const std::size_t marker = std::min(rec.size() - body_end, kRecordEnd.size());
  if (!HasPrefix(rec.subspan(body_end), kRecordEnd, marker)) {
    return Status::Corrupt("journal record without its END! marker" + At(offset));
  }
  if (marker < kRecordEnd.size()) return std::optional<std::size_t>();
  // The marker is written only after the record is synced, so a complete
  // record with a bad CRC was damaged after the commit: corruption.
  const ByteView payload = rec.subspan(8, len);
  if (Crc32(payload) != GetU32(rec.subspan(8 + len))) {
    return Status::Corrupt("bad journal record CRC" + At(offset));
  }
  TESSERA_ASSIGN_OR_RETURN(Transaction txn,
                           DecodeEntries(payload, /*allow_erase=*/true, offset + 8));
  ApplyTransaction(txn, state);
  return std::optional<std::size_t>(body_end + kRecordEnd.size());
}

Status DecodeSnapshot(ByteView image, DecodedState& out) {
  if (image.size() < kStateHeaderSize) {
    return Status::Corrupt("truncated header: " + std::to_string(image.size()) + " bytes");
  }
  if (!HasPrefix(image, kStateFileMagic, kStateFileMagic.size()))
    return Status::Corrupt("bad magic");
  const std::size_t len = GetU32(image.subspan(kStateFileMagic.size()));
  if (image.size() - kStateHeaderSize < len + 4) {
    return Status::Corrupt("truncated snapshot: " + std::to_string(len) + " bytes declared");
  }
  const ByteView snapshot = image.subspan(kStateHeaderSize, len);
  if (Crc32(snapshot) != GetU32(image.subspan(kStateHeaderSize + len))) {
    return Status::Corrupt("bad snapshot CRC");
  }
  TESSERA_ASSIGN_OR_RETURN(Transaction txn,
                           DecodeEntries(snapshot, /*allow_erase=*/false, kStateHeaderSize));
  ApplyTransaction(txn, out.state);
  out.snapshot_end = kStateHeaderSize + len + 4;
  return Status::Ok();
}

}  // namespace

void ApplyTransaction(const Transaction& txn, StateMap& state) {
  for (const auto& op : txn.ops()) {
    if (op.value) {
      state.insert_or_assign(op.key, op.value->Clone());
    } else if (auto it = state.find(op.key); it != state.end()) {
      state.erase(it);
    }
  }
}

StateMap CloneState(const StateMap& state) {
  StateMap out;
  for (const auto& [key, value] : state) out.emplace_hint(out.end(), key, value.Clone());
  return out;
}

Result<SecureBytes> EncodeStateFile(const StateMap& state) {
  SecureBytes snapshot;
  for (const auto& [key, value] : state)
    TESSERA_RETURN_IF_ERROR(AppendEntry(snapshot, key, &value));
  return Frame(kStateFileMagic, snapshot, std::numeric_limits<std::uint32_t>::max());
}

Result<SecureBytes> EncodeRecord(const Transaction& txn) {
  SecureBytes payload;
  for (const auto& op : txn.ops()) {
    TESSERA_RETURN_IF_ERROR(AppendEntry(payload, op.key, op.value ? &*op.value : nullptr));
  }
  return Frame(kRecordMagic, payload, kMaxRecordPayload);
}

Result<DecodedState> DecodeStateFile(ByteView image) {
  DecodedState out;
  TESSERA_RETURN_IF_ERROR(DecodeSnapshot(image, out));
  std::size_t offset = out.snapshot_end;
  while (offset < image.size()) {
    TESSERA_ASSIGN_OR_RETURN(std::optional<std::size_t> size,
                             ReplayRecord(image, offset, out.state));
    if (!size) {
      out.torn_tail = true;
      break;
    }
    offset += *size;
    ++out.records;
  }
  out.valid_end = offset;
  return out;
}

}  // namespace tessera::sim
